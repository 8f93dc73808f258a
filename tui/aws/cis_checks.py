"""CIS controls on credentials and root: security contact (1.2), root's hardware MFA
(1.5), keys made at set-up (1.10), unused passwords (1.11), and centralized root access
(AWS's current advice). Pure functions of a Posture, like :mod:`tui.aws.checks`; a part
that could not be read makes its check unknown. The controls on policies and account
resources are in :mod:`tui.aws.resource_checks`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from tui.aws.control_models import RootAccessStanding
from tui.aws.findings import (
    KEY_AT_SETUP_MINUTES,
    PASSWORD_UNUSED_DAYS,
    Finding,
    Fix,
    Severity,
    Status,
    days_since,
    name_list,
    report_outcome,
    unique,
    unknown_finding,
)
from tui.aws.models import Posture

ROOT_CREDENTIALS_URL = "https://console.aws.amazon.com/iam/home#/security_credentials"
ROOT_ACCESS_URL = "https://console.aws.amazon.com/iam/home#/root-access-management"


def check_security_contact(p: Posture, now: datetime) -> Finding:
    title = "A security contact is registered"
    fix = Fix("Register the security contact (a form)", action="security_contact")
    part = p.contacts
    if part.value is None:
        return unknown_finding("security-contact", title, Severity.MEDIUM, part, fix)
    c = part.value.contact
    if c is None:
        return Finding(
            "security-contact",
            title,
            Severity.MEDIUM,
            Status.FAIL,
            "No security alternate contact: AWS has no one to tell about a security issue",
            fix,
        )
    return Finding(
        "security-contact",
        title,
        Severity.MEDIUM,
        Status.PASS,
        f"Security contact: {c.name} <{c.email}>",
        fix,
    )


def check_root_hardware_mfa(p: Posture, now: datetime) -> Finding:
    title = "Root user's MFA is hardware or a passkey"
    fix = Fix(
        "Replace root's authenticator app with a security key or passkey (console only)",
        console_steps=(
            "Sign in as root, open Security credentials → Multi-factor authentication",
            "Assign MFA device → Passkey or security key (or Hardware TOTP token)",
            "Once it works, remove the virtual (authenticator app) device",
            "Come back and refresh (r)",
        ),
        url=ROOT_CREDENTIALS_URL,
    )
    summary = p.summary.value
    if summary is None:
        return unknown_finding("root-hardware-mfa", title, Severity.MEDIUM, p.summary, fix)
    if not summary.root_mfa_enabled:
        return Finding(
            "root-hardware-mfa",
            title,
            Severity.MEDIUM,
            Status.FAIL,
            "Root has no MFA at all (see 'Root user has MFA')",
            fix,
        )
    devices = p.mfa_devices.value
    if devices is None:
        return unknown_finding("root-hardware-mfa", title, Severity.MEDIUM, p.mfa_devices, fix)
    if devices.root_virtual:
        return Finding(
            "root-hardware-mfa",
            title,
            Severity.MEDIUM,
            Status.FAIL,
            "Root's MFA is a virtual device (an authenticator app)",
            fix,
        )
    return Finding(
        "root-hardware-mfa",
        title,
        Severity.MEDIUM,
        Status.PASS,
        "Root has MFA and none of it is a virtual device: a security key, passkey or token",
        fix,
    )


def check_keys_at_setup(p: Posture, now: datetime) -> Finding:
    title = "No unused access key made at console-user set-up"
    fix = Fix("Delete or deactivate the key the user never used", action="user_keys")
    report = p.report.value
    if report is None:
        return unknown_finding("keys-at-setup", title, Severity.MEDIUM, p.report, fix)
    window = timedelta(minutes=KEY_AT_SETUP_MINUTES)
    found = [
        (r.user, f"{r.user} key {k.slot}")
        for r in report.users
        if r.password_enabled and r.created is not None
        for k in r.active_keys
        if k.last_used is None
        and k.last_rotated is not None
        and k.last_rotated - r.created < window
    ]
    texts = [text for _, text in found]
    return report_outcome(
        p,
        ("keys-at-setup", title, Severity.MEDIUM, fix),
        (tuple(texts), unique(user for user, _ in found)),
        f"Made with the console user and never used: {name_list(texts)}",
        "No console user has a never-used key from set-up",
    )


def check_unused_passwords(p: Posture, now: datetime) -> Finding:
    title = f"No console password unused for {PASSWORD_UNUSED_DAYS}+ days"
    fix = Fix("Remove console access of the user who does not sign in", action="remove_console")
    report = p.report.value
    if report is None:
        return unknown_finding("unused-passwords", title, Severity.MEDIUM, p.report, fix)
    limit = timedelta(days=PASSWORD_UNUSED_DAYS)
    found = []
    for r in report.users:
        if not r.password_enabled:
            continue
        if r.password_last_used is not None and now - r.password_last_used >= limit:
            found.append((r.user, f"{r.user} ({days_since(now, r.password_last_used)} d)"))
        elif r.password_last_used is None and r.created is not None and now - r.created >= limit:
            found.append((r.user, f"{r.user} (never signed in)"))
    texts = [text for _, text in found]
    return report_outcome(
        p,
        ("unused-passwords", title, Severity.MEDIUM, fix),
        (tuple(texts), unique(user for user, _ in found)),
        f"Unused passwords: {name_list(texts)}",
        "Console passwords are in use",
    )


def check_root_central(p: Posture, now: datetime) -> Finding:
    title = "Root credentials managed centrally (Organizations)"
    fix = Fix(
        "Enable centralized root access in the organization's management account",
        console_steps=(
            "In the management account: IAM → Root access management → Enable",
            "or: aws iam enable-organizations-root-credentials-management",
            "(needs IAM's trusted access in Organizations: aws organizations "
            "enable-aws-service-access --service-principal iam.amazonaws.com)",
        ),
        url=ROOT_ACCESS_URL,
    )
    part = p.org_root
    if part.value is None:
        return unknown_finding("root-central", title, Severity.LOW, part, fix)
    standing = part.value.standing
    reasons = {
        RootAccessStanding.NOT_IN_ORGANIZATION: (
            Status.INFO,
            "Not in an AWS Organization: root is managed here. In an organization, the "
            "management account can remove member accounts' root credentials",
        ),
        RootAccessStanding.MEMBER: (
            Status.INFO,
            "A member account: only the organization's management account can tell or change "
            "whether root credentials are managed centrally",
        ),
        RootAccessStanding.ENABLED: (
            Status.PASS,
            f"Enabled: {', '.join(part.value.features)}",
        ),
        RootAccessStanding.DISABLED: (
            Status.FAIL,
            "The organization does not manage member accounts' root credentials centrally",
        ),
        RootAccessStanding.NO_TRUSTED_ACCESS: (
            Status.FAIL,
            "IAM's trusted access is not enabled in Organizations, so root access cannot be "
            "managed centrally",
        ),
        RootAccessStanding.NOT_ALL_FEATURES: (
            Status.FAIL,
            "The organization has consolidated billing only: enable all features first",
        ),
    }
    status, reason = reasons[standing]
    return Finding("root-central", title, Severity.LOW, status, reason, fix)
