"""The demo server's stand-ins for what moto 5.2 lacks (IAM Access Analyzer,
iam:ListOrganizationsFeatures), through stock boto3 clients on a real wire; the seeded demo
account's CIS controls; and the create-analyzers plan against it."""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError, ReadTimeoutError

from tests.support.pilot import reset_auth
from tui.aws.analyzers import ANALYZER_NAME
from tui.aws.checks import evaluate
from tui.aws.control_models import RootAccessStanding
from tui.aws.findings import Status
from tui.aws.plan import StepState
from tui.aws.service import AccountService
from tui.aws.session import Settings
from tui.demo import DemoEndpoint, DemoServer
from tui.demo.controlapi import ORG_FEATURES_PATH

pytestmark = pytest.mark.server

# What the seed promises for each new check (tui/demo/seed_controls.py).
SEEDED = {
    "security-contact": Status.FAIL,
    "admin-policies": Status.FAIL,
    "support-role": Status.FAIL,
    "expired-certificates": Status.FAIL,
    "access-analyzer": Status.FAIL,
    "cloudshell-access": Status.FAIL,
    "root-hardware-mfa": Status.FAIL,
    "unused-passwords": Status.FAIL,
    "keys-at-setup": Status.PASS,
    "people-federated": Status.INFO,
    "root-central": Status.INFO,
}


def client(endpoint: DemoEndpoint, service: str, region: str = "us-east-1", **keys: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=endpoint.endpoint_url,
        region_name=region,
        aws_access_key_id=keys.get("key", endpoint.access_key_id),
        aws_secret_access_key=keys.get("secret", endpoint.secret_access_key),
        aws_session_token=keys.get("token"),
    )


def service(endpoint: DemoEndpoint, *, read_only: bool = False) -> AccountService:
    return AccountService(
        Settings(
            region=endpoint.region,
            endpoint_url=endpoint.endpoint_url,
            access_key_id=endpoint.access_key_id,
            secret_access_key=endpoint.secret_access_key,
            read_only=read_only,
            demo=True,
        ),
        report_poll_interval=0.05,
    )


