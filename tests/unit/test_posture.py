"""PostureReader on in-process moto, with botocore's Stubber for what moto cannot do.

moto gives a real IAM to read from (users, groups, policies, report, alias, password
policy). Stubber covers the edge cases moto never produces: a report that stays STARTED,
LimitExceeded on generate, paginated GetAccountAuthorizationDetails, the Account API's
ListRegions (moto has none) and its AccessDenied. Stubber checks every request's
parameters against the real botocore model, and a call it was not told to expect fails
the test (it raises a BotoCoreError, which would surface as a wrong Part). Stubbed calls
do not reach the session's call counter: botocore runs Stubber's ``before-call.*.*``
handler before the session's less specific ``before-call`` one, and stops at its answer.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse
from botocore.compat import HTTPHeaders
from botocore.stub import Stubber
from moto import mock_aws

from tui.aws.checks import Status, evaluate
from tui.aws.errors import ReadOnlyRefused
from tui.aws.models import (
    ADMIN_POLICY_ARN,
    PART_NAMES,
    Posture,
    RegionStatus,
)
from tui.aws.posture import PostureReader
from tui.aws.session import AwsSession, Settings

ACCOUNT = "123456789012"
READ_ONLY_ARN = "arn:aws:iam::aws:policy/ReadOnlyAccess"
ALLOW_S3 = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
    }
)
# The column layout of a real credential report, with AWS's root row.
REPORT_HEADER = (
    "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
    "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
    "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
    "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
    "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,"
    "cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n"
)
REPORT_CSV = (
    REPORT_HEADER
    + f"<root_account>,arn:aws:iam::{ACCOUNT}:root,2020-01-01T00:00:00+00:00,not_supported,"
    "2026-11-20T10:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,"
    "false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n"
    + f"alice,arn:aws:iam::{ACCOUNT}:user/alice,2024-03-01T09:00:00+00:00,true,"
    "2026-11-28T08:00:00+00:00,2024-03-01T09:00:00+00:00,N/A,false,true,"
    "2024-03-01T09:05:00+00:00,2026-11-27T10:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,"
    "false,N/A,false,N/A\n"
).encode()
GENERATED = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def settings(**overrides: Any) -> Settings:
    base: dict[str, Any] = {
        "access_key_id": "testing",
        "secret_access_key": "testing",
        "region": "us-east-1",
    }
    return Settings(**{**base, **overrides})


class Sleeps:
    """A ``sleep`` for PostureReader that records each pause (and pauses for real)."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        import time

        self.calls.append(seconds)
        time.sleep(seconds)


@pytest.fixture
def moto_session() -> Iterator[AwsSession]:
    """An AwsSession on a fresh in-process moto account (no AWS managed policies)."""
    with mock_aws():
        yield AwsSession(settings())


@pytest.fixture
def stub_session() -> AwsSession:
    """An AwsSession for Stubber tests: every stubbed client answers locally."""
    return AwsSession(settings())


# ------------------------------------------------------------------ the seeded account
@dataclass
class Seeded:
    posture: Posture
    calls: dict[str, int]


def _seed(iam: Any) -> None:
    iam.create_group(GroupName="administrators")
    iam.attach_group_policy(GroupName="administrators", PolicyArn=ADMIN_POLICY_ARN)
    iam.create_group(GroupName="developers", Path="/eng/")
    iam.attach_group_policy(GroupName="developers", PolicyArn=READ_ONLY_ARN)
    iam.put_group_policy(GroupName="developers", PolicyName="dev-s3", PolicyDocument=ALLOW_S3)

    iam.create_user(
        UserName="alice", Tags=[{"Key": "team", "Value": "ops"}, {"Key": "cost", "Value": "42"}]
    )
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

    iam.create_user(UserName="Bob")  # sorted case-insensitively between alice and carol
    iam.create_login_profile(UserName="Bob", Password="An0ther-Secret-Pw!")
    iam.add_user_to_group(UserName="Bob", GroupName="developers")
    iam.attach_user_policy(UserName="Bob", PolicyArn=READ_ONLY_ARN)
    iam.put_user_policy(UserName="Bob", PolicyName="bob-s3", PolicyDocument=ALLOW_S3)
    iam.create_access_key(UserName="Bob")
    second = iam.create_access_key(UserName="Bob")["AccessKey"]["AccessKeyId"]
    iam.update_access_key(UserName="Bob", AccessKeyId=second, Status="Inactive")

    iam.create_user(UserName="carol", Path="/service/")  # API-only, no credentials

    iam.create_account_alias(AccountAlias="acme-prod")
    iam.update_account_password_policy(
        MinimumPasswordLength=14,
        RequireSymbols=True,
        RequireNumbers=True,
        RequireUppercaseCharacters=True,
        RequireLowercaseCharacters=False,
        AllowUsersToChangePassword=True,
        MaxPasswordAge=90,
        PasswordReusePrevention=24,
        HardExpiry=False,
    )


