"""The account alias: validation rules, set/replace/delete over moto, the taken-alias flow.

AWS replaces an existing alias on CreateAccountAlias (one alias per account; the IAM
User Guide: "the new alias overwrites the previous alias"); moto does the same
(``create_account_alias`` keeps a one-element list). A taken alias (EntityAlreadyExists,
aliases are global) cannot happen in a moto account of its own, so it is injected with a
``before-call.iam.CreateAccountAlias`` handler, as in tests/support/calls.py.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from moto import mock_aws

from tests.support.calls import ACCOUNT, inject, make_session
from tui.aws.alias import FIELD_ALIAS, AliasFailure, AliasWriter, suggest_variants
from tui.aws.errors import AwsFailure
from tui.aws.iam import InvalidRequest
from tui.aws.service import AccountService
from tui.aws.session import AwsSession, Settings
from tui.aws.validate import alias_error

TAKEN_HINT = "taken by another AWS account (aliases are global); try a variant"


@pytest.fixture
def aws() -> Iterator[AwsSession]:
    with mock_aws():
        yield make_session()


def aliases(session: AwsSession) -> list[str]:
    return list(session.iam().list_account_aliases()["AccountAliases"])


# -- validation -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "alias",
    ["acme", "acme-prod", "a1b", "abc", "x" * 63, "a-b-c-1", "1234567890123", "12345678901a"],
)
def test_valid_aliases(alias: str) -> None:
    assert alias_error(alias) is None


@pytest.mark.parametrize(
    ("alias", "says"),
    [
        ("ab", "3"),  # too short
        ("a" * 64, "63"),  # too long
        ("", ""),
        ("Acme", "lowercase"),  # uppercase
        ("acme--prod", "two - in a row"),
        ("-acme", "begin or end"),
        ("acme-", "begin or end"),
        ("123456789012", "12-digit"),
        ("acme_prod", "lowercase letters, digits and -"),  # underscore
        ("acme prod", "lowercase letters, digits and -"),
    ],
)
def test_invalid_aliases_say_why(alias: str, says: str) -> None:
    problem = alias_error(alias)
    assert problem is not None
    assert says in problem


# -- set, replace, delete over moto ---------------------------------------------------------
def test_set_replace_and_delete(aws: AwsSession) -> None:
    writer = AliasWriter(aws)
    assert writer.current() is None and aliases(aws) == []

    writer.set("acme")
    assert aliases(aws) == ["acme"]

    # One alias per account: a new one replaces the old in one call, no delete first.
    aws.counter.reset()
    writer.set("acme-prod")
    assert aliases(aws) == ["acme-prod"]
    calls = aws.counter.calls()
    assert calls["iam:CreateAccountAlias"] == 1
    assert calls["iam:DeleteAccountAlias"] == 0
    assert writer.current() == "acme-prod"

    writer.delete("acme-prod")
    assert aliases(aws) == []
    assert writer.current() is None


@pytest.mark.parametrize("bad", ["ab", "Acme", "acme--x", "123456789012", "acme_x", "-acme"])
def test_invalid_alias_is_refused_before_any_call(aws: AwsSession, bad: str) -> None:
    writer = AliasWriter(aws)
    for change in (writer.set, writer.delete):
        with pytest.raises(InvalidRequest) as info:
            change(bad)
        assert isinstance(info.value, ValueError)
        assert set(info.value.errors) == {FIELD_ALIAS}
    assert aws.counter.total() == 0


def test_taken_alias_fails_with_a_hint_and_variants_work(aws: AwsSession) -> None:
    writer = AliasWriter(aws)
    writer.set("acme")
    failed = inject(
        aws,
        "CreateAccountAlias",
        "EntityAlreadyExists",
        when=lambda body: body.get("AccountAlias") == "globex",
    )
    with pytest.raises(AwsFailure) as info:
        writer.set("globex")
    assert isinstance(info.value, AliasFailure)
    assert info.value.field == FIELD_ALIAS
    error = info.value.error
    assert (error.action, error.code) == ("iam:CreateAccountAlias", "EntityAlreadyExists")
    assert TAKEN_HINT in error.hint
    assert [b["AccountAlias"] for b in failed] == ["globex"]
    assert aliases(aws) == ["acme"]  # the old alias is untouched

    variants = suggest_variants("globex", ACCOUNT, taken=("globex",))
    assert 1 <= len(variants) <= 4
    assert len(set(variants)) == len(variants)
    assert "globex" not in variants
    assert all(alias_error(v) is None for v in variants)
    assert variants[0] == "globex-9012"

    writer.set(variants[0])
    assert aliases(aws) == [variants[0]]


def test_other_aws_errors_carry_no_field(aws: AwsSession) -> None:
    writer = AliasWriter(aws)
    inject(aws, "DeleteAccountAlias", "NoSuchEntity")
    with pytest.raises(AliasFailure) as info:
        writer.delete("acme")
    assert info.value.field is None
    assert info.value.error.code == "NoSuchEntity"
    assert "refresh" in info.value.error.hint
    inject(aws, "CreateAccountAlias", "AccessDenied")
    with pytest.raises(AliasFailure) as info:
        writer.set("acme")
    assert info.value.error.denied
    assert "iam:CreateAccountAlias" in info.value.error.hint


def test_read_only_refuses_and_changes_nothing(aws: AwsSession) -> None:
    AliasWriter(aws).set("acme")
    session = make_session(read_only=True)
    writer = AliasWriter(session)
    assert writer.current() == "acme"  # reading is allowed
    for change, action in (
        (writer.set, "CreateAccountAlias"),
        (writer.delete, "DeleteAccountAlias"),
    ):
        with pytest.raises(AliasFailure) as info:
            change("acme-new" if action == "CreateAccountAlias" else "acme")
        assert info.value.error.code == "ReadOnly"
        assert info.value.error.action == f"iam:{action}"
        assert session.counter.calls()[f"iam:{action}"] == 0
    assert aliases(aws) == ["acme"]


def test_service_caches_the_alias_writer() -> None:
    service = AccountService(Settings(access_key_id="k", secret_access_key="s"))
    assert service.alias_writer is service.alias_writer
    assert service.alias_writer.session is service.session


# -- variants -------------------------------------------------------------------------------
def test_variants_of_a_plain_alias() -> None:
    assert suggest_variants("acme", ACCOUNT) == ["acme-9012", "acme-aws", "acme-1", "acme-2"]
    assert suggest_variants("acme", ACCOUNT, taken=["acme-9012", "acme-1"]) == [
        "acme-aws",
        "acme-2",
        "acme-acct",
        "acme-3",
    ]


def test_variants_are_trimmed_to_63_without_double_or_trailing_hyphens() -> None:
    long = "a" * 57 + "-b-cde"  # 63 chars; trimming lands on a hyphen
    variants = suggest_variants(long, ACCOUNT)
    assert len(variants) == 4
    for v in variants:
        assert len(v) <= 63 and "--" not in v and not v.endswith("-")
        assert alias_error(v) is None and v != long


def test_variants_of_an_invalid_alias_are_valid() -> None:
    assert suggest_variants("My Company!", ACCOUNT)[:2] == ["my-company-9012", "my-company-aws"]
    assert suggest_variants("", ACCOUNT)[0] == "account-9012"
    assert suggest_variants("acme", "")[0] == "acme-aws"  # no account ID known


@settings(max_examples=300, deadline=None)
@given(
    alias=st.text(max_size=80),
    account=st.from_regex(r"\A[0-9]{0,12}\Z"),
    taken=st.lists(st.text(alphabet="abc-1234", max_size=10), max_size=5),
)
def test_variants_are_always_valid_distinct_and_free(
    alias: str, account: str, taken: list[str]
) -> None:
    variants = suggest_variants(alias, account, taken=taken)
    assert len(variants) <= 4
    assert len(set(variants)) == len(variants)
    for v in variants:
        assert alias_error(v) is None
        assert v != alias and v not in taken
