"""The plans behind three CIS fixes, over in-process moto: the security contact
(PutAlternateContact, undone by the previous contact or DeleteAlternateContact), a support
role (CreateRole + AttachRolePolicy AWSSupportAccess, undone in reverse) and deleting
expired server certificates (not reversible). Bad input never reaches AWS."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

import moto.iam.models
import pytest
from botocore.awsrequest import AWSResponse
from botocore.compat import HTTPHeaders
from botocore.exceptions import ReadTimeoutError
from moto import mock_aws
from moto.iam.aws_managed_policies import aws_managed_policies_data

from tests.support.calls import ACCOUNT, Sleeps, inject, make_session
from tests.support.faultmatrix import certificate
from tui.aws.contacts import ContactWriter, contact_errors
from tui.aws.control_models import AlternateContact
from tui.aws.iam.control_fixes import ControlFixPlans, SupportRole
from tui.aws.plan import StepState
from tui.aws.posture import PostureReader
from tui.aws.session import AwsSession
from tui.aws.writer import InvalidRequest

SMALL_POLICY_DATA = json.dumps(
    {k: v for k, v in json.loads(aws_managed_policies_data).items() if k == "AWSSupportAccess"}
)
JANE = AlternateContact("Jane Doe", "Security lead", "security@example.com", "+1 555 010 0199")
OLD = AlternateContact("Old Team", "Ops", "ops@example.com", "+44 20 7946 0000")
KEY = "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n"


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[AwsSession]:
    monkeypatch.setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    monkeypatch.setattr(moto.iam.models, "aws_managed_policies_data", SMALL_POLICY_DATA)
    with mock_aws():
        yield make_session()


@pytest.fixture
def fixes(aws: AwsSession) -> ControlFixPlans:
    return ControlFixPlans(aws, sleep=Sleeps([]))


def security_contact(aws: AwsSession) -> AlternateContact | None:
    return PostureReader(aws).contacts().contact


def put(aws: AwsSession, contact: AlternateContact) -> None:
    aws.account().put_alternate_contact(
        AlternateContactType="SECURITY",
        Name=contact.name,
        Title=contact.title,
        EmailAddress=contact.email,
        PhoneNumber=contact.phone,
    )


def fail_account(aws: AwsSession, operation: str, code: str) -> None:
    """Make an Account API operation answer ``code`` (as AWS would, with HTTP 403)."""

    def answer(**_: Any) -> tuple[AWSResponse, dict[str, Any]]:
        parsed = {
            "Error": {"Code": code, "Message": f"injected {code}"},
            "ResponseMetadata": {"HTTPStatusCode": 403},
        }
        return AWSResponse(
            "https://account.us-east-1.amazonaws.com/", 403, HTTPHeaders(), None
        ), parsed

    handler: Any = answer
    aws.account().meta.events.register_first(f"before-call.account.{operation}", handler)


# -- the security contact -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("contact", "field"),
    [
        (AlternateContact("Jane", "Lead", "not-an-address", "+1 555"), "contact-email"),
        (AlternateContact("Jane", "Lead", "a@example.com", "call me"), "contact-phone"),
        (AlternateContact("", "Lead", "a@example.com", "+1 555"), "contact-name"),
        (AlternateContact("Jane", "x" * 51, "a@example.com", "+1 555"), "contact-title"),
        (AlternateContact("Jane", "Lead", "a@example.com", "1" * 26), "contact-phone"),
    ],
)
def test_a_bad_field_is_refused_before_any_call(
    aws: AwsSession, contact: AlternateContact, field: str
) -> None:
    assert field in contact_errors(contact)
    with pytest.raises(InvalidRequest) as refused:
        ContactWriter(aws).plan_security_contact(contact, None)
    assert list(refused.value.errors) == [field]
    assert sum(aws.counter.calls().values()) == 0, "nothing was sent"


def test_a_new_contact_is_registered_and_its_rollback_deletes_it(aws: AwsSession) -> None:
    assert security_contact(aws) is None
    plan = ContactWriter(aws).plan_security_contact(JANE, None)
    assert [s.action for s in plan.steps] == ["account:PutAlternateContact"]
    assert "aws account put-alternate-contact" in plan.steps[0].cli
    assert "security@example.com" in plan.steps[0].cli
    result = plan.run()
    assert result.ok
    assert security_contact(aws) == JANE
    assert [s.action for s in plan.rollback_steps()] == ["account:DeleteAlternateContact"]
    undone = plan.rollback()
    assert undone.ok and security_contact(aws) is None


def test_replacing_a_contact_rolls_back_to_the_previous_one(aws: AwsSession) -> None:
    put(aws, OLD)
    spaced = AlternateContact(" Jane Doe ", "Security lead", " security@example.com ", JANE.phone)
    plan = ContactWriter(aws).plan_security_contact(spaced, OLD)
    assert plan.run().ok
    assert security_contact(aws) == JANE, "sent without the spaces around it"
    assert [s.action for s in plan.rollback_steps()] == ["account:PutAlternateContact"]
    assert plan.rollback().ok
    assert security_contact(aws) == OLD


def test_a_refused_contact_changes_nothing_and_says_so(aws: AwsSession) -> None:
    put(aws, OLD)
    fail_account(aws, "PutAlternateContact", "AccessDeniedException")
    result = ContactWriter(aws).plan_security_contact(JANE, OLD).run()
    assert not result.ok
    failure = result.failure
    assert failure is not None and failure.error is not None
    assert failure.error.action == "account:PutAlternateContact"
    assert result.exists_now == ("security contact Jane Doe does not exist",)
    assert security_contact(aws) == OLD


# -- a support role -----------------------------------------------------------------------------
def test_the_support_role_trusts_this_account_and_has_support_access(
    aws: AwsSession, fixes: ControlFixPlans
) -> None:
    plan = fixes.plan_support_role(SupportRole(), account_id=ACCOUNT)
    assert [s.action for s in plan.steps] == ["iam:CreateRole", "iam:AttachRolePolicy"]
    assert "with MFA" in plan.steps[0].description
    result = plan.run()
    assert result.ok, result
    assert result.exists_now == ("role aws-support exists", "with policy AWSSupportAccess")
    role = aws.iam().get_role(RoleName="aws-support")["Role"]
    trust = role["AssumeRolePolicyDocument"]
    trust = json.loads(unquote(trust)) if isinstance(trust, str) else trust
    (statement,) = trust["Statement"]
    assert statement["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
    assert statement["Action"] == "sts:AssumeRole"
    assert statement["Condition"] == {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
    assert PostureReader(aws).entities().support.roles == ("aws-support",)
    assert [s.action for s in plan.rollback_steps()] == ["iam:DetachRolePolicy", "iam:DeleteRole"]
    assert plan.rollback().ok
    assert aws.iam().list_roles()["Roles"] == []


def test_the_support_role_can_be_made_without_mfa(aws: AwsSession, fixes: ControlFixPlans) -> None:
    plan = fixes.plan_support_role(SupportRole("support-cases", False), account_id=ACCOUNT)
    assert plan.run().ok
    trust = aws.iam().get_role(RoleName="support-cases")["Role"]["AssumeRolePolicyDocument"]
    trust = json.loads(unquote(trust)) if isinstance(trust, str) else trust
    assert "Condition" not in trust["Statement"][0]


def test_a_bad_role_name_is_refused_before_any_call(
    aws: AwsSession, fixes: ControlFixPlans
) -> None:
    with pytest.raises(InvalidRequest) as refused:
        fixes.plan_support_role(SupportRole("aws support"), account_id=ACCOUNT)
    assert "not space" in refused.value.errors["role-name"]
    assert sum(aws.counter.calls().values()) == 0


def test_a_failed_attachment_leaves_the_role_and_the_rollback_deletes_it(
    aws: AwsSession, fixes: ControlFixPlans
) -> None:
    inject(aws, "AttachRolePolicy", "AccessDenied")
    plan = fixes.plan_support_role(SupportRole(), account_id=ACCOUNT)
    result = plan.run()
    assert [r.state for r in result.reports] == [StepState.DONE, StepState.FAILED]
    assert result.exists_now == ("role aws-support exists, without policy AWSSupportAccess",)
    undone = plan.rollback()
    assert undone.ok
    assert aws.iam().list_roles()["Roles"] == []


def test_a_role_that_cannot_be_read_back_is_never_rolled_back(
    aws: AwsSession, fixes: ControlFixPlans
) -> None:
    def lost(**_: Any) -> None:
        raise ReadTimeoutError(endpoint_url="https://iam.amazonaws.com/")

    aws.iam().meta.events.register("after-call.iam.CreateRole", lost)
    inject(aws, "GetRole", "AccessDenied")
    plan = fixes.plan_support_role(SupportRole(), account_id=ACCOUNT)
    result = plan.run()
    assert result.reports[0].state is StepState.UNKNOWN
    said = [line for line in result.exists_now if "is unknown" in line]
    assert said and "iam:GetRole" in said[0], result.exists_now
    assert not plan.can_rollback, "a role it cannot prove is its own is left alone"


def test_a_role_that_existed_before_is_left_alone(aws: AwsSession, fixes: ControlFixPlans) -> None:
    aws.iam().create_role(RoleName="aws-support", AssumeRolePolicyDocument="{}")
    plan = fixes.plan_support_role(SupportRole(), account_id=ACCOUNT)
    result = plan.run()
    assert result.reports[0].state is StepState.FAILED  # answered: not ours, no recovery
    assert not plan.can_rollback
    assert aws.iam().get_role(RoleName="aws-support")["Role"]["RoleName"] == "aws-support"


# -- expired server certificates ----------------------------------------------------------------
def upload(aws: AwsSession, *names: str) -> None:
    body = certificate()
    for name in names:
        aws.iam().upload_server_certificate(
            ServerCertificateName=name, CertificateBody=body, PrivateKey=KEY
        )


def test_expired_certificates_are_deleted_without_rollback(
    aws: AwsSession, fixes: ControlFixPlans
) -> None:
    upload(aws, "old-web", "old-api", "keep")
    listed = {c.name: c for c in PostureReader(aws).certificates()}
    plan = fixes.plan_delete_certificates([listed["old-web"], listed["old-api"]])
    assert [s.action for s in plan.steps] == ["iam:DeleteServerCertificate"] * 2
    assert "expired 20" in plan.steps[0].description
    result = plan.run()
    assert result.ok
    assert [c.name for c in PostureReader(aws).certificates()] == ["keep"]
    assert not plan.can_rollback, "a deleted certificate cannot be brought back"


def test_a_refused_deletion_says_which_certificates_are_left(
    aws: AwsSession, fixes: ControlFixPlans
) -> None:
    upload(aws, "a-cert", "b-cert")
    listed = PostureReader(aws).certificates()
    inject(
        aws,
        "DeleteServerCertificate",
        "AccessDenied",
        when=lambda body: body.get("ServerCertificateName") == "b-cert",
    )
    result = fixes.plan_delete_certificates(listed).run()
    assert [r.state for r in result.reports] == [StepState.DONE, StepState.FAILED]
    assert result.exists_now == ("certificate b-cert still exists", "removed certificate a-cert")
    assert [c.name for c in PostureReader(aws).certificates()] == ["b-cert"]


def test_no_certificate_chosen_is_refused(fixes: ControlFixPlans) -> None:
    with pytest.raises(InvalidRequest):
        fixes.plan_delete_certificates([])
