"""The guided set-up's steps (tui.aws.guide) on postures read from in-process moto.

Each account is built through the IAM API and read with the real PostureReader; only what
moto cannot produce (a root caller, root access keys, a denied part, the Account API's
Region statuses) is then set on the posture by hand.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from moto import mock_aws

from tui.aws.checks import Status, evaluate
from tui.aws.errors import AwsError
from tui.aws.guide import (
    OPENING_STEPS,
    Step,
    StepState,
    guide_steps,
    progress,
    should_open,
)
from tui.aws.models import (
    ADMIN_POLICY_ARN,
    Caller,
    Part,
    Posture,
    Region,
    RegionList,
    RegionStatus,
)
from tui.aws.posture import PostureReader
from tui.aws.session import AwsSession, Settings

ACCOUNT = "123456789012"
ORDER = [
    "root-mfa",
    "root-keys",
    "admin-group",
    "admin-user",
    "admin-mfa",
    "alias",
    "regions",
    "sign-in",
]


def read(seed: Callable[[Any], None]) -> Posture:
    """A fresh moto account, seeded through the IAM API, read by the real PostureReader."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
        with mock_aws():
            session = AwsSession(
                Settings(access_key_id="testing", secret_access_key="testing", region="us-east-1")
            )
            seed(session.iam())
            return PostureReader(session, poll_interval=0.01).read_all()


def nothing(iam: Any) -> None:
    """A brand-new account: no groups, no users, no alias."""


def admin_group(iam: Any) -> None:
    iam.create_group(GroupName="administrators")
    iam.attach_group_policy(GroupName="administrators", PolicyArn=ADMIN_POLICY_ARN)


def admin_user(iam: Any, name: str = "ada", *, mfa: bool = True) -> None:
    iam.create_user(UserName=name)
    iam.create_login_profile(UserName=name, Password="Sup3r-Secret-Pw!")
    iam.add_user_to_group(UserName=name, GroupName="administrators")
    iam.create_access_key(UserName=name)
    if mfa:
        serial = iam.create_virtual_mfa_device(VirtualMFADeviceName=name)["VirtualMFADevice"][
            "SerialNumber"
        ]
        iam.enable_mfa_device(
            UserName=name,
            SerialNumber=serial,
            AuthenticationCode1="123456",
            AuthenticationCode2="654321",
        )


def secured(iam: Any) -> None:
    """The tutorial done (except root MFA, which no API can turn on)."""
    admin_group(iam)
    admin_user(iam)
    iam.create_account_alias(AccountAlias="acme-prod")


@pytest.fixture(scope="module", autouse=True)
def _no_aws_env() -> Iterator[None]:
    # Module-scoped reads run before the per-test env isolation: do the same here.
    with pytest.MonkeyPatch.context() as mp:
        for name in list(os.environ):
            if name.startswith("AWS_"):
                mp.delenv(name)
        mp.setenv("AWS_CONFIG_FILE", os.devnull)
        mp.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
        yield


@pytest.fixture(scope="module")
def fresh() -> Posture:
    return read(nothing)


@pytest.fixture(scope="module")
def done() -> Posture:
    return read(secured)


def by_id(posture: Posture) -> dict[str, Step]:
    return {s.id: s for s in guide_steps(posture)}


def with_regions(posture: Posture, *statuses: RegionStatus) -> Posture:
    regions = tuple(
        Region(f"xx-test-{n}", f"Test {n}", status) for n, status in enumerate(statuses, 1)
    )
    return posture.with_part("regions", Part.ok(RegionList(regions)))


def test_steps_follow_the_tutorial_order(fresh: Posture) -> None:
    steps = guide_steps(fresh)
    assert [s.id for s in steps] == ORDER
    assert [s.number for s in steps] == list(range(1, 9))