@pytest.fixture(scope="module")
def seeded() -> Iterator[Seeded]:
    """One moto account, seeded once and read once with ``read_all``."""
    with pytest.MonkeyPatch.context() as mp:
        # Module scope runs before the autouse env isolation: do the same here.
        for name in list(os.environ):
            if name.startswith("AWS_"):
                mp.delenv(name)
        mp.setenv("AWS_CONFIG_FILE", os.devnull)
        mp.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
        # moto reads this when it builds the IAM backend: AdministratorAccess must exist.
        mp.setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
        with mock_aws():
            session = AwsSession(settings())
            _seed(session.iam())
            session.counter.reset()
            posture = PostureReader(session, poll_interval=0.01).read_all()
            calls = dict(session.counter.calls())
    # Plain data from here on: no mock stays active while the other tests run.
    yield Seeded(posture, calls)


# In-process moto (5.2.6) has no iam:ListOrganizationsFeatures: that part fails here, alone
# (the demo server's stand-in answers it: tests/wire/test_demo_controls.py).
MOTO_LACKS = {"org_root"}


def test_every_part_loads(seeded: Seeded) -> None:
    for name in set(PART_NAMES) - MOTO_LACKS:
        part = getattr(seeded.posture, name)
        assert part.loaded and part.error is None, f"{name}: {part.error}"
    for name in MOTO_LACKS:
        part = getattr(seeded.posture, name)
        assert part.loaded and part.value is None and part.error is not None


def test_caller_and_summary(seeded: Seeded) -> None:
    caller = seeded.posture.caller.value
    assert caller is not None
    assert caller.account_id == ACCOUNT
    assert not caller.is_root
    summary = seeded.posture.summary.value
    assert summary is not None
    assert (summary.users, summary.groups) == (3, 2)
    # A user's MFA device is not root's: moto's root has neither MFA nor keys.
    assert summary.root_mfa_enabled is False
    assert summary.root_access_keys_present is False


def test_users_with_groups_policies_tags(seeded: Seeded) -> None:
    details = seeded.posture.details.value
    assert details is not None
    assert [u.name for u in details.users] == ["alice", "Bob", "carol"]
    alice, bob, carol = details.users
    assert alice.groups == ("administrators",)
    assert alice.tags == (("team", "ops"), ("cost", "42"))
    assert alice.attached_policies == ()
    assert alice.inline_policies == ()
    assert alice.arn == f"arn:aws:iam::{ACCOUNT}:user/alice"
    assert bob.groups == ("developers",)
    assert [(p.name, p.arn) for p in bob.attached_policies] == [("ReadOnlyAccess", READ_ONLY_ARN)]
    assert bob.inline_policies == ("bob-s3",)
    assert bob.tags == ()
    assert carol.path == "/service/"
    assert carol.groups == ()
    assert details.members("administrators") == ("alice",)


def test_groups_with_policies(seeded: Seeded) -> None:
    details = seeded.posture.details.value
    assert details is not None
    assert [g.name for g in details.groups] == ["administrators", "developers"]
    admins, devs = details.groups
    assert admins.has_admin()
    assert [p.name for p in admins.attached_policies] == ["AdministratorAccess"]
    assert not devs.has_admin()
    assert [p.arn for p in devs.attached_policies] == [READ_ONLY_ARN]
    assert devs.inline_policies == ("dev-s3",)
    assert devs.path == "/eng/"


