"""The installed `acct-tui report --org`, run as a nightly job would (no terminal), against
an organization made on a real moto_server: the management account 123456789012 and two
member accounts, alpha and beta, in the OU Prod (moto makes OrganizationAccountAccessRole
in each account it creates, and hands out keys acting in the member for AssumeRole).

Every run goes through the fault proxy, which stubs the account summary to say root has
MFA (moto's never does), so no critical check fails, and which can deny one
``sts:AssumeRole`` (moto never refuses one) or the organization's own calls.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import jsonschema
import pytest
from referencing import Registry, Resource

from tests.support.faultproxy import FaultProxy
from tests.wire.test_report_cli import SUMMARY, report

pytestmark = pytest.mark.server

ROOT = Path(__file__).resolve().parents[2]
MANAGEMENT = "123456789012"
ROLE = "OrganizationAccountAccessRole"
ADMIN_POLICY = "arn:aws:iam::aws:policy/AdministratorAccess"


def org_schema() -> jsonschema.protocols.Validator:
    """docs/report-org-schema.json, its accounts' reports checked by docs/report-schema.json."""
    documents = {
        name: json.loads((ROOT / "docs" / name).read_text())
        for name in ("report-org-schema.json", "report-schema.json")
    }
    registry: Registry[Any] = Registry().with_resource(
        "report-schema.json", Resource.from_contents(documents["report-schema.json"])
    )
    return jsonschema.Draft202012Validator(documents["report-org-schema.json"], registry=registry)


