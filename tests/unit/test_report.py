"""`acct-tui report`'s formats and exit status, over findings built by hand.

Every format must list every check with its outcome; an unknown check is never shown or
counted as passing; text from AWS (here: a user name with ``|``, a line break, a Rich
tag, an ESC and a leading ``=``) is data in each format. The JSON is validated against
docs/report-schema.json and the SARIF against the official SARIF 2.1.0 schema
(tests/support/sarif-schema-2.1.0.json).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tui.aws.findings import Finding, Fix, Severity, Status
from tui.cli.options import without_userinfo
from tui.cli.report_data import EXIT_CLEAR, EXIT_FAILING, Report, exit_status, json_document
from tui.cli.report_sarif import sarif_document
from tui.cli.report_text import md_cell, render_csv, render_markdown, render_text

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = "=cmd|x\nnext [b]bold[/b] \x1b[31mred"
NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)

FINDINGS = (
    Finding(
        "root-mfa",
        "Root user has MFA",
        Severity.CRITICAL,
        Status.FAIL,
        "Root user has no MFA device",
        Fix(
            "Enable MFA for root in the console",
            console_steps=("Sign in as root", "Assign MFA device"),
            url="https://console.aws.amazon.com/iam/home#/security_credentials",
        ),
        cis=("1.4",),
    ),
    Finding(
        "user-mfa",
        "Console users have MFA",
        Severity.HIGH,
        Status.FAIL,
        f"1 console user(s) without MFA: {HOSTILE}",
        Fix("Enroll a virtual MFA device (m)", action="enroll_mfa"),
        subjects=(HOSTILE, "bob"),
        cis=("1.9",),
    ),
    Finding(
        "admin-group",
        "A group grants AdministratorAccess",
        Severity.HIGH,
        Status.UNKNOWN,
        "Cannot tell: iam:GetAccountAuthorizationDetails denied",
        Fix("Create the administrators group", action="admin_group"),
    ),
    Finding("root-central", "Root managed centrally", Severity.LOW, Status.INFO, "Not in an org"),
    Finding(
        "password-policy",
        "A strong password policy is set",
        Severity.MEDIUM,
        Status.PASS,
        "Strong",
        Fix("Set a strong password policy", action="password_policy"),
        cis=("1.7", "1.8"),
    ),
)


def report(*findings: Finding) -> Report:
    return Report(
        generated_at=NOW,
        account_id="123456789012",
        account_alias="acme",
        caller_arn="arn:aws:iam::123456789012:user/alice",
        findings=findings or FINDINGS,
    )


def schema(name: str) -> dict[str, Any]:
    path = ROOT / ("docs" if name == "report-schema.json" else "tests/support") / name
    loaded: dict[str, Any] = json.loads(path.read_text())
    return loaded


# ----------------------------------------------------------------------------- exit status
@pytest.mark.parametrize(
    ("fail_on", "unknown_fails", "expected"),
    [
        (Severity.LOW, True, EXIT_FAILING),
        (Severity.CRITICAL, True, EXIT_FAILING),  # root-mfa fails, critical
        (Severity.CRITICAL, False, EXIT_FAILING),
    ],
)
def test_a_failing_check_at_or_above_the_threshold_exits_1(
    fail_on: Severity, unknown_fails: bool, expected: int
) -> None:
    assert exit_status(report(), fail_on, unknown_fails) == expected


def test_thresholds_count_only_checks_at_or_above_them() -> None:
    medium_fail = Finding("old-keys", "Old keys", Severity.MEDIUM, Status.FAIL, "old")
    only = report(medium_fail, FINDINGS[4])
    assert exit_status(only, Severity.LOW, True) == EXIT_FAILING
    assert exit_status(only, Severity.MEDIUM, True) == EXIT_FAILING
    assert exit_status(only, Severity.HIGH, True) == EXIT_CLEAR
    assert exit_status(only, Severity.CRITICAL, True) == EXIT_CLEAR


def test_an_unknown_check_fails_the_run_unless_ignored() -> None:
    unknown = report(FINDINGS[2], FINDINGS[4])  # high unknown, and a pass
    assert exit_status(unknown, Severity.HIGH, unknown_fails=True) == EXIT_FAILING
    assert exit_status(unknown, Severity.HIGH, unknown_fails=False) == EXIT_CLEAR
    assert exit_status(unknown, Severity.CRITICAL, unknown_fails=True) == EXIT_CLEAR


def test_advice_never_fails_the_run() -> None:
    assert exit_status(report(FINDINGS[3], FINDINGS[4]), Severity.LOW, True) == EXIT_CLEAR


def test_unknown_is_never_counted_as_passing() -> None:
    unknown = report(FINDINGS[2], FINDINGS[4])
    counts = unknown.counts()
    assert counts == {"total": 2, "fail": 0, "unknown": 1, "info": 0, "pass": 1}
    assert unknown.verdict == "1 unknown"
    assert "all clear" not in unknown.summary_line()
    assert report(FINDINGS[3], FINDINGS[4]).verdict == "all clear · 1 note"


# ------------------------------------------------------------------------------------ text
def test_text_lists_every_check_with_its_details_literally() -> None:
    text = render_text(report())
    for finding in FINDINGS:
        assert f"[{finding.status.value.upper()}] {finding.id} · " in text
        assert finding.title in text
    assert "[FAIL] root-mfa · CIS 1.4 · critical" in text
    assert "[UNKNOWN] admin-group · no CIS id · high" in text
    assert "[PASS] password-policy · CIS 1.7, 1.8 · medium" in text
    assert "    1. Sign in as root\n    2. Assign MFA device\n" in text
    assert "https://console.aws.amazon.com/iam/home#/security_credentials" in text
    assert "Fix (once known): Create the administrators group" in text
    # AWS text: brackets and pipes as they are; a line break and ESC as visible stand-ins.
    assert "Affected: =cmd|x␊next [b]bold[/b] ␛[31mred, bob" in text
    assert "\x1b" not in text
    assert text.rstrip().endswith(
        "Summary: 2 to fix · 1 unknown (5 checks: 1 pass, 2 fail, 1 unknown, 1 info)"
    )


# -------------------------------------------------------------------------------- markdown
def _cells(row: str) -> list[str]:
    """A Markdown table row's cells, split on the pipes that are not escaped."""
    return re.split(r"(?<!\\)\|", row.strip())[1:-1]