def test_credential_report_rows(seeded: Seeded) -> None:
    report = seeded.posture.report.value
    assert report is not None
    rows = {r.user: r for r in report.users}
    assert set(rows) == {"alice", "Bob", "carol"}
    alice, bob, carol = rows["alice"], rows["Bob"], rows["carol"]

    assert (alice.password_enabled, alice.mfa_active) == (True, True)
    assert [(k.slot, k.active) for k in alice.keys] == [(1, True)]
    assert alice.keys[0].last_rotated is not None
    assert alice.keys[0].last_used is None  # never used
    assert alice.keys[0].last_used_service is None

    assert (bob.password_enabled, bob.mfa_active) == (True, False)
    assert [(k.slot, k.active) for k in bob.keys] == [(1, True), (2, False)]
    assert len(bob.active_keys) == 1

    assert (carol.password_enabled, carol.mfa_active, carol.keys) == (False, False, ())

    # Every user is joined with its row for the Users pane.
    views = {v.name: v for v in seeded.posture.user_views()}
    assert set(views) == {"alice", "Bob", "carol"}
    assert all(v.row is not None for v in views.values())


def test_alias_and_password_policy(seeded: Seeded) -> None:
    assert seeded.posture.aliases.value == ("acme-prod",)
    assert seeded.posture.alias == "acme-prod"
    policy = seeded.posture.password_policy.value
    assert policy is not None
    assert not policy.is_aws_default
    assert policy.minimum_length == 14
    assert (policy.require_symbols, policy.require_numbers) == (True, True)
    assert (policy.require_uppercase, policy.require_lowercase) == (True, False)
    assert policy.allow_users_to_change is True
    assert policy.max_age_days == 90
    assert policy.reuse_prevention == 24
    assert policy.hard_expiry is False


def test_regions_fall_back_to_ec2_on_moto(seeded: Seeded) -> None:
    # In-process moto has no Account API Region calls: the EC2 list stands in.
    regions = seeded.posture.regions.value
    assert regions is not None
    assert regions.source == "ec2"
    assert regions.fallback_reason is not None
    assert regions.fallback_reason.action == "account:ListRegions"
    by_code = {r.code: r for r in regions.regions}
    assert by_code["us-east-1"].name == "US East (N. Virginia)"
    assert by_code["us-east-1"].status is RegionStatus.ENABLED_BY_DEFAULT


def test_checks_on_the_seeded_account(seeded: Seeded) -> None:
    findings = {f.id: f for f in evaluate(seeded.posture)}
    assert findings["user-mfa"].status is Status.FAIL
    assert findings["user-mfa"].subjects == ("Bob",)
    assert findings["admin-group"].status is Status.PASS
    assert findings["admin-user"].status is Status.PASS
    assert findings["alias"].status is Status.PASS
    assert findings["user-policies"].subjects == ("Bob",)


def test_bulk_read_makes_each_call_once(seeded: Seeded) -> None:
    calls = dict(seeded.calls)
    # moto answers the first GenerateCredentialReport with STARTED: one poll.
    assert calls.pop("iam:GenerateCredentialReport") in {1, 2}
    listing = seeded.posture.regions.value
    assert listing is not None
    enabled = [r for r in listing.regions if r.status is not RegionStatus.DISABLED]
    assert calls == {
        "sts:GetCallerIdentity": 1,
        "iam:GetAccountSummary": 1,
        # users and groups; customer managed policies (CIS 1.15)
        "iam:GetAccountAuthorizationDetails": 2,
        "iam:GetCredentialReport": 1,
        "iam:ListAccountAliases": 1,
        "iam:GetAccountPasswordPolicy": 1,
        # the Regions part, and the Access Analyzer part's own list of enabled Regions
        # (in-process moto has no Account API: each falls back to EC2 once)
        "account:ListRegions": 2,
        "ec2:DescribeRegions": 2,
        "account:GetAlternateContact": 1,
        "iam:ListVirtualMFADevices": 1,
        "iam:ListServerCertificates": 1,
        "access-analyzer:ListAnalyzers": len(enabled),
        "iam:ListEntitiesForPolicy": 2,  # AWSSupportAccess, AWSCloudShellFullAccess
        "iam:ListOrganizationsFeatures": 1,
        "iam:ListSAMLProviders": 1,
        "iam:ListOpenIDConnectProviders": 1,
        "sso:ListInstances": 1,
    }


def test_no_password_policy_is_the_aws_default(moto_session: AwsSession) -> None:
    part = PostureReader(moto_session).read_part("password_policy")
    assert part.error is None
    assert part.value is not None
    assert part.value.is_aws_default
    assert part.value.minimum_length == 8


