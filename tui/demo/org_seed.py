"""Seed a demo organization: the demo account becomes the management account of an AWS
Organization whose member accounts are in different states.

Runs inside the demo server process (``python -m tui.demo.server --org`` or
``--org-members N``), after the demo account's own seed. As with that seed, everything the
APIs can express goes through boto3 against the running server: Organizations calls as the
demo account, and each member account's IAM calls through the
``OrganizationAccountAccessRole`` Organizations made in it (moto maps the assumed role's
keys to the member account). What no API expresses (a key's age, MFA on the root user) is
set on moto's backends directly, as :func:`tui.demo.seed.backdate` does.

``--org`` (:data:`MEMBERS`), under Root/Security, Root/Workloads/Prod, Root/Workloads/Dev
and Root/Suspended:

- ``security-tooling``: in good shape. Strong password policy, an alias, root MFA, an
  ``administrators`` group whose users all have MFA, no access keys.
- ``prod-web``: neglected. No password policy, no alias, console users without MFA,
  access keys older than 90 days, AdministratorAccess and AmazonS3FullAccess attached to
  users directly.
- ``dev-sandbox``: someone deleted its OrganizationAccountAccessRole, so assuming it is
  denied (sts:AssumeRole AccessDenied, see :mod:`tui.demo.assumerole`).
- ``legacy-data``: closed (SUSPENDED): Organizations lists it, nobody reads it.

``--org-members N`` (:func:`plain_member`): N more accounts ``member-001``… at Root, each
with two users (one console user, one service user with a key), for the benchmark.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from tui.demo.seed import GroupSpec, KeySpec, UserSpec, backdate, seed_identities

if TYPE_CHECKING:
    from botocore.config import Config
    from mypy_boto3_iam import IAMClient
    from mypy_boto3_organizations import OrganizationsClient
    from mypy_boto3_sts import STSClient

__all__ = [
    "MANAGEMENT_NAME",
    "MEMBERS",
    "MEMBER_ROLE",
    "OUS",
    "MemberSpec",
    "OrgSeedResult",
    "plain_member",
    "seed_demo_organization",
    "seed_organization",
]

MANAGEMENT_ACCOUNT: Final = "123456789012"
MANAGEMENT_NAME: Final = "acme-management"
MANAGEMENT_EMAIL: Final = "aws+management@example.com"
#: The role Organizations makes in each account it creates (moto makes it too).
MEMBER_ROLE: Final = "OrganizationAccountAccessRole"
SEED_SESSION: Final = "acct-tui-demo-seed"
_POLICY: Final = "arn:aws:iam::aws:policy/"
ADMIN: Final = _POLICY + "AdministratorAccess"

#: The OU tree below Root, parents before children.
OUS: Final[tuple[tuple[str, ...], ...]] = (
    ("Security",),
    ("Workloads",),
    ("Workloads", "Prod"),
    ("Workloads", "Dev"),
    ("Suspended",),
)


@dataclass(frozen=True)
class MemberSpec:
    """One member account of the demo organization and what is in it."""

    name: str
    ou: tuple[str, ...] = ()  # () for Root
    groups: tuple[GroupSpec, ...] = ()
    users: tuple[UserSpec, ...] = ()
    password_policy: Mapping[str, Any] | None = None
    alias: str | None = None
    root_mfa: bool = False
    role_deleted: bool = False  # its OrganizationAccountAccessRole, after the seed
    closed: bool = False

    @property
    def email(self) -> str:
        return f"aws+{self.name}@example.com"

    @property
    def ou_path(self) -> str:
        return "/".join(("Root", *self.ou))


STRONG_PASSWORD_POLICY: Final[Mapping[str, Any]] = {
    "MinimumPasswordLength": 14,
    "RequireSymbols": True,
    "RequireNumbers": True,
    "RequireUppercaseCharacters": True,
    "RequireLowercaseCharacters": True,
    "AllowUsersToChangePassword": True,
    "MaxPasswordAge": 90,
    "PasswordReusePrevention": 24,
}

MEMBERS: Final[tuple[MemberSpec, ...]] = (
    MemberSpec(
        "security-tooling",
        ou=("Security",),
        groups=(
            GroupSpec("administrators", 500, (ADMIN,)),
            GroupSpec("auditors", 480, (_POLICY + "SecurityAudit",)),
        ),
        users=(
            UserSpec(
                "maria",
                created_days=500,
                console=True,
                password_last_used_days=1,
                mfa=True,
                groups=("administrators",),
                tags={"team": "security"},
            ),
            UserSpec(
                "li",
                created_days=300,
                console=True,
                password_last_used_days=4,
                mfa=True,
                groups=("administrators",),
                tags={"team": "security"},
            ),
            UserSpec(
                "priya",
                created_days=120,
                console=True,
                password_last_used_days=2,
                mfa=True,
                groups=("auditors",),
                tags={"team": "audit"},
            ),
        ),
        password_policy=STRONG_PASSWORD_POLICY,
        alias="acme-security-tooling",
        root_mfa=True,
    ),
    MemberSpec(
        "prod-web",
        ou=("Workloads", "Prod"),
        groups=(GroupSpec("developers", 600, (_POLICY + "PowerUserAccess",)),),
        users=(
            UserSpec(
                "web-admin",
                created_days=650,
                console=True,
                password_last_used_days=6,
                managed_policies=(ADMIN,),
                tags={"team": "web"},
                keys=(KeySpec(age_days=410, last_used_days=40, service="ec2"),),
            ),
            UserSpec(
                "sam",
                created_days=420,
                console=True,
                password_last_used_days=2,
                groups=("developers",),
                tags={"team": "web"},
                keys=(KeySpec(age_days=130, last_used_days=1, service="s3"),),
            ),
            UserSpec(
                "jordan",
                created_days=200,
                console=True,
                password_last_used_days=None,
                groups=("developers",),
                tags={"team": "web"},
            ),
            UserSpec(
                "web-deploy",
                created_days=600,
                managed_policies=(_POLICY + "AmazonS3FullAccess",),
                tags={"purpose": "ci-deploy"},
                keys=(
                    KeySpec(age_days=380, last_used_days=0.3, service="s3"),
                    KeySpec(age_days=200, last_used_days=None),
                ),
            ),
        ),
    ),
    MemberSpec(
        "dev-sandbox",
        ou=("Workloads", "Dev"),
        groups=(GroupSpec("developers", 200, (_POLICY + "PowerUserAccess",)),),
        users=(
            UserSpec(
                "dev-1",
                created_days=150,
                console=True,
                password_last_used_days=3,
                groups=("developers",),
            ),
        ),
        role_deleted=True,
    ),
    MemberSpec(
        "legacy-data",
        ou=("Suspended",),
        users=(
            UserSpec(
                "etl-runner",
                created_days=1400,
                keys=(KeySpec(age_days=1300, last_used_days=700, service="s3"),),
            ),
        ),
        closed=True,
    ),
)


def plain_member(number: int) -> MemberSpec:
    """Member ``number`` of an ``--org-members`` organization: two users, one old key."""
    suffix = f"{number:03d}"
    return MemberSpec(
        f"member-{suffix}",
        users=(
            UserSpec(f"ops-{suffix}", created_days=200, console=True, password_last_used_days=5),
            UserSpec(
                f"ci-{suffix}",
                created_days=300,
                keys=(KeySpec(age_days=100 + number % 200, last_used_days=1),),
            ),
        ),
    )


@dataclass(frozen=True)
class OrgSeedResult:
    """The organization seeded: its id, each member's account id by name, and how long the
    seed took."""

    organization_id: str
    accounts: Mapping[str, str] = field(default_factory=dict)
    seconds: float = 0.0


def seed_organization(
    endpoint_url: str,
    *,
    members: Sequence[MemberSpec] = MEMBERS,
    region: str = "us-east-1",
    now: datetime | None = None,
) -> OrgSeedResult:
    """Make the demo account (served by this very process at ``endpoint_url``) the
    management account of an organization with ``members``; back-dated from ``now``."""
    import boto3
    from botocore.config import Config

    from tui.demo.motofix import fast_new_accounts

    fast_new_accounts()
    started = time.perf_counter()
    config = Config(retries={"mode": "standard", "total_max_attempts": 3})
    session = boto3.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name=region
    )
    orgs: OrganizationsClient = session.client(
        "organizations", endpoint_url=endpoint_url, config=config
    )
    sts: STSClient = session.client("sts", endpoint_url=endpoint_url, config=config)

    org_id = orgs.create_organization(FeatureSet="ALL")["Organization"]["Id"]
    _name_management_account()
    root = orgs.list_roots()["Roots"][0]["Id"]
    parents: dict[tuple[str, ...], str] = {(): root}
    for path in OUS if any(m.ou for m in members) else ():
        unit = orgs.create_organizational_unit(ParentId=parents[path[:-1]], Name=path[-1])
        parents[path] = unit["OrganizationalUnit"]["Id"]

    accounts: dict[str, str] = {}
    for spec in members:
        status = orgs.create_account(AccountName=spec.name, Email=spec.email)
        account_id = status["CreateAccountStatus"]["AccountId"]
        accounts[spec.name] = account_id
        if spec.ou:
            orgs.move_account(
                AccountId=account_id, SourceParentId=root, DestinationParentId=parents[spec.ou]
            )
        iam = _member_iam(session, sts, account_id, endpoint_url, config)
        _seed_member(iam, account_id, spec, now)
        if spec.closed:
            orgs.close_account(AccountId=account_id)
    return OrgSeedResult(org_id, accounts, round(time.perf_counter() - started, 3))


def _member_iam(
    session: Any, sts: STSClient, account_id: str, endpoint_url: str, config: Config
) -> IAMClient:
    """An IAM client acting in ``account_id`` through its OrganizationAccountAccessRole."""
    role = f"arn:aws:iam::{account_id}:role/{MEMBER_ROLE}"
    creds = sts.assume_role(RoleArn=role, RoleSessionName=SEED_SESSION)["Credentials"]
    iam: IAMClient = session.client(
        "iam",
        endpoint_url=endpoint_url,
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        config=config,
    )
    return iam


def _seed_member(iam: IAMClient, account_id: str, spec: MemberSpec, now: datetime | None) -> None:
    # AWS attaches AdministratorAccess to the role it makes; moto attaches nothing.
    iam.attach_role_policy(RoleName=MEMBER_ROLE, PolicyArn=ADMIN)
    made = seed_identities(iam, spec.groups, spec.users, password_policy=spec.password_policy)
    if spec.alias is not None:
        iam.create_account_alias(AccountAlias=spec.alias)
    backdate(made, now=now, account_id=account_id, groups=spec.groups, users=spec.users)
    if spec.root_mfa:
        _enable_root_mfa(account_id)
    if spec.role_deleted:
        iam.detach_role_policy(RoleName=MEMBER_ROLE, PolicyArn=ADMIN)
        iam.delete_role(RoleName=MEMBER_ROLE)


def _enable_root_mfa(account_id: str) -> None:
    # No API turns root MFA on (AWS wants the root user at the console); moto's account
    # summary keeps AccountMFAEnabled in this attribute.
    from moto.iam.models import iam_backends

    iam_backends[account_id]["aws"].account_summary._account_mfa_enabled = 1


def _name_management_account() -> None:
    # moto names the management account "master" (master@example.com); no Organizations
    # call renames an account.
    from moto.organizations.models import organizations_backends

    backend = organizations_backends[MANAGEMENT_ACCOUNT]["aws"]
    for account in backend.accounts:
        if account.id == MANAGEMENT_ACCOUNT:
            account.name = MANAGEMENT_NAME
            account.email = MANAGEMENT_EMAIL
    if backend.org is not None:
        backend.org.master_account_email = MANAGEMENT_EMAIL


def seed_demo_organization(
    endpoint_url: str,
    *,
    org: bool,
    plain_members: int = 0,
    region: str = "us-east-1",
    now: datetime | None = None,
) -> dict[str, Any]:
    """The server's ``--org`` / ``--org-members N``: seed :data:`MEMBERS` (if ``org``) and
    ``plain_members`` plain ones; returns what the server's JSON line says of them."""
    import logging

    members = [*(MEMBERS if org else ()), *map(plain_member, range(1, plain_members + 1))]
    seeded = seed_organization(endpoint_url, members=members, region=region, now=now)
    logging.getLogger(__name__).warning(
        "demo organization %s: %d member accounts seeded in %.2f s",
        seeded.organization_id,
        len(seeded.accounts),
        seeded.seconds,
    )
    return {
        "organization": True,
        "members": dict(seeded.accounts),
        "org_seed_seconds": seeded.seconds,
    }
