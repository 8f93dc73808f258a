"""CIS controls on policies and account resources: full-admin customer policies (1.15),
a support role (1.16), expired server certificates (1.18), Access Analyzer in every
enabled Region (1.19), people federated (1.20) and CloudShell full access (1.21). Pure
functions of a Posture; a part that could not be read makes its check unknown.
"""

from __future__ import annotations

import json
from datetime import datetime

from tui.aws.findings import (
    Finding,
    Fix,
    Severity,
    Status,
    days_since,
    name_list,
    unknown_finding,
)
from tui.aws.models import Posture

IDENTITY_CENTER_URL = "https://console.aws.amazon.com/singlesignon/home"


def _holders_of(p: Posture, arn: str) -> list[str]:
    details = p.details.value
    if details is None:
        return []
    return [
        *(
            f"user {u.name}"
            for u in details.users
            if any(x.arn == arn for x in u.attached_policies)
        ),
        *(
            f"group {g.name}"
            for g in details.groups
            if any(x.arn == arn for x in g.attached_policies)
        ),
    ]


def check_admin_policies(p: Posture, now: datetime) -> Finding:
    title = "No attached customer policy allows * on *"
    fix = Fix(
        "Detach the policy, or narrow it to the actions and resources needed",
        console_steps=(
            "Open the policy (IAM console → Policies, or enter on a user or group here)",
            'Replace Action "*" / Resource "*" with what the holders need, or detach it',
        ),
    )
    part = p.local_policies
    if part.value is None:
        return unknown_finding("admin-policies", title, Severity.HIGH, part, fix)
    attached = [pol for pol in part.value.policies if pol.attachments]
    bad = [pol for pol in attached if pol.full_admin_statements()]
    unread = [pol.name for pol in attached if pol.document is None]
    if not bad and unread:
        return Finding(
            "admin-policies",
            title,
            Severity.HIGH,
            Status.UNKNOWN,
            f"Cannot tell for {name_list(unread)}: the answer did not include the document "
            "of its default version (r reads it again)",
            fix,
            tuple(unread),
        )
    if not bad:
        return Finding(
            "admin-policies",
            title,
            Severity.HIGH,
            Status.PASS,
            "No attached customer managed policy grants full administrator access",
            fix,
        )
    lines = []
    for pol in bad:
        holders = _holders_of(p, pol.arn)
        others = pol.attachments - len(holders)
        who = ", ".join(holders) + (
            f"{', ' if holders else ''}{others} role(s)" if others > 0 else ""
        )
        statement = json.dumps(pol.full_admin_statements()[0], sort_keys=True)
        lines.append(f"{pol.name} (attached to {who or 'someone'}): {statement}")
    return Finding(
        "admin-policies",
        title,
        Severity.HIGH,
        Status.FAIL,
        f"{len(bad)} policy(ies) allow * on *: " + "\n".join(lines),
        fix,
        tuple(pol.name for pol in bad),
    )


def check_support_role(p: Posture, now: datetime) -> Finding:
    title = "A support role exists (AWSSupportAccess)"
    fix = Fix("Create a role with AWSSupportAccess, trusted by this account", action="support_role")
    part = p.entities
    if part.value is None:
        return unknown_finding("support-role", title, Severity.LOW, part, fix)
    roles = list(part.value.support.roles)
    if roles:
        return Finding(
            "support-role",
            title,
            Severity.LOW,
            Status.PASS,
            f"Support role: {name_list(roles)}",
            fix,
        )
    return Finding(
        "support-role",
        title,
        Severity.LOW,
        Status.FAIL,
        "No role has AWSSupportAccess: nobody can open a support case without broader rights",
        fix,
    )


def check_expired_certificates(p: Posture, now: datetime) -> Finding:
    title = "No expired server certificates in IAM"
    fix = Fix("Delete the expired certificates (confirmed first)", action="delete_certificates")
    part = p.certificates
    if part.value is None:
        return unknown_finding("expired-certificates", title, Severity.MEDIUM, part, fix)
    expired = [c for c in part.value if c.expires is not None and c.expires < now]
    undated = [c.name for c in part.value if c.expires is None]
    if undated and not expired:
        return Finding(
            "expired-certificates",
            title,
            Severity.MEDIUM,
            Status.UNKNOWN,
            f"Cannot tell for {name_list(undated)}: IAM listed no expiration date",
            fix,
        )
    if expired:
        names = [f"{c.name} ({days_since(now, c.expires)} d ago)" for c in expired]
        return Finding(
            "expired-certificates",
            title,
            Severity.MEDIUM,
            Status.FAIL,
            f"Expired: {name_list(names)}",
            fix,
            tuple(c.name for c in expired),
        )
    return Finding(
        "expired-certificates",
        title,
        Severity.MEDIUM,
        Status.PASS,
        f"{len(part.value)} server certificate(s), none expired",
        fix,
    )


