"""Security recommendations: pure functions from a Posture to a list of findings."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import IntEnum, StrEnum
from typing import Any

from tui.aws.models import ADMIN_POLICY_ARN, Part, Posture, sign_in_url, utcnow

# Every threshold lives here, so the README and the checks cannot drift apart.
KEY_MAX_AGE_DAYS = 90
KEY_UNUSED_DAYS = 45
# A key that was never used is only flagged once it has had a week to be put to use.
KEY_NEVER_USED_GRACE_DAYS = 7
ROOT_RECENT_USE_DAYS = 30
PASSWORD_MIN_LENGTH = 14
PASSWORD_REUSE_PREVENTION = 24

ROOT_CREDENTIALS_URL = "https://console.aws.amazon.com/iam/home#/security_credentials"


class Severity(IntEnum):
    """How much a failing check matters; lower sorts first."""

    CRITICAL = 0
    HIGH = 1
    MEDIUM = 2
    LOW = 3


class Status(StrEnum):
    """The outcome of a check; UNKNOWN when the data it needs could not be read."""

    FAIL = "fail"
    UNKNOWN = "unknown"
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


def _names(items: list[str], limit: int = 4) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _days(now: datetime, then: datetime | None) -> int | None:
    return None if then is None else (now - then).days


LOADING = "Still loading…"


def _unknown(
    id_: str, title: str, severity: Severity, part: Part[Any], fix: Fix | None = None
) -> Finding:
    if part.error is None:
        return Finding(id_, title, severity, Status.UNKNOWN, LOADING, fix)
    reason = f"Cannot tell: {part.error.headline()}"
    if part.error.hint:
        reason += f". {part.error.hint}"
    return Finding(id_, title, severity, Status.UNKNOWN, reason, fix)


def _report_gaps(p: Posture) -> list[str]:
    """IAM users the account has (details) that the credential report does not list.

    AWS regenerates the report at most every 4 hours, so a user created since is missing
    from it: a check over the report cannot pass for that user, only fail for others.
    """
    details, report = p.details.value, p.report.value
    if details is None or report is None:
        return []
    listed = {r.user for r in report.rows}
    return [u.name for u in details.users if u.name not in listed]


def _not_in_report(
    id_: str, title: str, severity: Severity, gaps: list[str], fix: Fix | None
) -> Finding:
    reason = (
        f"Cannot tell for {_names(gaps)}: not in the credential report yet (AWS makes a new "
        "one at most every 4 hours; r reads it again)"
    )
    return Finding(id_, title, severity, Status.UNKNOWN, reason, fix, tuple(gaps))


# -- root -----------------------------------------------------------------------------------
def check_root_mfa(p: Posture, now: datetime) -> Finding:
    title = "Root user has MFA"
    account = p.caller.value.account_id if p.caller.value else "<account-id>"
    fix = Fix(
        "Enable MFA for root in the console (the API cannot)",
        action="root_mfa_guide",
        console_steps=(
            f"Sign in as root at {sign_in_url(account, p.alias)} (choose 'Root user')",
            "Open Security credentials → Multi-factor authentication → Assign MFA device",
            "Choose Authenticator app, scan the QR code, enter two codes, Add MFA",
            "Come back and refresh (r)",
        ),
        url=ROOT_CREDENTIALS_URL,
    )
    s = p.summary.value
    if s is None:
        return _unknown("root-mfa", title, Severity.CRITICAL, p.summary, fix)
    if s.root_mfa_enabled:
        return Finding("root-mfa", title, Severity.CRITICAL, Status.PASS, "Root has MFA", fix)
    return Finding(
        "root-mfa", title, Severity.CRITICAL, Status.FAIL, "Root user has no MFA device", fix
    )


def check_root_keys(p: Posture, now: datetime) -> Finding:
    title = "Root user has no access keys"
    caller = p.caller.value
    if caller is not None and caller.is_root:
        fix = Fix("Delete the root access keys", action="delete_root_keys")
    else:
        fix = Fix(
            "Sign in as root and delete the keys",
            console_steps=(
                "Sign in as root, open Security credentials → Access keys",
                "Deactivate, then delete, each root access key",
            ),
            url=ROOT_CREDENTIALS_URL,
        )
    s = p.summary.value
    if s is None:
        return _unknown("root-keys", title, Severity.CRITICAL, p.summary, fix)
    if s.root_access_keys_present:
        return Finding(
            "root-keys", title, Severity.CRITICAL, Status.FAIL, "Root has access keys", fix
        )
    return Finding("root-keys", title, Severity.CRITICAL, Status.PASS, "No root access keys", fix)


def check_root_recent_use(p: Posture, now: datetime) -> Finding:
    title = f"Root user not used in the last {ROOT_RECENT_USE_DAYS} days"
    report = p.report.value
    if report is None:
        return _unknown("root-recent-use", title, Severity.HIGH, p.report)
    root = report.root
    if root is None:
        return Finding(
            "root-recent-use",
            title,
            Severity.HIGH,
            Status.UNKNOWN,
            "The credential report has no root row",
        )
    uses = [root.password_last_used, *(k.last_used for k in root.keys)]
    recent = [u for u in uses if u is not None and now - u < timedelta(days=ROOT_RECENT_USE_DAYS)]
    if recent:
        return Finding(
            "root-recent-use",
            title,
            Severity.HIGH,
            Status.FAIL,
            f"Root was used {_days(now, max(recent))} days ago: use an IAM user instead",
        )
    return Finding("root-recent-use", title, Severity.HIGH, Status.PASS, "Root not used lately")


def check_caller_not_root(p: Posture, now: datetime) -> Finding:
    title = "You are not working as root"
    fix = Fix("Create an administrator user and sign in as it", action="create_user")
    caller = p.caller.value
    if caller is None:
        return _unknown("caller-root", title, Severity.CRITICAL, p.caller, fix)
    if caller.is_root:
        return Finding(
            "caller-root",
            title,
            Severity.CRITICAL,
            Status.FAIL,
            "You are signed in as root: create an admin user and stop using root",
            fix,
        )
    return Finding("caller-root", title, Severity.CRITICAL, Status.PASS, caller.arn, fix)


# -- users and groups ----------------------------------------------------------------------
def check_admin_group(p: Posture, now: datetime) -> Finding:
    title = "A group grants AdministratorAccess"
    fix = Fix("Create the administrators group", action="create_admin_group")
    details = p.details.value
    if details is None:
        return _unknown("admin-group", title, Severity.HIGH, p.details, fix)
    admin = [g.name for g in details.groups if g.has_admin()]
    if admin:
        return Finding(
            "admin-group", title, Severity.HIGH, Status.PASS, f"Admin group: {_names(admin)}", fix
        )
    return Finding(
        "admin-group",
        title,
        Severity.HIGH,
        Status.FAIL,
        "No group has AdministratorAccess attached",
        fix,
    )


def check_admin_user(p: Posture, now: datetime) -> Finding:
    title = "An IAM user has administrator access"
    fix = Fix("Create an administrator user", action="create_user")
    details = p.details.value
    if details is None:
        return _unknown("admin-user", title, Severity.HIGH, p.details, fix)
    admin_groups = {g.name for g in details.groups if g.has_admin()}
    admins = [
        u.name
        for u in details.users
        if admin_groups.intersection(u.groups)
        or any(pol.arn == ADMIN_POLICY_ARN for pol in u.attached_policies)
    ]
    if admins:
        return Finding(
            "admin-user", title, Severity.HIGH, Status.PASS, f"Admins: {_names(admins)}", fix
        )
    return Finding(
        "admin-user", title, Severity.HIGH, Status.FAIL, "No IAM user has AdministratorAccess", fix
    )


def check_console_mfa(p: Posture, now: datetime) -> Finding:
    title = "Console users have MFA"
    fix = Fix("Enroll a virtual MFA device (m)", action="enroll_mfa")
    report = p.report.value
    if report is None:
        return _unknown("user-mfa", title, Severity.HIGH, p.report, fix)
    missing = [r.user for r in report.users if r.password_enabled and not r.mfa_active]
    if missing:
        return Finding(
            "user-mfa",
            title,
            Severity.HIGH,
            Status.FAIL,
            f"{len(missing)} console user(s) without MFA: {_names(missing)}",
            fix,
            tuple(missing),
            tuple(missing),
        )
    gaps = _report_gaps(p)
    if gaps:
        return _not_in_report("user-mfa", title, Severity.HIGH, gaps, fix)
    return Finding("user-mfa", title, Severity.HIGH, Status.PASS, "Every console user has MFA", fix)


def check_old_keys(p: Posture, now: datetime) -> Finding:
    title = f"Access keys rotated within {KEY_MAX_AGE_DAYS} days"
    fix = Fix(
        "Rotate: create a new key for the user (IAM console or `aws iam create-access-key`), "
        "move its programs to it, then deactivate the old key here (enter: the user's keys)",
        action="user_keys",
    )
    report = p.report.value
    if report is None:
        return _unknown("old-keys", title, Severity.MEDIUM, p.report, fix)
    old = [
        (r.user, f"{r.user} key {k.slot} ({_days(now, k.last_rotated)} d)")
        for r in report.users
        for k in r.active_keys
        if k.last_rotated is not None and now - k.last_rotated > timedelta(days=KEY_MAX_AGE_DAYS)
    ]
    if old:
        return Finding(
            "old-keys",
            title,
            Severity.MEDIUM,
            Status.FAIL,
            f"Old keys: {_names([text for _, text in old])}",
            fix,
            tuple(text for _, text in old),
            _unique(user for user, _ in old),
        )
    gaps = _report_gaps(p)
    if gaps:
        return _not_in_report("old-keys", title, Severity.MEDIUM, gaps, fix)
    return Finding("old-keys", title, Severity.MEDIUM, Status.PASS, "No active key is old", fix)


def check_unused_keys(p: Posture, now: datetime) -> Finding:
    title = f"No access keys unused for {KEY_UNUSED_DAYS}+ days"
    fix = Fix("Deactivate keys that are not in use", action="user_keys")
    report = p.report.value
    if report is None:
        return _unknown("unused-keys", title, Severity.MEDIUM, p.report, fix)
    unused: list[tuple[str, str]] = []
    for r in report.users:
        for k in r.active_keys:
            if k.last_used is None:
                age = _days(now, k.last_rotated)
                if age is None or age >= KEY_NEVER_USED_GRACE_DAYS:
                    unused.append((r.user, f"{r.user} key {k.slot} (never used)"))
            elif now - k.last_used >= timedelta(days=KEY_UNUSED_DAYS):
                idle = _days(now, k.last_used)
                unused.append((r.user, f"{r.user} key {k.slot} ({idle} d idle)"))
    if unused:
        return Finding(
            "unused-keys",
            title,
            Severity.MEDIUM,
            Status.FAIL,
            f"Unused: {_names([text for _, text in unused])}",
            fix,
            tuple(text for _, text in unused),
            _unique(user for user, _ in unused),
        )
    gaps = _report_gaps(p)
    if gaps:
        return _not_in_report("unused-keys", title, Severity.MEDIUM, gaps, fix)
    return Finding(
        "unused-keys", title, Severity.MEDIUM, Status.PASS, "Active keys are in use", fix
    )


def check_two_keys(p: Posture, now: datetime) -> Finding:
    title = "No user has two active access keys"
    fix = Fix("Choose which key to deactivate", action="user_keys")
    report = p.report.value
    if report is None:
        return _unknown("two-keys", title, Severity.LOW, p.report, fix)
    both = [r.user for r in report.users if len(r.active_keys) == 2]
    if both:
        return Finding(
            "two-keys",
            title,
            Severity.LOW,
            Status.FAIL,
            f"Two active keys: {_names(both)}",
            fix,
            tuple(both),
            tuple(both),
        )
    gaps = _report_gaps(p)
    if gaps:
        return _not_in_report("two-keys", title, Severity.LOW, gaps, fix)
    return Finding("two-keys", title, Severity.LOW, Status.PASS, "At most one active key each", fix)


def check_direct_policies(p: Posture, now: datetime) -> Finding:
    title = "Permissions come from groups, not users"
    fix = Fix("Move these permissions to a group and detach them from the users")
    details = p.details.value
    if details is None:
        return _unknown("user-policies", title, Severity.LOW, p.details, fix)
    direct = [u.name for u in details.users if u.attached_policies or u.inline_policies]
    if direct:
        return Finding(
            "user-policies",
            title,
            Severity.LOW,
            Status.FAIL,
            f"Policies attached to users: {_names(direct)}",
            fix,
            tuple(direct),
            tuple(direct),
        )
    return Finding("user-policies", title, Severity.LOW, Status.PASS, "No user policies", fix)


# -- account ---------------------------------------------------------------------------------
def check_password_policy(p: Posture, now: datetime) -> Finding:
    title = "A strong password policy is set"
    fix = Fix("Set a strong password policy", action="password_policy")
    pol = p.password_policy.value
    if pol is None:
        return _unknown("password-policy", title, Severity.MEDIUM, p.password_policy, fix)
    if pol.is_aws_default:
        return Finding(
            "password-policy",
            title,
            Severity.MEDIUM,
            Status.FAIL,
            "No password policy: AWS's default (8 characters) applies",
            fix,
        )
    weak = []
    if pol.minimum_length < PASSWORD_MIN_LENGTH:
        weak.append(f"length {pol.minimum_length} < {PASSWORD_MIN_LENGTH}")
    if (pol.reuse_prevention or 0) < PASSWORD_REUSE_PREVENTION:
        weak.append(f"reuse {pol.reuse_prevention or 0} < {PASSWORD_REUSE_PREVENTION}")
    classes = {
        "symbols": pol.require_symbols,
        "numbers": pol.require_numbers,
        "uppercase": pol.require_uppercase,
        "lowercase": pol.require_lowercase,
    }
    missing = [name for name, on in classes.items() if not on]
    if missing:
        weak.append("no " + "/".join(missing))
    if weak:
        return Finding(
            "password-policy", title, Severity.MEDIUM, Status.FAIL, "Weak: " + "; ".join(weak), fix
        )
    return Finding("password-policy", title, Severity.MEDIUM, Status.PASS, "Policy is strong", fix)


def check_alias(p: Posture, now: datetime) -> Finding:
    title = "The account has an alias"
    fix = Fix(
        "Set an account alias",
        action="set_alias",
        console_steps=(
            "IAM console → Dashboard → AWS Account → Account Alias → Create",
            "or: aws iam create-account-alias --account-alias NAME",
        ),
    )
    if not p.aliases.loaded or p.aliases.error is not None:
        return _unknown("alias", title, Severity.LOW, p.aliases, fix)
    if p.alias:
        return Finding("alias", title, Severity.LOW, Status.PASS, f"Alias: {p.alias}", fix)
    return Finding(
        "alias",
        title,
        Severity.LOW,
        Status.FAIL,
        "No alias: the sign-in URL uses the account id",
        fix,
    )


CHECKS: tuple[Callable[[Posture, datetime], Finding], ...] = (
    check_caller_not_root,
    check_root_mfa,
    check_root_keys,
    check_root_recent_use,
    check_admin_group,
    check_admin_user,
    check_console_mfa,
    check_old_keys,
    check_unused_keys,
    check_two_keys,
    check_password_policy,
    check_direct_policies,
    check_alias,
)

_STATUS_ORDER = {Status.FAIL: 0, Status.UNKNOWN: 1, Status.PASS: 2}


def verdict(findings: Sequence[Finding]) -> str:
    """The one-line summary of ``findings``: ``all clear`` only when every check passed.

    ``2 to fix · 3 unknown``; while parts are still being read, ``checking…`` (with what is
    already known to fail). Never reassures about a check that could not be evaluated.
    """
    failing = sum(f.status is Status.FAIL for f in findings)
    loading = sum(f.status is Status.UNKNOWN and f.reason == LOADING for f in findings)
    unknown = sum(f.status is Status.UNKNOWN for f in findings) - loading
    if loading:
        return f"checking… {failing} to fix so far" if failing else "checking…"
    if not findings:
        return "no checks"
    if not failing and not unknown:
        return "all clear"
    counts = [f"{failing} to fix"] if failing else []
    if unknown:
        counts.append(f"{unknown} unknown")
    return " · ".join(counts)


def evaluate(posture: Posture, now: datetime | None = None) -> list[Finding]:
    """Run every check; failures first, most severe first."""
    when = now or utcnow()
    findings = [check(posture, when) for check in CHECKS]
    return sorted(findings, key=lambda f: (_STATUS_ORDER[f.status], f.severity))
