"""Security recommendations: pure functions from a Posture to a list of findings.

What a finding is, the thresholds and the verdict live in :mod:`tui.aws.findings`;
the access-key checks in :mod:`tui.aws.key_checks`. This module re-exports them, so
``checks.KEY_MAX_AGE_DAYS``, ``checks.check_old_keys`` and the rest still work.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from tui.aws.cis_checks import (
    check_keys_at_setup,
    check_root_central,
    check_root_hardware_mfa,
    check_security_contact,
    check_unused_passwords,
)
from tui.aws.findings import (
    CIS_IDS,
    KEY_MAX_AGE_DAYS,
    KEY_NEVER_USED_GRACE_DAYS,
    KEY_UNUSED_DAYS,
    LOADING,
    PASSWORD_MIN_LENGTH,
    PASSWORD_REUSE_PREVENTION,
    ROOT_RECENT_USE_DAYS,
    STATUS_ORDER,
    Finding,
    Fix,
    Severity,
    Status,
    days_since,
    name_list,
    report_outcome,
    unknown_finding,
    verdict,
)
from tui.aws.key_checks import check_old_keys, check_two_keys, check_unused_keys
from tui.aws.models import ROOT_SIGN_IN_URL, Posture, utcnow
from tui.aws.resource_checks import (
    check_access_analyzer,
    check_admin_policies,
    check_cloudshell,
    check_expired_certificates,
    check_people_federated,
    check_support_role,
)

__all__ = [
    "CHECKS",
    "CIS_IDS",
    "KEY_MAX_AGE_DAYS",
    "KEY_NEVER_USED_GRACE_DAYS",
    "KEY_UNUSED_DAYS",
    "LOADING",
    "PASSWORD_MIN_LENGTH",
    "PASSWORD_REUSE_PREVENTION",
    "ROOT_CREDENTIALS_URL",
    "ROOT_RECENT_USE_DAYS",
    "Finding",
    "Fix",
    "Severity",
    "Status",
    "check_old_keys",
    "check_two_keys",
    "check_unused_keys",
    "evaluate",
    "verdict",
]

ROOT_CREDENTIALS_URL = "https://console.aws.amazon.com/iam/home#/security_credentials"


# -- root -----------------------------------------------------------------------------------
def check_root_mfa(p: Posture, now: datetime) -> Finding:
    title = "Root user has MFA"
    fix = Fix(
        "Enable MFA for root in the console (the API cannot)",
        action="root_mfa_guide",
        console_steps=(
            f"Sign in as root at {ROOT_SIGN_IN_URL} (choose 'Root user', then the e-mail)",
            "Open Security credentials → Multi-factor authentication → Assign MFA device",
            "Choose Authenticator app, scan the QR code, enter two codes, Add MFA",
            "Come back and refresh (r)",
        ),
        url=ROOT_CREDENTIALS_URL,
    )
    s = p.summary.value
    if s is None:
        return unknown_finding("root-mfa", title, Severity.CRITICAL, p.summary, fix)
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
        return unknown_finding("root-keys", title, Severity.CRITICAL, p.summary, fix)
    if s.root_access_keys_present:
        return Finding(
            "root-keys", title, Severity.CRITICAL, Status.FAIL, "Root has access keys", fix
        )
    return Finding("root-keys", title, Severity.CRITICAL, Status.PASS, "No root access keys", fix)


def check_root_recent_use(p: Posture, now: datetime) -> Finding:
    title = f"Root user not used in the last {ROOT_RECENT_USE_DAYS} days"
    report = p.report.value
    if report is None:
        return unknown_finding("root-recent-use", title, Severity.HIGH, p.report)
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
            f"Root was used {days_since(now, max(recent))} days ago: use an IAM user instead",
        )
    return Finding("root-recent-use", title, Severity.HIGH, Status.PASS, "Root not used lately")


def check_caller_not_root(p: Posture, now: datetime) -> Finding:
    title = "You are not working as root"
    fix = Fix("Create an administrator user and sign in as it", action="create_user")
    caller = p.caller.value
    if caller is None:
        return unknown_finding("caller-root", title, Severity.CRITICAL, p.caller, fix)
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
        return unknown_finding("admin-group", title, Severity.HIGH, p.details, fix)
    admin = [g.name for g in details.groups if g.has_admin()]
    if admin:
        return Finding(
            "admin-group",
            title,
            Severity.HIGH,
            Status.PASS,
            f"Admin group: {name_list(admin)}",
            fix,
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
        return unknown_finding("admin-user", title, Severity.HIGH, p.details, fix)
    admins = details.admin_users()
    if admins:
        return Finding(
            "admin-user", title, Severity.HIGH, Status.PASS, f"Admins: {name_list(admins)}", fix
        )
    return Finding(
        "admin-user", title, Severity.HIGH, Status.FAIL, "No IAM user has AdministratorAccess", fix
    )


def check_console_mfa(p: Posture, now: datetime) -> Finding:
    title = "Console users have MFA"
    fix = Fix("Enroll a virtual MFA device (m)", action="enroll_mfa")
    report = p.report.value
    if report is None:
        return unknown_finding("user-mfa", title, Severity.HIGH, p.report, fix)
    missing = [r.user for r in report.users if r.password_enabled and not r.mfa_active]
    return report_outcome(
        p,
        ("user-mfa", title, Severity.HIGH, fix),
        (tuple(missing), tuple(missing)),
        f"{len(missing)} console user(s) without MFA: {name_list(missing)}",
        "Every console user has MFA",
    )


def check_direct_policies(p: Posture, now: datetime) -> Finding:
    title = "Permissions come from groups, not users"
    fix = Fix(
        "Move these permissions to a group and detach them from the users",
        action="move_policies",
    )
    details = p.details.value
    if details is None:
        return unknown_finding("user-policies", title, Severity.LOW, p.details, fix)
    direct = [u.name for u in details.users if u.attached_policies or u.inline_policies]
    if direct:
        return Finding(
            "user-policies",
            title,
            Severity.LOW,
            Status.FAIL,
            f"Policies attached to users: {name_list(direct)}",
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
        return unknown_finding("password-policy", title, Severity.MEDIUM, p.password_policy, fix)
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
        return unknown_finding("alias", title, Severity.LOW, p.aliases, fix)
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
    check_security_contact,
    check_root_hardware_mfa,
    check_keys_at_setup,
    check_unused_passwords,
    check_admin_policies,
    check_support_role,
    check_expired_certificates,
    check_access_analyzer,
    check_cloudshell,
    check_root_central,
    check_people_federated,
)


def evaluate(posture: Posture, now: datetime | None = None) -> list[Finding]:
    """Run every check, each with its CIS ids; failures first, most severe first."""
    when = now or utcnow()
    findings = [
        replace(f, cis=CIS_IDS.get(f.id, ())) for f in (check(posture, when) for check in CHECKS)
    ]
    return sorted(findings, key=lambda f: (STATUS_ORDER[f.status], f.severity))
