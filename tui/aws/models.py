"""Frozen dataclasses that cross from the AWS layer to the UI. No boto3 dicts beyond here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Generic, TypeVar

from tui.aws import clock
from tui.aws.control_models import (
    AnalyzerScan,
    Federation,
    LocalPolicies,
    PolicyEntities,
    RootAccess,
    SecurityContact,
    ServerCertificate,
    VirtualMfaList,
)
from tui.aws.errors import AwsError

T = TypeVar("T")

ADMIN_POLICY_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"
ROOT_REPORT_USER = "<root_account>"


@dataclass(frozen=True)
class Part(Generic[T]):
    """One independently loaded piece of the account: pending, a value, or an error."""

    value: T | None = None
    error: AwsError | None = None
    loaded: bool = False

    @classmethod
    def ok(cls, value: T) -> Part[T]:
        return cls(value=value, loaded=True)

    @classmethod
    def failed(cls, error: AwsError) -> Part[T]:
        return cls(error=error, loaded=True)


@dataclass(frozen=True)
class Caller:
    """Who acct-tui is acting as (sts:GetCallerIdentity)."""

    account_id: str
    arn: str
    user_id: str

    @property
    def is_root(self) -> bool:
        return self.arn.endswith(":root")

    @property
    def user_name(self) -> str | None:
        """The IAM user name when the caller is an IAM user, else ``None``."""
        resource = self.arn.split(":", 5)[-1]
        if resource.startswith("user/"):
            return resource.rsplit("/", 1)[-1]
        return None


@dataclass(frozen=True)
class PolicyRef:
    """A managed policy attached to a user or group."""

    name: str
    arn: str


@dataclass(frozen=True)
class IamUser:
    """An IAM user as GetAccountAuthorizationDetails describes it."""

    name: str
    arn: str
    user_id: str
    path: str
    created: datetime
    groups: tuple[str, ...] = ()
    attached_policies: tuple[PolicyRef, ...] = ()
    inline_policies: tuple[str, ...] = ()
    tags: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class IamGroup:
    """An IAM group as GetAccountAuthorizationDetails describes it."""

    name: str
    arn: str
    path: str
    created: datetime
    attached_policies: tuple[PolicyRef, ...] = ()
    inline_policies: tuple[str, ...] = ()

    def has_admin(self) -> bool:
        return any(p.arn == ADMIN_POLICY_ARN for p in self.attached_policies)


@dataclass(frozen=True)
class AuthDetails:
    """Users and groups of the account, with memberships and attached policies."""

    users: tuple[IamUser, ...] = ()
    groups: tuple[IamGroup, ...] = ()

    def members(self, group: str) -> tuple[str, ...]:
        return tuple(u.name for u in self.users if group in u.groups)

    def group(self, name: str) -> IamGroup | None:
        return next((g for g in self.groups if g.name == name), None)

    def admin_users(self) -> list[str]:
        """Users with AdministratorAccess, attached to them or to one of their groups."""
        admin_groups = {g.name for g in self.groups if g.has_admin()}
        return [
            u.name
            for u in self.users
            if admin_groups.intersection(u.groups)
            or any(p.arn == ADMIN_POLICY_ARN for p in u.attached_policies)
        ]


@dataclass(frozen=True)
class KeyInfo:
    """One access key slot (1 or 2) of a credential-report row."""

    slot: int
    active: bool
    last_rotated: datetime | None
    last_used: datetime | None
    last_used_service: str | None = None


@dataclass(frozen=True)
class CredentialRow:
    """One line of the IAM credential report."""

    user: str
    arn: str
    created: datetime | None
    password_enabled: bool | None
    password_last_used: datetime | None
    mfa_active: bool
    keys: tuple[KeyInfo, ...] = ()

    @property
    def active_keys(self) -> tuple[KeyInfo, ...]:
        return tuple(k for k in self.keys if k.active)


@dataclass(frozen=True)
class CredentialReport:
    """The credential report, with the time AWS generated it (it is cached up to 4 h)."""

    generated: datetime
    rows: tuple[CredentialRow, ...] = ()

    @property
    def root(self) -> CredentialRow | None:
        return self.row(ROOT_REPORT_USER)

    def row(self, user: str) -> CredentialRow | None:
        return next((r for r in self.rows if r.user == user), None)

    @property
    def users(self) -> tuple[CredentialRow, ...]:
        return tuple(r for r in self.rows if r.user != ROOT_REPORT_USER)


@dataclass(frozen=True)
class AccountSummary:
    """The root-level facts of iam:GetAccountSummary."""

    root_mfa_enabled: bool
    root_access_keys_present: bool
    users: int = 0
    groups: int = 0
    users_quota: int = 0


@dataclass(frozen=True)
class PasswordPolicy:
    """The account password policy, or AWS's default when none is set."""

    minimum_length: int = 8
    require_symbols: bool = False
    require_numbers: bool = False
    require_uppercase: bool = False
    require_lowercase: bool = False
    allow_users_to_change: bool = False
    max_age_days: int | None = None
    reuse_prevention: int | None = None
    hard_expiry: bool = False
    is_aws_default: bool = False