def test_fresh_account_is_mostly_to_do_and_opens_the_guide(fresh: Posture) -> None:
    steps = by_id(fresh)
    todo = {i for i, s in steps.items() if s.state is StepState.TODO}
    assert todo == {"root-mfa", "admin-group", "admin-user", "admin-mfa", "alias"}
    assert steps["root-keys"].state is StepState.DONE  # moto's root has no keys
    assert steps["sign-in"].state is StepState.DONE  # moto's default caller is not root
    assert "group first (step 3)" in steps["admin-user"].reason
    assert steps["admin-mfa"].reason == "Create your admin user first (step 4)"
    assert steps["root-mfa"].console_only
    assert should_open(fresh) is True


def test_secured_account_is_done_except_root_mfa_and_stays_closed(done: Posture) -> None:
    steps = by_id(with_regions(done, RegionStatus.ENABLED, RegionStatus.DISABLED))
    not_done = {i for i, s in steps.items() if s.state is not StepState.DONE}
    assert not_done == {"root-mfa"}
    assert steps["admin-user"].reason == "In administrators: ada"
    assert steps["admin-mfa"].reason == "Your admin users have MFA"
    assert steps["alias"].reason == "Alias: acme-prod"
    assert should_open(done) is False
    assert progress(list(steps.values())) == "7 of 8 done"


@pytest.mark.parametrize(
    ("step_id", "check_id"),
    [
        ("root-mfa", "root-mfa"),
        ("root-keys", "root-keys"),
        ("admin-group", "admin-group"),
        ("alias", "alias"),
        ("sign-in", "caller-root"),
    ],
)
def test_one_to_one_steps_agree_with_the_recommendations(
    fresh: Posture, done: Posture, step_id: str, check_id: str
) -> None:
    expected = {Status.PASS: StepState.DONE, Status.FAIL: StepState.TODO}
    for posture in (fresh, done, Posture()):
        finding = {f.id: f for f in evaluate(posture)}[check_id]
        step = by_id(posture)[step_id]
        assert check_id in step.checks
        assert step.state is expected.get(finding.status, StepState.LOADING)


def test_every_step_names_checks_that_exist(fresh: Posture) -> None:
    ids = {f.id for f in evaluate(fresh)}
    for step in guide_steps(fresh):
        assert set(step.checks) <= ids, step.id


def test_admin_rights_attached_straight_to_a_user_are_not_the_tutorials_admin() -> None:
    def direct(iam: Any) -> None:
        admin_group(iam)
        iam.create_user(UserName="alice")
        iam.attach_user_policy(UserName="alice", PolicyArn=ADMIN_POLICY_ARN)

    posture = read(direct)
    assert {f.id: f for f in evaluate(posture)}["admin-user"].status is Status.PASS
    step = by_id(posture)["admin-user"]
    assert step.state is StepState.TODO
    assert "alice: AdministratorAccess attached directly" in step.reason
    assert "in administrators, with console + key" in step.reason
    assert should_open(posture) is True


def test_admin_without_mfa_is_named_for_enrollment() -> None:
    def no_mfa(iam: Any) -> None:
        admin_group(iam)
        admin_user(iam, "ada", mfa=False)
        admin_user(iam, "grace", mfa=True)

    posture = read(no_mfa)
    step = by_id(posture)["admin-mfa"]
    assert (step.state, step.users) == (StepState.TODO, ("ada",))
    assert "ada" in step.reason and "grace" not in step.reason
    # Enrolling ada (the app applies it to its posture) makes the step done.
    assert by_id(posture.with_row("ada", mfa_active=True))["admin-mfa"].state is StepState.DONE


def test_admin_missing_from_the_credential_report_is_unknown(done: Posture) -> None:
    report = done.report.value
    assert report is not None
    stale = replace(report, rows=tuple(r for r in report.rows if r.user != "ada"))
    step = by_id(done.with_part("report", Part.ok(stale)))["admin-mfa"]
    assert step.state is StepState.UNKNOWN
    assert "not in the credential report yet" in step.reason


