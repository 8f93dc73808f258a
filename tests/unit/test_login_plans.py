"""Console-password and access-key plans for existing users, over in-process moto.

Giving a password (CreateLoginProfile, IAMUserChangePassword when needed), resetting it
(UpdateLoginProfile), removing it (DeleteLoginProfile), a new key for an existing user
(CreateAccessKey, and the clean-up when its answer is lost), and when a key was last used.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import moto.iam.models
import pytest
from botocore.exceptions import ReadTimeoutError
from moto import mock_aws
from moto.iam.aws_managed_policies import aws_managed_policies_data

from tests.support.calls import ACCOUNT, Sleeps, inject, make_session, record
from tui.aws.errors import AwsFailure
from tui.aws.iam import (
    CHANGE_PASSWORD_POLICY_ARN,
    IamWriter,
    InvalidRequest,
    PasswordChange,
    StepState,
)
from tui.aws.models import AWS_DEFAULT_PASSWORD_POLICY, PasswordPolicy
from tui.aws.session import AwsSession

SMALL_POLICY_DATA = json.dumps(
    {
        k: v
        for k, v in json.loads(aws_managed_policies_data).items()
        if k in ("IAMUserChangePassword",)
    }
)
SELF_CHANGE = PasswordPolicy(minimum_length=8, allow_users_to_change=True)
STRICT = PasswordPolicy(minimum_length=20, require_symbols=True, allow_users_to_change=True)


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[AwsSession]:
    monkeypatch.setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    monkeypatch.setattr(moto.iam.models, "aws_managed_policies_data", SMALL_POLICY_DATA)
    with mock_aws():
        session = make_session()
        session.iam().create_user(UserName="bob")
        yield session


@pytest.fixture
def writer(aws: AwsSession) -> IamWriter:
    return IamWriter(aws, sleep=Sleeps([]))


def attached(aws: AwsSession, user: str) -> list[str]:
    listing = aws.iam().list_attached_user_policies(UserName=user)["AttachedPolicies"]
    return [p["PolicyArn"] for p in listing]


def keys(aws: AwsSession, user: str) -> list[str]:
    listing = aws.iam().list_access_keys(UserName=user)["AccessKeyMetadata"]
    return [k["AccessKeyId"] for k in listing]


def add(writer: IamWriter, change: PasswordChange, policy: PasswordPolicy = SELF_CHANGE) -> Any:
    return writer.plan_add_password(change, account_id=ACCOUNT, alias=None, policy=policy)


# -- giving a console password -------------------------------------------------------------
def test_add_password_creates_the_login_profile_and_holds_the_password(
    writer: IamWriter, aws: AwsSession
) -> None:
    sent = record(aws, "CreateLoginProfile")
    assert writer.has_login_profile("bob") is False
    plan = add(writer, PasswordChange("bob", "Typed-Secret-99", require_reset=False))
    assert [s.action for s in plan.steps] == ["iam:CreateLoginProfile"]
    assert plan.steps[0].cli == (
        "aws iam create-login-profile --user-name bob --password '<password>' "
        "--no-password-reset-required"
    )
    result = plan.run()
    assert result.ok, str(result)
    assert writer.has_login_profile("bob") is True
    assert sent == [
        {"UserName": "bob", "Password": "Typed-Secret-99", "PasswordResetRequired": False}
    ]
    held = result.credentials
    assert held is not None and held.password == "Typed-Secret-99"
    assert held.sign_in_url == f"https://{ACCOUNT}.signin.aws.amazon.com/console"
    assert held.access_key_id is None
    assert "Typed-Secret-99" not in str(result) and "Typed-Secret-99" not in repr(held)


def test_a_generated_password_meets_the_account_policy(writer: IamWriter, aws: AwsSession) -> None:
    from tui.aws.validate import password_errors

    sent = record(aws, "CreateLoginProfile")
    plan = add(writer, PasswordChange("bob"), STRICT)
    assert plan.run().ok
    password = sent[0]["Password"]
    assert len(password) >= 20 and not password_errors(password, STRICT)
    assert plan.credentials is not None and plan.credentials.password == password


@pytest.mark.parametrize(
    ("policy", "reset", "attaches"),
    [
        (AWS_DEFAULT_PASSWORD_POLICY, True, True),  # users cannot change their own: attach
        (AWS_DEFAULT_PASSWORD_POLICY, False, False),
        (SELF_CHANGE, True, False),
    ],
)
def test_change_password_policy_is_attached_exactly_as_for_a_new_user(
    writer: IamWriter, aws: AwsSession, policy: PasswordPolicy, reset: bool, attaches: bool
) -> None:
    plan = add(writer, PasswordChange("bob", require_reset=reset), policy)
    assert ("iam:AttachUserPolicy" in [s.action for s in plan.steps]) == attaches
    assert plan.run().ok
    assert attached(aws, "bob") == ([CHANGE_PASSWORD_POLICY_ARN] if attaches else [])


def test_an_already_attached_change_password_policy_is_not_attached_again(
    writer: IamWriter,
) -> None:
    plan = writer.plan_add_password(
        PasswordChange("bob"),
        account_id=ACCOUNT,
        alias=None,
        policy=AWS_DEFAULT_PASSWORD_POLICY,
        attached=(CHANGE_PASSWORD_POLICY_ARN,),
    )
    assert [s.action for s in plan.steps] == ["iam:CreateLoginProfile"]


def test_a_group_that_lets_members_change_passwords_means_no_direct_attachment(
    writer: IamWriter,
) -> None:
    # The create-user plan's rule: the group (AdministratorAccess here) already allows it.
    for planner in (writer.plan_add_password, writer.plan_reset_password):
        plan = planner(
            PasswordChange("bob"),
            account_id=ACCOUNT,
            alias=None,
            policy=AWS_DEFAULT_PASSWORD_POLICY,
            groups=("admins",),
            self_service=frozenset({"admins"}),
        )
        assert "iam:AttachUserPolicy" not in [s.action for s in plan.steps]


def test_a_bad_password_is_refused_before_any_call(writer: IamWriter, aws: AwsSession) -> None:
    before = aws.counter.total()
    for plan in (writer.plan_add_password, writer.plan_reset_password):
        with pytest.raises(InvalidRequest) as info:
            plan(PasswordChange("bob", "short"), account_id=ACCOUNT, alias=None, policy=STRICT)
        assert "password" in info.value.errors
        assert "short" not in str(info.value)
    assert aws.counter.total() == before
    assert writer.has_login_profile("bob") is False


def test_add_password_fails_when_the_user_already_has_one_and_drops_the_password(
    writer: IamWriter, aws: AwsSession
) -> None:
    aws.iam().create_login_profile(UserName="bob", Password="Old-Secret-123")
    plan = add(writer, PasswordChange("bob", "Typed-Secret-99"))
    result = plan.run()
    failure = result.failure
    assert failure is not None and failure.error is not None
    assert failure.error.code == "EntityAlreadyExists"
    assert result.credentials is None, "a password AWS refused is not in force: not shown"


def test_a_password_sent_without_an_answer_is_kept(writer: IamWriter, aws: AwsSession) -> None:
    def lost(**_: Any) -> None:
        raise ReadTimeoutError(endpoint_url="https://iam.amazonaws.com/")

    aws.iam().meta.events.register("after-call.iam.CreateLoginProfile", lost)
    plan = add(writer, PasswordChange("bob", "Typed-Secret-99"))
    result = plan.run()
    assert result.reports[0].state is StepState.UNKNOWN
    held = result.credentials
    assert held is not None and held.password == "Typed-Secret-99", "may be in force: kept"
    assert any(line.startswith("console password") for line in result.exists_now)


# -- resetting it --------------------------------------------------------------------------------
def test_reset_password_updates_the_login_profile(writer: IamWriter, aws: AwsSession) -> None:
    aws.iam().create_login_profile(UserName="bob", Password="Old-Secret-123")
    sent = record(aws, "UpdateLoginProfile")
    plan = writer.plan_reset_password(
        PasswordChange("bob", "New-Secret-456", require_reset=True),
        account_id=ACCOUNT,
        alias="acme",
        policy=SELF_CHANGE,
    )
    assert [s.action for s in plan.steps] == ["iam:UpdateLoginProfile"]
    assert plan.steps[0].cli == (
        "aws iam update-login-profile --user-name bob --password '<password>' "
        "--password-reset-required"
    )
    assert not plan.can_rollback
    result = plan.run()
    assert result.ok, str(result)
    assert sent == [
        {"UserName": "bob", "Password": "New-Secret-456", "PasswordResetRequired": True}
    ]
    profile = aws.iam().get_login_profile(UserName="bob")["LoginProfile"]
    assert profile["PasswordResetRequired"] is True
    held = result.credentials
    assert held is not None and held.password == "New-Secret-456"
    assert held.sign_in_url == "https://acme.signin.aws.amazon.com/console"
    assert plan.rollback_steps() == (), "the old password cannot be put back"


def test_a_refused_reset_shows_no_password(writer: IamWriter, aws: AwsSession) -> None:
    aws.iam().create_login_profile(UserName="bob", Password="Old-Secret-123")
    inject(aws, "UpdateLoginProfile", "PasswordPolicyViolation")
    plan = writer.plan_reset_password(
        PasswordChange("bob"), account_id=ACCOUNT, alias=None, policy=SELF_CHANGE
    )
    result = plan.run()
    assert result.reports[0].state is StepState.FAILED
    assert result.credentials is None


# -- removing it ------------------------------------------------------------------------------
def test_remove_password(writer: IamWriter, aws: AwsSession) -> None:
    aws.iam().create_login_profile(UserName="bob", Password="Old-Secret-123")
    plan = writer.plan_remove_password("bob")
    assert [s.cli for s in plan.steps] == ["aws iam delete-login-profile --user-name bob"]
    result = plan.run()
    assert result.ok and result.exists_now == ("console password deleted",)
    assert writer.has_login_profile("bob") is False
    again = writer.plan_remove_password("bob").run()
    assert again.ok, "already gone counts as removed"


def test_has_login_profile_raises_when_it_cannot_tell(writer: IamWriter, aws: AwsSession) -> None:
    inject(aws, "GetLoginProfile", "AccessDenied")
    with pytest.raises(AwsFailure) as info:
        writer.has_login_profile("bob")
    assert info.value.error.action == "iam:GetLoginProfile"


# -- a new access key for an existing user -----------------------------------------------------
def key_plan(writer: IamWriter, aws: AwsSession, user: str = "bob") -> Any:
    return writer.plan_create_access_key(
        user, account_id=ACCOUNT, alias=None, before=keys(aws, user)
    )


def test_create_access_key_for_an_existing_user(writer: IamWriter, aws: AwsSession) -> None:
    old = aws.iam().create_access_key(UserName="bob")["AccessKey"]["AccessKeyId"]
    plan = key_plan(writer, aws)
    assert [s.cli for s in plan.steps] == ["aws iam create-access-key --user-name bob"]
    result = plan.run()
    assert result.ok
    held = result.credentials
    assert held is not None and held.has_access_key and held.password is None
    assert sorted(keys(aws, "bob")) == sorted([old, held.access_key_id])
    assert held.secret_access_key not in str(result)
    undone = plan.rollback()
    assert undone.ok
    assert keys(aws, "bob") == [old], "rollback deletes only the new key"


def test_a_lost_key_answer_deletes_only_the_new_key(
    writer: IamWriter, aws: AwsSession, caplog: pytest.LogCaptureFixture
) -> None:
    old = aws.iam().create_access_key(UserName="bob")["AccessKey"]["AccessKeyId"]
    plan = key_plan(writer, aws)
    secrets: list[str] = []

    def lost(parsed: dict[str, Any], **_: Any) -> None:
        secrets.append(parsed["AccessKey"]["SecretAccessKey"])
        raise ReadTimeoutError(endpoint_url="https://iam.amazonaws.com/")

    aws.iam().meta.events.register("after-call.iam.CreateAccessKey", lost)
    with caplog.at_level(logging.DEBUG):
        result = plan.run()
    assert result.reports[0].state is StepState.UNKNOWN
    assert keys(aws, "bob") == [old], "the key whose secret was lost is deleted; the old stays"
    assert result.exists_now[-1].endswith("was made, but its secret was lost: deleted")
    assert result.credentials is None
    assert secrets and secrets[0] not in caplog.text


def test_the_two_key_limit_is_aws_s(writer: IamWriter, aws: AwsSession) -> None:
    for _ in range(2):
        aws.iam().create_access_key(UserName="bob")
    result = key_plan(writer, aws).run()
    failure = result.failure
    assert failure is not None and failure.error is not None
    assert failure.error.code == "LimitExceeded"
    assert len(keys(aws, "bob")) == 2


def test_access_key_last_used(writer: IamWriter, aws: AwsSession) -> None:
    made = aws.iam().create_access_key(UserName="bob")["AccessKey"]
    never = writer.access_key_last_used(made["AccessKeyId"])
    assert (never.date, never.service, never.region) == (None, None, None)
    as_bob = make_session(
        access_key_id=made["AccessKeyId"],
        secret_access_key=made["SecretAccessKey"],
        region="eu-west-1",
    )
    as_bob.sts().get_caller_identity()
    used = writer.access_key_last_used(made["AccessKeyId"])
    assert used.date is not None
    assert (used.service, used.region) == ("sts", "eu-west-1")
    with pytest.raises(AwsFailure):
        writer.access_key_last_used("AKIANOSUCHKEY0000000")
