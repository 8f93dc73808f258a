"""Key rotation over in-process moto: the happy path, the keyring entry, and the state of
the old key after a failure at each step (tui/aws/iam/rotation.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.compat import HTTPHeaders
from moto import mock_aws

from tests.support.calls import ACCOUNT, Sleeps, inject
from tests.support.keyrings import LockedKeyring, MemoryKeyring
from tui.aws.iam.rotation import PROVE_DELAYS, KeyRotation
from tui.aws.plan import StepState
from tui.aws.service import AccountService
from tui.aws.session import Settings
from tui.aws.writer import InvalidRequest
from tui.support.vault import Vault, VaultEntry

USER = "alice"
PASSWORD = "Console-pw-2026!"


@pytest.fixture
def aws() -> Iterator[Any]:
    with mock_aws():
        iam = boto3.client(
            "iam",
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        iam.create_user(UserName=USER)
        iam.create_user(UserName="bob")
        yield iam


def keys(iam: Any, user: str = USER) -> dict[str, str]:
    listed = iam.list_access_keys(UserName=user)["AccessKeyMetadata"]
    return {k["AccessKeyId"]: k["Status"] for k in listed}


def service(key: tuple[str, str] = ("testing", "testing")) -> AccountService:
    return AccountService(
        Settings(region="us-east-1", access_key_id=key[0], secret_access_key=key[1])
    )


def rotation(
    iam: Any, *, vault: Vault | None = None, own: bool = False, sleeps: Sleeps | None = None
) -> tuple[KeyRotation, str, Vault]:
    """A rotation of a fresh key of alice whose keyring entry holds it and a password;
    acct-tui signs with that key when ``own``, else as moto's default caller."""
    made = iam.create_access_key(UserName=USER)["AccessKey"]
    old, secret = made["AccessKeyId"], made["SecretAccessKey"]
    vault = vault or Vault(MemoryKeyring())
    if isinstance(vault._given, MemoryKeyring) and not isinstance(vault._given, LockedKeyring):
        vault.save(VaultEntry(ACCOUNT, USER, old, secret, password=PASSWORD))
    acting = service((old, secret)) if own else service()
    r = KeyRotation(
        acting,
        vault,
        account_id=ACCOUNT,
        user=USER,
        key_id=old,
        signing_key_id=acting.signing_key_id(),
        sleep=sleeps or Sleeps([]),
        retry_delays=(0.0,),
    )
    r.check()
    return r, old, vault


def fail_prove(r: KeyRotation, code: str, times: int | None = None) -> list[int]:
    """Make GetCallerIdentity signed with the new key fail with ``code`` (the first
    ``times`` times)."""
    failed: list[int] = []
    signed_with = r.first.signed_with

    def hooked(key_id: str, secret: str) -> AccountService:
        candidate = signed_with(key_id, secret)

        def answer(**_: Any) -> Any:
            if times is not None and len(failed) >= times:
                return None
            failed.append(1)
            parsed = {
                "Error": {"Code": code, "Message": f"injected {code}", "Type": "Sender"},
                "ResponseMetadata": {"HTTPStatusCode": 403},
            }
            return AWSResponse("https://sts.amazonaws.com/", 403, HTTPHeaders(), None), parsed

        handler: Any = answer
        events = candidate.session.sts().meta.events
        events.register_first("before-call.sts.GetCallerIdentity", handler)
        return candidate

    r.first.signed_with = hooked  # type: ignore[method-assign]
    return failed


def states(result: Any) -> list[tuple[str, StepState]]:
    return [(report.step.action, report.state) for report in result.reports]


