"""The access-key recommendations: keys rotated, keys in use, one active key a user."""

from __future__ import annotations

from datetime import datetime, timedelta

from tui.aws.findings import (
    KEY_MAX_AGE_DAYS,
    KEY_NEVER_USED_GRACE_DAYS,
    KEY_UNUSED_DAYS,
    Finding,
    Fix,
    Severity,
    days_since,
    name_list,
    report_outcome,
    unique,
    unknown_finding,
)
from tui.aws.models import Posture


def check_old_keys(p: Posture, now: datetime) -> Finding:
    title = f"Access keys rotated within {KEY_MAX_AGE_DAYS} days"
    fix = Fix(
        "Rotate (enter): a new key is created, kept in the keyring and proven to work, then "
        "the old key is deactivated and, if you confirm, deleted",
        action="rotate_key",
    )
    report = p.report.value
    if report is None:
        return unknown_finding("old-keys", title, Severity.MEDIUM, p.report, fix)
    old = [
        (r.user, f"{r.user} key {k.slot} ({days_since(now, k.last_rotated)} d)")
        for r in report.users
        for k in r.active_keys
        if k.last_rotated is not None and now - k.last_rotated > timedelta(days=KEY_MAX_AGE_DAYS)
    ]
    texts = [text for _, text in old]
    return report_outcome(
        p,
        ("old-keys", title, Severity.MEDIUM, fix),
        (tuple(texts), unique(user for user, _ in old)),
        f"Old keys: {name_list(texts)}",
        "No active key is old",
    )


def check_unused_keys(p: Posture, now: datetime) -> Finding:
    title = f"No access keys unused for {KEY_UNUSED_DAYS}+ days"
    fix = Fix(
        "Deactivate keys that are not in use, or rotate one that is still needed (enter)",
        action="rotate_key",
    )
    report = p.report.value
    if report is None:
        return unknown_finding("unused-keys", title, Severity.MEDIUM, p.report, fix)
    unused: list[tuple[str, str]] = []
    for r in report.users:
        for k in r.active_keys:
            if k.last_used is None:
                age = days_since(now, k.last_rotated)
                if age is None or age >= KEY_NEVER_USED_GRACE_DAYS:
                    unused.append((r.user, f"{r.user} key {k.slot} (never used)"))
            elif now - k.last_used >= timedelta(days=KEY_UNUSED_DAYS):
                idle = days_since(now, k.last_used)
                unused.append((r.user, f"{r.user} key {k.slot} ({idle} d idle)"))
    texts = [text for _, text in unused]
    return report_outcome(
        p,
        ("unused-keys", title, Severity.MEDIUM, fix),
        (tuple(texts), unique(user for user, _ in unused)),
        f"Unused: {name_list(texts)}",
        "Active keys are in use",
    )


def check_two_keys(p: Posture, now: datetime) -> Finding:
    title = "No user has two active access keys"
    fix = Fix("Choose which key to deactivate", action="user_keys")
    report = p.report.value
    if report is None:
        return unknown_finding("two-keys", title, Severity.LOW, p.report, fix)
    both = [r.user for r in report.users if len(r.active_keys) == 2]
    return report_outcome(
        p,
        ("two-keys", title, Severity.LOW, fix),
        (tuple(both), tuple(both)),
        f"Two active keys: {name_list(both)}",
        "At most one active key each",
    )
