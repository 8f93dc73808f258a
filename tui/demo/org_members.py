"""What the demo organization holds: its OUs and member accounts, as data
(:mod:`tui.demo.org_seed` makes them).

``--org`` (:data:`MEMBERS`), under Root/Security, Root/Workloads/Prod, Root/Workloads/Dev
and Root/Suspended:

- ``security-tooling``: in good shape. Strong password policy, an alias, root MFA, an
  ``administrators`` group whose users all have MFA, no access keys, a security contact,
  a support role and an external-access analyzer in every enabled Region.
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

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from tui.demo.seed import GroupSpec, KeySpec, UserSpec

__all__ = [
    "ADMIN",
    "MANAGEMENT_ACCOUNT",
    "MANAGEMENT_EMAIL",
    "MANAGEMENT_NAME",
    "MEMBERS",
    "MEMBER_ROLE",
    "OUS",
    "STRONG_PASSWORD_POLICY",
    "SUPPORT_ROLE",
    "MemberSpec",
    "plain_member",
]

MANAGEMENT_ACCOUNT: Final = "123456789012"
MANAGEMENT_NAME: Final = "acme-management"
MANAGEMENT_EMAIL: Final = "aws+management@example.com"
#: The role Organizations makes in each account it creates (moto makes it too).
MEMBER_ROLE: Final = "OrganizationAccountAccessRole"
SUPPORT_ROLE: Final = "aws-support"
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
    controls: bool = False  # a security contact, a support role, analyzers everywhere
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
        controls=True,
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
