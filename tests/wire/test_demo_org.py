"""The demo organization (``python -m tui.demo.server --org`` / ``--org-members N``), read
over the wire by the organization layer (tui.aws.org) and by stock boto3 clients."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from tui.aws.findings import Status
from tui.aws.org import MemberRead, Organization, OrgReader, OrgScan
from tui.aws.service import AccountService
from tui.aws.session import Settings
from tui.demo import DemoEndpoint, DemoServer

pytestmark = pytest.mark.server

ROLE = "OrganizationAccountAccessRole"
OU_PATHS = {
    "acme-management": "Root",
    "security-tooling": "Root/Security",
    "prod-web": "Root/Workloads/Prod",
    "dev-sandbox": "Root/Workloads/Dev",
    "legacy-data": "Root/Suspended",
}
PLAIN_MEMBERS = 10


@pytest.fixture(scope="module")
def servers() -> Iterator[tuple[DemoEndpoint, DemoEndpoint]]:
    """The ``--org`` demo and an ``--org-members 10`` one, started side by side."""
    org, plain = DemoServer(), DemoServer()
    try:
        with ThreadPoolExecutor(2) as pool:
            started = [
                pool.submit(org.start, region_delay=600.0, org=True),
                pool.submit(plain.start, region_delay=600.0, org_members=PLAIN_MEMBERS),
            ]
            endpoints = [future.result() for future in started]
        yield endpoints[0], endpoints[1]
    finally:
        org.stop()
        plain.stop()


@pytest.fixture(scope="module")
def demo(servers: tuple[DemoEndpoint, DemoEndpoint]) -> DemoEndpoint:
    return servers[0]


def service(endpoint: DemoEndpoint) -> AccountService:
    return AccountService(
        Settings(
            endpoint_url=endpoint.endpoint_url,
            region=endpoint.region,
            access_key_id=endpoint.access_key_id,
            secret_access_key=endpoint.secret_access_key,
            demo=True,
        )
    )


def client(endpoint: DemoEndpoint, name: str, creds: dict[str, str] | None = None) -> Any:
    keys = creds or {
        "AccessKeyId": endpoint.access_key_id,
        "SecretAccessKey": endpoint.secret_access_key,
    }
    return boto3.client(
        name,  # type: ignore[call-overload]
        endpoint_url=endpoint.endpoint_url,
        region_name=endpoint.region,
        aws_access_key_id=keys["AccessKeyId"],
        aws_secret_access_key=keys["SecretAccessKey"],
        aws_session_token=keys.get("SessionToken"),
    )


def assume(endpoint: DemoEndpoint, role_arn: str, creds: dict[str, str] | None = None) -> Any:
    sts = client(endpoint, "sts", creds)
    return sts.assume_role(RoleArn=role_arn, RoleSessionName="org-test")["Credentials"]


def arn(account_id: str, role: str = ROLE) -> str:
    return f"arn:aws:iam::{account_id}:role/{role}"


@pytest.fixture(scope="module")
def organization(demo: DemoEndpoint) -> Organization:
    return OrgReader(service(demo).session).read()


@pytest.fixture(scope="module")
def scanned(demo: DemoEndpoint, organization: Organization) -> tuple[OrgScan, list[MemberRead]]:
    scan = OrgScan(service(demo), caller_account=demo.account_id)
    return scan, scan.scan(organization.accounts)


@pytest.fixture(scope="module")
def scan(scanned: tuple[OrgScan, list[MemberRead]]) -> OrgScan:
    return scanned[0]


@pytest.fixture(scope="module")
def reads(scanned: tuple[OrgScan, list[MemberRead]]) -> dict[str, MemberRead]:
    return {r.account.name: r for r in scanned[1]}


# --------------------------------------------------------------------------- listing
def test_the_demo_account_manages_an_organization_with_its_ou_paths(
    demo: DemoEndpoint, organization: Organization
) -> None:
    assert demo.organization is True
    assert organization.management_account_id == demo.account_id == "123456789012"
    assert organization.tree_error is None
    assert {a.name: a.ou_path for a in organization.accounts} == OU_PATHS
    by_name = {a.name: a for a in organization.accounts}
    assert by_name["acme-management"].id == demo.account_id
    for name, account_id in demo.members:
        assert by_name[name].id == account_id
        assert by_name[name].email == f"aws+{name}@example.com"
    assert by_name["legacy-data"].status == "SUSPENDED"
    assert {a.status for n, a in by_name.items() if n != "legacy-data"} == {"ACTIVE"}


# --------------------------------------------------------------------------- reading
def test_the_good_member_reads_as_good(reads: dict[str, MemberRead]) -> None:
    good = reads["security-tooling"]
    assert good.error is None and good.via_role == ROLE
    summary = good.summary
    assert summary is not None
    assert summary.root_mfa is True
    assert summary.admins_without_mfa == 0
    assert summary.oldest_key_days == -1  # no active access key
    assert summary.failing == {}, [f.reason for f in good.findings if f.status is Status.FAIL]
    status = {f.id: f.status for f in good.findings}
    for check in (
        "root-mfa",
        "user-mfa",
        "admin-group",
        "password-policy",
        "alias",
        "old-keys",
        "security-contact",
        "support-role",
        "access-analyzer",
    ):
        assert status[check] is Status.PASS, check
    assert good.posture is not None and good.posture.caller.value is not None
    assert f":{good.account.id}:assumed-role/{ROLE}/" in good.posture.caller.value.arn


def test_the_weak_member_fails_its_checks(reads: dict[str, MemberRead]) -> None:
    weak = reads["prod-web"]
    assert weak.error is None
    summary = weak.summary
    assert summary is not None
    assert summary.root_mfa is False
    assert summary.admins_without_mfa == 1  # web-admin: AdministratorAccess, no MFA
    assert summary.oldest_key_days is not None and summary.oldest_key_days > 90
    failed = {f.id: f for f in weak.findings if f.status is Status.FAIL}
    assert {"user-mfa", "old-keys", "user-policies", "password-policy", "alias"} <= set(failed)
    assert "web-admin" in failed["user-policies"].reason
    good = reads["security-tooling"].summary
    assert good is not None
    assert sum(summary.failing.values()) > sum(good.failing.values())


def test_the_denied_member_fails_alone(
    demo: DemoEndpoint, scan: OrgScan, reads: dict[str, MemberRead]
) -> None:
    denied = reads["dev-sandbox"]
    account_id = demo.member_id("dev-sandbox")
    assert denied.error is not None and denied.posture is None
    assert denied.error.action == "sts:AssumeRole"
    assert denied.error.code == "AccessDenied" and denied.error.denied
    assert denied.problem() == f"? access denied assuming {ROLE} in {account_id}"
    # The others loaded; the closed account is listed, never read.
    assert (
        reads["acme-management"].summary is not None and reads["acme-management"].via_role is None
    )
    assert reads["security-tooling"].summary is not None
    assert reads["prod-web"].summary is not None
    assert reads["legacy-data"].problem() == "? not read: the account is suspended"
    assert scan.calls["sts:AssumeRole"] == 3  # the two readable members and the denied one


# ------------------------------------------------------------------ AssumeRole on the wire
def test_assume_role_on_a_missing_role_is_denied_as_aws_denies_it(demo: DemoEndpoint) -> None:
    sts = client(demo, "sts")
    iam = client(demo, "iam")
    missing = arn(demo.account_id, "auditor")
    with pytest.raises(ClientError) as excinfo:
        sts.assume_role(RoleArn=missing, RoleSessionName="org-test")
    error = excinfo.value.response["Error"]
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert error["Code"] == "AccessDenied"
    assert error["Message"] == (
        "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: "
        f"sts:AssumeRole on resource: {missing}"
    )
    trust = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}
            ],
        }
    )
    iam.create_role(RoleName="auditor", AssumeRolePolicyDocument=trust)
    try:
        creds = assume(demo, missing)
        who = client(demo, "sts", creds).get_caller_identity()
        assert who["Arn"].startswith("arn:aws:sts::123456789012:assumed-role/auditor/")
    finally:
        iam.delete_role(RoleName="auditor")
    with pytest.raises(ClientError) as excinfo:
        sts.assume_role(RoleArn=missing, RoleSessionName="org-test")
    assert excinfo.value.response["Error"]["Code"] == "AccessDenied"


def test_the_member_roles_answer_as_their_accounts(demo: DemoEndpoint) -> None:
    prod = demo.member_id("prod-web")
    creds = assume(demo, arn(prod))
    assert client(demo, "sts", creds).get_caller_identity()["Account"] == prod
    users = {u["UserName"] for u in client(demo, "iam", creds).list_users()["Users"]}
    assert users == {"web-admin", "sam", "jordan", "web-deploy"}
    # The deleted role, and a chained call from a member: the caller is the assumed role.
    sandbox_role = arn(demo.member_id("dev-sandbox"))
    for caller, caller_arn in (
        (None, "arn:aws:iam::123456789012:user/alice"),
        (creds, f"arn:aws:sts::{prod}:assumed-role/{ROLE}/org-test"),
    ):
        with pytest.raises(ClientError) as excinfo:
            assume(demo, sandbox_role, caller)
        assert excinfo.value.response["Error"]["Message"] == (
            f"User: {caller_arn} is not authorized to perform: sts:AssumeRole "
            f"on resource: {sandbox_role}"
        )


def test_the_stand_ins_answer_member_credentials(demo: DemoEndpoint) -> None:
    member = demo.member_id("prod-web")
    creds = assume(demo, arn(member))
    regions = client(demo, "account", creds).list_regions()["Regions"]
    assert "us-east-1" in {r["RegionName"] for r in regions}
    with pytest.raises(ClientError) as excinfo:
        client(demo, "iam", creds).list_organizations_features()
    code = excinfo.value.response["Error"]["Code"]
    assert code == "AccountNotManagementOrDelegatedAdministratorException"
    # Access Analyzer: each account its own analyzers.
    as_member = client(demo, "accessanalyzer", creds)
    as_management = client(demo, "accessanalyzer")
    assert as_member.list_analyzers()["analyzers"] == []
    assert as_management.list_analyzers()["analyzers"]  # the demo account's own
    made = as_member.create_analyzer(analyzerName="member-access", type="ACCOUNT")["arn"]
    try:
        assert f":{member}:analyzer/member-access" in made
        assert [a["arn"] for a in as_member.list_analyzers()["analyzers"]] == [made]
        assert made not in {a["arn"] for a in as_management.list_analyzers()["analyzers"]}
    finally:
        as_member.delete_analyzer(analyzerName="member-access")


# ------------------------------------------------------------------ --org-members N
def test_org_members_makes_that_many_plain_members(
    servers: tuple[DemoEndpoint, DemoEndpoint],
) -> None:
    plain = servers[1]
    assert plain.organization is True
    organization = OrgReader(service(plain).session).read()
    members = [a for a in organization.accounts if a.id != plain.account_id]
    assert sorted(a.name for a in members) == [
        f"member-{n:03d}" for n in range(1, PLAIN_MEMBERS + 1)
    ]
    assert {a.status for a in members} == {"ACTIVE"}
    assert {a.ou_path for a in members} == {"Root"}
    for account in members:
        creds = assume(plain, arn(account.id))
        users = client(plain, "iam", creds).list_users()["Users"]
        assert len(users) == 2, account.name
