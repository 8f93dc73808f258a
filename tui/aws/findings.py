"""What a check says: the finding, its severity, status and fix, the thresholds the
checks apply, the helpers they share (unknown while loading, users missing from the
credential report), and the one-line verdict over all findings."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum, StrEnum
from typing import Any

from tui.aws.models import Part, Posture

# Every threshold lives here, so the README and the checks cannot drift apart.
KEY_MAX_AGE_DAYS = 90
KEY_UNUSED_DAYS = 45
# A key that was never used is only flagged once it has had a week to be put to use.
KEY_NEVER_USED_GRACE_DAYS = 7
ROOT_RECENT_USE_DAYS = 30
PASSWORD_MIN_LENGTH = 14
PASSWORD_REUSE_PREVENTION = 24
# A console password unused this long should be removed (CIS 1.11, as for keys).
PASSWORD_UNUSED_DAYS = 45
# An access key made this soon after its console user is "made at set-up" (CIS 1.10).
KEY_AT_SETUP_MINUTES = 60

# Each check's ids in the CIS AWS Foundations Benchmark v5.0.0 (section 1, IAM); checks of
# acct-tui's own or of AWS's current advice have none.
CIS_IDS: dict[str, tuple[str, ...]] = {
    "security-contact": ("1.2",),
    "root-keys": ("1.3",),
    "root-mfa": ("1.4",),
    "root-hardware-mfa": ("1.5",),
    "caller-root": ("1.6",),
    "root-recent-use": ("1.6",),
    "password-policy": ("1.7", "1.8"),
    "user-mfa": ("1.9",),
    "keys-at-setup": ("1.10",),
    "unused-keys": ("1.11",),
    "unused-passwords": ("1.11",),
    "two-keys": ("1.12",),
    "old-keys": ("1.13",),
    "user-policies": ("1.14",),
    "admin-policies": ("1.15",),
    "support-role": ("1.16",),
    "expired-certificates": ("1.18",),
    "access-analyzer": ("1.19",),
    "people-federated": ("1.20",),
    "cloudshell-access": ("1.21",),
}
CIS_BENCHMARK = "CIS AWS Foundations Benchmark v5.0.0"


class Severity(IntEnum):
    """How much a failing check matters; lower sorts first."""

    CRITICAL = 0
    HIGH = 1
    MEDIUM = 2
    LOW = 3


class Status(StrEnum):
    """The outcome of a check; UNKNOWN when the data it needs could not be read; INFO for
    advice that is neither a pass nor a failure (e.g. "not in an organization")."""

    FAIL = "fail"
    UNKNOWN = "unknown"
    INFO = "info"
    PASS = "pass"


@dataclass(frozen=True)
class Fix:
    """How to fix a finding: an app action, or console steps for root-only changes."""

    label: str
    action: str | None = None
    console_steps: tuple[str, ...] = ()
    url: str | None = None


@dataclass(frozen=True)
class Finding:
    """One recommendation with its outcome, a one-line reason and the fix.

    A fix is only offered for a FAIL: for an UNKNOWN the reason says what to do to find
    out instead (:attr:`fix` is kept for the details screen, labelled as "once known").
    """

    id: str
    title: str
    severity: Severity
    status: Status
    reason: str
    fix: Fix | None = None
    subjects: tuple[str, ...] = ()
    users: tuple[str, ...] = ()
    """The IAM users a fix applies to (the app offers a choice when there are several)."""
    cis: tuple[str, ...] = ()
    """Its CIS AWS Foundations Benchmark ids (from :data:`CIS_IDS`, set by ``evaluate``)."""


def name_list(items: list[str], limit: int = 4) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def days_since(now: datetime, then: datetime | None) -> int | None:
    return None if then is None else (now - then).days


LOADING = "Still loading…"


def unknown_finding(
    id_: str, title: str, severity: Severity, part: Part[Any], fix: Fix | None = None
) -> Finding:
    if part.error is None:
        return Finding(id_, title, severity, Status.UNKNOWN, LOADING, fix)
    reason = f"Cannot tell: {part.error.headline()}"
    if part.error.hint:
        reason += f". {part.error.hint}"
    return Finding(id_, title, severity, Status.UNKNOWN, reason, fix)


def report_gaps(p: Posture) -> list[str]:
    """IAM users the account has (details) that the credential report does not list.

    AWS regenerates the report at most every 4 hours, so a user created since is missing
    from it: a check over the report cannot pass for that user, only fail for others.
    """
    details, report = p.details.value, p.report.value
    if details is None or report is None:
        return []
    listed = {r.user for r in report.rows}
    return [u.name for u in details.users if u.name not in listed]


def not_in_report(
    id_: str, title: str, severity: Severity, gaps: list[str], fix: Fix | None
) -> Finding:
    reason = (
        f"Cannot tell for {name_list(gaps)}: not in the credential report yet (AWS makes a new "
        "one at most every 4 hours; r reads it again)"
    )
    return Finding(id_, title, severity, Status.UNKNOWN, reason, fix, tuple(gaps))


def report_outcome(
    p: Posture,
    finding: tuple[str, str, Severity, Fix],
    found: tuple[tuple[str, ...], tuple[str, ...]],
    reason: str,
    passed: str,
) -> Finding:
    """A check over the credential report: ``finding`` is its (id, title, severity, fix),
    ``found`` the (subjects, users) at fault. FAIL with ``reason`` when there are any;
    else UNKNOWN for users not in the report yet; else PASS with ``passed``."""
    id_, title, severity, fix = finding
    subjects, users = found
    if subjects:
        return Finding(id_, title, severity, Status.FAIL, reason, fix, subjects, users)
    gaps = report_gaps(p)
    if gaps:
        return not_in_report(id_, title, severity, gaps, fix)
    return Finding(id_, title, severity, Status.PASS, passed, fix)


STATUS_ORDER = {Status.FAIL: 0, Status.UNKNOWN: 1, Status.INFO: 2, Status.PASS: 3}


def verdict(findings: Sequence[Finding]) -> str:
    """The one-line summary of ``findings``: ``all clear`` only when every check passed.

    ``2 to fix · 3 unknown``; while parts are still being read, ``checking…`` (with what is
    already known to fail). Never reassures about a check that could not be evaluated.
    Advice (INFO) never blocks ``all clear`` but is counted beside it: ``all clear · 1 note``.
    """
    failing = sum(f.status is Status.FAIL for f in findings)
    loading = sum(f.status is Status.UNKNOWN and f.reason == LOADING for f in findings)
    unknown = sum(f.status is Status.UNKNOWN for f in findings) - loading
    if loading:
        return f"checking… {failing} to fix so far" if failing else "checking…"
    if not findings:
        return "no checks"
    notes = sum(f.status is Status.INFO for f in findings)
    if not failing and not unknown:
        return "all clear" + (f" · {notes} note{'s' if notes > 1 else ''}" if notes else "")
    counts = [f"{failing} to fix"] if failing else []
    if unknown:
        counts.append(f"{unknown} unknown")
    return " · ".join(counts)
