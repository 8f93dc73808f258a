"""IamWriter plans over in-process moto, with failures injected one operation at a time.

moto loads AWS managed policies only with ``MOTO_IAM_LOAD_MANAGED_POLICIES=true``, and
then builds all ~1,300 of them for every backend it creates (about 1.5 s per test). The
``aws`` fixture keeps the variable set but hands moto only the few the tests attach, so
each test starts a fresh account in milliseconds.

Failures are injected one operation at a time (tests/support/calls.py).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import shlex
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import moto.iam.models
import pytest
from botocore import xform_name
from botocore.loaders import create_loader
from moto import mock_aws
from moto.iam.aws_managed_policies import aws_managed_policies_data

from tests.support.calls import ACCOUNT, Sleeps, inject, make_session, record
from tui.aws.errors import AwsFailure
from tui.aws.iam import (
    CHANGE_PASSWORD_POLICY_ARN,
    IamWriter,
    InvalidRequest,
    NewGroup,
    NewUser,
    PlanResult,
    StepReport,
    StepState,
    field_for,
    self_service_groups,
)
from tui.aws.models import (
    ADMIN_POLICY_ARN,
    AWS_DEFAULT_PASSWORD_POLICY,
    IamGroup,
    PasswordPolicy,
    PolicyRef,
)
from tui.aws.redact import redact
from tui.aws.session import AwsSession

KEEP_POLICIES = ("AdministratorAccess", "IAMUserChangePassword", "ReadOnlyAccess")
SMALL_POLICY_DATA = json.dumps(
    {k: v for k, v in json.loads(aws_managed_policies_data).items() if k in KEEP_POLICIES}
)
INLINE = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
)
SELF_CHANGE = PasswordPolicy(minimum_length=8, allow_users_to_change=True)
DONE, FAILED, SKIPPED, UNDONE = (
    StepState.DONE,
    StepState.FAILED,
    StepState.SKIPPED,
    StepState.UNDONE,
)


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[AwsSession]:
    monkeypatch.setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    monkeypatch.setattr(moto.iam.models, "aws_managed_policies_data", SMALL_POLICY_DATA)
    with mock_aws():
        yield make_session()


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps([])


@pytest.fixture
def writer(aws: AwsSession, sleeps: Sleeps) -> IamWriter:
    return IamWriter(aws, sleep=sleeps)


def snapshot(session: AwsSession) -> dict[str, Any]:
    """Users, groups with members and policies, and attachment counts: the account."""
    iam = session.iam()
    groups = {
        g["GroupName"]: (
            sorted(u["UserName"] for u in iam.get_group(GroupName=g["GroupName"])["Users"]),
            sorted(
                p["PolicyArn"]
                for p in iam.list_attached_group_policies(GroupName=g["GroupName"])[
                    "AttachedPolicies"
                ]
            ),
        )
        for g in iam.list_groups()["Groups"]
    }
    return {
        "users": sorted(u["UserName"] for u in iam.list_users()["Users"]),
        "groups": groups,
        "attachments": {
            arn: iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"]
            for arn in (ADMIN_POLICY_ARN, CHANGE_PASSWORD_POLICY_ARN)
        },
        "virtual_mfa": sorted(
            d["SerialNumber"] for d in iam.list_virtual_mfa_devices()["VirtualMFADevices"]
        ),
    }


def states(result: PlanResult) -> list[StepState]:
    return [r.state for r in result.reports]


def setup_groups(writer: IamWriter) -> None:
    for name in ("admins", "devs"):
        arns = (ADMIN_POLICY_ARN,) if name == "admins" else ()
        assert writer.plan_create_group(NewGroup(name, policy_arns=arns)).run().ok


ALICE = NewUser(
    "alice",
    console=True,
    require_reset=True,
    access_key=True,
    groups=("admins", "devs"),
    tags=(("team", "platform"), ("cost-center", "42")),
)


def plan_alice(
    writer: IamWriter, new: NewUser = ALICE, policy: PasswordPolicy | None = None
) -> Any:
    return writer.plan_create_user(
        new, account_id=ACCOUNT, alias=None, policy=policy or AWS_DEFAULT_PASSWORD_POLICY
    )


# -- groups ---------------------------------------------------------------------------------
def test_create_group_with_administrator_access(writer: IamWriter, aws: AwsSession) -> None:
    plan = writer.plan_create_group(NewGroup("administrators", policy_arns=(ADMIN_POLICY_ARN,)))
    assert [s.action for s in plan.steps] == ["iam:CreateGroup", "iam:AttachGroupPolicy"]
    seen: list[StepReport] = []
    result = plan.run(seen.append)
    assert result.ok and states(result) == [DONE, DONE]
    assert [(r.step.id, r.state) for r in seen] == [
        (plan.steps[0].id, StepState.RUNNING),
        (plan.steps[0].id, DONE),
        (plan.steps[1].id, StepState.RUNNING),
        (plan.steps[1].id, DONE),
    ]
    assert result.exists_now == ("group administrators exists", "with policy AdministratorAccess")
    attached = aws.iam().list_attached_group_policies(GroupName="administrators")
    assert [p["PolicyArn"] for p in attached["AttachedPolicies"]] == [ADMIN_POLICY_ARN]


def test_create_group_rolls_back(writer: IamWriter, aws: AwsSession) -> None:
    before = snapshot(aws)
    inject(aws, "AttachGroupPolicy", "LimitExceeded")
    plan = writer.plan_create_group(NewGroup("ops", policy_arns=(ADMIN_POLICY_ARN,)))
    result = plan.run()
    assert states(result) == [DONE, FAILED]
    assert result.exists_now == ("group ops exists, without policy AdministratorAccess",)
    assert result.failure is not None and result.failure.error is not None
    assert field_for(result.failure.error, result.failure.step) == "policy_arns"
    undone = plan.rollback()
    assert [(r.step.action, r.state) for r in undone.reports] == [("iam:DeleteGroup", UNDONE)]
    assert undone.exists_now == ("group ops does not exist",)
    assert snapshot(aws) == before


# -- create user ----------------------------------------------------------------------------
def test_create_user_with_everything(writer: IamWriter, aws: AwsSession) -> None:
    setup_groups(writer)
    returned: list[str] = []
    aws.iam().meta.events.register(
        "after-call.iam.CreateAccessKey",
        lambda parsed, **_: returned.append(parsed["AccessKey"]["SecretAccessKey"]),
    )
    logins = record(aws, "CreateLoginProfile")
    plan = plan_alice(writer)
    assert [s.action for s in plan.steps] == [
        "iam:CreateUser",
        "iam:CreateLoginProfile",
        "iam:AttachUserPolicy",
        "iam:AddUserToGroup",
        "iam:AddUserToGroup",
        "iam:CreateAccessKey",
    ]
    result = plan.run()
    assert result.ok, str(result)
    iam = aws.iam()
    user = iam.get_user(UserName="alice")["User"]
    assert {t["Key"]: t["Value"] for t in user["Tags"]} == {"team": "platform", "cost-center": "42"}
    assert iam.get_login_profile(UserName="alice")["LoginProfile"]
    # moto 5.2 drops PasswordResetRequired on CreateLoginProfile; check what was sent.
    assert [c["PasswordResetRequired"] for c in logins] == [True]
    groups = iam.list_groups_for_user(UserName="alice")["Groups"]
    assert sorted(g["GroupName"] for g in groups) == ["admins", "devs"]
    attached = iam.list_attached_user_policies(UserName="alice")["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == [CHANGE_PASSWORD_POLICY_ARN]
    keys = iam.list_access_keys(UserName="alice")["AccessKeyMetadata"]
    assert len(keys) == 1

    creds = result.credentials
    assert creds is not None and creds == plan.credentials
    assert creds.user_name == "alice" and creds.account_id == ACCOUNT
    assert creds.access_key_id == keys[0]["AccessKeyId"]
    assert creds.secret_access_key == returned[0]
    assert creds.password is not None and creds.password not in repr(creds)
    assert creds.sign_in_url == f"https://{ACCOUNT}.signin.aws.amazon.com/console"
    assert isinstance(creds.created, dt.datetime)
    assert result.exists_now[0] == "user alice exists"


def test_sign_in_url_uses_the_alias(writer: IamWriter) -> None:
    plan = writer.plan_create_user(
        NewUser("bob", console=True), account_id=ACCOUNT, alias="acme", policy=SELF_CHANGE
    )
    result = plan.run()
    assert result.credentials is not None
    assert result.credentials.sign_in_url == "https://acme.signin.aws.amazon.com/console"
    assert result.credentials.access_key_id is None and not result.credentials.has_access_key


@pytest.mark.parametrize(
    ("policy", "require_reset", "attached"),
    [
        (AWS_DEFAULT_PASSWORD_POLICY, True, True),  # the default does not allow self-change
        (PasswordPolicy(allow_users_to_change=False), True, True),
        (SELF_CHANGE, True, False),
        (PasswordPolicy(allow_users_to_change=False), False, False),
    ],
)
def test_change_password_policy_only_when_needed(
    writer: IamWriter, aws: AwsSession, policy: PasswordPolicy, require_reset: bool, attached: bool
) -> None:
    new = NewUser("carol", console=True, require_reset=require_reset)
    logins = record(aws, "CreateLoginProfile")
    plan = plan_alice(writer, new, policy)
    assert ("iam:AttachUserPolicy" in [s.action for s in plan.steps]) == attached
    assert plan.run().ok
    arns = [
        p["PolicyArn"]
        for p in aws.iam().list_attached_user_policies(UserName="carol")["AttachedPolicies"]
    ]
    assert arns == ([CHANGE_PASSWORD_POLICY_ARN] if attached else [])
    assert [c["PasswordResetRequired"] for c in logins] == [require_reset]


@pytest.mark.parametrize(
    ("group_policy", "attached"),
    [(ADMIN_POLICY_ARN, False), (CHANGE_PASSWORD_POLICY_ARN, False), (None, True)],
)
def test_a_group_that_lets_members_change_passwords_replaces_the_direct_attachment(
    writer: IamWriter, aws: AwsSession, group_policy: str | None, attached: bool
) -> None:
    # Getting started's admin user joins administrators: AdministratorAccess already lets
    # them change their password, so nothing is attached to the user (which would fail
    # "permissions come from groups, not users").
    aws.iam().create_group(GroupName="admins")
    groups = [IamGroup("admins", "arn", "/", dt.datetime.now(dt.UTC))]
    if group_policy is not None:
        aws.iam().attach_group_policy(GroupName="admins", PolicyArn=group_policy)
        ref = PolicyRef(group_policy.rsplit("/", 1)[-1], group_policy)
        groups = [replace(groups[0], attached_policies=(ref,))]
    new = NewUser("dora", console=True, require_reset=True, groups=("admins",))
    plan = writer.plan_create_user(
        new,
        account_id=ACCOUNT,
        alias=None,
        policy=AWS_DEFAULT_PASSWORD_POLICY,
        self_service=self_service_groups(groups),
    )
    assert plan.run().ok
    direct = aws.iam().list_attached_user_policies(UserName="dora")["AttachedPolicies"]
    assert [p["PolicyArn"] for p in direct] == ([CHANGE_PASSWORD_POLICY_ARN] if attached else [])


def test_invalid_input_is_refused_before_any_call(writer: IamWriter, aws: AwsSession) -> None:
    # moto itself would accept every one of these.
    for new, field in [
        (NewUser("bad name!"), "name"),
        (NewUser("x" * 65), "name"),
        (NewUser("ok", path="no-slashes"), "path"),
        (NewUser("ok", console=True, password="short"), "password"),
        (NewUser("ok", tags=(("aws:reserved", "x"),)), "tags"),
        (NewUser("ok", tags=(("k", "v"), ("K", "w"))), "tags"),
        (NewUser("ok", groups=("admins", "ADMINS")), "groups"),
        (NewUser("ok", groups=tuple(f"g{i}" for i in range(11))), "groups"),
    ]:
        with pytest.raises(InvalidRequest) as info:
            plan_alice(writer, new)
        assert isinstance(info.value, ValueError)
        assert field in info.value.errors, (new, info.value.errors)
    with pytest.raises(InvalidRequest):
        writer.plan_create_group(NewGroup("bad group!"))
    assert aws.counter.total() == 0
    assert aws.iam().list_users()["Users"] == []


def test_steps_show_cli_commands_without_secrets(writer: IamWriter) -> None:
    new = NewUser("dave", console=True, password="Typed-Secret-99", access_key=True,
                  groups=("admins",), tags=(("team", "a b"),))  # fmt: skip
    plan = plan_alice(writer, new)
    clis = [s.cli for s in plan.steps]
    assert clis[1] == (
        "aws iam create-login-profile --user-name dave --password '<password>' "
        "--password-reset-required"
    )
    assert clis[0] == (
        """aws iam create-user --user-name dave --tags '[{"Key":"team","Value":"a b"}]'"""
    )
    model = create_loader().load_service_model("iam", "service-2")
    cli_ops = {xform_name(op, "-"): op for op in model["operations"]}
    for step in plan.steps:
        assert "Typed-Secret-99" not in repr(step)
        words = shlex.split(step.cli)
        assert words[:2] == ["aws", "iam"]
        op = cli_ops[words[2]]
        assert step.action == f"iam:{op}"
        members = {
            xform_name(m, "-")
            for m in model["shapes"][model["operations"][op]["input"]["shape"]]["members"]
        }
        flags = {w[2:].removeprefix("no-") for w in words[3:] if w.startswith("--")}
        assert flags <= members, (step.cli, flags - members)


# -- failure at each step, and rollback ----------------------------------------------------
def _is_group(name: str) -> Callable[[dict[str, Any]], bool]:
    return lambda params: params.get("GroupName") == name


FAILURES: list[tuple[str, str, dict[str, Any], str]] = [
    ("CreateUser", "EntityAlreadyExists", {}, "name"),
    ("CreateLoginProfile", "PasswordPolicyViolation", {}, "password"),
    ("AttachUserPolicy", "AccessDenied", {}, "require_reset"),
    ("AddUserToGroup", "LimitExceeded", {"when": _is_group("admins")}, "groups"),
    ("AddUserToGroup", "LimitExceeded", {"when": _is_group("devs")}, "groups"),
    ("CreateAccessKey", "LimitExceeded", {}, "access_key"),
]
UNDO_ACTIONS = [
    "iam:DeleteUser",
    "iam:DeleteLoginProfile",
    "iam:DetachUserPolicy",
    "iam:RemoveUserFromGroup",
    "iam:RemoveUserFromGroup",
]


@pytest.mark.parametrize(
    "k", range(len(FAILURES)), ids=[f"{f[0]}-{i}" for i, f in enumerate(FAILURES)]
)
def test_failure_at_each_step_then_rollback(
    writer: IamWriter, aws: AwsSession, sleeps: Sleeps, k: int
) -> None:
    setup_groups(writer)
    before = snapshot(aws)
    operation, code, options, field = FAILURES[k]
    inject(aws, operation, code, **options)
    plan = plan_alice(writer)
    seen: list[StepReport] = []
    result = plan.run(seen.append)

    n = len(plan.steps)
    assert states(result) == [DONE] * k + [FAILED] + [SKIPPED] * (n - k - 1)
    failure = result.failure
    assert failure is not None and failure.error is not None and failure.step == plan.steps[k]
    assert failure.error.code == code and failure.error.action == f"iam:{operation}"
    assert field_for(failure.error, failure.step) == field
    assert [r.state for r in seen if r.state is not StepState.RUNNING] == states(result)
    assert sleeps.calls == []  # only NoSuchEntity is retried

    # What exists now, and the credentials of what exists: never a key (it comes last).
    creds = result.credentials
    if k == 0:
        assert creds is None
        assert result.exists_now == ("user alice does not exist",)
    else:
        assert creds is not None
        assert (creds.password is not None) == (k >= 2)
        assert creds.access_key_id is None and creds.secret_access_key is None
        assert result.exists_now[0].startswith("user alice exists, without ")
        assert result.exists_now[0].endswith("access key")
    assert aws.iam().list_access_keys(UserName="alice")["AccessKeyMetadata"] == [] if k else True

    assert plan.can_rollback == (k > 0)
    expected_undo = list(reversed(UNDO_ACTIONS[:k]))
    assert [s.action for s in plan.rollback_steps()] == expected_undo
    rolled: list[StepReport] = []
    undone = plan.rollback(rolled.append)
    assert [(r.step.action, r.state) for r in undone.reports] == [
        (a, UNDONE) for a in expected_undo
    ]
    assert [r.step.undoes for r in undone.reports] == [s.id for s in reversed(plan.steps[:k])]
    assert [r.state for r in rolled] == [StepState.RUNNING, UNDONE] * k
    assert undone.credentials is None
    assert undone.exists_now == ("user alice does not exist",)
    assert snapshot(aws) == before
    if k > 0:
        with pytest.raises(aws.iam().exceptions.NoSuchEntityException):
            aws.iam().get_user(UserName="alice")

    # No secret in anything a report shows.
    secrets = [s for s in (creds.password if creds else None,) if s]
    texts = [str(result), repr(result), str(undone), repr(undone), *map(repr, seen + rolled)]
    for secret in secrets:
        assert not any(secret in t for t in texts)


def test_a_plan_runs_once(writer: IamWriter) -> None:
    plan = plan_alice(writer, NewUser("erin"))
    plan.run()
    with pytest.raises(RuntimeError):
        plan.run()


def test_rollback_reports_an_undo_that_fails(writer: IamWriter, aws: AwsSession) -> None:
    setup_groups(writer)
    inject(aws, "CreateAccessKey", "LimitExceeded")
    plan = plan_alice(writer)
    plan.run()
    inject(aws, "RemoveUserFromGroup", "AccessDenied", when=_is_group("devs"))
    inject(aws, "DeleteUser", "DeleteConflict")
    undone = plan.rollback()
    assert [(r.step.action, r.state) for r in undone.reports] == [
        ("iam:RemoveUserFromGroup", StepState.UNDO_FAILED),
        ("iam:RemoveUserFromGroup", UNDONE),
        ("iam:DetachUserPolicy", UNDONE),
        ("iam:DeleteLoginProfile", UNDONE),
        ("iam:DeleteUser", StepState.UNDO_FAILED),
    ]
    assert undone.exists_now[0] == (
        "user alice exists, without console password (to be changed at first sign-in), "
        "policy IAMUserChangePassword, group admins, access key"
    )
    assert undone.exists_now[1:] == ("with group devs",)
    assert not undone.ok


# -- eventual consistency -------------------------------------------------------------------
def test_no_such_entity_after_create_is_retried(
    writer: IamWriter, aws: AwsSession, sleeps: Sleeps
) -> None:
    setup_groups(writer)
    failed = inject(aws, "AddUserToGroup", "NoSuchEntity", times=2)
    seen: list[StepReport] = []
    result = plan_alice(writer, NewUser("frank", groups=("devs",))).run(seen.append)
    assert states(result) == [DONE, DONE]
    assert len(failed) == 2
    assert sleeps.calls == [0.25, 0.5]
    notes = [r.note for r in seen if r.state is StepState.RUNNING and r.note]
    assert notes == [
        "NoSuchEntity: IAM has not caught up yet, retrying in 0.25 s",
        "NoSuchEntity: IAM has not caught up yet, retrying in 0.5 s",
    ]
    groups = aws.iam().list_groups_for_user(UserName="frank")["Groups"]
    assert [g["GroupName"] for g in groups] == ["devs"]


def test_retries_are_bounded(writer: IamWriter, aws: AwsSession, sleeps: Sleeps) -> None:
    inject(aws, "CreateLoginProfile", "NoSuchEntity")
    result = plan_alice(writer, NewUser("gina", console=True), SELF_CHANGE).run()
    assert states(result) == [DONE, FAILED]
    assert sleeps.calls == [0.25, 0.5, 1.0, 2.0, 3.0, 3.0]
    assert 9 <= sum(sleeps.calls) <= 10


# -- read-only ------------------------------------------------------------------------------
def test_read_only_fails_on_step_one_and_changes_nothing(
    monkeypatch: pytest.MonkeyPatch, aws: AwsSession
) -> None:
    aws.iam().create_user(UserName="existing")
    aws.iam().create_access_key(UserName="existing")
    before = snapshot(aws)
    session = make_session(read_only=True)
    writer = IamWriter(session, sleep=Sleeps([]))
    result = plan_alice(writer).run()
    assert states(result)[0] is FAILED and set(states(result)[1:]) == {SKIPPED}
    error = result.reports[0].error
    assert error is not None and error.code == "ReadOnly" and error.action == "iam:CreateUser"
    assert "--read-only" in error.message

    # The reads a delete plans with belong to a write flow, not to the read list:
    # refused too, naming the first of them.
    with pytest.raises(AwsFailure) as planning:
        writer.plan_delete_user("existing")
    assert (planning.value.error.code, planning.value.error.action) == ("ReadOnly", "iam:GetUser")
    key_id = writer.list_access_keys("existing")[0].key_id
    with pytest.raises(AwsFailure) as info:
        writer.set_access_key_status("existing", key_id, active=False)
    assert info.value.error.code == "ReadOnly"
    assert session.counter.calls()["iam:CreateUser"] == 0
    assert snapshot(aws) == before


# -- deletes --------------------------------------------------------------------------------
def self_signed_certificate() -> str:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "acct-tui test")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode()


SSH_KEY = (
    "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDDHr/jh2Jy4yALcK4JyWbVkPRaWmhck3IgCoeOO3z1e2dBowLh64QA"
    "M+Qb72pxekALga2oi4GvT+TlWNhzPH4V4+I4gjh0dSJBN3mMjSGBzr3STWLAiMwX7LT/nuKF3iNfEY3nZQ7xY+eRVJQ"
    "9Z0a4IwwNqvA0/XLOdGHIS/OY2w== hank@example"
)


def test_delete_user_removes_everything(writer: IamWriter, aws: AwsSession) -> None:
    setup_groups(writer)
    iam = aws.iam()
    before = snapshot(aws)
    iam.create_user(UserName="hank")
    iam.create_login_profile(UserName="hank", Password="Initial-Pass-1")
    keys = [iam.create_access_key(UserName="hank")["AccessKey"]["AccessKeyId"] for _ in range(2)]
    serial = iam.create_virtual_mfa_device(VirtualMFADeviceName="hank")["VirtualMFADevice"][
        "SerialNumber"
    ]
    iam.enable_mfa_device(
        UserName="hank",
        SerialNumber=serial,
        AuthenticationCode1="123456",
        AuthenticationCode2="654321",
    )
    for group in ("admins", "devs"):
        iam.add_user_to_group(UserName="hank", GroupName=group)
    iam.put_user_policy(UserName="hank", PolicyName="s3-all", PolicyDocument=INLINE)
    iam.attach_user_policy(UserName="hank", PolicyArn=CHANGE_PASSWORD_POLICY_ARN)
    ssh_id = iam.upload_ssh_public_key(UserName="hank", SSHPublicKeyBody=SSH_KEY)["SSHPublicKey"][
        "SSHPublicKeyId"
    ]
    cert_id = iam.upload_signing_certificate(
        UserName="hank", CertificateBody=self_signed_certificate()
    )["Certificate"]["CertificateId"]

    plan = writer.plan_delete_user("hank")
    assert [s.description for s in plan.steps] == [
        "Remove console password",
        f"Remove access key {keys[0]}",
        f"Remove access key {keys[1]}",
        f"Remove MFA device {serial} from hank",
        f"Remove virtual MFA device {serial}",
        f"Remove signing certificate {cert_id}",
        f"Remove SSH public key {ssh_id}",
        "Remove membership of group admins",
        "Remove membership of group devs",
        "Remove inline policy s3-all",
        "Remove policy IAMUserChangePassword",
        "Delete user hank",
    ]
    # moto 5.2 has no ListServiceSpecificCredentials (NotImplementedError): a note says so.
    assert plan.notes == (
        "Could not list the service-specific credentials of hank "
        "(iam:ListServiceSpecificCredentials failed (NotImplementedError)); "
        "if there are any, deleting the user will fail",
    )
    assert not plan.can_rollback
    result = plan.run()
    assert result.ok, str(result)
    assert result.exists_now == ("user hank deleted",)
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.get_user(UserName="hank")
    assert snapshot(aws) == before  # groups kept, device gone, attachment count back
    assert plan.rollback().reports == ()


def test_delete_user_reports_what_is_left(writer: IamWriter, aws: AwsSession) -> None:
    iam = aws.iam()
    iam.create_user(UserName="ivan")
    key_id = iam.create_access_key(UserName="ivan")["AccessKey"]["AccessKeyId"]
    iam.put_user_policy(UserName="ivan", PolicyName="p", PolicyDocument=INLINE)
    inject(aws, "DeleteUserPolicy", "AccessDenied")
    result = writer.plan_delete_user("ivan").run()
    assert states(result) == [DONE, FAILED, SKIPPED]
    assert result.exists_now == (
        "user ivan still exists, with inline policy p",
        f"removed access key {key_id}",
    )


def test_delete_of_a_missing_user_fails_while_reading(writer: IamWriter) -> None:
    with pytest.raises(AwsFailure) as info:
        writer.plan_delete_user("nobody")
    assert info.value.error.code == "NoSuchEntity"


def test_delete_group(writer: IamWriter, aws: AwsSession) -> None:
    setup_groups(writer)
    iam = aws.iam()
    for user in ("u1", "u2"):
        iam.create_user(UserName=user)
        iam.add_user_to_group(UserName=user, GroupName="admins")
    iam.put_group_policy(GroupName="admins", PolicyName="extra", PolicyDocument=INLINE)
    plan = writer.plan_delete_group("admins")
    assert [s.description for s in plan.steps] == [
        "Remove member u1",
        "Remove member u2",
        "Remove policy AdministratorAccess",
        "Remove inline policy extra",
        "Delete group admins",
    ]
    result = plan.run()
    assert result.ok and result.exists_now == ("group admins deleted",)
    assert [g["GroupName"] for g in iam.list_groups()["Groups"]] == ["devs"]
    assert sorted(u["UserName"] for u in iam.list_users()["Users"]) == ["u1", "u2"]


def test_delete_user_waits_out_a_delete_conflict(
    writer: IamWriter, aws: AwsSession, sleeps: Sleeps
) -> None:
    aws.iam().create_user(UserName="jo")
    inject(aws, "DeleteUser", "DeleteConflict", times=1)
    assert writer.plan_delete_user("jo").run().ok
    assert sleeps.calls == [0.25]


# -- access keys and policies --------------------------------------------------------------
def test_access_key_status_and_delete(writer: IamWriter, aws: AwsSession) -> None:
    aws.iam().create_user(UserName="kim")
    key_id = aws.iam().create_access_key(UserName="kim")["AccessKey"]["AccessKeyId"]
    (key,) = writer.list_access_keys("kim")
    assert (key.key_id, key.active, key.user_name) == (key_id, True, "kim")
    writer.set_access_key_status("kim", key_id, active=False)
    assert writer.list_access_keys("kim")[0].active is False
    writer.delete_access_key("kim", key_id)
    assert writer.list_access_keys("kim") == ()
    with pytest.raises(AwsFailure) as info:
        writer.delete_access_key("kim", key_id)
    assert info.value.error.code == "NoSuchEntity"


def test_list_managed_policies(
    writer: IamWriter, aws: AwsSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tui.aws.iam.policies.POLICIES_PAGE_SIZE", 2)  # several pages
    aws.iam().create_policy(PolicyName="team-boundary", PolicyDocument=INLINE, Description="ours")
    policies = writer.list_managed_policies()
    assert [p.name for p in policies] == [*KEEP_POLICIES[:2], "ReadOnlyAccess", "team-boundary"]
    admin, custom = policies[0], policies[-1]
    assert (admin.arn, admin.aws_managed) == (ADMIN_POLICY_ARN, True)
    assert custom.aws_managed is False and custom.arn.startswith(f"arn:aws:iam::{ACCOUNT}:")
    assert aws.counter.calls()["iam:ListPolicies"] >= 2


# -- secrets never leak ---------------------------------------------------------------------
def test_no_secret_in_logs_reports_or_errors(
    writer: IamWriter, aws: AwsSession, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("botocore", "boto3", "urllib3", "moto", "tui"):
        caplog.set_level(logging.DEBUG, logger=name)
    setup_groups(writer)
    typed = "Typed-Pass-1234"
    seen: list[StepReport] = []
    ok = plan_alice(writer).run(seen.append)
    # A second user whose last step fails, with a typed password.
    inject(aws, "AddUserToGroup", "LimitExceeded")
    failing = plan_alice(writer, NewUser("lee", console=True, password=typed, groups=("devs",)))
    bad = failing.run(seen.append)
    rolled = failing.rollback(seen.append)

    creds = ok.credentials
    assert creds is not None and creds.password and creds.secret_access_key
    secrets = [creds.password, creds.secret_access_key, typed]
    texts = [
        caplog.text,
        *(r.getMessage() for r in caplog.records),
        *(f"{x}" for x in (ok, bad, rolled, creds, failing, ok.credentials)),
        *(repr(x) for x in (ok, bad, rolled, creds, failing)),
        *(str(r) + repr(r) for r in seen),
        *(r.error.summary() for r in seen if r.error),
    ]
    for secret in secrets:
        for text in texts:
            assert secret not in text
    # The check means something: botocore did log both calls' parameters, masked.
    assert "CreateLoginProfile" in caplog.text
    assert "'Password': '***'" in caplog.text
    assert "<SecretAccessKey>***</SecretAccessKey>" in caplog.text


def test_redact() -> None:
    body = {"UserName": "a", "Password": 'it\'s "x"', "NewPassword": "n"}
    assert redact(repr({"body": body})) == (
        "{'body': {'UserName': 'a', 'Password': '***', 'NewPassword': '***'}}"
    )
    assert redact("b'<AccessKey><SecretAccessKey>a/b+c</SecretAccessKey></AccessKey>'") == (
        "b'<AccessKey><SecretAccessKey>***</SecretAccessKey></AccessKey>'"
    )
    assert redact("Action=CreateLoginProfile&Password=p%21&UserName=a") == (
        "Action=CreateLoginProfile&Password=***&UserName=a"
    )
    assert redact("{'Base32StringSeed': b'ABC', 'QRCodePNG': b'\\x89PNG'}") == (
        "{'Base32StringSeed': b'***', 'QRCodePNG': b'***'}"
    )
    assert redact("PasswordResetRequired=true") == "PasswordResetRequired=true"


def test_plan_start_is_put_on_aws_clock_for_the_ownership_check() -> None:
    """A local clock 10 minutes behind AWS must not make a 5-minute-old user "the plan's"."""
    from datetime import UTC, datetime, timedelta
    from email.utils import format_datetime

    from tui.aws.iam.steps import on_aws_clock as _on_aws_clock

    local_start = datetime.now(UTC) - timedelta(seconds=1)
    aws_now = datetime.now(UTC) + timedelta(minutes=10)
    response = {"ResponseMetadata": {"HTTPHeaders": {"date": format_datetime(aws_now, True)}}}
    start = _on_aws_clock(local_start, response)
    assert aws_now - timedelta(seconds=3) <= start <= aws_now
    someone_elses = aws_now - timedelta(minutes=5)
    assert someone_elses < start  # older than the plan: never rolled back
    assert _on_aws_clock(local_start, {}) == local_start  # no Date header: the local clock
