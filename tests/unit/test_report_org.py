"""`acct-tui report --org`'s formats and exit status, over member reads built by hand.

An account that could not be read is never shown or counted as passing; a suspended one
is listed but does not fail the run; AWS text (an account name with ``|``, a line break,
an ESC and a leading ``=``) is data in every format. The JSON is validated against
docs/report-org-schema.json, whose accounts' reports are docs/report-schema.json.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from referencing import Registry, Resource

from tui.aws.errors import AwsError
from tui.aws.findings import Finding, Severity, Status
from tui.aws.models import Posture
from tui.aws.org import MemberAccount, MemberRead, Organization
from tui.cli.report_data import EXIT_CLEAR, EXIT_FAILING
from tui.cli.report_org_data import build_org_report, json_org_document, org_exit_status
from tui.cli.report_org_text import render_org_csv, render_org_markdown, render_org_text

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
HOSTILE = "=cmd|x\nnext \x1b[31mred"
ROLE = "OrganizationAccountAccessRole"


def finding(check: str, severity: Severity, status: Status) -> Finding:
    return Finding(check, check.title(), severity, status, f"{check} is {status.value}")


def read(
    account: str,
    name: str,
    *findings: Finding,
    error: AwsError | None = None,
    status: str = "ACTIVE",
) -> MemberRead:
    member = MemberAccount(account, name, f"{account}@example.com", status, ou_path="Root/Prod")
    if error is not None:
        return MemberRead(member, ROLE, error=error, read_at=NOW)
    return MemberRead(member, ROLE, posture=Posture(), findings=findings, read_at=NOW)


DENIED = AwsError(
    "sts:AssumeRole",
    "AccessDenied",
    "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: sts:AssumeRole",
)
SUSPENDED = AwsError("organizations:ListAccounts", "AccountNotActive", "the account is SUSPENDED")


def org_report(*reads: MemberRead) -> Any:
    organization = Organization("o-abc123", "123456789012", tuple(r.account for r in reads))
    return build_org_report(organization, reads, NOW, role=ROLE, caller_account_id="123456789012")


CLEAN = read("111111111111", "clean", finding("root-mfa", Severity.CRITICAL, Status.PASS))
HIGH = read(
    "222222222222",
    HOSTILE,
    finding("root-mfa", Severity.CRITICAL, Status.PASS),
    finding("admin-group", Severity.HIGH, Status.FAIL),
)
UNKNOWN = read("333333333333", "unknown", finding("root-mfa", Severity.CRITICAL, Status.UNKNOWN))


def validator() -> jsonschema.Draft202012Validator:
    docs = {
        n: json.loads((ROOT / "docs" / n).read_text())
        for n in ("report-schema.json", "report-org-schema.json")
    }
    registry: Registry[Any] = Registry().with_resource(
        "report-schema.json", Resource.from_contents(docs["report-schema.json"])
    )
    return jsonschema.Draft202012Validator(docs["report-org-schema.json"], registry=registry)


def test_the_worst_account_sets_the_exit_status() -> None:
    assert org_exit_status(org_report(CLEAN), Severity.LOW, True) == EXIT_CLEAR
    assert org_exit_status(org_report(CLEAN, HIGH), Severity.HIGH, True) == EXIT_FAILING
    assert org_exit_status(org_report(CLEAN, HIGH), Severity.CRITICAL, True) == EXIT_CLEAR
    assert org_exit_status(org_report(CLEAN, UNKNOWN), Severity.CRITICAL, True) == EXIT_FAILING
    assert org_exit_status(org_report(CLEAN, UNKNOWN), Severity.CRITICAL, False) == EXIT_CLEAR


def test_an_unread_account_counts_as_unknown_and_a_suspended_one_does_not() -> None:
    denied = org_report(CLEAN, read("444444444444", "denied", error=DENIED))
    assert org_exit_status(denied, Severity.CRITICAL, True) == EXIT_FAILING
    assert org_exit_status(denied, Severity.CRITICAL, False) == EXIT_CLEAR
    closed = org_report(CLEAN, read("555555555555", "closed", error=SUSPENDED, status="SUSPENDED"))
    assert org_exit_status(closed, Severity.CRITICAL, True) == EXIT_CLEAR
    assert closed.summary()["failed"] == 1
    assert "all clear" not in closed.summary()["verdict"]


def test_json_matches_the_published_schema() -> None:
    report = org_report(CLEAN, HIGH, UNKNOWN, read("444444444444", "denied", error=DENIED))
    document = json_org_document(report)
    validator().validate(document)
    summary = document["summary"]
    assert summary == {
        "accounts": 4,
        "read": 3,
        "failed": 1,
        "to_fix": 1,
        "with_unknown": 1,
        "worst_severity": "high",
        "verdict": "1 account to fix · 1 account with unknown checks · 1 account not read "
        "(4 accounts)",
    }
    denied = document["accounts"][3]
    assert "report" not in denied
    assert denied["error"]["action"] == "sts:AssumeRole"
    assert "must exist in account 444444444444" in denied["error"]["hint"]
    findings = document["accounts"][1]["report"]["findings"]
    assert {f["id"]: f["status"] for f in findings} == {"root-mfa": "pass", "admin-group": "fail"}


def test_the_schema_rejects_an_account_with_both_a_report_and_an_error() -> None:
    document = json_org_document(org_report(CLEAN))
    document["accounts"][0]["error"] = {"action": "a", "code": "b", "message": "", "hint": ""}
    with pytest.raises(jsonschema.ValidationError):
        validator().validate(document)


def test_text_puts_the_summary_first_and_aws_text_as_data() -> None:
    text = render_org_text(org_report(CLEAN, HIGH, read("444444444444", "denied", error=DENIED)))
    head, _, sections = text.partition("\n== ")
    assert "111111111111  clean" in head and "all clear" in head
    assert "? access denied assuming OrganizationAccountAccessRole in 444444444444" in head
    assert "\x1b" not in text
    assert "== 222222222222 · =cmd|x␊next ␛[31mred · Root/Prod ==" in text
    assert "[FAIL] admin-group" in sections


def test_markdown_escapes_account_names_in_the_table() -> None:
    markdown = render_org_markdown(org_report(HIGH))
    row = next(line for line in markdown.splitlines() if line.startswith("| 222222222222"))
    assert "=cmd\\|x<br>next ␛\\[31mred" in row
    assert row.count(" | ") == 4  # five cells: the name's | does not split one


def test_csv_has_a_row_per_check_and_one_per_unread_account() -> None:
    out = render_org_csv(org_report(HIGH, read("444444444444", "denied", error=DENIED)))
    rows = list(csv.reader(io.StringIO(out, newline="")))
    assert rows[0][:3] == ["account_id", "account_name", "id"]
    assert [(r[0], r[1], r[2], r[5]) for r in rows[1:]] == [
        ("222222222222", "'" + HOSTILE, "root-mfa", "pass"),
        ("222222222222", "'" + HOSTILE, "admin-group", "fail"),
        ("444444444444", "denied", "account-not-read", "unknown"),
    ]