# With no policy set, AWS enforces 8-128 characters and three of the four classes.
AWS_DEFAULT_PASSWORD_POLICY = PasswordPolicy(is_aws_default=True)


class RegionStatus(StrEnum):
    """Opt-in status, as the Account API names it."""

    ENABLED = "ENABLED"
    ENABLING = "ENABLING"
    DISABLING = "DISABLING"
    DISABLED = "DISABLED"
    ENABLED_BY_DEFAULT = "ENABLED_BY_DEFAULT"


@dataclass(frozen=True)
class Region:
    """A Region, its display name from botocore's endpoint data, and its opt-in status."""

    code: str
    name: str
    status: RegionStatus


@dataclass(frozen=True)
class RegionList:
    """The Regions and where the list came from.

    ``source`` is ``"account"`` (Account API, changeable) or ``"ec2"`` (the read-only
    fallback used when the Account API is unavailable; ``fallback_reason`` says why).
    """

    regions: tuple[Region, ...]
    source: str = "account"
    fallback_reason: AwsError | None = None


@dataclass(frozen=True)
class UserView:
    """A user joined with its credential-report row, for the Users pane and the checks."""

    user: IamUser
    row: CredentialRow | None

    @property
    def name(self) -> str:
        return self.user.name


@dataclass(frozen=True)
class Posture:
    """Everything acct-tui knows about the account, each part loaded on its own."""

    caller: Part[Caller] = field(default_factory=Part)
    summary: Part[AccountSummary] = field(default_factory=Part)
    details: Part[AuthDetails] = field(default_factory=Part)
    report: Part[CredentialReport] = field(default_factory=Part)
    aliases: Part[tuple[str, ...]] = field(default_factory=Part)
    password_policy: Part[PasswordPolicy] = field(default_factory=Part)
    regions: Part[RegionList] = field(default_factory=Part)
    # The CIS controls beyond users, keys and passwords (tui/aws/control_reads.py).
    contacts: Part[SecurityContact] = field(default_factory=Part)
    mfa_devices: Part[VirtualMfaList] = field(default_factory=Part)
    certificates: Part[tuple[ServerCertificate, ...]] = field(default_factory=Part)
    analyzers: Part[AnalyzerScan] = field(default_factory=Part)
    entities: Part[PolicyEntities] = field(default_factory=Part)
    local_policies: Part[LocalPolicies] = field(default_factory=Part)
    org_root: Part[RootAccess] = field(default_factory=Part)
    federation: Part[Federation] = field(default_factory=Part)

    def with_part(self, name: str, part: Part[Any]) -> Posture:
        return replace(self, **{name: part})

    @property
    def alias(self) -> str | None:
        return self.aliases.value[0] if self.aliases.value else None

    # -- local updates after a change the app made itself --------------------------------
    # IAM is eventually consistent and the credential report is regenerated at most every
    # 4 hours, so re-reading right after a change can miss it; the app applies what it
    # knows it did instead.
    def with_user(self, user: IamUser, row: CredentialRow | None) -> Posture:
        """The posture with ``user`` added (or replaced)."""
        posture = self
        details = self.details.value
        if details is not None:
            users = tuple(u for u in details.users if u.name != user.name) + (user,)
            users = tuple(sorted(users, key=lambda u: u.name.lower()))
            posture = replace(posture, details=Part.ok(replace(details, users=users)))
        report = self.report.value
        if report is not None and row is not None:
            rows = tuple(r for r in report.rows if r.user != user.name) + (row,)
            posture = replace(posture, report=Part.ok(replace(report, rows=rows)))
        return posture

    def with_row(self, user: str, **changes: Any) -> Posture:
        """The posture with ``user``'s credential-report row changed (e.g. mfa_active)."""
        report = self.report.value
        if report is None:
            return self
        rows = tuple(replace(r, **changes) if r.user == user else r for r in report.rows)
        return replace(self, report=Part.ok(replace(report, rows=rows)))

    def with_user_keys(self, user: str, keys: Sequence[tuple[bool, datetime | None]]) -> Posture:
        """The posture with ``user``'s keys as (active, created) pairs, oldest first.

        The credential report numbers keys by age, so slots follow creation order; what
        is known of each slot's last use is kept.
        """
        report = self.report.value
        row = report.row(user) if report else None
        if row is None:
            return self
        used = {k.slot: (k.last_used, k.last_used_service) for k in row.keys}
        infos = tuple(
            KeyInfo(slot, active, created, *used.get(slot, (None, None)))
            for slot, (active, created) in enumerate(
                sorted(keys, key=lambda k: k[1] or datetime.min.replace(tzinfo=UTC)), start=1
            )
        )
        return self.with_row(user, keys=infos)

    def with_region_status(self, code: str, status: RegionStatus) -> Posture:
        listing = self.regions.value
        if listing is None:
            return self
        regions = tuple(replace(r, status=status) if r.code == code else r for r in listing.regions)
        return replace(self, regions=Part.ok(replace(listing, regions=regions)))

    def with_aliases(self, aliases: tuple[str, ...]) -> Posture:
        return replace(self, aliases=Part.ok(aliases))

    def without_user(self, name: str) -> Posture:
        posture = self
        details = self.details.value
        if details is not None:
            users = tuple(u for u in details.users if u.name != name)
            posture = replace(posture, details=Part.ok(replace(details, users=users)))
        report = self.report.value
        if report is not None:
            rows = tuple(r for r in report.rows if r.user != name)
            posture = replace(posture, report=Part.ok(replace(report, rows=rows)))
        return posture

    def with_group(self, group: IamGroup) -> Posture:
        details = self.details.value
        if details is None:
            return self
        groups = tuple(g for g in details.groups if g.name != group.name) + (group,)
        groups = tuple(sorted(groups, key=lambda g: g.name.lower()))
        return replace(self, details=Part.ok(replace(details, groups=groups)))

    def without_group(self, name: str) -> Posture:
        details = self.details.value
        if details is None:
            return self
        groups = tuple(g for g in details.groups if g.name != name)
        users = tuple(
            replace(u, groups=tuple(g for g in u.groups if g != name)) for u in details.users
        )
        return replace(self, details=Part.ok(AuthDetails(users=users, groups=groups)))

    def user_views(self) -> tuple[UserView, ...]:
        """Users with their credential-report rows (``None`` when the report is missing)."""
        if self.details.value is None:
            return ()
        report = self.report.value
        rows = {r.user: r for r in report.users} if report else {}
        return tuple(UserView(u, rows.get(u.name)) for u in self.details.value.users)


PART_NAMES: tuple[str, ...] = tuple(f.name for f in fields(Posture))


# Where the root user signs in: AWS's documented start page ("Open the AWS Management
# Console, choose Root user, enter the account's e-mail address"). The account's own
# sign-in URL (sign_in_url) opens the IAM user form, which root cannot use directly.
ROOT_SIGN_IN_URL = "https://console.aws.amazon.com/"


def sign_in_url(account_id: str, alias: str | None = None) -> str:
    """The console sign-in URL of IAM users, in its alias form when there is an alias."""
    return f"https://{alias or account_id}.signin.aws.amazon.com/console"


def utcnow() -> datetime:
    """Now, from the app's one clock (:mod:`tui.aws.clock`, which screenshots pin)."""
    return clock.utcnow()
