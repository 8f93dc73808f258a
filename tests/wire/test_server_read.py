"""The bulk read over HTTP, against the shared moto_server (``Settings(endpoint_url=...)``)."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from tui.aws.models import ADMIN_POLICY_ARN, PART_NAMES
from tui.aws.posture import PostureReader
from tui.aws.session import AwsSession, Settings

pytestmark = pytest.mark.server

ACCOUNT = "123456789012"
ALLOW_S3 = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
    }
)


def _admin_iam(url: str) -> Any:
    """A plain boto3 IAM client on the server, for set-up (not the code under test)."""
    return boto3.client(
        "iam",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def _seed(url: str) -> None:
    iam = _admin_iam(url)
    iam.create_group(GroupName="administrators")
    iam.attach_group_policy(GroupName="administrators", PolicyArn=ADMIN_POLICY_ARN)
    iam.create_user(UserName="alice")
    iam.create_login_profile(UserName="alice", Password="Sup3r-Secret-Pw!")
    iam.add_user_to_group(UserName="alice", GroupName="administrators")
    iam.create_access_key(UserName="alice")
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice")["VirtualMFADevice"]
    iam.enable_mfa_device(
        UserName="alice",
        SerialNumber=device["SerialNumber"],
        AuthenticationCode1="123456",
        AuthenticationCode2="654321",
    )
    iam.create_user(UserName="bob", Tags=[{"Key": "team", "Value": "data"}])
    iam.create_login_profile(UserName="bob", Password="An0ther-Secret-Pw!")
    iam.put_user_policy(UserName="bob", PolicyName="bob-s3", PolicyDocument=ALLOW_S3)
    iam.create_account_alias(AccountAlias="acme-server")


def _session(url: str) -> AwsSession:
    return AwsSession(
        Settings(
            endpoint_url=url,
            access_key_id="testing",
            secret_access_key="testing",
            region="us-east-1",
        )
    )


STOCK_MOTO_LACKS = {"org_root"}


def test_users_created_over_http_appear_in_the_posture(moto_reset: str) -> None:
    _seed(moto_reset)
    session = _session(moto_reset)
    posture = PostureReader(session, poll_interval=0.05).read_all()

    for name in set(PART_NAMES) - STOCK_MOTO_LACKS:
        part = getattr(posture, name)
        assert part.loaded and part.error is None, f"{name}: {part.error}"
    # Stock moto_server has no iam:ListOrganizationsFeatures (the demo server's stand-in
    # answers it): that part fails, alone; and no Access Analyzer: every Region unreadable.
    assert posture.org_root.loaded and posture.org_root.error is not None
    scan = posture.analyzers.value
    assert scan is not None and scan.regions and len(scan.unreadable) == len(scan.regions)

    # Every client went to the endpoint: moto's account, not a real one.
    assert posture.caller.value is not None
    assert posture.caller.value.account_id == ACCOUNT

    details = posture.details.value
    assert details is not None
    assert [u.name for u in details.users] == ["alice", "bob"]
    alice, bob = details.users
    assert alice.groups == ("administrators",)
    assert bob.tags == (("team", "data"),)
    assert bob.inline_policies == ("bob-s3",)
    [admins] = details.groups
    assert admins.has_admin()

    report = posture.report.value
    assert report is not None
    rows = {r.user: r for r in report.users}
    assert (rows["alice"].password_enabled, rows["alice"].mfa_active) == (True, True)
    assert [k.active for k in rows["alice"].keys] == [True]
    assert (rows["bob"].password_enabled, rows["bob"].mfa_active) == (True, False)
    assert rows["bob"].keys == ()

    assert posture.alias == "acme-server"
    assert posture.password_policy.value is not None
    assert posture.password_policy.value.is_aws_default
    assert posture.summary.value is not None
    assert posture.summary.value.users == 2

    # moto_server has no Account API Region calls: it answers with an HTML 404 page,
    # which must not reach the screen as HTML.
    regions = posture.regions.value
    assert regions is not None
    assert regions.source == "ec2"
    assert regions.fallback_reason is not None
    assert "does not implement" in regions.fallback_reason.message
    assert "<" not in regions.fallback_reason.message
    assert "us-east-1" in {r.code for r in regions.regions}


def test_each_operation_is_counted_once_plus_report_polling(moto_reset: str) -> None:
    _seed(moto_reset)
    session = _session(moto_reset)
    reader = PostureReader(session, poll_interval=0.05)

    posture = reader.read_all()
    first = dict(session.counter.calls())
    generated = first.pop("iam:GenerateCredentialReport")
    # A fresh moto answers STARTED first, then COMPLETE: one or two polls at most.
    assert 1 <= generated <= 3
    scan = posture.analyzers.value
    assert scan is not None
    assert first == {
        "sts:GetCallerIdentity": 1,
        "iam:GetAccountSummary": 1,
        # users and groups; customer managed policies
        "iam:GetAccountAuthorizationDetails": 2,
        "iam:GetCredentialReport": 1,
        "iam:ListAccountAliases": 1,
        "iam:GetAccountPasswordPolicy": 1,
        # the Regions part and the Access Analyzer part's enabled Regions
        "account:ListRegions": 2,
        "ec2:DescribeRegions": 2,
        "account:GetAlternateContact": 1,
        "iam:ListVirtualMFADevices": 1,
        "iam:ListServerCertificates": 1,
        "access-analyzer:ListAnalyzers": len(scan.regions),  # once per enabled Region
        "iam:ListEntitiesForPolicy": 2,
        "iam:ListOrganizationsFeatures": 1,
        "iam:ListSAMLProviders": 1,
        "iam:ListOpenIDConnectProviders": 1,
        "sso:ListInstances": 1,
    }
    # No retries happened: one HTTP attempt per call (but Access Analyzer, which stock
    # moto answers with a 500 that botocore retries).
    attempts, calls = session.counter.attempts(), session.counter.calls()
    analyzer = "access-analyzer:ListAnalyzers"
    assert attempts.pop(analyzer) == 3 * calls.pop(analyzer)
    assert attempts == calls

    # A refresh finds the report ready: exactly one call per operation.
    session.counter.reset()
    reader.read_all()
    again = dict(session.counter.calls())
    assert again.pop("iam:GenerateCredentialReport") == 1
    assert again == first
