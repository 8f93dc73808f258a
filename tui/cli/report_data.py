"""What ``acct-tui report`` knows: the findings of one read of the account, as plain data.

Built from a :class:`~tui.aws.models.Posture` and the findings ``tui.aws.checks.evaluate``
made of it (the same checks as the app's Recommendations pane). Every output format
(:mod:`tui.cli.report_text`, :mod:`tui.cli.report_sarif`) renders a :class:`Report`;
:func:`exit_status` decides the command's exit code from it.

Imports neither Textual nor Rich, nor boto3 (the caller passes the posture in).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import Any

from tui import __version__
from tui.aws.findings import CIS_BENCHMARK, Finding, Severity, Status, verdict
from tui.aws.models import Posture
from tui.aws.redact import mask_token_runs, redact
from tui.cli.options import without_userinfo

SCHEMA_VERSION = 1
TOOL = "acct-tui"
SEVERITIES = ("critical", "high", "medium", "low")
STATUSES = ("fail", "unknown", "info", "pass")
EXIT_CLEAR, EXIT_FAILING, EXIT_UNUSABLE = 0, 1, 2


def clean(text: str) -> str:
    """AWS or botocore text as the report may repeat it: secrets masked, no URL user info."""
    return without_userinfo(redact(text))


def severity_name(severity: Severity) -> str:
    return severity.name.lower()


@dataclass(frozen=True)
class Unread:
    """A part of the account that could not be read (its checks are unknown)."""

    part: str
    action: str
    code: str
    message: str
    hint: str


@dataclass(frozen=True)
class Report:
    """One read of the account and every check's outcome."""

    generated_at: datetime
    account_id: str | None
    account_alias: str | None
    caller_arn: str | None
    findings: tuple[Finding, ...]
    unread: tuple[Unread, ...] = ()
    tool_version: str = __version__
    benchmark: str = CIS_BENCHMARK

    @property
    def verdict(self) -> str:
        return verdict(self.findings)

    def counts(self) -> dict[str, int]:
        """How many checks have each status, and the total."""
        counts = {s: sum(f.status.value == s for f in self.findings) for s in STATUSES}
        return {"total": len(self.findings), **counts}

    def summary_line(self) -> str:
        """``2 to fix · 3 unknown (24 checks: 19 pass, 2 fail, 3 unknown, 0 info)``."""
        c = self.counts()
        detail = ", ".join(f"{c[s]} {s}" for s in ("pass", "fail", "unknown", "info"))
        return f"{self.verdict} ({c['total']} checks: {detail})"


def _cleaned(finding: Finding) -> Finding:
    return replace(finding, reason=clean(finding.reason))


def build_report(posture: Posture, findings: Sequence[Finding], now: datetime) -> Report:
    """The report of ``findings`` (already evaluated over ``posture``) at ``now``."""
    caller = posture.caller.value
    unread = []
    for f in fields(posture):
        error = getattr(posture, f.name).error
        if error is not None:
            message = mask_token_runs(clean(error.message))
            unread.append(Unread(f.name, error.action, error.code, message, clean(error.hint)))
    return Report(
        generated_at=now,
        account_id=caller.account_id if caller else None,
        account_alias=posture.alias,
        caller_arn=caller.arn if caller else None,
        findings=tuple(_cleaned(f) for f in findings),
        unread=tuple(unread),
    )


def nothing_read(posture: Posture) -> bool:
    """True when every part of the account failed: there is no report to give."""
    return all(getattr(posture, f.name).error is not None for f in fields(posture))


def exit_status(report: Report, fail_on: Severity, unknown_fails: bool) -> int:
    """1 when a check at or above ``fail_on`` fails (or, with ``unknown_fails``, could not
    be evaluated: it may be failing); else 0. Advice (INFO) and passes never count."""
    counted = {Status.FAIL, Status.UNKNOWN} if unknown_fails else {Status.FAIL}
    failing = any(f.status in counted and f.severity <= fail_on for f in report.findings)
    return EXIT_FAILING if failing else EXIT_CLEAR


def fix_document(finding: Finding) -> dict[str, Any] | None:
    """The fix as data; none for a passing check (nothing to do)."""
    if finding.fix is None or finding.status is Status.PASS:
        return None
    fix = finding.fix
    return {"label": fix.label, "console_steps": list(fix.console_steps), "url": fix.url}


def finding_document(finding: Finding) -> dict[str, Any]:
    return {
        "id": finding.id,
        "cis": list(finding.cis),
        "title": finding.title,
        "status": finding.status.value,
        "severity": severity_name(finding.severity),
        "reason": finding.reason,
        "subjects": list(finding.subjects),
        "fix": fix_document(finding),
    }


def json_document(report: Report) -> dict[str, Any]:
    """The JSON report (schema: docs/report-schema.json, ``schema_version`` 1)."""
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": TOOL, "version": report.tool_version},
        "benchmark": report.benchmark,
        "generated_at": report.generated_at.isoformat().replace("+00:00", "Z"),
        "account_id": report.account_id,
        "account_alias": report.account_alias,
        "caller_arn": report.caller_arn,
        "summary": {**report.counts(), "verdict": report.verdict},
        "findings": [finding_document(f) for f in report.findings],
        "unread": [
            {
                "part": u.part,
                "action": u.action,
                "code": u.code,
                "message": u.message,
                "hint": u.hint,
            }
            for u in report.unread
        ],
    }


def render_json(report: Report) -> str:
    return json.dumps(json_document(report), indent=2, ensure_ascii=False) + "\n"
