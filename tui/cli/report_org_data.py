"""What ``acct-tui report --org`` knows: one report per member account, as plain data.

Each account that was read has exactly the one-account :class:`~tui.cli.report_data.Report`
(the same checks, the same JSON document); an account that could not be read (a role that
cannot be assumed, a read that failed, a suspended account) has an :class:`Unread` saying
why. :func:`org_exit_status` takes the worst account's exit status; :func:`json_org_document`
is described by docs/report-org-schema.json.

Imports neither Textual nor Rich, nor boto3.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from tui import __version__
from tui.aws.errors import AwsError
from tui.aws.findings import CIS_BENCHMARK, Severity, Status
from tui.aws.redact import mask_token_runs
from tui.cli.report_data import (
    EXIT_CLEAR,
    EXIT_FAILING,
    SCHEMA_VERSION,
    TOOL,
    Report,
    Unread,
    build_report,
    clean,
    exit_status,
    json_document,
)

if TYPE_CHECKING:
    from tui.aws.org import MemberAccount, MemberRead, Organization

NOT_ACTIVE = "AccountNotActive"


@dataclass(frozen=True)
class AccountEntry:
    """One member account: its report, or why it could not be read."""

    id: str
    name: str
    email: str
    status: str
    ou_path: str | None
    via_role: str | None  # None: the caller's own account, read with its own credentials
    report: Report | None = None
    error: Unread | None = None
    problem: str = ""  # the one line saying why it was not read ("" when it was)

    @property
    def suspended(self) -> bool:
        """Not read on purpose: the account is not active (closed, suspended)."""
        return self.error is not None and self.error.code == NOT_ACTIVE

    def verdict(self) -> str:
        if self.report is not None:
            return self.report.verdict
        return self.problem or "not read"


@dataclass(frozen=True)
class OrgReport:
    """Every member account of the organization, read once."""

    generated_at: datetime
    organization_id: str
    management_account_id: str
    caller_account_id: str | None
    role: str
    accounts: tuple[AccountEntry, ...]
    tree_error: Unread | None = None  # the OU tree could not be read: OU paths unknown
    tool_version: str = __version__
    benchmark: str = CIS_BENCHMARK

    def worst_severity(self) -> Severity | None:
        """The most severe failing check over every account read (None: none fails)."""
        failing = [
            f.severity
            for e in self.accounts
            if e.report is not None
            for f in e.report.findings
            if f.status is Status.FAIL
        ]
        return min(failing) if failing else None

    def summary(self) -> dict[str, Any]:
        read = [e for e in self.accounts if e.report is not None]
        to_fix = sum(
            any(f.status is Status.FAIL for f in e.report.findings) for e in read if e.report
        )
        unknown = sum(
            any(f.status is Status.UNKNOWN for f in e.report.findings) for e in read if e.report
        )
        failed = len(self.accounts) - len(read)
        worst = self.worst_severity()
        return {
            "accounts": len(self.accounts),
            "read": len(read),
            "failed": failed,
            "to_fix": to_fix,
            "with_unknown": unknown,
            "worst_severity": worst.name.lower() if worst is not None else None,
            "verdict": _verdict(len(self.accounts), to_fix, unknown, failed),
        }


def _verdict(total: int, to_fix: int, unknown: int, failed: int) -> str:
    """``2 accounts to fix · 1 not read (5 accounts)``; ``all clear (5 accounts)``."""

    def n(count: int, what: str) -> str:
        return f"{count} account{'' if count == 1 else 's'} {what}"

    parts = []
    if to_fix:
        parts.append(n(to_fix, "to fix"))
    if unknown:
        parts.append(n(unknown, "with unknown checks"))
    if failed:
        parts.append(n(failed, "not read"))
    head = " · ".join(parts) if parts else ("all clear" if total else "no accounts")
    return f"{head} ({total} account{'' if total == 1 else 's'})"


def unread(error: AwsError, part: str) -> Unread:
    """``error`` as the report repeats it: secrets and URL user info removed."""
    return Unread(
        part, error.action, error.code, mask_token_runs(clean(error.message)), clean(error.hint)
    )


def _assume_hint(error: AwsError, account: MemberAccount, role: str | None) -> AwsError:
    if error.action != "sts:AssumeRole" or not error.denied or role is None:
        return error
    return replace(
        error,
        hint=f"The role {role} must exist in account {account.id} and trust the caller's "
        "account, and the caller needs sts:AssumeRole on it "
        "(policies/acct-tui-org-read.json); pick another role with --org-role",
    )


def entry(read: MemberRead) -> AccountEntry:
    """One member read as the report shows it."""
    account = read.account
    base = AccountEntry(
        account.id, account.name, account.email, account.status, account.ou_path, read.via_role
    )
    if read.error is not None or read.posture is None:
        error = read.error or AwsError(
            "acct-tui:ReadAccount", "NotRead", "the account was not read"
        )
        error = _assume_hint(error, account, read.via_role)
        return replace(base, error=unread(error, "account"), problem=clean(read.problem()))
    when = read.read_at
    assert when is not None
    return replace(base, report=build_report(read.posture, read.findings, when))


def build_org_report(
    organization: Organization,
    reads: Sequence[MemberRead],
    now: datetime,
    *,
    role: str,
    caller_account_id: str | None,
) -> OrgReport:
    tree = organization.tree_error
    return OrgReport(
        generated_at=now,
        organization_id=organization.id,
        management_account_id=organization.management_account_id,
        caller_account_id=caller_account_id,
        role=role,
        accounts=tuple(entry(r) for r in reads),
        tree_error=unread(tree, "ou_tree") if tree is not None else None,
    )


def org_exit_status(report: OrgReport, fail_on: Severity, unknown_fails: bool) -> int:
    """The worst account's exit status: 1 when an account has a check at or above
    ``fail_on`` failing (or, with ``unknown_fails``, unknown; an account that could not be
    read counts as unknown, a suspended one does not: it cannot be read or fixed)."""
    for e in report.accounts:
        if e.report is not None:
            if exit_status(e.report, fail_on, unknown_fails) != EXIT_CLEAR:
                return EXIT_FAILING
        elif unknown_fails and not e.suspended:
            return EXIT_FAILING
    return EXIT_CLEAR


def _unread_document(u: Unread) -> dict[str, str]:
    return {"action": u.action, "code": u.code, "message": u.message, "hint": u.hint}


def account_document(e: AccountEntry) -> dict[str, Any]:
    document: dict[str, Any] = {
        "id": e.id,
        "name": e.name,
        "email": e.email,
        "status": e.status,
        "ou_path": e.ou_path,
        "via_role": e.via_role,
    }
    if e.report is not None:
        document["report"] = json_document(e.report)
    else:
        assert e.error is not None
        document["error"] = _unread_document(e.error)
    return document


def json_org_document(report: OrgReport) -> dict[str, Any]:
    """The organization's JSON report (schema: docs/report-org-schema.json)."""
    tree = report.tree_error
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": TOOL, "version": report.tool_version},
        "benchmark": report.benchmark,
        "generated_at": report.generated_at.isoformat().replace("+00:00", "Z"),
        "organization": {
            "id": report.organization_id,
            "management_account_id": report.management_account_id,
            "ou_tree_error": _unread_document(tree) if tree is not None else None,
        },
        "caller_account_id": report.caller_account_id,
        "role": report.role,
        "summary": report.summary(),
        "accounts": [account_document(e) for e in report.accounts],
    }


def render_org_json(report: OrgReport) -> str:
    return json.dumps(json_org_document(report), indent=2, ensure_ascii=False) + "\n"