def as_json(stdout: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(stdout)
    org_schema().validate(document)
    return document


def client(service: str, url: str, keys: dict[str, str] | None = None) -> Any:
    keys = keys or {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    return boto3.client(service, endpoint_url=url, region_name="us-east-1", **keys)


@dataclass(frozen=True)
class Org:
    moto: str  # the moto_server itself, for setting things up
    url: str  # the fault proxy in front of it: what acct-tui is given
    proxy: FaultProxy
    members: dict[str, str]  # name → account id

    def give_admins(self, account: str) -> None:
        """An administrators group with a user in ``account``: its high checks pass."""
        keys = None
        if account != MANAGEMENT:
            credentials = client("sts", self.moto).assume_role(
                RoleArn=f"arn:aws:iam::{account}:role/{ROLE}", RoleSessionName="setup"
            )["Credentials"]
            keys = {
                "aws_access_key_id": credentials["AccessKeyId"],
                "aws_secret_access_key": credentials["SecretAccessKey"],
                "aws_session_token": credentials["SessionToken"],
            }
        iam = client("iam", self.moto, keys)
        iam.create_group(GroupName="admins")
        iam.attach_group_policy(GroupName="admins", PolicyArn=ADMIN_POLICY)
        iam.create_user(UserName="ops")
        iam.add_user_to_group(GroupName="admins", UserName="ops")


@pytest.fixture
def org(moto_reset: str) -> Iterator[Org]:
    organizations = client("organizations", moto_reset)
    organizations.create_organization(FeatureSet="ALL")
    root = organizations.list_roots()["Roots"][0]["Id"]
    prod = organizations.create_organizational_unit(ParentId=root, Name="Prod")
    members = {}
    for name in ("alpha", "beta"):
        status = organizations.create_account(AccountName=name, Email=f"{name}@example.com")
        account = status["CreateAccountStatus"]["AccountId"]
        organizations.move_account(
            AccountId=account,
            SourceParentId=root,
            DestinationParentId=prod["OrganizationalUnit"]["Id"],
        )
        members[name] = account
    with FaultProxy(moto_reset) as proxy:
        proxy.stub("iam:GetAccountSummary", SUMMARY)
        yield Org(moto_reset, proxy.url, proxy, members)


def org_report(org: Org, *args: str) -> Any:
    return report("--org", "--endpoint-url", org.url, *args)


# ------------------------------------------------------------------------------ json shape
def test_json_has_every_account_with_the_one_account_report(org: Org) -> None:
    result = org_report(org, "--format", "json")
    assert result.stderr == ""
    document = as_json(result.stdout)
    assert document["organization"]["management_account_id"] == MANAGEMENT
    assert document["organization"]["id"].startswith("o-")
    assert document["role"] == ROLE
    accounts = {a["id"]: a for a in document["accounts"]}
    assert set(accounts) == {MANAGEMENT, *org.members.values()}
    assert accounts[MANAGEMENT]["via_role"] is None  # the caller's own credentials
    for name, account in org.members.items():
        entry = accounts[account]
        assert (entry["name"], entry["email"]) == (name, f"{name}@example.com")
        assert (entry["status"], entry["ou_path"], entry["via_role"]) == (
            "ACTIVE",
            "Root/Prod",
            ROLE,
        )
        # The member's own report: read in the member account, through the role.
        assert entry["report"]["account_id"] == account
        assert f":{account}:assumed-role/{ROLE}/" in entry["report"]["caller_arn"]
    assert accounts[MANAGEMENT]["ou_path"] == "Root"

    # The same checks as the one-account report of the caller's account.
    single = json.loads(report("--format", "json", "--endpoint-url", org.url).stdout)
    for entry in accounts.values():
        assert [f["id"] for f in entry["report"]["findings"]] == [
            f["id"] for f in single["findings"]
        ]
    summary = document["summary"]
    assert (summary["accounts"], summary["read"], summary["failed"]) == (3, 3, 0)
    assert summary["worst_severity"] == "high"  # no administrators group anywhere
    assert result.returncode == 1
    # Each member read cost one sts:AssumeRole.
    assert org.proxy.count("sts:AssumeRole") == 2


# ------------------------------------------------------------------------------ exit status
def test_one_failing_member_fails_the_run_whatever_the_others(org: Org) -> None:
    gate = ("--format", "json", "--fail-on", "high", "--unknown", "ignore")
    for account in (MANAGEMENT, org.members["alpha"]):
        org.give_admins(account)
    result = org_report(org, *gate)
    assert result.returncode == 1, result.stderr  # beta has no administrators group
    document = as_json(result.stdout)
    failing = {
        a["name"]
        for a in document["accounts"]
        if any(f["status"] == "fail" and f["severity"] == "high" for f in a["report"]["findings"])
    }
    assert failing == {"beta"}
    assert document["summary"]["to_fix"] == 3  # medium and low failures count as to fix

    assert org_report(org, *gate[:2], "--fail-on", "critical").returncode == 0
    org.give_admins(org.members["beta"])
    assert org_report(org, *gate).returncode == 0


def test_a_denied_member_fails_alone_and_counts_as_unknown(org: Org) -> None:
    gate = ("--format", "json", "--fail-on", "critical", "--org-concurrency", "1")
    assert org_report(org, *gate).returncode == 0  # nothing critical fails or is unknown

    org.proxy.inject("sts:AssumeRole", "denied", times=1)
    result = org_report(org, *gate)
    assert result.returncode == 1, result.stderr  # --unknown fail, the default
    document = as_json(result.stdout)
    denied = [a for a in document["accounts"] if "error" in a]
    assert len(denied) == 1
    error = denied[0]["error"]
    assert (error["action"], error["code"]) == ("sts:AssumeRole", "AccessDenied")
    assert f"The role {ROLE} must exist in account {denied[0]['id']}" in error["hint"]
    assert "policies/acct-tui-org-read.json" in error["hint"]
    assert sum("report" in a for a in document["accounts"]) == 2  # the others load
    summary = document["summary"]
    assert (summary["read"], summary["failed"]) == (2, 1)
    assert "1 account not read" in summary["verdict"]

    org.proxy.inject("sts:AssumeRole", "denied", times=1)
    ignored = org_report(org, *gate, "--unknown", "ignore")
    assert ignored.returncode == 0, ignored.stderr
    assert sum("error" in a for a in as_json(ignored.stdout)["accounts"]) == 1

    org.proxy.inject("sts:AssumeRole", "denied", times=1)
    text = org_report(org, "--fail-on", "critical", "--org-concurrency", "1")
    assert text.returncode == 1
    assert f"? access denied assuming {ROLE} in {denied[0]['id']}" in text.stdout


# ------------------------------------------------------------------------------ formats
def test_text_markdown_and_csv_cover_every_account(org: Org) -> None:
    ids = [MANAGEMENT, org.members["alpha"], org.members["beta"]]
    text = org_report(org)
    assert text.returncode == 1 and text.stderr == ""
    for account in ids:
        assert f"== {account} · " in text.stdout
    assert text.stdout.count("[FAIL] admin-group · no CIS id · high") == 3
    assert "\x1b" not in text.stdout

    markdown = org_report(org, "--format", "markdown").stdout
    table = [line for line in markdown.splitlines() if line.startswith("| ")]
    assert [row.split(" | ")[0][2:] for row in table[2:5]] == ids
    assert markdown.count("#### admin-group: ") == 3  # each account's details, one level down

    rows = list(csv.reader(io.StringIO(org_report(org, "--format", "csv").stdout, newline="")))
    assert rows[0][:3] == ["account_id", "account_name", "id"]
    by_account = {account: [r for r in rows[1:] if r[0] == account] for account in ids}
    single = json.loads(report("--format", "json", "--endpoint-url", org.url).stdout)
    for account in ids:
        assert [r[2] for r in by_account[account]] == [f["id"] for f in single["findings"]]


# ------------------------------------------------------------------------------ exit 2
def test_not_in_an_organization_exits_2_with_the_reason(moto_reset: str) -> None:
    result = report("--org", "--endpoint-url", moto_reset)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "acct-tui: cannot list the organization: organizations:" in result.stderr
    assert "AWSOrganizationsNotInUseException" in result.stderr
    assert "This account is not in an AWS Organization" in result.stderr


def test_list_accounts_denied_exits_2_with_the_policy_hint(org: Org) -> None:
    org.proxy.inject("organizations:ListAccounts", "denied")
    result = org_report(org, "--format", "json")
    assert result.returncode == 2
    assert result.stdout == ""
    assert "organizations:ListAccounts failed: AccessDeniedException" in result.stderr
    assert "policies/acct-tui-org-read.json" in result.stderr
    assert org.proxy.count("sts:AssumeRole") == 0  # no member is read


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--org", "--org-role", "bad role!"],
            "argument --org-role: 'bad role!' is not an IAM role name",
        ),
        (["--org", "--org-role", "x" * 65], "is not an IAM role name (1-64 letters"),
        (
            ["--org", "--org-concurrency", "0"],
            "argument --org-concurrency: member accounts read at once: 1 to 64",
        ),
        (
            ["--org", "--org-concurrency", "65"],
            "argument --org-concurrency: member accounts read at once: 1 to 64",
        ),
        (["--org", "--format", "sarif"], "--format sarif is one account's log"),
        (["--org-role", "Audit"], "--org-role only applies with --org"),
    ],
)
def test_org_usage_errors_exit_2_before_any_call(
    moto_reset: str, args: list[str], message: str
) -> None:
    with FaultProxy(moto_reset) as proxy:
        result = report(*args, "--endpoint-url", proxy.url)
        assert proxy.counts() == {}  # not even sts:GetCallerIdentity
    assert result.returncode == 2
    assert message in result.stderr
    assert "usage: acct-tui report" in result.stderr
    assert result.stdout == ""


def test_the_demo_organization() -> None:
    """``report --org --demo``: the demo organization (``DemoServer.start(org=True)``), with
    a member whose role is denied and a closed one."""
    result = report("--org", "--demo", "--format", "json", key=None)
    assert result.returncode == 1, result.stderr  # --unknown fail: a member is not read
    document = as_json(result.stdout)
    assert document["organization"]["management_account_id"] == MANAGEMENT
    codes = {a.get("error", {}).get("code") for a in document["accounts"]}
    assert {"AccessDenied", "AccountNotActive"} <= codes
    assert sum("report" in a for a in document["accounts"]) >= 2
