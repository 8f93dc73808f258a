"""Seed the demo account: a realistic, neglected AWS account where every check fails somewhere.

Runs inside the demo server process (``tui.demo.server``). Everything the IAM API can
express goes through boto3 against the running server, so the account is built the way a
real one is; what the API cannot express (how long ago a user was created, a key was
rotated or last used, a password last used) is then back-dated directly on moto's IAM
backend, which only works in the process that holds it.

What the account looks like (and which recommendation each part fails):
- root: no MFA (moto's default), no alias, weak password policy (length 8, nothing else);
- no ``administrators`` group; ``developers`` (PowerUserAccess), ``readonly``
  (ReadOnlyAccess) and ``billing`` (no policy at all);
- ``alice``, the caller: console + virtual MFA, one recent key, in developers, with
  AdministratorAccess attached directly (admin rights outside a group);
- console users without MFA (``bob`` with a 200-day-old key last used 100 days ago,
  ``erin``, ``frank`` who left 300 days ago but still has a password and an old inactive
  key), ``dave`` who never signed in, ``carol`` with MFA;
- service users: ``deploy-bot`` (two active keys, one 120 days old and never used,
  AmazonS3FullAccess attached directly) and ``grafana-reader`` (inline policy, daily key).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from mypy_boto3_iam import IAMClient
    from mypy_boto3_iam.type_defs import TagTypeDef

__all__ = [
    "ACCOUNT_ID",
    "CALLER",
    "GROUPS",
    "USERS",
    "GroupSpec",
    "Identities",
    "KeySpec",
    "SeedResult",
    "UserSpec",
    "backdate",
    "seed_account",
    "seed_identities",
    "seed_via_api",
]

ACCOUNT_ID: Final = "123456789012"
CALLER: Final = "alice"
_POLICY: Final = "arn:aws:iam::aws:policy/"


@dataclass(frozen=True)
class KeySpec:
    """An access key: its age, when it was last used (None: never) and its status."""

    age_days: int
    last_used_days: float | None = None
    active: bool = True
    service: str = "iam"
    region: str = "us-east-1"


@dataclass(frozen=True)
class UserSpec:
    """One IAM user of the demo account and how old its parts should look."""

    name: str
    created_days: int
    console: bool = False
    # Days since the console password was last used; None: never signed in.
    password_last_used_days: float | None = None
    password_reset_required: bool = False
    mfa: bool = False
    groups: tuple[str, ...] = ()
    managed_policies: tuple[str, ...] = ()
    inline_policies: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    tags: Mapping[str, str] = field(default_factory=dict)
    keys: tuple[KeySpec, ...] = ()


@dataclass(frozen=True)
class GroupSpec:
    """An IAM group and the managed policies attached to it."""

    name: str
    created_days: int
    managed_policies: tuple[str, ...] = ()


def _allow(actions: list[str], resource: str = "*") -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": actions, "Resource": resource}],
    }


GROUPS: Final[tuple[GroupSpec, ...]] = (
    GroupSpec("developers", 700, (_POLICY + "PowerUserAccess",)),
    GroupSpec("readonly", 650, (_POLICY + "ReadOnlyAccess",)),
    GroupSpec("billing", 400),
)

USERS: Final[tuple[UserSpec, ...]] = (
    UserSpec(
        CALLER,
        created_days=720,
        console=True,
        password_last_used_days=0.1,
        mfa=True,
        groups=("developers",),
        managed_policies=(_POLICY + "AdministratorAccess",),
        tags={"department": "engineering", "email": "alice@example.com"},
        keys=(KeySpec(age_days=12, last_used_days=0),),
    ),
    UserSpec(
        "bob",
        created_days=540,
        console=True,
        password_last_used_days=3,
        groups=("developers",),
        tags={"department": "engineering"},
        keys=(KeySpec(age_days=200, last_used_days=100, service="s3", region="eu-west-1"),),
    ),
    UserSpec(
        "carol",
        created_days=480,
        console=True,
        password_last_used_days=1,
        mfa=True,
        groups=("readonly", "billing"),
        tags={"department": "finance", "cost-center": "cc-1042"},
    ),
    UserSpec(
        "dave",
        created_days=45,
        console=True,
        password_last_used_days=None,
        password_reset_required=True,
        groups=("readonly",),
        tags={"department": "support"},
    ),
    UserSpec(
        "erin",
        created_days=300,
        console=True,
        password_last_used_days=20,
        groups=("billing",),
        inline_policies={
            "billing-console": _allow(
                ["aws-portal:ViewBilling", "aws-portal:ViewUsage", "ce:Get*", "ce:Describe*"]
            )
        },
        tags={"department": "finance"},
    ),
    UserSpec(
        "frank",
        created_days=900,
        console=True,
        password_last_used_days=300,
        groups=("developers",),
        tags={"department": "engineering", "status": "left-company"},
        keys=(KeySpec(age_days=400, last_used_days=310, active=False, service="ec2"),),
    ),
    UserSpec(
        "deploy-bot",
        created_days=400,
        managed_policies=(_POLICY + "AmazonS3FullAccess",),
        tags={"team": "platform", "purpose": "ci-deploy"},
        keys=(
            KeySpec(age_days=30, last_used_days=0.5, service="s3", region="us-west-2"),
            KeySpec(age_days=120, last_used_days=None),
        ),
    ),
    UserSpec(
        "grafana-reader",
        created_days=250,
        inline_policies={
            "cloudwatch-read": _allow(
                ["cloudwatch:Describe*", "cloudwatch:Get*", "cloudwatch:List*", "logs:Get*"]
            )
        },
        tags={"team": "observability"},
        keys=(KeySpec(age_days=250, last_used_days=0.02, service="monitoring"),),
    ),
)

#: Weak on purpose: length 8 and nothing else (UpdateAccountPasswordPolicy has no partial
#: update, so every omitted field is at its weakest default).
PASSWORD_POLICY: Final[Mapping[str, Any]] = {"MinimumPasswordLength": 8}


@dataclass(frozen=True)
class SeedResult:
    """What the seed hands back: the caller's credentials and each user's key ids."""

    access_key_id: str
    secret_access_key: str
    key_ids: Mapping[str, tuple[str, ...]]
    mfa_serials: Mapping[str, str]


def _password() -> str:
    # Meets the AWS default policy (three character classes), never shown to anyone.
    return "Demo-" + secrets.token_urlsafe(12) + "1a!"


@dataclass(frozen=True)
class Identities:
    """The ids :func:`seed_identities` made: each user's key ids and MFA serials, and the
    access key (id, secret) of the one user asked for."""

    key_ids: Mapping[str, tuple[str, ...]]
    mfa_serials: Mapping[str, str]
    kept_key: tuple[str, str] | None = field(default=None, repr=False)


def seed_identities(
    iam: IAMClient,
    groups: Sequence[GroupSpec],
    users: Sequence[UserSpec],
    *,
    password_policy: Mapping[str, Any] | None = None,
    keep_key_of: str | None = None,
) -> Identities:
    """Make ``groups`` and ``users`` (and the password policy) through the IAM API of the
    account ``iam`` acts in; keeps the secret of ``keep_key_of``'s first key only."""
    if password_policy is not None:
        iam.update_account_password_policy(**password_policy)
    for group in groups:
        iam.create_group(GroupName=group.name)
        for arn in group.managed_policies:
            iam.attach_group_policy(GroupName=group.name, PolicyArn=arn)

    key_ids: dict[str, tuple[str, ...]] = {}
    mfa_serials: dict[str, str] = {}
    kept_key: tuple[str, str] | None = None
    for user in users:
        tags: list[TagTypeDef] = [{"Key": k, "Value": v} for k, v in user.tags.items()]
        iam.create_user(UserName=user.name, Tags=tags)
        if user.console:
            iam.create_login_profile(
                UserName=user.name,
                Password=_password(),
                PasswordResetRequired=user.password_reset_required,
            )
        for group_name in user.groups:
            iam.add_user_to_group(GroupName=group_name, UserName=user.name)
        for arn in user.managed_policies:
            iam.attach_user_policy(UserName=user.name, PolicyArn=arn)
        for policy_name, document in user.inline_policies.items():
            iam.put_user_policy(
                UserName=user.name, PolicyName=policy_name, PolicyDocument=json.dumps(document)
            )
        ids: list[str] = []
        for spec in user.keys:
            key = iam.create_access_key(UserName=user.name)["AccessKey"]
            ids.append(key["AccessKeyId"])
            if not spec.active:
                iam.update_access_key(
                    UserName=user.name, AccessKeyId=key["AccessKeyId"], Status="Inactive"
                )
            if user.name == keep_key_of and kept_key is None:
                kept_key = (key["AccessKeyId"], key["SecretAccessKey"])
        key_ids[user.name] = tuple(ids)
        if user.mfa:
            device = iam.create_virtual_mfa_device(VirtualMFADeviceName=user.name)
            serial = device["VirtualMFADevice"]["SerialNumber"]
            # moto accepts any codes; real AWS wants two consecutive TOTP codes.
            iam.enable_mfa_device(
                UserName=user.name,
                SerialNumber=serial,
                AuthenticationCode1="123456",
                AuthenticationCode2="654321",
            )
            mfa_serials[user.name] = serial
    return Identities(key_ids, mfa_serials, kept_key)