def test_no_alias_is_an_empty_tuple(moto_session: AwsSession) -> None:
    part = PostureReader(moto_session).read_part("aliases")
    assert part.loaded and part.error is None
    assert part.value == ()


def test_report_polls_while_moto_generates(moto_session: AwsSession) -> None:
    moto_session.iam().create_user(UserName="dave")
    sleeps = Sleeps()
    report = PostureReader(moto_session, poll_interval=0.01, sleep=sleeps).report()
    assert [r.user for r in report.users] == ["dave"]
    calls = moto_session.counter.calls()
    assert calls["iam:GenerateCredentialReport"] == len(sleeps.calls) + 1
    assert calls["iam:GetCredentialReport"] == 1


# ----------------------------------------------------------- credential report edge cases
def _report_response() -> dict[str, Any]:
    return {"Content": REPORT_CSV, "ReportFormat": "text/csv", "GeneratedTime": GENERATED}


def test_report_started_then_complete_is_polled(stub_session: AwsSession) -> None:
    sleeps = Sleeps()
    reader = PostureReader(stub_session, poll_interval=0.01, sleep=sleeps)
    with Stubber(stub_session.iam()) as stub:
        stub.add_response(
            "generate_credential_report", {"State": "STARTED", "Description": "started"}, {}
        )
        stub.add_response("generate_credential_report", {"State": "INPROGRESS"}, {})
        stub.add_response("generate_credential_report", {"State": "COMPLETE"}, {})
        stub.add_response("get_credential_report", _report_response(), {})
        report = reader.report()
        stub.assert_no_pending_responses()
    assert sleeps.calls == [0.01, 0.01]
    assert report.generated == GENERATED
    root = report.root
    assert root is not None
    assert root.mfa_active is True
    assert root.password_enabled is None  # "not_supported" for root
    assert root.password_last_used == datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    assert root.keys == ()
    [alice] = report.users
    assert (alice.password_enabled, alice.mfa_active) == (True, False)
    [k] = alice.keys
    assert k.active and k.last_used == datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
    assert k.last_used_service == "s3"


def test_report_in_progress_on_get_is_retried(stub_session: AwsSession) -> None:
    sleeps = Sleeps()
    reader = PostureReader(stub_session, poll_interval=0.01, sleep=sleeps)
    with Stubber(stub_session.iam()) as stub:
        stub.add_response("generate_credential_report", {"State": "COMPLETE"}, {})
        stub.add_client_error(
            "get_credential_report", "ReportInProgress", "Report generation in progress", 404
        )
        stub.add_response("generate_credential_report", {"State": "COMPLETE"}, {})
        stub.add_response("get_credential_report", _report_response(), {})
        report = reader.report()
        stub.assert_no_pending_responses()
    assert len(sleeps.calls) == 1
    assert [r.user for r in report.users] == ["alice"]


def test_limit_exceeded_on_generate_still_fetches_the_report(stub_session: AwsSession) -> None:
    sleeps = Sleeps()
    reader = PostureReader(stub_session, poll_interval=0.01, sleep=sleeps)
    with Stubber(stub_session.iam()) as stub:
        stub.add_client_error(
            "generate_credential_report",
            "LimitExceeded",
            "Credential report generation is limited to once every 4 hours",
            409,
        )
        stub.add_response("get_credential_report", _report_response(), {})
        part = reader.read_part("report")
        stub.assert_no_pending_responses()
    assert part.error is None, part.error
    assert part.value is not None
    assert [r.user for r in part.value.users] == ["alice"]
    assert sleeps.calls == []


def test_report_that_never_completes_times_out(stub_session: AwsSession) -> None:
    sleeps = Sleeps()
    reader = PostureReader(stub_session, report_timeout=0.2, poll_interval=0.02, sleep=sleeps)
    with Stubber(stub_session.iam()) as stub:
        for _ in range(100):  # more than the loop can use in 0.2 s
            stub.add_response("generate_credential_report", {"State": "INPROGRESS"}, {})
        part = reader.read_part("report")
    assert part.loaded and part.value is None
    error = part.error
    assert error is not None
    assert error.code == "ReportTimeout"
    assert error.action == "iam:GetCredentialReport"
    assert not error.denied
    assert error.hint
    assert len(sleeps.calls) >= 2  # it polled before giving up, and never asked for
    # the report itself (the Stubber holds no GetCredentialReport answer).


