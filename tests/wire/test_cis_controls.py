"""Each new CIS control, read from a real demo server (moto_server + stand-ins) over the
wire, in both states: set up to pass, then changed to fail, each time read with the same
reader and checks the TUI and `acct-tui report` use. (Unknown on a denied read: the fault
matrix, tests/wire/test_faults_app.py, turns each read's row "? unknown".)"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest

from tui.aws.checks import Finding, evaluate
from tui.aws.control_models import CLOUDSHELL_POLICY_ARN, SUPPORT_POLICY_ARN
from tui.aws.findings import Status
from tui.aws.models import RegionStatus
from tui.aws.service import AccountService
from tui.aws.session import Settings
from tui.demo import DemoEndpoint, DemoServer
from tui.demo.controlapi import ORG_FEATURES_PATH

pytestmark = pytest.mark.server

ADMIN_ALL = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
            "Action": "sts:AssumeRole",
        }
    ],
}
SAML_METADATA = (
    '<?xml version="1.0"?><EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" '
    'entityID="https://idp.example.com">'
    + "<!-- padding: IAM wants at least 1000 characters of metadata -->" * 16
    + "</EntityDescriptor>"
)


@pytest.fixture(scope="module")
def bare() -> Iterator[DemoEndpoint]:
    """An unseeded demo server: the account starts with none of the controls set up."""
    server = DemoServer()
    try:
        yield server.start(seed=False)
    finally:
        server.stop()


def client(endpoint: DemoEndpoint, service: str, region: str = "us-east-1") -> Any:
    return boto3.client(
        service,
        endpoint_url=endpoint.endpoint_url,
        region_name=region,
        aws_access_key_id=endpoint.access_key_id,
        aws_secret_access_key=endpoint.secret_access_key,
    )


def findings(endpoint: DemoEndpoint) -> dict[str, Finding]:
    service = AccountService(
        Settings(
            region=endpoint.region,
            endpoint_url=endpoint.endpoint_url,
            access_key_id=endpoint.access_key_id,
            secret_access_key=endpoint.secret_access_key,
            read_only=True,  # the checks read only: the guard proves it
            demo=True,
        ),
        report_poll_interval=0.05,
    )
    return {f.id: f for f in evaluate(service.reader.read_all(), datetime.now(UTC))}


def org_features(endpoint: DemoEndpoint, **settings: Any) -> None:
    request = urllib.request.Request(
        endpoint.endpoint_url + ORG_FEATURES_PATH,
        data=json.dumps(settings).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200


def enabled_regions(endpoint: DemoEndpoint) -> list[str]:
    listing = client(endpoint, "account").list_regions(MaxResults=50)["Regions"]
    on = (RegionStatus.ENABLED, RegionStatus.ENABLED_BY_DEFAULT)
    return [r["RegionName"] for r in listing if r["RegionOptStatus"] in on]


def states(found: dict[str, Finding], ids: tuple[str, ...]) -> dict[str, Status]:
    return {i: found[i].status for i in ids}


CONTROLS = (
    "security-contact",
    "admin-policies",
    "support-role",
    "access-analyzer",
    "cloudshell-access",
    "root-central",
    "people-federated",
)


def test_each_control_passes_when_set_up_and_fails_when_undone(bare: DemoEndpoint) -> None:
    iam = client(bare, "iam")
    account = client(bare, "account")
    # -- set up to pass ------------------------------------------------------------------
    account.put_alternate_contact(
        AlternateContactType="SECURITY",
        Name="Sec Team",
        Title="CISO",
        EmailAddress="security@example.com",
        PhoneNumber="+1 555 0100",
    )
    iam.create_policy(PolicyName="all-access", PolicyDocument=json.dumps(ADMIN_ALL))  # unattached
    iam.create_role(RoleName="aws-support", AssumeRolePolicyDocument=json.dumps(TRUST))
    iam.attach_role_policy(RoleName="aws-support", PolicyArn=SUPPORT_POLICY_ARN)
    regions = enabled_regions(bare)
    for region in regions:
        client(bare, "accessanalyzer", region).create_analyzer(
            analyzerName="external", type="ACCOUNT"
        )
    orgs = client(bare, "organizations")
    orgs.create_organization(FeatureSet="ALL")
    org_features(bare, trusted_access=True, features=["RootCredentialsManagement"])
    iam.create_saml_provider(Name="okta", SAMLMetadataDocument=SAML_METADATA)
    iam.create_user(UserName="person")
    iam.create_login_profile(UserName="person", Password="A-long-pass-2026!")

    passing = findings(bare)
    assert states(passing, CONTROLS) == dict.fromkeys(CONTROLS, Status.PASS), {
        i: passing[i].reason for i in CONTROLS
    }
    assert f"all {len(regions)} enabled Regions" in passing["access-analyzer"].reason
    assert passing["security-contact"].cis == ("1.2",)

    # -- undone: each fails (or, for advice, turns into a note) ---------------------------
    account.delete_alternate_contact(AlternateContactType="SECURITY")
    group = "everyone"
    iam.create_group(GroupName=group)
    arn = f"arn:aws:iam::{bare.account_id}:policy/all-access"
    iam.attach_group_policy(GroupName=group, PolicyArn=arn)
    iam.detach_role_policy(RoleName="aws-support", PolicyArn=SUPPORT_POLICY_ARN)
    last = regions[-1]
    client(bare, "accessanalyzer", last).delete_analyzer(analyzerName="external")
    client(bare, "accessanalyzer", last).create_analyzer(
        analyzerName="unused", type="ACCOUNT_UNUSED_ACCESS"
    )
    iam.attach_user_policy(UserName="person", PolicyArn=CLOUDSHELL_POLICY_ARN)
    org_features(bare, trusted_access=True, features=[])
    saml = iam.list_saml_providers()["SAMLProviderList"][0]["Arn"]
    iam.delete_saml_provider(SAMLProviderArn=saml)
    # (moto starts every account with an Identity Center instance, and cannot delete it:
    # the seeded demo account, which has none, shows the note: test_demo_controls.py)

    failing = findings(bare)
    assert states(failing, CONTROLS) == {
        "security-contact": Status.FAIL,
        "admin-policies": Status.FAIL,
        "support-role": Status.FAIL,
        "access-analyzer": Status.FAIL,
        "cloudshell-access": Status.FAIL,
        "root-central": Status.FAIL,
        "people-federated": Status.PASS,
    }, {i: failing[i].reason for i in CONTROLS}
    assert "all-access (attached to group everyone)" in failing["admin-policies"].reason
    assert '"Action": "*"' in failing["admin-policies"].reason
    assert failing["access-analyzer"].subjects == (last,)
    assert "only analyzers of other kinds" in failing["access-analyzer"].reason
    assert "user person" in failing["cloudshell-access"].reason
    assert "Identity Center in us-east-1" in failing["people-federated"].reason

    # Leaving the organization: centralized root access is advice, not a failure.
    orgs.delete_organization()
    assert findings(bare)["root-central"].status is Status.INFO
