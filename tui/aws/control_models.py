"""What the CIS controls beyond users, keys and passwords read: frozen dataclasses, one per
posture part (security contact, virtual MFA devices, server certificates, Access Analyzer,
who has two AWS managed policies, customer managed policies, centralized root access,
federation). Read by :mod:`tui.aws.control_reads`, judged by :mod:`tui.aws.cis_checks`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from tui.aws.errors import AwsError

SUPPORT_POLICY_ARN = "arn:aws:iam::aws:policy/AWSSupportAccess"
CLOUDSHELL_POLICY_ARN = "arn:aws:iam::aws:policy/AWSCloudShellFullAccess"
ROOT_VIRTUAL_MFA_SUFFIX = ":mfa/root-account-mfa-device"
# Access Analyzer types whose zone of trust is the account or organization: they report
# access from outside it. Unused-access and internal-access analyzers do not.
EXTERNAL_ANALYZER_TYPES = frozenset({"ACCOUNT", "ORGANIZATION"})


@dataclass(frozen=True)
class AlternateContact:
    """An alternate contact of the account (account:GetAlternateContact)."""

    name: str
    title: str
    email: str
    phone: str


@dataclass(frozen=True)
class SecurityContact:
    """The SECURITY alternate contact; ``contact`` is None when none is registered."""

    contact: AlternateContact | None


@dataclass(frozen=True)
class VirtualMfa:
    """A virtual MFA device and the ARN of the user it is assigned to (None: unassigned)."""

    serial: str
    user_arn: str | None


@dataclass(frozen=True)
class VirtualMfaList:
    """Every virtual MFA device of the account (iam:ListVirtualMFADevices)."""

    devices: tuple[VirtualMfa, ...] = ()

    @property
    def root_virtual(self) -> bool:
        """True when root's MFA is a virtual device (an app), not hardware or a passkey."""
        return any(
            d.serial.endswith(ROOT_VIRTUAL_MFA_SUFFIX)
            or (d.user_arn is not None and d.user_arn.endswith(":root"))
            for d in self.devices
            if d.user_arn is not None
        )


@dataclass(frozen=True)
class ServerCertificate:
    """A server certificate stored in IAM (iam:ListServerCertificates)."""

    name: str
    arn: str
    path: str
    expires: datetime | None


@dataclass(frozen=True)
class Analyzer:
    """An IAM Access Analyzer analyzer in one Region."""

    name: str
    arn: str
    type: str
    status: str

    @property
    def external(self) -> bool:
        """True for an ACTIVE analyzer of external access (type ACCOUNT or ORGANIZATION)."""
        return self.status == "ACTIVE" and self.type in EXTERNAL_ANALYZER_TYPES


@dataclass(frozen=True)
class RegionAnalyzers:
    """The analyzers of one enabled Region, or why they could not be listed."""

    region: str
    analyzers: tuple[Analyzer, ...] = ()
    error: AwsError | None = None

    @property
    def has_external(self) -> bool:
        return any(a.external for a in self.analyzers)


@dataclass(frozen=True)
class AnalyzerScan:
    """Access Analyzer in every enabled Region (ListAnalyzers once per Region)."""

    regions: tuple[RegionAnalyzers, ...] = ()

    @property
    def lacking(self) -> tuple[str, ...]:
        """Regions read without an external analyzer."""
        return tuple(r.region for r in self.regions if r.error is None and not r.has_external)

    @property
    def unreadable(self) -> tuple[RegionAnalyzers, ...]:
        return tuple(r for r in self.regions if r.error is not None)


@dataclass(frozen=True)
class PolicyHolders:
    """Who a managed policy is attached to (iam:ListEntitiesForPolicy)."""

    policy_arn: str
    users: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()

    @property
    def anyone(self) -> bool:
        return bool(self.users or self.groups or self.roles)

    def names(self) -> list[str]:
        return [
            *(f"user {u}" for u in self.users),
            *(f"group {g}" for g in self.groups),
            *(f"role {r}" for r in self.roles),
        ]


@dataclass(frozen=True)
class PolicyEntities:
    """The holders of AWSSupportAccess (1.16) and AWSCloudShellFullAccess (1.21)."""

    support: PolicyHolders
    cloudshell: PolicyHolders


@dataclass(frozen=True)
class LocalPolicy:
    """A customer managed policy and its default version's document (None when the
    answer did not include it: what the policy allows is then unknown)."""

    name: str
    arn: str
    attachments: int
    document: dict[str, Any] | None = field(default_factory=dict)

    def full_admin_statements(self) -> tuple[dict[str, Any], ...]:
        """Statements that allow ``"*"`` actions on ``"*"`` resources (CIS 1.15)."""
        return full_admin_statements(self.document or {})


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


# The action or resource that stands for all of them ("*:*" is how some write "*").
_EVERY_ACTION = frozenset({"*", "*:*"})


def _every(statement: dict[str, Any], key: str, wildcards: frozenset[str]) -> bool:
    """True when ``statement`` covers every action (``key`` "Action") or resource
    ("Resource"): a wildcard in ``key``, or ``Not<key>`` with anything but a wildcard
    (everything except a few is everything AWS adds later, and IAM does not check the
    names a NotAction lists: "everything but a made-up action" is "*")."""
    if any(v in wildcards for v in _as_list(statement.get(key))):
        return True
    excluded = _as_list(statement.get(f"Not{key}"))
    return bool(excluded) and not any(v in wildcards for v in excluded)


def full_admin_statements(document: dict[str, Any]) -> tuple[dict[str, Any], ...]:
    """The Allow statements of ``document`` that grant every action on every resource:
    ``"*"`` (in a list or not) on ``"*"``, or all actions but those a NotAction lists
    on ``"*"``, or ``"*"`` on all resources but those a NotResource lists. Narrower
    grants ("iam:*" on "*", anything on named resources) are not CIS 1.15's concern."""
    found = []
    for statement in _as_list(document.get("Statement")):
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
            continue
        if _every(statement, "Action", _EVERY_ACTION) and _every(
            statement, "Resource", frozenset({"*"})
        ):
            found.append(statement)
    return tuple(found)


@dataclass(frozen=True)
class LocalPolicies:
    """Every customer managed policy (GetAccountAuthorizationDetails, LocalManagedPolicy)."""

    policies: tuple[LocalPolicy, ...] = ()


class RootAccessStanding(StrEnum):
    """What iam:ListOrganizationsFeatures says about centralized root access."""

    NOT_IN_ORGANIZATION = "not-in-organization"
    MEMBER = "member"  # a member account: only the management account can tell
    ENABLED = "enabled"
    DISABLED = "disabled"
    NO_TRUSTED_ACCESS = "no-trusted-access"  # IAM's trusted access is off in Organizations
    NOT_ALL_FEATURES = "not-all-features"  # the organization has consolidated billing only


@dataclass(frozen=True)
class RootAccess:
    """Centralized root access for member accounts (iam:ListOrganizationsFeatures)."""

    standing: RootAccessStanding
    organization_id: str | None = None
    features: tuple[str, ...] = ()


@dataclass(frozen=True)
class Federation:
    """Where people could sign in from other than IAM users: SAML and OIDC identity
    providers, and IAM Identity Center instances in ``region``."""

    saml: tuple[str, ...] = ()
    oidc: tuple[str, ...] = ()
    identity_center: tuple[str, ...] = ()
    region: str = "us-east-1"

    @property
    def any(self) -> bool:
        return bool(self.saml or self.oidc or self.identity_center)