def test_report_access_denied_is_a_failed_part(stub_session: AwsSession) -> None:
    with Stubber(stub_session.iam()) as stub:
        stub.add_client_error(
            "generate_credential_report",
            "AccessDenied",
            "User: arn:aws:iam::123456789012:user/x is not authorized to perform: "
            "iam:GenerateCredentialReport",
            403,
        )
        part = PostureReader(stub_session).read_part("report")
    assert part.error is not None
    assert part.error.denied
    assert part.error.headline() == "iam:GenerateCredentialReport denied"


# ------------------------------------------------------- auth details pagination (Stubber)
def _user_detail(name: str, groups: list[str]) -> dict[str, Any]:
    return {
        "UserName": name,
        "UserId": f"AIDA{name.upper():0<17}"[:21],
        "Arn": f"arn:aws:iam::{ACCOUNT}:user/{name}",
        "Path": "/",
        "CreateDate": GENERATED,
        "GroupList": groups,
        "AttachedManagedPolicies": [],
        "Tags": [],
    }


def test_auth_details_pages_are_all_read(stub_session: AwsSession) -> None:
    # moto returns everything in one page; AWS pages by 1000 users+groups.
    group = {
        "GroupName": "administrators",
        "GroupId": "AGPAADMINISTRATORS00",
        "Arn": f"arn:aws:iam::{ACCOUNT}:group/administrators",
        "Path": "/",
        "CreateDate": GENERATED,
        "AttachedManagedPolicies": [
            {"PolicyName": "AdministratorAccess", "PolicyArn": ADMIN_POLICY_ARN}
        ],
    }
    with Stubber(stub_session.iam()) as stub:
        stub.add_response(
            "get_account_authorization_details",
            {
                "UserDetailList": [_user_detail("zed", []), _user_detail("amy", [])],
                "GroupDetailList": [],
                "IsTruncated": True,
                "Marker": "page-2",
            },
            {"Filter": ["User", "Group"], "MaxItems": 1000},
        )
        stub.add_response(
            "get_account_authorization_details",
            {
                "UserDetailList": [_user_detail("mia", ["administrators"])],
                "GroupDetailList": [group],
                "IsTruncated": False,
            },
            {"Filter": ["User", "Group"], "MaxItems": 1000, "Marker": "page-2"},
        )
        details = PostureReader(stub_session).details()
        stub.assert_no_pending_responses()
    assert [u.name for u in details.users] == ["amy", "mia", "zed"]
    assert details.members("administrators") == ("mia",)
    assert details.groups[0].has_admin()


# -------------------------------------------------------------------------------- regions
def test_regions_from_the_account_api_across_pages(stub_session: AwsSession) -> None:
    with Stubber(stub_session.account()) as stub:
        stub.add_response(
            "list_regions",
            {
                "Regions": [
                    {"RegionName": "us-east-1", "RegionOptStatus": "ENABLED_BY_DEFAULT"},
                    {"RegionName": "af-south-1", "RegionOptStatus": "DISABLED"},
                ],
                "NextToken": "t-2",
            },
            {"MaxResults": 50},
        )
        stub.add_response(
            "list_regions",
            {
                "Regions": [
                    {"RegionName": "eu-south-2", "RegionOptStatus": "ENABLING"},
                    {"RegionName": "me-central-1", "RegionOptStatus": "ENABLED"},
                    {"RegionName": "ap-east-1", "RegionOptStatus": "DISABLING"},
                ]
            },
            {"MaxResults": 50, "NextToken": "t-2"},
        )
        regions = PostureReader(stub_session).regions()
        stub.assert_no_pending_responses()
    assert regions.source == "account"
    assert regions.fallback_reason is None
    assert [(r.code, r.name, r.status) for r in regions.regions] == [
        ("af-south-1", "Africa (Cape Town)", RegionStatus.DISABLED),
        ("ap-east-1", "Asia Pacific (Hong Kong)", RegionStatus.DISABLING),
        ("eu-south-2", "Europe (Spain)", RegionStatus.ENABLING),
        ("me-central-1", "Middle East (UAE)", RegionStatus.ENABLED),
        ("us-east-1", "US East (N. Virginia)", RegionStatus.ENABLED_BY_DEFAULT),
    ]