def seed_via_api(iam: IAMClient) -> SeedResult:
    """Build the account through the IAM API (the client must be unauthenticated-safe)."""
    made = seed_identities(iam, GROUPS, USERS, password_policy=PASSWORD_POLICY, keep_key_of=CALLER)
    if made.kept_key is None:
        raise RuntimeError(f"the seed gives {CALLER} no access key")
    return SeedResult(made.kept_key[0], made.kept_key[1], made.key_ids, made.mfa_serials)


def backdate(
    result: SeedResult | Identities,
    *,
    now: datetime | None = None,
    account_id: str = ACCOUNT_ID,
    groups: Sequence[GroupSpec] = GROUPS,
    users: Sequence[UserSpec] = USERS,
) -> None:
    """Age the seeded entities of ``account_id`` on moto's IAM backend (this process only).

    The IAM API has no way to say "this key is 200 days old": moto stamps everything with
    the time of the call, so the dates the credential report shows are rewritten here.
    """
    from moto.iam.models import AccessKeyLastUsed, iam_backends

    # moto keeps naive UTC datetimes (moto.core.utils.utcnow); stay consistent with it.
    now = (now or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)
    backend = iam_backends[account_id]["aws"]

    def ago(days: float) -> datetime:
        return now - timedelta(days=days)

    for group_spec in groups:
        backend.groups[group_spec.name].create_date = ago(group_spec.created_days)
    for spec in users:
        user = backend.users[spec.name]
        user.create_date = ago(spec.created_days)
        user.password_reset_required = spec.password_reset_required
        if spec.password_last_used_days is not None:
            # moto declares the attribute as None but documents it as settable (and its
            # credential report formats it as a datetime): getmoto/moto#5927.
            user.password_last_used = ago(spec.password_last_used_days)  # type: ignore[assignment]
        for key_spec, key_id in zip(spec.keys, result.key_ids[spec.name], strict=True):
            key = user.get_access_key_by_id(key_id)
            key.create_date = ago(key_spec.age_days)
            key.last_used = (
                None
                if key_spec.last_used_days is None
                else AccessKeyLastUsed(
                    timestamp=ago(key_spec.last_used_days),
                    service=key_spec.service,
                    region=key_spec.region,
                )
            )
        serial = result.mfa_serials.get(spec.name)
        if serial is not None:
            # MFA was set up a while after the user was created, not today.
            enabled = ago(max(spec.created_days - 7, 0))
            user.mfa_devices[serial].enable_date = enabled
            device = backend.virtual_mfa_devices.get(serial)
            if device is not None:
                device.enable_date = enabled


def seed_account(
    endpoint_url: str, *, region: str = "us-east-1", now: datetime | None = None
) -> SeedResult:
    """Seed the account served at ``endpoint_url`` (by this very process) and back-date it
    from ``now`` (default: the real time)."""
    import boto3
    from botocore.config import Config

    # Seeding runs before any auth simulation starts counting, so fake credentials do.
    iam = boto3.client(
        "iam",
        endpoint_url=endpoint_url,
        region_name=region,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"mode": "standard", "total_max_attempts": 3}),
    )
    result = seed_via_api(iam)
    backdate(result, now=now)
    return result