def test_rotation_replaces_the_key_keeps_the_password_and_says_what_exists(aws: Any) -> None:
    r, old, vault = rotation(aws)
    result = r.plan().run()
    assert result.ok, str(result)
    new = r.new_key
    assert new is not None and keys(aws) == {old: "Inactive", new: "Active"}
    entry = vault.get(ACCOUNT, USER)
    assert entry is not None and entry.access_key_id == new
    assert entry.password == PASSWORD, "the console password of the entry is kept"
    assert not r.switched, "acct-tui did not sign with the old key: nothing to switch"
    assert result.exists_now[:2] == (
        f"new key {new} is active and in the OS keyring (proven to work)",
        f"old key {old} is inactive",
    )
    assert any("acct-tui credentials get" in line for line in result.exists_now)
    deleted = r.plan_delete().run()
    assert deleted.ok and keys(aws) == {new: "Active"}
    assert f"old key {old} is deleted" in deleted.exists_now
    secret = r.secret
    assert secret and secret not in f"{result}{deleted}{r!r}"


def test_rotating_the_key_acct_tui_signs_with_switches_before_deactivating(aws: Any) -> None:
    r, old, _ = rotation(aws, own=True)
    result = r.plan().run()
    assert states(result) == [
        ("iam:CreateAccessKey", StepState.DONE),
        ("keyring:SaveEntry", StepState.DONE),
        ("sts:GetCallerIdentity", StepState.DONE),
        ("acct-tui:UseNewKey", StepState.DONE),
        ("iam:UpdateAccessKey", StepState.DONE),
    ]
    assert r.switched and r.service.signing_key_id() == r.new_key
    # The deactivation was signed with the new key (the old one was still active then).
    assert r.service.counter.calls()["iam:UpdateAccessKey"] == 1
    assert r.first.counter.calls()["iam:UpdateAccessKey"] == 0
    assert r.plan_delete().run().ok
    assert keys(aws) == {r.new_key: "Active"}


def test_a_user_with_two_keys_is_refused_before_any_call_naming_the_other_key(
    aws: Any,
) -> None:
    made = aws.create_access_key(UserName=USER)["AccessKey"]["AccessKeyId"]
    other = aws.create_access_key(UserName=USER)["AccessKey"]["AccessKeyId"]
    r = KeyRotation(
        service(),
        Vault(MemoryKeyring()),
        account_id=ACCOUNT,
        user=USER,
        key_id=made,
        signing_key_id=None,
    )
    with pytest.raises(InvalidRequest) as refused:
        r.check()
    assert other in str(refused.value) and "deactivate it, then delete it" in str(refused.value)
    assert r.first.counter.calls()["iam:CreateAccessKey"] == 0
    assert keys(aws) == {made: "Active", other: "Active"}


def test_a_keyring_that_refuses_stops_before_the_old_key_is_touched(aws: Any) -> None:
    r, old, _ = rotation(aws, vault=Vault(LockedKeyring()))
    result = r.plan().run()
    assert states(result)[1:] == [
        ("keyring:SaveEntry", StepState.FAILED),
        ("sts:GetCallerIdentity", StepState.SKIPPED),
        ("iam:UpdateAccessKey", StepState.SKIPPED),
    ]
    new = r.new_key
    assert keys(aws) == {old: "Active", new: "Active"}
    assert r.secret_unkept and r.secret, "the secret is still held, to be shown"
    assert result.exists_now[:2] == (
        f"new key {new} is active and NOT in the keyring (not proven to work yet)",
        f"old key {old} is still active",
    )
    # Once the user kept the secret (credentials screen), the rest of the rotation runs.
    r.kept_by_user = True
    rest = r.plan_rest().run()
    assert rest.ok and keys(aws) == {old: "Inactive", new: "Active"}


def test_the_proof_waits_while_iam_propagates_the_new_key(aws: Any) -> None:
    sleeps = Sleeps([])
    r, old, _ = rotation(aws, sleeps=sleeps)
    failed = fail_prove(r, "InvalidClientTokenId", times=2)
    assert r.plan().run().ok
    assert len(failed) == 2 and sleeps.calls == list(PROVE_DELAYS[:2])
    assert keys(aws)[old] == "Inactive"


