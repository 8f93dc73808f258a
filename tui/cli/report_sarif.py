"""``acct-tui report --format sarif``: SARIF 2.1.0.

One rule per check (its CIS ids in ``properties.cis`` and as ``CIS x.y`` tags), and one
result per check, so a SARIF log holds every check as the other formats do:

- fail → ``kind: fail``, ``level: error`` for critical and high, ``warning`` for medium
  and low;
- unknown → ``kind: open`` (SARIF's "insufficient information to decide whether a problem
  exists"), ``level: none`` (the only level SARIF allows with a kind other than fail);
- info → ``kind: informational``; pass → ``kind: pass`` (both ``level: none``).

An account has no files: a result's locations are logical locations, the account
(``aws:account/123456789012``) or, for a check about resources, each affected resource
(``aws:account/123456789012/<name>``). Parts that could not be read are notifications of
the invocation, which is then not ``executionSuccessful``.
"""

from __future__ import annotations

import json
from typing import Any

from tui.aws.findings import Finding, Severity, Status
from tui.cli.report_data import TOOL, Report, fix_document, severity_name

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_KIND = {
    Status.FAIL: "fail",
    Status.UNKNOWN: "open",
    Status.INFO: "informational",
    Status.PASS: "pass",
}


def level(finding: Finding) -> str:
    """The SARIF level: error/warning for a failing check by severity, else none."""
    if finding.status is not Status.FAIL:
        return "none"
    return "error" if finding.severity <= Severity.HIGH else "warning"


def _rule(finding: Finding) -> dict[str, Any]:
    text = finding.title
    fix = finding.fix
    help_text = fix.label if fix else text
    if fix and fix.console_steps:
        help_text += "\n" + "\n".join(f"{n}. {s}" for n, s in enumerate(fix.console_steps, 1))
    rule: dict[str, Any] = {
        "id": finding.id,
        "name": finding.id,
        "shortDescription": {"text": text},
        "help": {"text": help_text},
        "defaultConfiguration": {
            "level": "error" if finding.severity <= Severity.HIGH else "warning"
        },
        "properties": {
            "cis": list(finding.cis),
            "severity": severity_name(finding.severity),
            "tags": [f"CIS {c}" for c in finding.cis] + ["security"],
        },
    }
    if fix and fix.url:
        rule["helpUri"] = fix.url
    return rule


def _locations(report: Report, finding: Finding) -> list[dict[str, Any]]:
    account = f"aws:account/{report.account_id or 'unknown'}"
    if not finding.subjects:
        target = {"name": report.account_id or "unknown", "fullyQualifiedName": account}
        return [{"logicalLocations": [{**target, "kind": "namespace"}]}]
    return [
        {
            "logicalLocations": [
                {"name": s, "fullyQualifiedName": f"{account}/{s}", "kind": "resource"}
            ]
        }
        for s in finding.subjects
    ]


def _result(report: Report, index: int, finding: Finding) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.id,
        "ruleIndex": index,
        "kind": _KIND[finding.status],
        "level": level(finding),
        "message": {"text": finding.reason},
        "locations": _locations(report, finding),
        "properties": {"status": finding.status.value, "cis": list(finding.cis)},
    }
    fix = fix_document(finding)
    if fix is not None:
        result["properties"]["fix"] = fix
    return result


def sarif_document(report: Report) -> dict[str, Any]:
    notifications = [
        {
            "level": "error",
            "message": {"text": f"{u.part} not read: {u.action} {u.code}: {u.message}"},
            "descriptor": {"id": u.part},
        }
        for u in report.unread
    ]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": TOOL,
                "version": report.tool_version,
                "rules": [_rule(f) for f in report.findings],
                "properties": {"benchmark": report.benchmark},
            }
        },
        "invocations": [
            {
                "executionSuccessful": not report.unread,
                "endTimeUtc": report.generated_at.isoformat().replace("+00:00", "Z"),
                "toolExecutionNotifications": notifications,
            }
        ],
        "results": [_result(report, i, f) for i, f in enumerate(report.findings)],
        "properties": {
            "account_id": report.account_id,
            "account_alias": report.account_alias,
            "caller_arn": report.caller_arn,
            "verdict": report.verdict,
        },
    }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def render_sarif(report: Report) -> str:
    return json.dumps(sarif_document(report), indent=2, ensure_ascii=False) + "\n"