def code(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return str(excinfo.value.response["Error"]["Code"])


# -- Access Analyzer ------------------------------------------------------------------------
def test_analyzers_are_per_region_and_filtered_by_type(demo: DemoEndpoint) -> None:
    east = client(demo, "accessanalyzer")
    listed = east.list_analyzers()["analyzers"]
    assert [(a["name"], a["type"], a["status"]) for a in listed] == [
        ("external-access", "ACCOUNT", "ACTIVE")
    ]
    assert listed[0]["arn"].startswith("arn:aws:access-analyzer:us-east-1:123456789012:")
    assert isinstance(listed[0]["createdAt"], datetime)
    west = client(demo, "accessanalyzer", "eu-west-1")
    assert [a["name"] for a in west.list_analyzers()["analyzers"]] == ["unused-access"]
    assert west.list_analyzers(type="ACCOUNT")["analyzers"] == []
    assert client(demo, "accessanalyzer", "us-west-2").list_analyzers()["analyzers"] == []


def test_create_get_paginate_and_delete(demo: DemoEndpoint) -> None:
    aa = client(demo, "accessanalyzer", "ap-south-1")
    names = [f"paged-{n}" for n in range(5)]
    for name in names:
        arn = aa.create_analyzer(analyzerName=name, type="ACCOUNT")["arn"]
        assert arn == f"arn:aws:access-analyzer:ap-south-1:123456789012:analyzer/{name}"
    assert aa.get_analyzer(analyzerName="paged-3")["analyzer"]["type"] == "ACCOUNT"
    first = aa.list_analyzers(maxResults=2)
    assert [a["name"] for a in first["analyzers"]] == names[:2] and first["nextToken"]
    pages = aa.get_paginator("list_analyzers").paginate(PaginationConfig={"PageSize": 2})
    assert [a["name"] for page in pages for a in page["analyzers"]] == names
    for name in names:
        aa.delete_analyzer(analyzerName=name)
    assert aa.list_analyzers()["analyzers"] == []
    with pytest.raises(ClientError) as gone:
        aa.get_analyzer(analyzerName="paged-3")
    assert code(gone) == "ResourceNotFoundException"
    assert gone.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_duplicates_conflict_unless_the_client_token_repeats(demo: DemoEndpoint) -> None:
    aa = client(demo, "accessanalyzer", "ca-central-1")
    arn = aa.create_analyzer(analyzerName="once", type="ACCOUNT", clientToken="token-1")["arn"]
    again = aa.create_analyzer(analyzerName="once", type="ACCOUNT", clientToken="token-1")
    assert again["arn"] == arn, "a retried request (same clientToken) is idempotent"
    with pytest.raises(ClientError) as dup:
        aa.create_analyzer(analyzerName="once", type="ACCOUNT")
    assert code(dup) == "ConflictException"
    assert dup.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    aa.delete_analyzer(analyzerName="once")


@pytest.mark.parametrize(
    ("name", "type_"),
    [
        ("1starts-with-digit", "ACCOUNT"),
        ("has space", "ACCOUNT"),
        ("x" * 256, "ACCOUNT"),
        ("fine", "EVERYTHING"),
    ],  # fmt: skip
    ids=["digit-first", "space", "256-long", "unknown-type"],
)
def test_bad_names_and_types_are_validation_errors(
    demo: DemoEndpoint, name: str, type_: str
) -> None:
    aa = client(demo, "accessanalyzer", "eu-north-1")
    with pytest.raises(ClientError) as bad:
        aa.create_analyzer(analyzerName=name, type=type_)  # type: ignore[arg-type]
    assert code(bad) == "ValidationException"
    assert bad.value.response["reason"] == "fieldValidationFailed"
    assert aa.list_analyzers()["analyzers"] == []


# -- denied: moto's IAM policy enforcement ---------------------------------------------------
@pytest.fixture(scope="module")
def enforcing() -> Iterator[DemoEndpoint]:
    """A seeded demo server that checks IAM policies on every call (after 50 free ones)."""
    server = DemoServer()
    try:
        yield server.start(initial_no_auth_action_count=50)
    finally:
        server.stop()


def test_access_analyzer_and_org_features_obey_iam_policies(enforcing: DemoEndpoint) -> None:
    iam = client(enforcing, "iam")
    iam.create_user(UserName="lister")
    iam.put_user_policy(
        UserName="lister",
        PolicyName="iam-list",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "iam:List*", "Resource": "*"}],
            }
        ),
    )
    made = iam.create_access_key(UserName="lister")["AccessKey"]
    keys = {"key": made["AccessKeyId"], "secret": made["SecretAccessKey"]}
    reset_auth(enforcing.endpoint_url, 0)
    with pytest.raises(ClientError) as denied:
        client(enforcing, "accessanalyzer", **keys).list_analyzers()
    assert code(denied) == "AccessDeniedException"
    assert "access-analyzer:ListAnalyzers" in str(denied.value)
    with pytest.raises(ClientError) as create:
        client(enforcing, "accessanalyzer", **keys).create_analyzer(
            analyzerName="nope", type="ACCOUNT"
        )
    assert code(create) == "AccessDeniedException"
    # iam:List* allows it; the answer is the standing, not a denial.
    with pytest.raises(ClientError) as standing:
        client(enforcing, "iam", **keys).list_organizations_features()
    assert code(standing) == "OrganizationNotFoundException"
    # alice (AdministratorAccess) is allowed.
    assert client(enforcing, "accessanalyzer").list_analyzers()["analyzers"]
    reset_auth(enforcing.endpoint_url, 0)
    deny_all = {"key": "AKIAUNKNOWNKEY000000", "secret": "x"}
    with pytest.raises(ClientError) as unknown:
        client(enforcing, "iam", **deny_all).list_organizations_features()
    assert code(unknown) == "InvalidClientTokenId"


# -- iam:ListOrganizationsFeatures in each standing --------------------------------------------
@pytest.fixture(scope="module")
def bare() -> Iterator[DemoEndpoint]:
    """An unseeded demo server (moto's default test account), for Organizations."""
    server = DemoServer()
    try:
        yield server.start(seed=False)
    finally:
        server.stop()


