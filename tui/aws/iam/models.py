"""What the IAM writers take and give: the new user or group, credentials shown once,
access keys and managed policies, and the form field an AWS error belongs to.

No secret appears in a ``repr``/``str``: :class:`UserCredentials` keeps its password
and secret access key out of them, :class:`NewUser` its password.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tui.aws.errors import AwsError
from tui.aws.models import ADMIN_POLICY_ARN, IamGroup, PasswordPolicy, utcnow
from tui.aws.plan import Step

CHANGE_PASSWORD_POLICY_ARN = "arn:aws:iam::aws:policy/IAMUserChangePassword"
# AWS managed policies that allow iam:ChangePassword on the member's own user: a member of a
# group with one of them needs no IAMUserChangePassword of its own.
SELF_SERVICE_POLICY_ARNS = frozenset(
    {ADMIN_POLICY_ARN, "arn:aws:iam::aws:policy/IAMFullAccess", CHANGE_PASSWORD_POLICY_ARN}
)
MAX_GROUPS_PER_USER = 10
MAX_ACCESS_KEYS_PER_USER = 2  # AWS's limit; inactive keys count too
PASSWORD_PLACEHOLDER = "<password>"

# Form fields an error can belong to: the attribute names of NewUser / NewGroup.
FIELD_NAME = "name"
FIELD_PATH = "path"
FIELD_PASSWORD = "password"
FIELD_REQUIRE_RESET = "require_reset"
FIELD_GROUPS = "groups"
FIELD_TAGS = "tags"
FIELD_ACCESS_KEY = "access_key"
FIELD_POLICIES = "policy_arns"


@dataclass(frozen=True, repr=False)
class UserCredentials:
    """What a new user signs in with. Shown once; the secrets never appear in ``repr``."""

    account_id: str
    user_name: str
    sign_in_url: str
    password: str | None = field(default=None, repr=False)
    access_key_id: str | None = None
    secret_access_key: str | None = field(default=None, repr=False)
    created: datetime = field(default_factory=utcnow)

    def __repr__(self) -> str:
        def hidden(value: str | None) -> str:
            return "None" if value is None else "'<hidden>'"

        return (
            f"UserCredentials(account_id={self.account_id!r}, user_name={self.user_name!r}, "
            f"sign_in_url={self.sign_in_url!r}, password={hidden(self.password)}, "
            f"access_key_id={self.access_key_id!r}, "
            f"secret_access_key={hidden(self.secret_access_key)}, created={self.created!r})"
        )

    __str__ = __repr__

    @property
    def has_access_key(self) -> bool:
        return self.access_key_id is not None and self.secret_access_key is not None


@dataclass(frozen=True)
class NewGroup:
    """A group to create: name, path, managed policies to attach."""

    name: str
    path: str = "/"
    policy_arns: tuple[str, ...] = ()


@dataclass(frozen=True)
class NewUser:
    """A user to create. With ``console`` and ``password=None``, a password is generated."""

    name: str
    path: str = "/"
    console: bool = False
    password: str | None = field(default=None, repr=False)
    require_reset: bool = True
    access_key: bool = False
    groups: tuple[str, ...] = ()
    tags: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class AccessKey:
    """An access key's id and state (never its secret: AWS returns that only once)."""

    user_name: str
    key_id: str
    active: bool
    created: datetime | None = None

    @classmethod
    def from_metadata(cls, user_name: str, metadata: Mapping[str, Any]) -> AccessKey:
        """The key ListAccessKeys describes in ``metadata`` (one AccessKeyMetadata item)."""
        return cls(
            user_name=user_name,
            key_id=metadata["AccessKeyId"],
            active=metadata.get("Status") == "Active",
            created=metadata.get("CreateDate"),
        )


@dataclass(frozen=True)
class KeyLastUsed:
    """When and where an access key was last used (GetAccessKeyLastUsed); ``None`` fields:
    never used (AWS says ``N/A``), or not tracked (keys unused since April 2015)."""

    date: datetime | None
    service: str | None
    region: str | None

    @classmethod
    def from_response(cls, response: Mapping[str, Any]) -> KeyLastUsed:
        """From a GetAccessKeyLastUsed answer."""
        used = response.get("AccessKeyLastUsed") or {}

        def known(value: object) -> str | None:
            return value if isinstance(value, str) and value and value != "N/A" else None

        date = used.get("LastUsedDate")
        return cls(
            date if isinstance(date, datetime) else None,
            known(used.get("ServiceName")),
            known(used.get("Region")),
        )


@dataclass(frozen=True)
class PasswordChange:
    """A console password to give (or reset) for an existing user; ``password=None``: one is
    generated. The password never appears in ``repr``."""

    name: str
    password: str | None = field(default=None, repr=False)
    require_reset: bool = True


@dataclass(frozen=True)
class ManagedPolicy:
    """An attachable managed policy, for the picker. ListPolicies returns no
    description, so ``description`` falls back to the policy's path."""

    name: str
    arn: str
    description: str
    aws_managed: bool


def users_can_change_own_password(policy: PasswordPolicy) -> bool:
    """True when the account policy lets every IAM user change their own password.

    AWS's default (no custom policy) does not: the option exists only in a custom
    policy, where AllowUsersToChangePassword defaults to false.
    """
    return policy.allow_users_to_change and not policy.is_aws_default


def self_service_groups(groups: Iterable[IamGroup]) -> frozenset[str]:
    """The names of ``groups`` whose attached policies let members change their own password."""
    return frozenset(
        g.name
        for g in groups
        if any(p.arn in SELF_SERVICE_POLICY_ARNS for p in g.attached_policies)
    )


def needs_change_password_policy(
    policy: PasswordPolicy,
    reset: bool,
    groups: Iterable[str] = (),
    self_service: frozenset[str] = frozenset(),
) -> bool:
    """Whether a user given a password that must be changed at first sign-in needs
    IAMUserChangePassword attached: only when the account policy does not let users change
    their own password and none of ``groups`` (the user's) is in ``self_service``. (Attaching
    it to the user would make the "permissions come from groups" check fail.)"""
    if not reset or users_can_change_own_password(policy):
        return False
    return not any(g in self_service for g in groups)


def field_for(error: AwsError, step: Step) -> str | None:
    """The form field an error belongs to (``"name"``, ``"password"``…), or ``None``."""
    action, code, message = step.action, error.code, error.message.lower()
    if action in ("iam:CreateUser", "iam:CreateGroup"):
        if code == "EntityAlreadyExists":
            return FIELD_NAME
        if code in ("InvalidInput", "ValidationError", "MalformedInput", "LimitExceeded"):
            if "tag" in message:
                return FIELD_TAGS
            if "path" in message:
                return FIELD_PATH
            return FIELD_NAME if code != "LimitExceeded" else None
        return None
    if action in ("iam:CreateLoginProfile", "iam:UpdateLoginProfile") and code in (
        "PasswordPolicyViolation",
        "InvalidInput",
    ):
        return FIELD_PASSWORD
    if action == "iam:AttachUserPolicy":
        return FIELD_REQUIRE_RESET
    if action == "iam:AddUserToGroup" and code in ("NoSuchEntity", "LimitExceeded"):
        return FIELD_GROUPS
    if action == "iam:AttachGroupPolicy" and code in (
        "NoSuchEntity",
        "InvalidInput",
        "LimitExceeded",
        "PolicyNotAttachable",
    ):
        return FIELD_POLICIES
    if action == "iam:CreateAccessKey" and code == "LimitExceeded":
        return FIELD_ACCESS_KEY
    return None
