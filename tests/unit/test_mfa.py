"""Virtual MFA enrollment over in-process moto: create, codes from the seed, enable,
failures that leave no orphan, removal, root access keys, and the seed kept secret.

moto accepts any codes and answers CreateVirtualMFADevice with a real 64-character
Base32 seed (as bytes: botocore decodes the blob) and random bytes as QRCodePNG.
Failures are injected with ``before-call`` handlers (see tests/support/calls.py).
"""

from __future__ import annotations

import base64
import csv
import io
import logging
import time
from collections.abc import Iterator
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from moto import mock_aws

from tests.support.calls import Sleeps, answer_as_root, inject, make_session, record
from tui.aws.errors import AwsFailure
from tui.aws.iam import InvalidRequest, StepState
from tui.aws.mfa import (
    MAX_QR_VERSION,
    MfaDevice,
    MfaEnableFailed,
    MfaWriter,
    NotRoot,
    RootKeysFailure,
    VirtualMfa,
    device_name,
    format_seed,
    otpauth_uri,
    qr_version,
)
from tui.aws.service import AccountService
from tui.aws.session import AwsSession, Settings
from tui.aws.totp import totp, verify_pair

ACCOUNT = "123456789012"
B32 = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
SEED = "K3NH6ESSPPPF2MOJQAEKCXHFBP63YBY5O42457Z66S4GNKWGKPWXF6E4I7427BHD"


@pytest.fixture
def aws() -> Iterator[AwsSession]:
    with mock_aws():
        session = make_session()
        session.iam().create_user(UserName="alice")
        yield session


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps([])


@pytest.fixture
def mfa(aws: AwsSession, sleeps: Sleeps) -> MfaWriter:
    return MfaWriter(aws, sleep=sleeps)


def codes(seed: str) -> tuple[str, str]:
    now = time.time()
    return totp(seed, now - 30), totp(seed, now)


def virtual_serials(session: AwsSession, status: str = "Any") -> list[str]:
    devices = session.iam().list_virtual_mfa_devices(AssignmentStatus=status)  # type: ignore[arg-type]
    return [d["SerialNumber"] for d in devices["VirtualMFADevices"]]


# -- the otpauth URI and the QR code -----------------------------------------------------------
def test_uri_for_a_typical_user() -> None:
    uri = otpauth_uri(SEED, ACCOUNT, "alice")
    assert uri == f"otpauth://totp/AWS:alice@{ACCOUNT}?secret={SEED}&issuer=AWS"
    assert qr_version(uri) == 6


@pytest.mark.parametrize("length", range(1, 65))
def test_every_user_name_length_fits_version_6(length: int) -> None:
    name = ("abcdefghij" * 7)[:length]
    uri = otpauth_uri(SEED, ACCOUNT, name)
    assert qr_version(uri) <= MAX_QR_VERSION
    parts = urlsplit(uri)
    label = unquote(parts.path.lstrip("/"))
    assert label.startswith("AWS:") and label.endswith(f"@{ACCOUNT}")
    shown = label[4 : -len(ACCOUNT) - 1]
    assert name.startswith(shown) and shown  # a prefix, no ellipsis
    assert len(label) + len("AWS") <= 39
    assert parse_qs(parts.query) == {"secret": [SEED], "issuer": ["AWS"]}
    assert otpauth_uri(SEED, ACCOUNT, name) == uri  # deterministic


def test_long_names_are_shortened_sensibly() -> None:
    email = otpauth_uri(SEED, ACCOUNT, "alexander.hamilton@bigcorp.example")
    assert unquote(urlsplit(email).path) == f"/AWS:alexander.hamilton@{ACCOUNT}"
    # Characters outside RFC 3986's pchar are percent-encoded, and never cut in half.
    odd = otpauth_uri(SEED, ACCOUNT, "a+b=c,d" * 9)
    path = urlsplit(odd).path
    assert "%2B" in path and "+" not in path and qr_version(odd) <= MAX_QR_VERSION
    assert unquote(path)[len("/AWS:") :].split("@")[0] == "a+b=c,da+b"
    trailing = otpauth_uri(SEED, ACCOUNT, "abcdefghijklmnopqr.stuvwxyz")
    assert unquote(urlsplit(trailing).path) == f"/AWS:abcdefghijklmnopqr@{ACCOUNT}"


def test_optional_parameters_only_when_they_fit() -> None:
    short_seed = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    uri = otpauth_uri(short_seed, ACCOUNT, "alice")
    assert uri.endswith("&issuer=AWS&algorithm=SHA1&digits=6&period=30")
    assert qr_version(uri) <= MAX_QR_VERSION
    assert "algorithm" not in otpauth_uri(SEED, ACCOUNT, "al")