def test_markdown_table_has_one_row_per_check_and_escapes_aws_text() -> None:
    text = render_markdown(report())
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert len(rows) == 2 + len(FINDINGS)  # the header and its rule, then a row per check
    assert all(len(_cells(row)) == 6 for row in rows)
    user_mfa = next(row for row in rows if "| user-mfa |" in row)
    assert "=cmd\\|x<br>next \\[b\\]bold\\[/b\\] ␛\\[31mred" in user_mfa
    assert "\n## Details\n" in text
    assert "### admin-group: A group grants AdministratorAccess" in text
    assert "**2 to fix · 1 unknown (5 checks: 1 pass, 2 fail, 1 unknown, 1 info)**" in text


def test_markdown_cell_escapes_html_and_every_line_break() -> None:
    assert md_cell("a|b\r\nc\rd\ne<script>&") == "a\\|b<br>c<br>d<br>e&lt;script>&amp;"


# ------------------------------------------------------------------------------------- csv
def test_csv_is_a_header_and_a_row_per_check() -> None:
    text = render_csv(report())
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0][:6] == ["id", "cis", "title", "status", "severity", "reason"]
    assert [r[0] for r in rows[1:]] == [f.id for f in FINDINGS]
    assert [r[3] for r in rows[1:]] == ["fail", "fail", "unknown", "info", "pass"]
    user_mfa = rows[2]
    # A cell a spreadsheet would run as a formula starts with ' instead; the line break
    # and the pipe survive the round trip.
    assert user_mfa[6] == "'" + HOSTILE + "\nbob"
    assert user_mfa[5] == f"1 console user(s) without MFA: {HOSTILE}"
    assert rows[1][8] == "Sign in as root\nAssign MFA device"
    assert rows[5][7] == ""  # a passing check has no fix
    assert "\r\n" in text


# ------------------------------------------------------------------------------------ json
def test_json_matches_the_published_schema() -> None:
    document = json.loads(json.dumps(json_document(report())))
    jsonschema.Draft202012Validator(schema("report-schema.json")).validate(document)
    assert document["schema_version"] == 1
    assert document["summary"] == {
        "total": 5,
        "fail": 2,
        "unknown": 1,
        "info": 1,
        "pass": 1,
        "verdict": "2 to fix · 1 unknown",
    }
    by_id = {f["id"]: f for f in document["findings"]}
    assert by_id["admin-group"]["status"] == "unknown"
    assert by_id["user-mfa"]["subjects"] == [HOSTILE, "bob"]
    assert by_id["password-policy"]["fix"] is None
    assert by_id["root-mfa"]["cis"] == ["1.4"]


def test_the_schema_rejects_a_report_that_breaks_it() -> None:
    document = json_document(report())
    document["findings"][0]["status"] = "passed"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema("report-schema.json")).validate(document)


# ----------------------------------------------------------------------------------- sarif
def test_sarif_matches_the_sarif_2_1_0_schema() -> None:
    document = json.loads(json.dumps(sarif_document(report())))
    sarif = schema("sarif-schema-2.1.0.json")
    jsonschema.validators.validator_for(sarif)(sarif).validate(document)
    run = document["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [f.id for f in FINDINGS]
    assert rules[0]["properties"]["cis"] == ["1.4"]
    assert "CIS 1.4" in rules[0]["properties"]["tags"]
    outcome = {r["ruleId"]: (r["kind"], r["level"]) for r in run["results"]}
    assert outcome == {
        "root-mfa": ("fail", "error"),
        "user-mfa": ("fail", "error"),
        "admin-group": ("open", "none"),
        "root-central": ("informational", "none"),
        "password-policy": ("pass", "none"),
    }
    names = [loc["logicalLocations"][0]["name"] for loc in run["results"][1]["locations"]]
    assert names == [HOSTILE, "bob"]


def test_sarif_levels_follow_severity() -> None:
    medium = Finding("old-keys", "Old keys", Severity.MEDIUM, Status.FAIL, "old")
    document = sarif_document(report(medium))
    assert document["runs"][0]["results"][0]["level"] == "warning"


# ------------------------------------------------------------------------------ no secret
def test_url_user_info_is_removed() -> None:
    text = 'Could not connect to "http://bob:hunter2@127.0.0.1:9/" or HTTPS://x@h/p'
    assert without_userinfo(text) == 'Could not connect to "http://127.0.0.1:9/" or HTTPS://h/p'


def test_the_report_command_loads_no_textual_or_rich() -> None:
    code = (
        "import sys, tui.cli.report, tui.cli.report_data, tui.cli.report_text, "
        "tui.cli.report_sarif; print(sorted(m for m in sys.modules "
        "if m.split('.')[0] in ('textual', 'rich')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