def test_root_keys_and_a_root_caller_open_the_guide(done: Posture) -> None:
    summary = done.summary.value
    assert summary is not None
    keys = done.with_part("summary", Part.ok(replace(summary, root_access_keys_present=True)))
    step = by_id(keys)["root-keys"]
    assert step.state is StepState.TODO and step.action == "show_details"  # not root: console
    assert should_open(keys) is True

    root = Caller(ACCOUNT, f"arn:aws:iam::{ACCOUNT}:root", ACCOUNT)
    as_root = keys.with_part("caller", Part.ok(root))
    steps = by_id(as_root)
    assert steps["root-keys"].action == "delete_root_keys"
    assert "this session stops" in steps["root-keys"].reason
    assert steps["sign-in"].state is StepState.TODO
    assert should_open(done.with_part("caller", Part.ok(root))) is True


def test_a_denied_part_is_unknown_and_names_the_action(done: Posture) -> None:
    error = AwsError("iam:GetAccountAuthorizationDetails", "AccessDenied", "not allowed")
    posture = done.with_part("details", Part.failed(error))
    steps = by_id(posture)
    for step_id in ("admin-group", "admin-user", "admin-mfa"):
        step = steps[step_id]
        assert step.state is StepState.UNKNOWN, step_id
        assert step.denied == "iam:GetAccountAuthorizationDetails", step_id
        assert step.label == "? denied"
        assert "Unknown (denied: iam:GetAccountAuthorizationDetails)" in step.reason
    # Unknown is not "to do": a denied read alone does not open the guide.
    assert should_open(posture) is False


def test_nothing_read_yet_is_loading_and_undecided() -> None:
    steps = guide_steps(Posture())
    assert {s.state for s in steps} == {StepState.LOADING}
    assert {s.label for s in steps} == {"… loading"}
    assert should_open(Posture()) is None


def test_regions_step(done: Posture) -> None:
    def state(*statuses: RegionStatus) -> Step:
        return by_id(with_regions(done, *statuses))["regions"]

    moving = state(RegionStatus.ENABLING, RegionStatus.ENABLED)
    assert moving.state is StepState.WAITING and "xx-test-1 enabling" in moving.reason
    assert state(RegionStatus.ENABLED, RegionStatus.DISABLED).state is StepState.DONE
    optional = state(RegionStatus.ENABLED_BY_DEFAULT, RegionStatus.DISABLED)
    assert (optional.state, optional.label) == (StepState.OPTIONAL, "○ optional")


def test_labels_carry_a_symbol_and_a_word(fresh: Posture) -> None:
    labels = {s.state: s.label for s in guide_steps(fresh)}
    assert labels[StepState.TODO] == "✗ to do"
    assert labels[StepState.DONE] == "✓ done"


def test_only_account_changes_are_mutating(fresh: Posture) -> None:
    mutating = {s.id for s in guide_steps(fresh) if s.mutating}
    assert mutating == {"admin-group", "admin-user", "admin-mfa", "alias"}
    assert set(OPENING_STEPS) <= set(ORDER)


def test_the_last_steps_service_keeps_endpoint_region_and_read_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui.aws.service import AccountService

    config = tmp_path / "config"
    config.write_text(
        "[profile root-ish]\naws_access_key_id = AKIAROOT\naws_secret_access_key = root-secret\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    before = AccountService(
        Settings(profile="root-ish", region="eu-west-1", endpoint_url="http://127.0.0.1:9"),
        report_poll_interval=0.25,
    )
    before_ro = AccountService(Settings(region="eu-west-1", read_only=True))
    after = before.signed_with("AKIAADA", "ada-secret")
    assert after is not before and after.session is not before.session
    assert after.settings == Settings(
        region="eu-west-1",
        endpoint_url="http://127.0.0.1:9",
        access_key_id="AKIAADA",
        secret_access_key="ada-secret",
    )
    assert after.reader.poll_interval == 0.25
    assert before_ro.signed_with("AKIAADA", "ada-secret").read_only
    # the secret is a real one now: never in a repr (which tracebacks and logs show)
    assert "ada-secret" not in repr(after.settings)