def test_helpers() -> None:
    assert format_seed("abcdefgh ijkl") == "ABCD EFGH IJKL"
    assert device_name("alice") == "alice"
    assert device_name("alice", 3) == "alice-3"
    assert device_name("x" * 64, 2) == "x" * 62 + "-2"
    assert device_name("é!") == "--"
    assert MfaDevice("a", f"arn:aws:iam::{ACCOUNT}:mfa/a", None).kind == "virtual"
    assert MfaDevice("a", f"arn:aws:iam::{ACCOUNT}:u2f/user/a/k", None).kind == "security key"
    assert MfaDevice("a", "GAHT12345678", None).kind == "hardware"


def test_virtual_mfa_repr_hides_the_seed_and_uri() -> None:
    device = VirtualMfa("arn:aws:iam::1:mfa/a", "a", SEED, otpauth_uri(SEED, ACCOUNT, "a"))
    for text in (repr(device), str(device), f"{device}"):
        assert SEED not in text and "otpauth" not in text and "arn:aws:iam::1:mfa/a" in text


# -- enrollment ---------------------------------------------------------------------------------
def test_create_then_enable_with_codes_from_the_seed(mfa: MfaWriter, aws: AwsSession) -> None:
    device = mfa.create("alice")
    assert device.serial == f"arn:aws:iam::{ACCOUNT}:mfa/alice"
    assert len(device.seed) == 64 and set(device.seed) <= B32
    parts = urlsplit(device.uri)
    assert parse_qs(parts.query)["secret"] == [device.seed]
    assert qr_version(device.uri) <= MAX_QR_VERSION
    assert virtual_serials(aws, "Unassigned") == [device.serial]

    code1, code2 = codes(device.seed)
    assert verify_pair(device.seed, code1, code2, now=time.time()).ok
    mfa.enable("alice", device.serial, code1, code2)

    (listed,) = mfa.list_devices("alice")
    assert (listed.serial, listed.user_name, listed.virtual) == (device.serial, "alice", True)
    assert listed.enabled is not None
    assert virtual_serials(aws, "Unassigned") == []
    assert virtual_serials(aws, "Assigned") == [device.serial]
    summary = aws.iam().get_account_summary()["SummaryMap"]
    assert summary["MFADevicesInUse"] == 1 and summary["MFADevices"] == 1
    aws.iam().generate_credential_report()
    report = aws.iam().get_credential_report()["Content"].decode()
    rows = {r["user"]: r for r in csv.DictReader(io.StringIO(report))}
    assert rows["alice"]["mfa_active"] == "true"


def test_a_taken_device_name_gets_a_suffix(mfa: MfaWriter, aws: AwsSession) -> None:
    first, second = mfa.create("alice"), mfa.create("alice")
    assert second.serial.endswith(":mfa/alice-2") and first.seed != second.seed
    assert sorted(virtual_serials(aws)) == sorted([first.serial, second.serial])


def test_bad_user_name_is_refused_without_a_call(mfa: MfaWriter, aws: AwsSession) -> None:
    with pytest.raises(InvalidRequest):
        mfa.create("bad name!")
    assert aws.counter.calls()["iam:CreateVirtualMFADevice"] == 0


def test_enable_retries_while_iam_catches_up(
    mfa: MfaWriter, aws: AwsSession, sleeps: Sleeps
) -> None:
    device = mfa.create("alice")
    failed = inject(aws, "EnableMFADevice", "NoSuchEntity", times=2)
    mfa.enable("alice", device.serial, *codes(device.seed))
    assert len(failed) == 2 and sleeps.calls == [0.25, 0.5]
    assert [d.serial for d in mfa.list_devices("alice")] == [device.serial]


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("InvalidAuthenticationCode", "out of sync"),
        ("EntityAlreadyExists", "already has this device"),
        ("LimitExceeded", "up to 8 MFA devices per user"),
    ],
)
def test_enable_failure_deletes_the_device_and_explains(
    mfa: MfaWriter, aws: AwsSession, code: str, words: str
) -> None:
    device = mfa.create("alice")
    inject(aws, "EnableMFADevice", code)
    with pytest.raises(MfaEnableFailed) as caught:
        mfa.enable("alice", device.serial, *codes(device.seed))
    error = caught.value.error
    assert caught.value.discarded and error.code == code
    assert words in error.hint and "device was removed" in error.hint
    assert virtual_serials(aws) == [] and mfa.list_devices("alice") == ()


