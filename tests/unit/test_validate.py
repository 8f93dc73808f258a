"""tui.aws.validate against the botocore IAM model, with hypothesis.

The oracle it is checked against (tests/support/iam_model.py) is written independently of
the module under test, from the model's shapes and patterns.
"""

from __future__ import annotations

import re
import string
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.iam_model import (
    GROUP_OK,
    KEY_OK,
    NAME_CHARS,
    TAG_CHARS,
    USER_OK,
    VALUE_OK,
    alias_ok,
    oracle,
    path_ok,
    shape,
    texts,
)
from tui.aws import validate
from tui.aws.iam import IamWriter, InvalidRequest, NewUser
from tui.aws.models import AWS_DEFAULT_PASSWORD_POLICY, PasswordPolicy
from tui.aws.session import AwsSession, Settings
from tui.aws.validate import (
    AWS_PASSWORD_SYMBOLS,
    Field,
    alias_error,
    generate_password,
    group_name_error,
    password_errors,
    path_error,
    tag_errors,
    user_name_error,
)

PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# -- model-derived rules --------------------------------------------------------------------


def test_rules_come_from_the_model() -> None:
    for field, shape_name in [
        (Field.USER_NAME, "userNameType"),
        (Field.GROUP_NAME, "groupNameType"),
        (Field.TAG_KEY, "tagKeyType"),
        (Field.TAG_VALUE, "tagValueType"),
        (Field.PASSWORD, "passwordType"),
        (Field.ALIAS, "accountAliasType"),
        (Field.PATH, "pathType"),
    ]:
        rule = validate.rule(field)
        s = shape(shape_name)
        assert (rule.min_length, rule.max_length, rule.model_pattern) == (
            s.get("min", 0),
            s["max"],
            s["pattern"],
        )
    assert validate.rule(Field.USER_NAME).max_length == 64
    assert validate.rule(Field.GROUP_NAME).max_length == 128
    assert validate.max_tags() == 50


@PROPERTY
@given(texts(NAME_CHARS, 130))
def test_user_name_error_iff_the_model_refuses(name: str) -> None:
    assert (user_name_error(name) is None) == USER_OK(name)


@PROPERTY
@given(texts(NAME_CHARS, 135))
def test_group_name_error_iff_the_model_refuses(name: str) -> None:
    assert (group_name_error(name) is None) == GROUP_OK(name)


@PROPERTY
@given(st.text(alphabet=NAME_CHARS, min_size=1, max_size=64))
def test_every_valid_user_name_passes_and_is_unique_ignoring_case(name: str) -> None:
    assert user_name_error(name) is None
    assert user_name_error(name, existing=["other", name.swapcase()]) is not None
    assert group_name_error(name, existing=[name.upper()]) is not None


@PROPERTY
@given(texts(NAME_CHARS + "\u00e9", 140))
def test_translated_pattern_agrees_with_the_oracle(value: str) -> None:
    """Rule.pattern (for Textual's Regex validator) is the model's, in Python syntax."""
    for field, ok in [(Field.USER_NAME, USER_OK), (Field.TAG_VALUE, VALUE_OK)]:
        rule = validate.rule(field)
        assert rule.pattern is not None
        in_length = rule.min_length <= len(value) <= rule.max_length
        assert (in_length and re.fullmatch(rule.pattern, value) is not None) == ok(value)


@PROPERTY
@given(texts(TAG_CHARS, 130), texts(TAG_CHARS, 260))
def test_single_tag_errors_iff_the_model_refuses(key: str, value: str) -> None:
    errors = tag_errors([(key, value)])
    key_ok = KEY_OK(key) and not key.lower().startswith("aws:")
    assert (not [e for e in errors if e[1] == "key"]) == key_ok
    assert (not [e for e in errors if e[1] == "value"]) == VALUE_OK(value)
    assert all(e[0] == 0 for e in errors)


@PROPERTY
@given(texts("abcxyz019-", 70))
def test_alias_error_iff_the_model_refuses(alias: str) -> None:
    assert (alias_error(alias) is None) == alias_ok(alias)


@PROPERTY
@given(st.one_of(texts("/abc~!_", 20), st.text(alphabet="/a", max_size=6)))
def test_path_error_iff_the_model_refuses(path: str) -> None:
    assert (path_error(path) is None) == path_ok(path)


def test_tag_rules() -> None:
    assert tag_errors([("team", "a b"), ("Cost-Center", "")]) == []
    fifty_one = [(f"k{i}", "v") for i in range(51)]
    assert tag_errors(fifty_one) == [(50, "key", "At most 50 tags are allowed")]
    problems = tag_errors([("AWS:thing", "x"), ("Team", "a"), ("team", "b"), ("ok", "bad,")])
    assert [(i, part) for i, part, _ in problems] == [(0, "key"), (2, "key"), (3, "value")]
    assert "reserved" in problems[0][2]
    assert "Duplicate" in problems[1][2]
    assert tag_errors([("", "x")]) == [(0, "key", "Tag key is required")]


