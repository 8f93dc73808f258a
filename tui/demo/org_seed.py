"""Seed a demo organization: the demo account becomes the management account of an AWS
Organization whose member accounts are in different states (:mod:`tui.demo.org_members`).

Runs inside the demo server process (``python -m tui.demo.server --org`` or
``--org-members N``), after the demo account's own seed. As with that seed, everything the
APIs can express goes through boto3 against the running server: Organizations calls as the
demo account, and each member account's calls through the
``OrganizationAccountAccessRole`` Organizations made in it (moto maps the assumed role's
keys to the member account). What no API expresses (a key's age, MFA on the root user, the
management account's name) is set on moto's backends directly, as
:func:`tui.demo.seed.backdate` does.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from tui.demo.org_members import (
    ADMIN,
    MANAGEMENT_ACCOUNT,
    MANAGEMENT_EMAIL,
    MANAGEMENT_NAME,
    MEMBER_ROLE,
    MEMBERS,
    OUS,
    SUPPORT_ROLE,
    MemberSpec,
    plain_member,
)
from tui.demo.seed import backdate, seed_identities

if TYPE_CHECKING:
    from botocore.config import Config
    from mypy_boto3_iam import IAMClient
    from mypy_boto3_organizations import OrganizationsClient
    from mypy_boto3_sts import STSClient

__all__ = ["OrgSeedResult", "seed_demo_organization", "seed_organization"]

SEED_SESSION: Final = "acct-tui-demo-seed"
_POLICY: Final = "arn:aws:iam::aws:policy/"


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
        member = _member_clients(session, sts, account_id, endpoint_url, config)
        _seed_member(member, account_id, spec, now)
        if spec.closed:
            orgs.close_account(AccountId=account_id)
    return OrgSeedResult(org_id, accounts, round(time.perf_counter() - started, 3))


MemberClient = Callable[..., Any]
"""``(service, region=None)`` → a boto3 client acting in one member account."""


def _member_clients(
    session: Any, sts: STSClient, account_id: str, endpoint_url: str, config: Config
) -> MemberClient:
    """Clients acting in ``account_id`` through its OrganizationAccountAccessRole."""
    role = f"arn:aws:iam::{account_id}:role/{MEMBER_ROLE}"
    creds = sts.assume_role(RoleArn=role, RoleSessionName=SEED_SESSION)["Credentials"]

    def member(service: str, region: str | None = None) -> Any:
        return session.client(
            service,
            region_name=region,
            endpoint_url=endpoint_url,
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"],
            config=config,
        )

    return member


def _seed_member(
    member: MemberClient, account_id: str, spec: MemberSpec, now: datetime | None
) -> None:
    iam: IAMClient = member("iam")
    # AWS attaches AdministratorAccess to the role it makes; moto attaches nothing.
    iam.attach_role_policy(RoleName=MEMBER_ROLE, PolicyArn=ADMIN)
    made = seed_identities(iam, spec.groups, spec.users, password_policy=spec.password_policy)
    if spec.alias is not None:
        iam.create_account_alias(AccountAlias=spec.alias)
    backdate(made, now=now, account_id=account_id, groups=spec.groups, users=spec.users)
    if spec.root_mfa:
        _enable_root_mfa(account_id)
    if spec.controls:
        _seed_controls(member, iam)
    if spec.role_deleted:
        iam.detach_role_policy(RoleName=MEMBER_ROLE, PolicyArn=ADMIN)
        iam.delete_role(RoleName=MEMBER_ROLE)


def _seed_controls(member: MemberClient, iam: IAMClient) -> None:
    """A security contact, a support role, and an external-access analyzer in every
    Region that is (or is becoming) enabled."""
    member("account").put_alternate_contact(
        AlternateContactType="SECURITY",
        Name="Security Operations",
        Title="Security team",
        EmailAddress="security@example.com",
        PhoneNumber="+1-555-0100",
    )
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{MANAGEMENT_ACCOUNT}:root"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    iam.create_role(RoleName=SUPPORT_ROLE, AssumeRolePolicyDocument=json.dumps(trust))
    iam.attach_role_policy(RoleName=SUPPORT_ROLE, PolicyArn=_POLICY + "AWSSupportAccess")
    statuses = ["ENABLED", "ENABLED_BY_DEFAULT", "ENABLING"]
    pages = member("account").get_paginator("list_regions")
    for page in pages.paginate(RegionOptStatusContains=statuses):
        for region in page["Regions"]:
            analyzers = member("accessanalyzer", region["RegionName"])
            analyzers.create_analyzer(analyzerName="external-access", type="ACCOUNT")


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