def test_enable_failure_when_the_cleanup_fails_too(mfa: MfaWriter, aws: AwsSession) -> None:
    device = mfa.create("alice")
    inject(aws, "EnableMFADevice", "InvalidAuthenticationCode")
    inject(aws, "DeleteVirtualMFADevice", "ServiceFailure")
    with pytest.raises(MfaEnableFailed) as caught:
        mfa.enable("alice", device.serial, *codes(device.seed))
    assert not caught.value.discarded
    assert "could not be removed (ServiceFailure)" in caught.value.error.hint
    assert device.serial in caught.value.error.hint


def test_enable_that_had_succeeded_is_success(mfa: MfaWriter, aws: AwsSession) -> None:
    device = mfa.create("alice")
    mfa.enable("alice", device.serial, *codes(device.seed))
    # A repeated call (a retry after a lost answer) is refused, but the device is there.
    inject(aws, "EnableMFADevice", "EntityAlreadyExists")
    mfa.enable("alice", device.serial, *codes(device.seed))
    assert [d.serial for d in mfa.list_devices("alice")] == [device.serial]
    assert aws.counter.calls()["iam:DeleteVirtualMFADevice"] == 0


def test_malformed_codes_are_refused_before_any_call(mfa: MfaWriter, aws: AwsSession) -> None:
    device = mfa.create("alice")
    with pytest.raises(InvalidRequest) as caught:
        mfa.enable("alice", device.serial, "12345", "abcdef")
    assert set(caught.value.errors) == {"code1", "code2"}
    assert aws.counter.calls()["iam:EnableMFADevice"] == 0
    assert virtual_serials(aws) == [device.serial]  # kept: the user can still type the codes


def test_discard_after_cancel_leaves_nothing(mfa: MfaWriter, aws: AwsSession) -> None:
    device = mfa.create("alice")
    mfa.discard(device.serial)
    assert virtual_serials(aws) == []
    mfa.discard(device.serial)  # already gone: fine, and not retried
    assert aws.counter.calls()["iam:DeleteVirtualMFADevice"] == 2


def test_discard_of_a_new_device_waits_for_iam(
    mfa: MfaWriter, aws: AwsSession, sleeps: Sleeps
) -> None:
    device = mfa.create("alice")
    inject(aws, "DeleteVirtualMFADevice", "NoSuchEntity", times=1)
    mfa.discard(device.serial)
    assert sleeps.calls == [0.25] and virtual_serials(aws) == []


def test_discard_of_an_assigned_device_explains(mfa: MfaWriter, aws: AwsSession) -> None:
    inject(aws, "DeleteVirtualMFADevice", "DeleteConflict")
    with pytest.raises(AwsFailure) as caught:
        mfa.discard(f"arn:aws:iam::{ACCOUNT}:mfa/bob")
    assert "deactivate it first" in caught.value.error.hint


def test_read_only_refuses_to_create() -> None:
    with mock_aws():
        writer = MfaWriter(make_session(read_only=True))
        with pytest.raises(AwsFailure) as caught:
            writer.create("alice")
    assert caught.value.error.code == "ReadOnly"


# -- removal ------------------------------------------------------------------------------------
def test_remove_device_plan(mfa: MfaWriter, aws: AwsSession) -> None:
    device = mfa.create("alice")
    mfa.enable("alice", device.serial, *codes(device.seed))
    plan = mfa.plan_remove_device("alice", device.serial)
    assert [s.action for s in plan.steps] == [
        "iam:DeactivateMFADevice",
        "iam:DeleteVirtualMFADevice",
    ]
    assert plan.steps[0].cli == (
        f"aws iam deactivate-mfa-device --user-name alice --serial-number {device.serial}"
    )
    result = plan.run()
    assert result.ok and result.exists_now == (f"virtual MFA device {device.serial} deleted",)
    assert mfa.list_devices("alice") == () and virtual_serials(aws) == []


def test_remove_device_plan_for_a_hardware_token(mfa: MfaWriter, aws: AwsSession) -> None:
    calls = record(aws, "DeactivateMFADevice")
    plan = mfa.plan_remove_device("alice", "GAHT12345678")
    assert [s.action for s in plan.steps] == ["iam:DeactivateMFADevice"]
    result = plan.run()  # moto: NoSuchEntity, which counts as done
    assert [r.state for r in result.reports] == [StepState.DONE]
    assert calls == [{"UserName": "alice", "SerialNumber": "GAHT12345678"}]


def test_remove_device_plan_waits_out_a_delete_conflict(
    mfa: MfaWriter, aws: AwsSession, sleeps: Sleeps
) -> None:
    device = mfa.create("alice")
    mfa.enable("alice", device.serial, *codes(device.seed))
    inject(aws, "DeleteVirtualMFADevice", "DeleteConflict", times=1)
    assert mfa.plan_remove_device("alice", device.serial).run().ok
    assert sleeps.calls == [0.25] and virtual_serials(aws) == []