def check_access_analyzer(p: Posture, now: datetime) -> Finding:
    title = "Access Analyzer in every enabled Region"
    fix = Fix(
        "Create an external-access analyzer in each Region that lacks one",
        action="create_analyzers",
    )
    part = p.analyzers
    if part.value is None:
        return unknown_finding("access-analyzer", title, Severity.MEDIUM, part, fix)
    scan = part.value
    lacking = list(scan.lacking)
    if lacking:
        only_other = [
            r.region for r in scan.regions if r.error is None and r.analyzers and not r.has_external
        ]
        note = f" ({name_list(only_other)}: only analyzers of other kinds)" if only_other else ""
        return Finding(
            "access-analyzer",
            title,
            Severity.MEDIUM,
            Status.FAIL,
            f"No active ACCOUNT or ORGANIZATION analyzer in {len(lacking)} Region(s): "
            f"{name_list(lacking)}{note}",
            fix,
            tuple(lacking),
        )
    unreadable = scan.unreadable
    if unreadable:
        first = unreadable[0].error
        why = first.headline() if first else "unknown"
        return Finding(
            "access-analyzer",
            title,
            Severity.MEDIUM,
            Status.UNKNOWN,
            f"Cannot tell for {name_list([r.region for r in unreadable])}: {why}",
            fix,
        )
    if not scan.regions:
        return Finding(
            "access-analyzer",
            title,
            Severity.MEDIUM,
            Status.UNKNOWN,
            "No enabled Region was listed",
            fix,
        )
    return Finding(
        "access-analyzer",
        title,
        Severity.MEDIUM,
        Status.PASS,
        f"An external-access analyzer is active in all {len(scan.regions)} enabled Regions",
        fix,
    )


def check_cloudshell(p: Posture, now: datetime) -> Finding:
    title = "AWSCloudShellFullAccess is attached to no one"
    fix = Fix(
        "Detach it (enter on the user or group, then ctrl+d on the policy); grant narrower "
        "CloudShell permissions where needed",
    )
    part = p.entities
    if part.value is None:
        return unknown_finding("cloudshell-access", title, Severity.MEDIUM, part, fix)
    holders = part.value.cloudshell
    if holders.anyone:
        return Finding(
            "cloudshell-access",
            title,
            Severity.MEDIUM,
            Status.FAIL,
            f"Attached to: {name_list(holders.names())} (CloudShell can upload and download files)",
            fix,
            tuple(holders.names()),
            holders.users,
        )
    return Finding(
        "cloudshell-access", title, Severity.MEDIUM, Status.PASS, "Attached to no one", fix
    )


def check_people_federated(p: Posture, now: datetime) -> Finding:
    title = "People sign in through federation, not IAM users"
    fix = Fix(
        "Consider IAM Identity Center: one sign-in with temporary credentials for every account",
        console_steps=(
            "Open IAM Identity Center and enable it (an organization instance if you use "
            "Organizations)",
            "Create users or connect your identity provider, then assign permission sets",
            "Once people sign in there, remove their IAM users' console passwords",
        ),
        url=IDENTITY_CENTER_URL,
    )
    fed = p.federation.value
    if fed is None:
        return unknown_finding("people-federated", title, Severity.LOW, p.federation, fix)
    if fed.any:
        kinds = [
            f"{len(fed.saml)} SAML provider(s)" if fed.saml else "",
            f"{len(fed.oidc)} OIDC provider(s)" if fed.oidc else "",
            f"Identity Center in {fed.region}" if fed.identity_center else "",
        ]
        return Finding(
            "people-federated",
            title,
            Severity.LOW,
            Status.PASS,
            "Federation is set up: " + ", ".join(k for k in kinds if k),
            fix,
        )
    report = p.report.value
    if report is None:
        return unknown_finding("people-federated", title, Severity.LOW, p.report, fix)
    console = [r.user for r in report.users if r.password_enabled]
    if not console:
        return Finding(
            "people-federated",
            title,
            Severity.LOW,
            Status.PASS,
            "No IAM user has a console password",
            fix,
        )
    return Finding(
        "people-federated",
        title,
        Severity.LOW,
        Status.INFO,
        f"{len(console)} IAM user(s) sign in with a password ({name_list(console)}) and no "
        f"SAML/OIDC provider or Identity Center instance (in {fed.region}) was found. AWS "
        "recommends Identity Center for people: temporary credentials, one sign-in",
        fix,
        tuple(console),
    )