def test_messages_are_human() -> None:
    assert user_name_error("") == "User name is required"
    assert user_name_error("bad name!") == (
        "User name may contain only a–z, A–Z, 0–9 and _ + = , . @ - (not space “!”)"
    )
    assert user_name_error("a" * 65) == "User name must be at most 64 characters (it has 65)"
    assert user_name_error("Alice", ["alice"]) == (
        "A user named alice already exists (names ignore case)"
    )
    assert alias_error("a--b") == "Account alias cannot contain two - in a row"
    assert alias_error("123456789012") is not None
    assert path_error("staff") == "Path must begin and end with / (for example /staff/)"


def test_checkers_never_raise() -> None:
    bad: Any = None
    assert user_name_error(bad) is not None
    assert group_name_error(b"x") is not None  # type: ignore[arg-type]
    assert path_error(bad) is not None
    assert alias_error(bad) is not None
    assert tag_errors(bad)
    assert password_errors(bad, AWS_DEFAULT_PASSWORD_POLICY)


# -- passwords ------------------------------------------------------------------------------
def classes(pw: str) -> int:
    return sum(
        [
            any(c in string.ascii_uppercase for c in pw),
            any(c in string.ascii_lowercase for c in pw),
            any(c in string.digits for c in pw),
            any(c in AWS_PASSWORD_SYMBOLS for c in pw),
        ]
    )


PASSWORD_CHARS = string.ascii_letters[:6] + "XYZ0123!@#_ é\t"


@PROPERTY
@given(texts(PASSWORD_CHARS, 130))
def test_default_policy_errors_iff_aws_would_refuse(pw: str) -> None:
    model_ok = oracle("passwordType")(pw)
    aws_default_ok = len(pw) >= 8 and classes(pw) >= 3
    assert (password_errors(pw, AWS_DEFAULT_PASSWORD_POLICY) == []) == (model_ok and aws_default_ok)


policies = st.builds(
    PasswordPolicy,
    minimum_length=st.integers(6, 128),
    require_symbols=st.booleans(),
    require_numbers=st.booleans(),
    require_uppercase=st.booleans(),
    require_lowercase=st.booleans(),
    allow_users_to_change=st.booleans(),
    is_aws_default=st.booleans(),
)


@PROPERTY
@given(policies)
def test_generated_passwords_satisfy_the_policy_and_the_default(policy: PasswordPolicy) -> None:
    pw = generate_password(policy)
    assert password_errors(pw, policy) == []
    assert password_errors(pw, AWS_DEFAULT_PASSWORD_POLICY) == []
    assert len(pw) == max(policy.minimum_length, 20)
    assert not set(pw) & set(",'\"\\ `$!&*()|;<>?[]{}#~")


def test_custom_policy_rules() -> None:
    policy = PasswordPolicy(minimum_length=14, require_symbols=True, require_numbers=True)
    assert password_errors("abcdefghijklmn", policy) == [
        "Password needs at least one number",
        "Password needs at least one symbol such as ! @ # $ % ^ & * ( ) _ + - = | '",
    ]
    assert password_errors("short1!", policy)[0] == "Password must be at least 14 characters"
    assert password_errors("x" * 129, PasswordPolicy(minimum_length=6)) == [
        "Password must be at most 128 characters"
    ]
    assert password_errors("", policy) == ["Password is required"]


def test_generated_passwords_differ() -> None:
    assert len({generate_password(AWS_DEFAULT_PASSWORD_POLICY) for _ in range(50)}) == 50


# -- nothing invalid reaches a plan -----------------------------------------------------------
@pytest.fixture(scope="module")
def writer() -> IamWriter:
    # No AWS behind it: building a plan must not make a call.
    return IamWriter(AwsSession(Settings(access_key_id="x", secret_access_key="y")))


@PROPERTY
@given(name=texts(NAME_CHARS, 70), tag_key=texts(TAG_CHARS, 10))
def test_plan_create_user_refuses_what_the_model_refuses(
    writer: IamWriter, name: str, tag_key: str
) -> None:
    new = NewUser(name, tags=((tag_key, "v"),))
    valid = USER_OK(name) and KEY_OK(tag_key) and not tag_key.lower().startswith("aws:")
    if valid:
        writer.plan_create_user(
            new, account_id="123456789012", alias=None, policy=AWS_DEFAULT_PASSWORD_POLICY
        )
    else:
        with pytest.raises(InvalidRequest):
            writer.plan_create_user(
                new, account_id="123456789012", alias=None, policy=AWS_DEFAULT_PASSWORD_POLICY
            )
    assert writer.session.counter.total() == 0