# -- root access keys ---------------------------------------------------------------------------
def test_root_key_deletion_is_refused_for_a_non_root_caller(aws: AwsSession) -> None:
    writer = MfaWriter(aws)
    with pytest.raises(NotRoot, match="Only root") as caught:
        writer.delete_root_access_keys()
    assert isinstance(caught.value, ValueError)
    with pytest.raises(NotRoot):
        writer.list_root_access_keys()
    calls = aws.counter.calls()
    assert calls["iam:ListAccessKeys"] == 0 and calls["iam:DeleteAccessKey"] == 0


def test_root_deletes_its_own_keys_the_signing_key_last(aws: AwsSession) -> None:
    # moto has no root: a user's keys stand in, as ListAccessKeys without a user name
    # lists the keys of whoever signs the request.
    iam = aws.iam()
    iam.create_user(UserName="stand-in")
    first = iam.create_access_key(UserName="stand-in")["AccessKey"]
    second = iam.create_access_key(UserName="stand-in")["AccessKey"]
    session = make_session(
        access_key_id=first["AccessKeyId"], secret_access_key=first["SecretAccessKey"]
    )
    answer_as_root(session)
    writer = MfaWriter(session)
    listed = writer.list_root_access_keys()
    assert {k.key_id for k in listed} == {first["AccessKeyId"], second["AccessKeyId"]}
    assert all(k.user_name == "<root_account>" for k in listed)
    deleted = writer.delete_root_access_keys()
    assert deleted == (second["AccessKeyId"], first["AccessKeyId"])
    assert iam.list_access_keys(UserName="stand-in")["AccessKeyMetadata"] == []


def test_root_key_deletion_failure_says_what_was_deleted(aws: AwsSession) -> None:
    iam = aws.iam()
    iam.create_user(UserName="stand-in")
    first = iam.create_access_key(UserName="stand-in")["AccessKey"]
    second = iam.create_access_key(UserName="stand-in")["AccessKey"]
    session = make_session(
        access_key_id=first["AccessKeyId"], secret_access_key=first["SecretAccessKey"]
    )
    answer_as_root(session)
    inject(
        session,
        "DeleteAccessKey",
        "ServiceFailure",
        when=lambda p: p["AccessKeyId"] == first["AccessKeyId"],
    )
    with pytest.raises(RootKeysFailure) as caught:
        MfaWriter(session).delete_root_access_keys()
    assert caught.value.deleted == (second["AccessKeyId"],)
    assert second["AccessKeyId"] in caught.value.error.hint


# -- the service and secrets ---------------------------------------------------------------------
def test_account_service_exposes_the_writers() -> None:
    service = AccountService(Settings(region="us-east-1"))
    assert isinstance(service.mfa, MfaWriter) and service.mfa is service.mfa
    assert service.mfa.session is service.session
    assert service.policy_writer is service.policy_writer


def test_the_seed_appears_in_no_log_repr_or_error(
    mfa: MfaWriter, aws: AwsSession, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("botocore", "boto3", "urllib3", "moto", "tui"):
        caplog.set_level(logging.DEBUG, logger=name)
    kept = mfa.create("alice")
    mfa.enable("alice", kept.serial, *codes(kept.seed))
    failing = mfa.create("alice")
    inject(aws, "EnableMFADevice", "InvalidAuthenticationCode")
    with pytest.raises(MfaEnableFailed) as caught:
        mfa.enable("alice", failing.serial, *codes(failing.seed))
    aws.iam().list_virtual_mfa_devices()  # moto echoes the seed here too
    plan = mfa.plan_remove_device("alice", kept.serial)
    result = plan.run()

    texts = [
        caplog.text,
        *(r.getMessage() for r in caplog.records),
        repr(kept),
        str(kept),
        repr(failing),
        str(caught.value),
        caught.value.error.summary(),
        repr(caught.value.error),
        str(result),
        repr(plan),
        *(s.cli for s in plan.steps),
    ]
    for device in (kept, failing):
        raw = device.seed.encode()
        for secret in (device.seed, base64.b64encode(raw).decode(), format_seed(device.seed)):
            for text in texts:
                assert secret not in text
    # The check means something: botocore did log the response bodies, masked.
    assert "<Base32StringSeed>***</Base32StringSeed>" in caplog.text
    assert "<QRCodePNG>***</QRCodePNG>" in caplog.text
    assert "'AuthenticationCode1': '***'" in caplog.text
