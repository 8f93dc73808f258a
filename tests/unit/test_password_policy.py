"""The proposed password policy never weakens the current one; the write sends every field."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import fields, replace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from moto import mock_aws

from tests.support.calls import make_session, record
from tui.aws.checks import PASSWORD_MIN_LENGTH, PASSWORD_REUSE_PREVENTION, check_password_policy
from tui.aws.errors import AwsFailure
from tui.aws.iam import InvalidRequest
from tui.aws.models import AWS_DEFAULT_PASSWORD_POLICY, Part, PasswordPolicy, Posture, utcnow
from tui.aws.password_policy import (
    AWS_DEFAULT_TEXT,
    PolicyWriter,
    diff,
    policy_errors,
    proposed_policy,
    update_params,
)
from tui.aws.posture import PostureReader
from tui.aws.session import AwsSession

ALL_FIELDS = {
    "MinimumPasswordLength",
    "RequireSymbols",
    "RequireNumbers",
    "RequireUppercaseCharacters",
    "RequireLowercaseCharacters",
    "AllowUsersToChangePassword",
    "HardExpiry",
    "MaxPasswordAge",
    "PasswordReusePrevention",
}

policies = st.one_of(
    st.just(AWS_DEFAULT_PASSWORD_POLICY),
    st.builds(
        PasswordPolicy,
        minimum_length=st.integers(6, 128),
        require_symbols=st.booleans(),
        require_numbers=st.booleans(),
        require_uppercase=st.booleans(),
        require_lowercase=st.booleans(),
        allow_users_to_change=st.booleans(),
        # 0 is how moto (and AWS's docs) spell "not set"
        max_age_days=st.one_of(st.none(), st.just(0), st.integers(1, 1095)),
        reuse_prevention=st.one_of(st.none(), st.just(0), st.integers(1, 24)),
        hard_expiry=st.booleans(),
    ),
)


@given(policies)
def test_the_proposal_is_never_weaker_and_meets_the_targets(current: PasswordPolicy) -> None:
    new = proposed_policy(current)
    # Never weaker than the current policy, field by field.
    assert new.minimum_length >= current.minimum_length
    for name in ("require_symbols", "require_numbers", "require_uppercase", "require_lowercase"):
        assert getattr(new, name) >= getattr(current, name)
    assert (new.reuse_prevention or 0) >= (current.reuse_prevention or 0)
    assert (new.max_age_days or None) == (current.max_age_days or None)
    assert new.hard_expiry == current.hard_expiry
    # And strong.
    assert new.minimum_length >= PASSWORD_MIN_LENGTH
    assert new.reuse_prevention == PASSWORD_REUSE_PREVENTION
    assert new.require_symbols and new.require_numbers
    assert new.require_uppercase and new.require_lowercase
    assert new.allow_users_to_change and not new.is_aws_default
    # Something AWS accepts, which the recommendation then calls strong.
    assert policy_errors(new) == {}
    posture = Posture(password_policy=Part.ok(new))
    assert check_password_policy(posture, utcnow()).status == "pass"
    assert proposed_policy(new) == new


def test_from_the_aws_default() -> None:
    assert proposed_policy(AWS_DEFAULT_PASSWORD_POLICY) == PasswordPolicy(
        minimum_length=14,
        require_symbols=True,
        require_numbers=True,
        require_uppercase=True,
        require_lowercase=True,
        allow_users_to_change=True,
        max_age_days=None,
        reuse_prevention=24,
        hard_expiry=False,
    )


def test_stricter_values_are_kept() -> None:
    current = PasswordPolicy(minimum_length=20, max_age_days=90, hard_expiry=True)
    new = proposed_policy(current)
    assert (new.minimum_length, new.max_age_days, new.hard_expiry) == (20, 90, True)


def test_diff_side_by_side() -> None:
    rows = diff(AWS_DEFAULT_PASSWORD_POLICY, proposed_policy(AWS_DEFAULT_PASSWORD_POLICY))
    assert rows[0] == ("Minimum length", AWS_DEFAULT_TEXT, "14 characters")
    assert AWS_DEFAULT_TEXT == "AWS default (8, 3 of 4 classes)"
    table = {name: (now, then) for name, now, then in rows}
    assert table["Require symbols"] == ("any 3 of 4 classes", "yes")
    assert table["Remember previous passwords"] == ("off", "last 24")
    assert table["Passwords expire after"] == ("never", "never")
    assert len(rows) == 9

    current = PasswordPolicy(minimum_length=10, require_numbers=True, max_age_days=90)
    table = {name: (now, then) for name, now, then in diff(current, proposed_policy(current))}
    assert table["Minimum length"] == ("10 characters", "14 characters")
    assert table["Require numbers"] == ("yes", "yes")
    assert table["Require symbols"] == ("no", "yes")
    assert table["Passwords expire after"] == ("90 days", "90 days")
    assert table["Users may change their own password"] == ("no", "yes")


def test_params_always_carry_every_field() -> None:
    full = PasswordPolicy(minimum_length=14, max_age_days=90, reuse_prevention=24)
    assert set(update_params(full)) == ALL_FIELDS
    unset = update_params(PasswordPolicy(minimum_length=14, max_age_days=0))
    assert set(unset) == ALL_FIELDS - {"MaxPasswordAge", "PasswordReusePrevention"}
    assert unset["RequireSymbols"] is False and unset["HardExpiry"] is False


def test_policy_errors() -> None:
    bad = PasswordPolicy(minimum_length=5, max_age_days=2000, reuse_prevention=25)
    assert set(policy_errors(bad)) == {"minimum_length", "max_age_days", "reuse_prevention"}


# -- over moto ------------------------------------------------------------------------------------
@pytest.fixture
def aws() -> Iterator[AwsSession]:
    with mock_aws():
        yield make_session()


def read_back(session: AwsSession) -> dict[str, Any]:
    policy: dict[str, Any] = dict(session.iam().get_account_password_policy()["PasswordPolicy"])
    return policy


@pytest.mark.parametrize(
    "policy",
    [
        proposed_policy(AWS_DEFAULT_PASSWORD_POLICY),
        PasswordPolicy(
            minimum_length=32,
            require_symbols=True,
            require_numbers=False,
            require_uppercase=True,
            require_lowercase=False,
            allow_users_to_change=False,
            max_age_days=90,
            reuse_prevention=5,
            hard_expiry=True,
        ),
    ],
)
def test_update_then_read_back_exactly(aws: AwsSession, policy: PasswordPolicy) -> None:
    sent = record(aws, "UpdateAccountPasswordPolicy")
    PolicyWriter(aws).update(policy)
    assert len(sent) == 1 and sent[0] == update_params(policy)
    got = read_back(aws)
    for key, value in update_params(policy).items():
        assert got[key] == value, key
    if policy.max_age_days is None:
        assert got.get("MaxPasswordAge", 0) == 0  # moto reports 0 for "not set"
    # The app's own reader sees the same policy.
    read = PostureReader(aws).password_policy()
    assert replace(read, max_age_days=read.max_age_days or None) == policy


def test_update_overwrites_every_field(aws: AwsSession) -> None:
    strict = PasswordPolicy(
        minimum_length=30, require_symbols=True, max_age_days=30, reuse_prevention=10
    )
    writer = PolicyWriter(aws)
    writer.update(strict)
    relaxed = replace(strict, require_symbols=False, max_age_days=None, reuse_prevention=None)
    writer.update(relaxed)
    got = read_back(aws)
    assert got["RequireSymbols"] is False and got.get("MaxPasswordAge", 0) == 0
    assert got.get("PasswordReusePrevention", 0) in (0, None)


def test_update_refuses_without_a_call(aws: AwsSession) -> None:
    writer = PolicyWriter(aws)
    with pytest.raises(InvalidRequest):
        writer.update(AWS_DEFAULT_PASSWORD_POLICY)
    with pytest.raises(InvalidRequest) as caught:
        writer.update(PasswordPolicy(minimum_length=200))
    assert set(caught.value.errors) == {"minimum_length"}
    assert aws.counter.calls()["iam:UpdateAccountPasswordPolicy"] == 0


def test_update_failure_is_data() -> None:
    with mock_aws():
        session = make_session(read_only=True)
        with pytest.raises(AwsFailure) as caught:
            PolicyWriter(session).update(proposed_policy(AWS_DEFAULT_PASSWORD_POLICY))
    assert caught.value.error.action == "iam:UpdateAccountPasswordPolicy"
    assert caught.value.error.code == "ReadOnly"


def test_cli_command_lists_every_field() -> None:
    line = PolicyWriter.command(proposed_policy(AWS_DEFAULT_PASSWORD_POLICY))
    assert line.startswith("aws iam update-account-password-policy --minimum-password-length 14")
    assert "--require-symbols" in line and "--no-hard-expiry" in line
    assert "--password-reuse-prevention 24" in line and "max-password-age" not in line


def test_password_policy_fields_are_all_handled() -> None:
    # A new PasswordPolicy field must be considered here (and in update_params).
    assert {f.name for f in fields(PasswordPolicy)} == {
        "minimum_length",
        "require_symbols",
        "require_numbers",
        "require_uppercase",
        "require_lowercase",
        "allow_users_to_change",
        "max_age_days",
        "reuse_prevention",
        "hard_expiry",
        "is_aws_default",
    }
