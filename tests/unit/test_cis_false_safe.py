"""CIS controls that must never pass on data that does not prove the account is safe.

Read through the real PostureReader: in-process moto for what moto stores (customer
managed policies and their attachments), botocore's Stubber (which checks every answer
against the real botocore model) for answers moto never gives (a server certificate
without an ``Expiration``, a policy whose default version is missing from the answer).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.stub import Stubber
from moto import mock_aws

from tui.aws.checks import Finding, Status, evaluate
from tui.aws.models import Posture
from tui.aws.posture import PostureReader
from tui.aws.session import AwsSession, Settings

ACCOUNT = "123456789012"
NOW = datetime.now(UTC)


def settings() -> Settings:
    return Settings(access_key_id="testing", secret_access_key="testing", region="us-east-1")


@pytest.fixture
def moto_session() -> Iterator[AwsSession]:
    with mock_aws():
        yield AwsSession(settings())


def finding(posture: Posture, check_id: str) -> Finding:
    return next(f for f in evaluate(posture, NOW) if f.id == check_id)


def read(session: AwsSession, *parts: str) -> Posture:
    reader = PostureReader(session, poll_interval=0.01)
    return Posture(**{name: reader.read_part(name) for name in parts})


# ------------------------------------------------------------------ CIS 1.15 on moto
def _attached_policy(session: AwsSession, name: str, statement: dict[str, Any]) -> None:
    iam = session.iam()
    document = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    arn = iam.create_policy(PolicyName=name, PolicyDocument=document)["Policy"]["Arn"]
    if "deployer" not in [u["UserName"] for u in iam.list_users()["Users"]]:
        iam.create_user(UserName="deployer")
    iam.attach_user_policy(UserName="deployer", PolicyArn=arn)


@pytest.mark.parametrize(
    "statement",
    [
        # AWS does not check NotAction's names: "everything but a made-up action" is "*".
        {"Effect": "Allow", "NotAction": "made-up:action", "Resource": "*"},
        {"Effect": "Allow", "NotAction": ["iam:DeleteAccountPasswordPolicy"], "Resource": ["*"]},
        {"Effect": "Allow", "Action": ["s3:GetObject", "*"], "NotResource": "arn:aws:s3:::x"},
    ],
    ids=["notaction-made-up", "notaction-one-action", "notresource-one-bucket"],
)
def test_every_action_on_every_resource_but_a_few_is_not_a_pass(
    moto_session: AwsSession, statement: dict[str, Any]
) -> None:
    _attached_policy(moto_session, "almost-admin", statement)
    result = finding(read(moto_session, "local_policies", "details"), "admin-policies")
    assert result.status is Status.FAIL, result.reason
    assert result.subjects == ("almost-admin",)
    assert "user deployer" in result.reason


@pytest.mark.parametrize(
    "statement",
    [
        {"Effect": "Allow", "Action": "iam:*", "Resource": "*"},
        {"Effect": "Deny", "NotAction": "s3:GetObject", "Resource": "*"},
        {"Effect": "Allow", "NotAction": "s3:GetObject", "Resource": "arn:aws:s3:::x/*"},
    ],
    ids=["one-service", "deny", "notaction-on-one-resource"],
)
def test_narrower_grants_still_pass(moto_session: AwsSession, statement: dict[str, Any]) -> None:
    _attached_policy(moto_session, "narrow", statement)
    result = finding(read(moto_session, "local_policies", "details"), "admin-policies")
    assert result.status is Status.PASS, result.reason


# ------------------------------------------------------------ answers moto never gives
@pytest.fixture
def stub_session() -> AwsSession:
    return AwsSession(settings())


def _certificate(name: str, **extra: Any) -> dict[str, Any]:
    return {
        "Path": "/",
        "ServerCertificateName": name,
        "ServerCertificateId": f"ASCA{name.upper():0<17}",
        "Arn": f"arn:aws:iam::{ACCOUNT}:server-certificate/{name}",
        **extra,
    }


def test_a_certificate_without_an_expiration_is_unknown_not_passing(
    stub_session: AwsSession,
) -> None:
    iam = stub_session.iam()
    with Stubber(iam) as stub:
        stub.add_response(
            "list_server_certificates",
            {
                "ServerCertificateMetadataList": [
                    _certificate("current", Expiration=NOW + timedelta(days=30)),
                    _certificate("undated"),
                ],
                "IsTruncated": False,
            },
        )
        posture = read(stub_session, "certificates")
    result = finding(posture, "expired-certificates")
    assert result.status is Status.UNKNOWN, result.reason
    assert "undated" in result.reason


def test_an_expired_certificate_still_fails_beside_an_undated_one(
    stub_session: AwsSession,
) -> None:
    iam = stub_session.iam()
    with Stubber(iam) as stub:
        stub.add_response(
            "list_server_certificates",
            {
                "ServerCertificateMetadataList": [
                    _certificate("old", Expiration=NOW - timedelta(days=3)),
                    _certificate("undated"),
                ],
                "IsTruncated": False,
            },
        )
        posture = read(stub_session, "certificates")
    result = finding(posture, "expired-certificates")
    assert result.status is Status.FAIL, result.reason
    assert result.subjects == ("old",)


def test_an_attached_policy_without_its_default_document_is_unknown(
    stub_session: AwsSession,
) -> None:
    iam = stub_session.iam()
    policy = {
        "PolicyName": "ops",
        "PolicyId": "ANPAOPS0000000000000",
        "Arn": f"arn:aws:iam::{ACCOUNT}:policy/ops",
        "AttachmentCount": 1,
        "DefaultVersionId": "v2",
        # Only a non-default version came back: the document in force is not known.
        "PolicyVersionList": [
            {
                "Document": json.dumps({"Statement": []}),
                "VersionId": "v1",
                "IsDefaultVersion": False,
            }
        ],
    }
    with Stubber(iam) as stub:
        stub.add_response(
            "get_account_authorization_details",
            {"Policies": [policy], "IsTruncated": False},
            {"Filter": ["LocalManagedPolicy"], "MaxItems": 1000},
        )
        posture = read(stub_session, "local_policies")
    result = finding(posture, "admin-policies")
    assert result.status is Status.UNKNOWN, result.reason
    assert "ops" in result.reason