def test_a_key_that_never_works_leaves_the_old_key_active_after_a_bounded_wait(
    aws: Any,
) -> None:
    sleeps = Sleeps([])
    r, old, vault = rotation(aws, sleeps=sleeps)
    fail_prove(r, "InvalidClientTokenId")
    result = r.plan().run()
    assert states(result)[2:] == [
        ("sts:GetCallerIdentity", StepState.FAILED),
        ("iam:UpdateAccessKey", StepState.SKIPPED),
    ]
    assert sleeps.calls == list(PROVE_DELAYS) and 10 <= sum(sleeps.calls) <= 16
    assert keys(aws) == {old: "Active", r.new_key: "Active"}
    entry = vault.get(ACCOUNT, USER)
    assert entry is not None and entry.access_key_id == r.new_key
    assert f"old key {old} is still active" in result.exists_now
    assert any(line.startswith("to finish: ") for line in result.exists_now)


def test_a_key_answering_as_someone_else_is_not_taken_as_proof(aws: Any) -> None:
    r, old, _ = rotation(aws)
    bob = aws.create_access_key(UserName="bob")["AccessKey"]
    signed_with = r.first.signed_with
    r.first.signed_with = lambda *_: signed_with(bob["AccessKeyId"], bob["SecretAccessKey"])  # type: ignore[method-assign]
    result = r.plan().run()
    failure = result.failure
    assert failure is not None and failure.step.action == "sts:GetCallerIdentity"
    assert failure.error is not None and "user/bob" in failure.error.message
    assert keys(aws)[old] == "Active"


def test_a_denied_deactivation_leaves_both_keys_active_and_rolls_back_cleanly(
    aws: Any,
) -> None:
    r, old, vault = rotation(aws, own=True)
    result_plan = r.plan()
    inject(r.first.session, "UpdateAccessKey", "AccessDenied")
    # After the switch the deactivation is signed with the new key: fault that client too.
    signed_with = r.first.signed_with

    def hooked(key_id: str, secret: str) -> AccountService:
        candidate = signed_with(key_id, secret)
        inject(candidate.session, "UpdateAccessKey", "AccessDenied")
        return candidate

    r.first.signed_with = hooked  # type: ignore[method-assign]
    result = result_plan.run()
    assert states(result)[-1] == ("iam:UpdateAccessKey", StepState.FAILED)
    new = r.new_key
    assert keys(aws) == {old: "Active", new: "Active"}
    assert f"old key {old} is still active" in result.exists_now
    undone = result_plan.rollback()
    assert states(undone) == [
        ("acct-tui:UseNewKey", StepState.UNDONE),
        ("keyring:SaveEntry", StepState.UNDONE),
        ("iam:DeleteAccessKey", StepState.UNDONE),
    ]
    assert keys(aws) == {old: "Active"}
    assert not r.switched, "acct-tui signs with the old key again"
    entry = vault.get(ACCOUNT, USER)
    assert entry is not None and entry.access_key_id == old and entry.password == PASSWORD
    assert undone.exists_now[0] == "the new key was deleted (rolled back)"


def test_a_failed_create_changes_nothing(aws: Any) -> None:
    r, old, vault = rotation(aws)
    inject(r.first.session, "CreateAccessKey", "LimitExceeded")
    result = r.plan().run()
    assert states(result)[0] == ("iam:CreateAccessKey", StepState.FAILED)
    assert keys(aws) == {old: "Active"}
    entry = vault.get(ACCOUNT, USER)
    assert entry is not None and entry.access_key_id == old
    assert result.exists_now == (
        "no new key was made",
        f"old key {old} is still active: nothing else changed",
    )


def test_the_old_key_is_never_deleted_unless_inactive(aws: Any) -> None:
    r, old, _ = rotation(aws)
    fail_prove(r, "AccessDenied")
    r.plan().run()
    refused = r.plan_delete().run()
    assert refused.failure is not None and "not proven" in refused.failure.error.message  # type: ignore[union-attr]
    assert keys(aws)[old] == "Active"
