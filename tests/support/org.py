"""An organization on a moto_server for tests: OUs, member accounts, and clients in them."""

from __future__ import annotations

from typing import Any

import boto3

from tests.support.app import TEST_KEY
from tui.aws.org import role_arn
from tui.aws.org_permissions import DEFAULT_ROLE


def client(url: str, service: str) -> Any:
    access, secret = TEST_KEY
    return boto3.client(
        service,
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id=access,
        aws_secret_access_key=secret,
    )


def build_org(url: str) -> dict[str, str]:
    """Root/{Security, Workloads/{Prod, Dev}} with one account in each (and the
    management account in Root). Account name → id."""
    org = client(url, "organizations")
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]

    def unit(parent: str, name: str) -> str:
        made = org.create_organizational_unit(ParentId=parent, Name=name)
        return str(made["OrganizationalUnit"]["Id"])

    security = unit(root, "Security")
    workloads = unit(root, "Workloads")
    prod, dev = unit(workloads, "Prod"), unit(workloads, "Dev")
    ids = {}
    for name, parent in (("audit", security), ("prod-web", prod), ("dev-box", dev)):
        status = org.create_account(AccountName=name, Email=f"{name}@example.com")
        ids[name] = account = str(status["CreateAccountStatus"]["AccountId"])
        org.move_account(AccountId=account, SourceParentId=root, DestinationParentId=parent)
    # Users in one member only: the read of every account costs the same all the same.
    member = member_iam(url, ids["prod-web"])
    for n in range(5):
        member.create_user(UserName=f"web-{n}")
    return ids


def member_iam(url: str, account: str) -> Any:
    sts = client(url, "sts")
    creds = sts.assume_role(RoleArn=role_arn(account, DEFAULT_ROLE), RoleSessionName="test")
    keys = creds["Credentials"]
    return boto3.client(
        "iam",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id=keys["AccessKeyId"],
        aws_secret_access_key=keys["SecretAccessKey"],
        aws_session_token=keys["SessionToken"],
    )