_DENIED_LIST_REGIONS = (
    "User: arn:aws:iam::123456789012:user/x is not authorized to perform: account:ListRegions"
)


def test_regions_denied_fall_back_to_ec2(stub_session: AwsSession) -> None:
    with Stubber(stub_session.account()) as account, Stubber(stub_session.ec2()) as ec2:
        account.add_client_error("list_regions", "AccessDeniedException", _DENIED_LIST_REGIONS, 403)
        ec2.add_response(
            "describe_regions",
            {
                "Regions": [
                    {"RegionName": "us-east-1", "OptInStatus": "opt-in-not-required"},
                    {"RegionName": "af-south-1", "OptInStatus": "not-opted-in"},
                    {"RegionName": "me-central-1", "OptInStatus": "opted-in"},
                ]
            },
            {"AllRegions": True},
        )
        part = PostureReader(stub_session).read_part("regions")
        account.assert_no_pending_responses()
        ec2.assert_no_pending_responses()
    assert part.error is None
    regions = part.value
    assert regions is not None
    assert regions.source == "ec2"
    reason = regions.fallback_reason
    assert reason is not None
    assert reason.denied
    assert reason.action == "account:ListRegions"
    assert [(r.code, r.name, r.status) for r in regions.regions] == [
        ("af-south-1", "Africa (Cape Town)", RegionStatus.DISABLED),
        ("me-central-1", "Middle East (UAE)", RegionStatus.ENABLED),
        ("us-east-1", "US East (N. Virginia)", RegionStatus.ENABLED_BY_DEFAULT),
    ]


def test_regions_fail_with_the_account_error_when_ec2_fails_too(
    stub_session: AwsSession,
) -> None:
    with Stubber(stub_session.account()) as account, Stubber(stub_session.ec2()) as ec2:
        account.add_client_error("list_regions", "AccessDeniedException", _DENIED_LIST_REGIONS, 403)
        ec2.add_client_error("describe_regions", "UnauthorizedOperation", "no", 403)
        part = PostureReader(stub_session).read_part("regions")
    assert part.value is None
    assert part.error is not None
    assert part.error.headline() == "account:ListRegions denied"


# ------------------------------------------------------------------------------ read-only
def test_read_only_refuses_writes_before_the_wire_and_still_reads() -> None:
    with mock_aws():
        session = AwsSession(settings(read_only=True))
        iam = session.iam()
        with pytest.raises(ReadOnlyRefused) as refused:
            iam.create_user(UserName="mallory")
        assert refused.value.action == "iam:CreateUser"
        with pytest.raises(ReadOnlyRefused):
            iam.create_account_alias(AccountAlias="taken-over")
        assert "iam:CreateUser" not in session.counter.calls()
        assert "iam:CreateUser" not in session.counter.attempts()

        posture = PostureReader(session, poll_interval=0.01).read_all()
        for name in ("caller", "details", "report", "aliases", "password_policy"):
            part = getattr(posture, name)
            assert part.error is None, f"{name}: {part.error}"
        # Nothing was written: a read-write session on the same account sees no change.
        other = AwsSession(settings()).iam()
        assert other.list_users()["Users"] == []
        assert other.list_account_aliases()["AccountAliases"] == []


# ---------------------------------------------------------------- parts fail independently
def test_stubbed_summary_denial_is_a_failed_part(stub_session: AwsSession) -> None:
    with Stubber(stub_session.iam()) as stub:
        stub.add_client_error(
            "get_account_summary",
            "AccessDenied",
            "User: arn:aws:iam::123456789012:user/x is not authorized to perform: "
            "iam:GetAccountSummary",
            403,
        )
        part = PostureReader(stub_session).read_part("summary")
    assert part.loaded and part.value is None
    assert part.error is not None
    assert part.error.headline() == "iam:GetAccountSummary denied"
    assert "iam:GetAccountSummary" in part.error.hint