def configure(endpoint: DemoEndpoint, **settings: Any) -> None:
    request = urllib.request.Request(
        endpoint.endpoint_url + ORG_FEATURES_PATH,
        data=json.dumps(settings).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200


def org_error(endpoint: DemoEndpoint, **keys: str) -> str:
    with pytest.raises(ClientError) as err:
        client(endpoint, "iam", **keys).list_organizations_features()
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return code(err)


def standing(endpoint: DemoEndpoint) -> RootAccessStanding:
    part = service(endpoint).read_part("org_root")
    assert part.value is not None, part.error
    return part.value.standing


def test_list_organizations_features_in_each_standing(bare: DemoEndpoint) -> None:
    orgs = client(bare, "organizations")
    assert org_error(bare) == "OrganizationNotFoundException"
    assert standing(bare) is RootAccessStanding.NOT_IN_ORGANIZATION
    org_id = orgs.create_organization(FeatureSet="ALL")["Organization"]["Id"]
    assert org_error(bare) == "ServiceAccessNotEnabledException"
    assert standing(bare) is RootAccessStanding.NO_TRUSTED_ACCESS
    configure(bare, trusted_access=True, features=[])
    got = client(bare, "iam").list_organizations_features()
    assert got["OrganizationId"] == org_id and got["EnabledFeatures"] == []
    assert standing(bare) is RootAccessStanding.DISABLED
    configure(bare, trusted_access=True, features=["RootCredentialsManagement", "RootSessions"])
    got = client(bare, "iam").list_organizations_features()
    assert got["EnabledFeatures"] == ["RootCredentialsManagement", "RootSessions"]
    assert standing(bare) is RootAccessStanding.ENABLED
    # A member account (signed in through the role Organizations makes in it).
    member = orgs.create_account(AccountName="member", Email="member@example.com")
    member_id = member["CreateAccountStatus"]["AccountId"]
    role = f"arn:aws:iam::{member_id}:role/OrganizationAccountAccessRole"
    sts = client(bare, "sts")
    creds = sts.assume_role(RoleArn=role, RoleSessionName="member-test")["Credentials"]
    as_member = {
        "key": creds["AccessKeyId"],
        "secret": creds["SecretAccessKey"],
        "token": creds["SessionToken"],
    }
    assert org_error(bare, **as_member) == "AccountNotManagementOrDelegatedAdministratorException"
    urllib.request.urlopen(
        urllib.request.Request(bare.endpoint_url + "/moto-api/reset", method="POST"), timeout=30
    )
    assert org_error(bare) == "OrganizationNotFoundException", "a reset forgets it all"


def test_consolidated_billing_only_is_not_all_features(bare: DemoEndpoint) -> None:
    orgs = client(bare, "organizations")
    orgs.create_organization(FeatureSet="CONSOLIDATED_BILLING")
    try:
        assert org_error(bare) == "OrganizationNotInAllFeaturesModeException"
        assert standing(bare) is RootAccessStanding.NOT_ALL_FEATURES
    finally:
        orgs.delete_organization()


def test_other_iam_calls_still_reach_moto_with_their_body(bare: DemoEndpoint) -> None:
    iam = client(bare, "iam")
    iam.create_user(UserName="through", Tags=[{"Key": "k", "Value": "v"}])
    assert iam.list_user_tags(UserName="through")["Tags"] == [{"Key": "k", "Value": "v"}]
    iam.delete_user(UserName="through")


# -- the seeded account ----------------------------------------------------------------------
def test_the_seeded_account_reads_every_control_and_fails_where_promised(
    demo: DemoEndpoint,
) -> None:
    posture = service(demo).reader.read_all()
    for name in ("contacts", "mfa_devices", "certificates", "analyzers", "entities"):
        assert getattr(posture, name).error is None, (name, getattr(posture, name).error)
    for name in ("local_policies", "org_root", "federation"):
        assert getattr(posture, name).error is None, (name, getattr(posture, name).error)
    findings = {f.id: f for f in evaluate(posture, datetime.now(UTC))}
    assert {k: findings[k].status for k in SEEDED} == SEEDED
    assert "legacy-full-access" in findings["admin-policies"].reason
    assert "reports-read" not in findings["admin-policies"].reason
    assert "user bob" in findings["cloudshell-access"].reason
    assert "legacy-www" in findings["expired-certificates"].reason
    lacking = findings["access-analyzer"].reason
    assert "17 Region(s)" in lacking and "eu-west-1: only analyzers of other kinds" in lacking
    scan = posture.analyzers.value
    assert scan is not None and "us-east-1" not in scan.lacking and "eu-west-1" in scan.lacking


def test_the_create_analyzers_plan_makes_the_check_pass_and_rolls_back(
    demo: DemoEndpoint,
) -> None:
    svc = service(demo)
    scan = svc.reader.read_part("analyzers").value
    assert scan is not None and scan.lacking
    taken = {r.region: [a.name for a in r.analyzers] for r in scan.regions}
    plan = svc.analyzers_writer.plan_create(scan.lacking, taken)
    assert [s.action for s in plan.steps] == ["access-analyzer:CreateAnalyzer"] * len(scan.lacking)
    assert "aws accessanalyzer create-analyzer --analyzer-name" in plan.steps[0].cli
    result = plan.run()
    assert result.ok, str(result)
    after = svc.reader.read_all()
    finding = next(f for f in evaluate(after, datetime.now(UTC)) if f.id == "access-analyzer")
    assert finding.status is Status.PASS, finding.reason
    west = client(demo, "accessanalyzer", "eu-west-1").list_analyzers()["analyzers"]
    assert sorted(a["name"] for a in west) == [ANALYZER_NAME, "unused-access"]
    undone = plan.rollback()
    assert undone.ok, str(undone)
    assert svc.reader.read_part("analyzers").value.lacking == scan.lacking  # type: ignore[union-attr]


def test_read_only_refuses_create_analyzer_at_the_wire(demo: DemoEndpoint) -> None:
    svc = service(demo, read_only=True)
    plan = svc.analyzers_writer.plan_create(["us-west-1"])
    result = plan.run()
    failure = result.failure
    assert failure is not None and failure.error is not None
    assert "access-analyzer:CreateAnalyzer" in failure.error.summary()
    assert "read-only" in failure.error.message
    assert client(demo, "accessanalyzer", "us-west-1").list_analyzers()["analyzers"] == []
    assert svc.counter.refused()["access-analyzer:CreateAnalyzer"] == 1


class _LostCreate:
    """An Access Analyzer client whose CreateAnalyzer answer is lost (a read timeout: the
    request may or may not have reached AWS); every other call goes through."""

    def __init__(self, real: Any) -> None:
        self._real = real

    def create_analyzer(self, **_: Any) -> None:
        raise ReadTimeoutError(endpoint_url="http://127.0.0.1/analyzer")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


def test_a_lost_create_never_rolls_back_an_analyzer_that_was_there(
    demo: DemoEndpoint, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The scan is stale: someone made an analyzer of acct-tui's name in us-west-1 since.
    CreateAnalyzer gets no answer, GetAnalyzer finds the analyzer: it is not this plan's
    (made before the plan started), so no rollback offered, none run, and it is still there."""
    theirs = client(demo, "accessanalyzer", "us-west-1")
    theirs.create_analyzer(analyzerName=ANALYZER_NAME, type="ACCOUNT")
    try:
        # The plan must start clearly later on AWS's clock: past the 2 s slack the check
        # allows, the Date header's one-second steps, and a loaded machine's scheduling.
        time.sleep(4.5)
        svc = service(demo)
        writer = svc.analyzers_writer
        real = writer._client
        monkeypatch.setattr(writer, "_client", lambda region: _LostCreate(real(region)))
        plan = writer.plan_create(["us-west-1"])  # taken: nothing known in us-west-1
        result = plan.run()
        assert result.reports[0].state is StepState.UNKNOWN, str(result)
        assert not plan.can_rollback, [s.description for s in plan.rollback_steps()]
        plan.rollback()
        names = [a["name"] for a in theirs.list_analyzers()["analyzers"]]
        assert names == [ANALYZER_NAME]
        assert any("existed before this plan" in line for line in result.exists_now), result
    finally:
        theirs.delete_analyzer(analyzerName=ANALYZER_NAME)
