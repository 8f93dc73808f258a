"""The one list of IAM actions (tui/aws/permissions.py) and the policy files made from it.

tests/app/test_least_privilege.py runs both policies on an enforcing moto_server and counts
what each flow calls; here, without a server: the files match the list, every operation
the code names is in the list, and the read list only reads.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.operations import SERVICES, named_operations, operation_names
from tui.aws import permissions
from tui.aws.errors import AwsError, from_exception
from tui.aws.org_permissions import ASSUME_ACTION, ORG_READ_ACTIONS
from tui.aws.permissions import (
    ADMIN_ACTIONS,
    ADMIN_POLICY,
    READ_ACTIONS,
    READ_FLOWS,
    READ_POLICY,
    WRITE_ACTIONS,
    WRITE_FLOWS,
)
from tui.aws.session import read_only_allows

pytestmark = pytest.mark.privilege

ROOT = Path(__file__).resolve().parents[2]
POLICIES = ROOT / "policies"


def allowed(name: str) -> list[str]:
    doc = json.loads((POLICIES / name).read_text())
    return [a for s in doc["Statement"] if s["Effect"] == "Allow" for a in s["Action"]]


def test_policy_files_are_generated_from_the_list() -> None:
    assert permissions.stale(POLICIES) == [], "run: python -m tui.aws.permissions --write"
    assert sorted(allowed(READ_POLICY)) == sorted(READ_ACTIONS)
    assert sorted(allowed(ADMIN_POLICY)) == sorted(ADMIN_ACTIONS)
    for name in (READ_POLICY, ADMIN_POLICY):
        doc = json.loads((POLICIES / name).read_text())
        assert doc["Version"] == "2012-10-17"
        assert all(s["Resource"] == "*" for s in doc["Statement"])


def test_check_reports_drift_and_write_repairs_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert permissions.main(["--write", "--dir", str(tmp_path)]) == 0
    assert permissions.main(["--check", "--dir", str(tmp_path)]) == 0
    admin = tmp_path / ADMIN_POLICY
    admin.write_text(admin.read_text().replace('"iam:CreateUser",\n', ""))
    capsys.readouterr()
    assert permissions.main(["--check", "--dir", str(tmp_path)]) == 1
    assert f"{ADMIN_POLICY} is out of date" in capsys.readouterr().out
    assert permissions.main(["--write", "--dir", str(tmp_path)]) == 0
    assert permissions.main(["--check", "--dir", str(tmp_path)]) == 0


def test_every_operation_the_code_names_is_in_the_list() -> None:
    """A new boto3 call, or a new operation name in a plan, fails here until listed.

    Scans tui/ (the demo server aside: it is the stand-in AWS, not the app) for string
    constants that are operation names (``_call("CreateUser", …)``) and attributes that
    are client methods (``iam().list_account_aliases()``).
    """
    operations = operation_names()
    named = named_operations(ROOT / "tui", skip="demo")
    missing = {
        name: sorted(where)
        for name, where in named.items()
        if not operations[name] & {*ADMIN_ACTIONS, *ORG_READ_ACTIONS, ASSUME_ACTION}
    }
    assert missing == {}, f"named in the code but in no shipped policy: {missing}"
    assert len(named) > 50, "the scan found the operations (sanity)"


def test_the_read_list_only_reads_and_every_change_is_a_write() -> None:
    # --read-only lets exactly the read list through (tests/wire/test_read_only.py calls every
    # operation of the models): each read flow passes it…
    assert [a for a in READ_ACTIONS if not read_only_allows(a)] == []
    # …and every other action of every flow, the reads that write flows plan with
    # included, is refused by it.
    assert len(WRITE_ACTIONS) > 40
    assert [a for a in WRITE_ACTIONS if read_only_allows(a)] == []
    changes = [
        a
        for f in WRITE_FLOWS
        for a in f.actions
        if not a.split(":")[1].startswith(("Get", "List", "Describe"))
    ]
    assert len(changes) > 25
    assert not set(changes) & set(READ_ACTIONS)
    assert set(WRITE_ACTIONS).isdisjoint(READ_ACTIONS)
    assert {a for f in READ_FLOWS for a in f.needs} == set(READ_ACTIONS)


def test_actions_are_well_formed_and_known_to_botocore() -> None:
    operations = operation_names()
    known = {a for actions in operations.values() for a in actions}
    implied = {a for f in WRITE_FLOWS for a in f.implied}
    for action in ADMIN_ACTIONS:
        assert action in known, f"{action} is not an operation of {SERVICES}"
    assert implied == {"iam:TagUser", "iam:CreateServiceLinkedRole"}


def test_a_denied_action_names_the_policy_that_grants_it() -> None:
    read = from_exception(_denied("ListMFADevices"), "iam", "ListMFADevices")
    write = from_exception(_denied("CreateUser"), "iam", "CreateUser")
    assert read.denied and write.denied
    assert read.hint == f"Your identity needs iam:ListMFADevices: policies/{READ_POLICY} grants it"
    assert write.hint == f"Your identity needs iam:CreateUser: policies/{ADMIN_POLICY} grants it"
    assert isinstance(write, AwsError)
    assert "iam:CreateUser failed: AccessDenied" in write.summary()


def _denied(operation: str) -> Exception:
    from botocore.exceptions import ClientError

    return ClientError(
        {"Error": {"Code": "AccessDenied", "Message": f"not authorized to perform: {operation}"}},
        operation,
    )