def _deny(client: Any, operation: str) -> None:
    """Make moto's client answer ``operation`` with AccessDenied, as AWS would.

    read_all calls IAM from several threads at once, in no fixed order, so a Stubber
    (a strict queue) cannot serve it; this answers one operation and lets the rest
    through to moto.
    """
    service = client.meta.service_model.service_name

    def answer(**_: Any) -> tuple[AWSResponse, dict[str, Any]]:
        message = f"User: x is not authorized to perform: {service}:{operation}"
        parsed = {
            "Error": {"Code": "AccessDenied", "Message": message},
            "ResponseMetadata": {"HTTPStatusCode": 403},
        }
        return AWSResponse("https://iam.amazonaws.com/", 403, HTTPHeaders(), None), parsed

    client.meta.events.register(f"before-call.{service}.{operation}", answer)


def test_one_failing_part_leaves_the_others_loaded(moto_session: AwsSession) -> None:
    iam = moto_session.iam()
    iam.create_user(UserName="alice")
    iam.create_account_alias(AccountAlias="acme-dev")
    _deny(iam, "GetAccountSummary")
    posture = PostureReader(moto_session, poll_interval=0.01).read_all()
    assert posture.summary.loaded
    assert posture.summary.error is not None
    assert posture.summary.error.headline() == "iam:GetAccountSummary denied"
    for name in set(PART_NAMES) - {"summary"} - MOTO_LACKS:
        part = getattr(posture, name)
        assert part.loaded and part.error is None, f"{name}: {part.error}"
    assert posture.details.value is not None
    assert [u.name for u in posture.details.value.users] == ["alice"]
    assert posture.alias == "acme-dev"
    findings = {f.id: f for f in evaluate(posture)}
    assert findings["root-mfa"].status is Status.UNKNOWN
    assert findings["alias"].status is Status.PASS


def test_unknown_part_name_is_a_programming_error(stub_session: AwsSession) -> None:
    with pytest.raises(ValueError, match="nope"):
        PostureReader(stub_session).read_part("nope")


# ------------------------------------------------------- cost does not grow with users
# Calls made per user (or per page of 100 users): a bulk read must never make them.
PER_USER_OPERATIONS = {
    "iam:GetUser",
    "iam:GetLoginProfile",
    "iam:ListMFADevices",
    "iam:ListAccessKeys",
    "iam:GetAccessKeyLastUsed",
    "iam:ListGroupsForUser",
    "iam:ListAttachedUserPolicies",
    "iam:ListUserPolicies",
    "iam:ListUserTags",
    "iam:ListUsers",
    "iam:ListGroups",
    "iam:GetGroup",
}


def _bulk_read_calls(users: int) -> tuple[Posture, dict[str, int]]:
    """Seed ``users`` console users with one key each on a fresh account; read it all."""
    with mock_aws():
        session = AwsSession(settings())
        iam = session.iam()
        iam.create_group(GroupName="staff")
        for n in range(users):
            name = f"user-{n:04d}"
            iam.create_user(UserName=name)
            iam.create_login_profile(UserName=name, Password="Passw0rd-Passw0rd!")
            iam.create_access_key(UserName=name)
            if n % 2:
                iam.add_user_to_group(UserName=name, GroupName="staff")
        session.counter.reset()
        posture = PostureReader(session, poll_interval=0.01).read_all()
        return posture, dict(session.counter.calls())


def test_call_count_does_not_grow_with_users() -> None:
    small, small_calls = _bulk_read_calls(10)
    large, large_calls = _bulk_read_calls(200)

    # Both reads are complete: every user, with its credential-report row.
    for posture, users in ((small, 10), (large, 200)):
        assert posture.details.value is not None
        assert len(posture.details.value.users) == users
        assert posture.report.value is not None
        assert len(posture.report.value.users) == users
        assert all(v.row is not None and v.row.password_enabled for v in posture.user_views())

    assert not PER_USER_OPERATIONS & (small_calls.keys() | large_calls.keys())
    # Identical per operation, give or take one page of GetAccountAuthorizationDetails
    # (pages of 1000; moto 5.2.5 answers in one page anyway).
    pages = "iam:GetAccountAuthorizationDetails"
    assert abs(small_calls.pop(pages) - large_calls.pop(pages)) <= 1
    assert small_calls == large_calls
    # A fixed floor: 21 account-wide calls, plus ListAnalyzers once per enabled Region.
    per_region = small_calls.pop("access-analyzer:ListAnalyzers")
    assert per_region == len(small.analyzers.value.regions if small.analyzers.value else ())
    assert sum(small_calls.values()) <= 21
