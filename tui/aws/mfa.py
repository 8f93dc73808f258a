"""Virtual MFA devices: create, enable with two codes, discard, list, remove; and root's
access keys.

The seed is a secret: it lives only in :class:`VirtualMfa` (kept out of ``repr``/``str``)
and in the ``otpauth://`` URI drawn as a QR code. It never appears in a log record
(:mod:`tui.aws.redact` masks ``Base32StringSeed`` and ``QRCodePNG`` in botocore's
DEBUG output), an error, or a plan step.

A device created here and not enabled is deleted again on cancel (:meth:`MfaWriter.discard`)
and on any failure of :meth:`MfaWriter.enable`: no unassigned device is left behind.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import segno
from botocore import xform_name

from tui.aws.errors import AwsError, AwsFailure, from_exception
from tui.aws.iam import RETRY_DELAYS, AccessKey, InvalidRequest
from tui.aws.models import ROOT_REPORT_USER
from tui.aws.plan import Operation, Plan, Step, cli_command, step_id
from tui.aws.session import AwsSession
from tui.aws.totp import DIGITS, STEP_SECONDS, normalize_code
from tui.aws.validate import user_name_error

if TYPE_CHECKING:
    from mypy_boto3_iam import IAMClient

log = logging.getLogger(__name__)

ISSUER = "AWS"
# DESIGN.md §4: a 64-character seed with label + issuer ≤ 39 characters gives a
# version 6-L QR code (45×45 modules with a 2-module border, 45×23 half-block cells),
# which fits an 80×24 terminal beside the instructions.
MAX_QR_VERSION = 6
QR_ERROR = "l"
# Byte-mode capacity of version 6-L (ISO/IEC 18004, table 7). An otpauth URI has
# lowercase letters, so it is always byte mode: anything longer cannot fit, and segno
# (~7 ms a symbol) is asked only about candidates within this bound.
QR_BYTES = 134
OPTIONAL_URI_PARAMS = f"algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}"
# AWS allows up to 8 MFA devices (of any kind) per user.
MAX_MFA_DEVICES_PER_USER = 8
# The model gives VirtualMFADeviceName no maximum; the serial (the ARN) is at most 256.
# Names stay short and readable: a user name (≤ 64) plus a "-N" suffix.
MAX_DEVICE_NAME = 64
_DEVICE_NAME_BAD = re.compile(r"[^A-Za-z0-9_+=,.@-]")
_TRIM = "._-@+=,"

FIELD_CODE1 = "code1"
FIELD_CODE2 = "code2"


# -- data ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class VirtualMfa:
    """A virtual MFA device just created and not yet enabled.

    ``seed`` (the Base32 secret, for manual entry) and ``uri`` (the ``otpauth://`` URI
    of the QR code, which contains the seed) never appear in ``repr``/``str``.
    """

    serial: str
    user_name: str
    seed: str = field(repr=False)
    uri: str = field(repr=False)


@dataclass(frozen=True)
class MfaDevice:
    """One MFA device assigned to a user (iam:ListMFADevices)."""

    user_name: str
    serial: str
    enabled: datetime | None

    @property
    def virtual(self) -> bool:
        """True for a virtual (authenticator app) device: its serial is an ``:mfa/`` ARN."""
        return ":mfa/" in self.serial

    @property
    def kind(self) -> str:
        """``"virtual"``, ``"security key"`` (FIDO) or ``"hardware"`` (TOTP token)."""
        if self.virtual:
            return "virtual"
        if ":u2f/" in self.serial:
            return "security key"
        return "hardware"


class MfaEnableFailed(AwsFailure):
    """EnableMFADevice failed. ``discarded`` tells whether the new, unassigned device
    was deleted again (the error's hint says so too)."""

    def __init__(self, error: AwsError, *, discarded: bool) -> None:
        super().__init__(error)
        self.discarded = discarded


class NotRoot(ValueError):
    """An operation on root's own credentials was asked of a caller that is not root."""


class RootKeysFailure(AwsFailure):
    """Deleting root's access keys stopped at a failure; ``deleted`` lists the ids
    deleted before it."""

    def __init__(self, error: AwsError, deleted: tuple[str, ...]) -> None:
        super().__init__(error)
        self.deleted = deleted


# -- the otpauth URI -----------------------------------------------------------------------
def qr_version(text: str) -> int:
    """The version segno picks for ``text`` at error level L (no error boost)."""
    return int(segno.make_qr(text, error=QR_ERROR, boost_error=False).version)


def _fits(uri: str) -> bool:
    return len(uri.encode()) <= QR_BYTES and qr_version(uri) <= MAX_QR_VERSION


def _uri(secret: str, label: str, issuer: str, extra: bool) -> str:
    query = f"secret={secret}&issuer={quote(issuer, safe='')}"
    if extra:
        query += "&" + OPTIONAL_URI_PARAMS
    return f"otpauth://totp/{quote(label, safe=':@')}?{query}"


def _label(issuer: str, name: str, account_id: str) -> str:
    return f"{issuer}:{name}@{account_id}"


def _shortened(name: str, keep: int) -> str:
    """The first ``keep`` characters of ``name``, without trailing punctuation."""
    cut = name[:keep].rstrip(_TRIM)
    return cut or name[:1]


def otpauth_uri(seed_b32: str, account_id: str, user_name: str, issuer: str = ISSUER) -> str:
    """The Key URI an authenticator app scans: ``otpauth://totp/AWS:alice@123456789012
    ?secret=…&issuer=AWS``.

    The label is shortened until the QR code fits version 6-L (for a 64-character seed:
    label + issuer ≤ 39 characters). Deterministically: an e-mail-like user name first
    loses its domain, then the name keeps its longest prefix that fits (no ellipsis,
    no trailing punctuation). ``algorithm``/``digits``/``period`` (the defaults every
    app assumes) are added only when the code still fits.
    """
    secret = "".join(seed_b32.split()).upper().rstrip("=")
    local = user_name.split("@", 1)[0]
    base = local if "@" in user_name and local else user_name
    tries = [user_name, *(_shortened(base, keep) for keep in range(len(base), 0, -1))]
    chosen = tries[-1]  # too long a seed or issuer: the smallest label, however large
    for name in dict.fromkeys(tries):
        if _fits(_uri(secret, _label(issuer, name, account_id), issuer, False)):
            chosen = name
            break
    label = _label(issuer, chosen, account_id)
    with_params = _uri(secret, label, issuer, True)
    return with_params if _fits(with_params) else _uri(secret, label, issuer, False)


def format_seed(seed_b32: str) -> str:
    """The seed in groups of four, as authenticator apps accept it for typing."""
    text = "".join(seed_b32.split()).upper()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def device_name(user_name: str, attempt: int = 1) -> str:
    """The VirtualMFADeviceName for ``user_name``'s device: the user name (characters
    outside ``[A-Za-z0-9_+=,.@-]`` become ``-``), ``-2``, ``-3``… on later attempts."""
    suffix = "" if attempt == 1 else f"-{attempt}"
    base = _DEVICE_NAME_BAD.sub("-", user_name)[: MAX_DEVICE_NAME - len(suffix)] or "mfa"
    return base + suffix


def _account_of(arn: str) -> str:
    parts = arn.split(":")
    return parts[4] if len(parts) > 5 else ""


# -- hints ----------------------------------------------------------------------------------
def _enable_hint(error: AwsError, user_name: str) -> str:
    if error.code == "InvalidAuthenticationCode":
        return (
            "The codes were out of sync with AWS (one expired on the way, or the phone's "
            "clock is off). Start again with a fresh pair: wait for a new code to appear, "
            "enter it, then the next one"
        )
    if error.code == "EntityAlreadyExists":
        return (
            f"{user_name} already has this device, or it is assigned to another user: "
            "check the user's MFA devices"
        )
    if error.code == "LimitExceeded":
        return (
            f"AWS allows up to {MAX_MFA_DEVICES_PER_USER} MFA devices per user: "
            f"remove one of {user_name}'s devices first"
        )
    if error.code == "NoSuchEntity":
        return f"The user {user_name} or the new device was not found: try again in a moment"
    return error.hint


# -- the writer -----------------------------------------------------------------------------
class MfaWriter:
    """Virtual MFA enrollment and removal, and root access-key deletion.

    Blocking: call it from a thread worker. ``sleep`` and ``retry_delays`` (waits while
    IAM catches up with a create) are injectable so tests need not wait.
    """

    def __init__(
        self,
        session: AwsSession,
        *,
        sleep: Callable[[float], None] = time.sleep,
        retry_delays: Sequence[float] = RETRY_DELAYS,
    ) -> None:
        self.session = session
        self._sleep = sleep
        self._delays = tuple(retry_delays)
        self._lock = threading.Lock()
        # Serials created here and neither enabled nor deleted yet: for these a
        # NoSuchEntity may only mean IAM has not caught up.
        self._pending: set[str] = set()

    def _iam(self) -> IAMClient:
        return self.session.iam()

    def _call(self, operation: str, params: Mapping[str, Any], *, retry: bool = False) -> Any:
        """Call IAM ``operation``; failures become :class:`AwsFailure`. With ``retry``,
        NoSuchEntity is retried with the writer's delays (eventual consistency)."""
        delays = iter(self._delays)
        while True:
            try:
                return getattr(self._iam(), xform_name(operation))(**params)
            except Exception as exc:  # noqa: BLE001 - reported as data
                error = from_exception(exc, "iam", operation)
            delay = next(delays, None) if retry and error.code == "NoSuchEntity" else None
            if delay is None:
                raise AwsFailure(error) from None
            log.info(
                "iam:%s: NoSuchEntity, IAM has not caught up; retrying in %g s", operation, delay
            )
            self._sleep(delay)

    def _pages(self, operation: str, key: str, **params: Any) -> list[Any]:
        try:
            items: list[Any] = []
            paginator = self._iam().get_paginator(xform_name(operation))  # type: ignore[call-overload]
            for page in paginator.paginate(**params):
                items += page.get(key, [])
            return items
        except Exception as exc:  # noqa: BLE001 - reported as data
            raise AwsFailure(from_exception(exc, "iam", operation)) from None

    def _pending_add(self, serial: str) -> None:
        with self._lock:
            self._pending.add(serial)

    def _pending_drop(self, serial: str) -> None:
        with self._lock:
            self._pending.discard(serial)

    def _is_pending(self, serial: str) -> bool:
        with self._lock:
            return serial in self._pending

    # -- enrollment ------------------------------------------------------------------
    def create(self, user_name: str) -> VirtualMfa:
        """CreateVirtualMFADevice (path ``/``) named after ``user_name``; ``-2``, ``-3``…
        when the name is taken. The device is not assigned yet: :meth:`enable` it, or
        :meth:`discard` it on cancel.

        Raises :class:`InvalidRequest` (a ValueError) for a bad user name, without
        calling AWS, and :class:`AwsFailure`.
        """
        if problem := user_name_error(user_name):
            raise InvalidRequest({"name": problem})
        lost: list[str] = []  # names an earlier attempt may have taken, its answer lost
        for attempt in range(1, MAX_MFA_DEVICES_PER_USER + 2):
            name = device_name(user_name, attempt)
            try:
                response = self._call(
                    "CreateVirtualMFADevice", {"VirtualMFADeviceName": name, "Path": "/"}
                )
            except AwsFailure as exc:
                if exc.error.code == "EntityAlreadyExists":
                    if exc.error.outcome_unknown:
                        lost.append(name)
                    continue
                if exc.error.outcome_unknown:
                    raise AwsFailure(replace(exc.error, hint=self._drop_unread(name))) from None
                raise
            device = response["VirtualMFADevice"]
            serial = device["SerialNumber"]
            self._pending_add(serial)
            self._drop_lost(serial, lost)
            raw = device["Base32StringSeed"]  # a blob: botocore gives the Base32 text as bytes
            seed = raw.decode("ascii") if isinstance(raw, bytes | bytearray) else str(raw)
            log.info("created virtual MFA device %s for %s", serial, user_name)
            return VirtualMfa(
                serial=serial,
                user_name=user_name,
                seed=seed,
                uri=otpauth_uri(seed, _account_of(serial), user_name),
            )
        raise AwsFailure(
            AwsError(
                "iam:CreateVirtualMFADevice",
                "EntityAlreadyExists",
                f"virtual MFA devices named {device_name(user_name)} … "
                f"{device_name(user_name, MAX_MFA_DEVICES_PER_USER + 1)} all exist",
                "Delete the unassigned virtual MFA devices of this user, then try again",
            )
        )

    def _drop_unread(self, name: str) -> str:
        """After a CreateVirtualMFADevice whose answer was lost or unreadable: the device
        ``name`` may exist, and its seed, which only the answer carried, is lost. Delete it
        (nobody can enable it); returns what to tell the user.

        The name was free (a taken name is refused with EntityAlreadyExists), so a device
        of that name that is not assigned to anyone is the one that call made.
        """
        left = (
            f"If AWS made it, an unassigned virtual MFA device named {name} is left, its "
            "seed lost: delete it in the IAM console (or with aws iam "
            "delete-virtual-mfa-device)"
        )
        try:
            arn = self.session.sts().get_caller_identity()["Arn"]
        except Exception as exc:  # noqa: BLE001 - reported in the hint
            error = from_exception(exc, "sts", "GetCallerIdentity")
            log.warning("could not look for the device %s: %s", name, error.headline())
            return left
        parts = arn.split(":")
        serial = f"arn:{parts[1]}:iam::{parts[4]}:mfa/{name}"
        try:
            self._call("DeleteVirtualMFADevice", {"SerialNumber": serial})
        except AwsFailure as exc:
            if exc.error.code == "NoSuchEntity":
                return f"No device named {name} was found. {left}"
            log.warning("could not delete the device %s: %s", name, exc.error.headline())
            return left
        log.info("deleted virtual MFA device %s: its seed was lost", serial)
        return (
            f"AWS made the virtual MFA device {name}, but its seed was lost with the answer: "
            "the device was deleted"
        )

    def _drop_lost(self, serial: str, names: list[str]) -> None:
        """Delete the devices ``names``, made by attempts whose answer (and seed) was lost:
        nobody can enable them. Their serials share ``serial``'s account and path."""
        prefix = serial.rsplit("/", 1)[0]
        for name in names:
            try:
                self._call("DeleteVirtualMFADevice", {"SerialNumber": f"{prefix}/{name}"})
                log.info("deleted virtual MFA device %s: its seed was lost", name)
            except AwsFailure as exc:
                log.warning("could not delete the unassigned device %s: %s", name, exc)

    def enable(self, user_name: str, serial: str, code1: str, code2: str) -> None:
        """EnableMFADevice with two consecutive codes (check them first with
        :func:`tui.aws.totp.verify_pair`). NoSuchEntity right after the create is
        retried while IAM catches up.

        On failure the new device is deleted (no orphan) and :class:`MfaEnableFailed`
        is raised, its hint explaining the AWS error and whether the device was removed.
        If the device turns out to be assigned to the user after all (a retried call
        that had succeeded), that is success. Codes that are not 6 digits raise
        :class:`InvalidRequest` before any call, and the device is kept.
        """
        codes = normalize_code(code1), normalize_code(code2)
        bad = {
            name: f"Code {index} must be exactly {DIGITS} digits"
            for index, name, code in ((1, FIELD_CODE1, codes[0]), (2, FIELD_CODE2, codes[1]))
            if len(code) != DIGITS or not (code.isascii() and code.isdigit())
        }
        if bad:
            raise InvalidRequest(bad)
        params = {
            "UserName": user_name,
            "SerialNumber": serial,
            "AuthenticationCode1": codes[0],
            "AuthenticationCode2": codes[1],
        }
        try:
            self._call("EnableMFADevice", params, retry=True)
        except AwsFailure as exc:
            error = exc.error
            if error.code != "InvalidAuthenticationCode" and self._assigned(user_name, serial):
                log.info("EnableMFADevice failed (%s) but %s is assigned", error.code, serial)
                self._pending_drop(serial)
                return
            hint = _enable_hint(error, user_name)
            try:
                self.discard(serial)
            except AwsFailure as cleanup:
                hint += (
                    f". The new device {serial} could not be removed "
                    f"({cleanup.error.code}): delete it from the user's MFA devices"
                )
                raise MfaEnableFailed(replace(error, hint=hint), discarded=False) from None
            hint += ". The new device was removed: delete its entry in the authenticator app"
            raise MfaEnableFailed(replace(error, hint=hint), discarded=True) from None
        self._pending_drop(serial)
        log.info("enabled MFA device %s for %s", serial, user_name)

    def _assigned(self, user_name: str, serial: str) -> bool:
        try:
            return any(d.serial == serial for d in self.list_devices(user_name))
        except AwsFailure:
            return False

    def discard(self, serial: str) -> None:
        """DeleteVirtualMFADevice for a device that was never enabled (cancel).

        NoSuchEntity means it is already gone, except for a device this writer has
        just created, where it is retried while IAM catches up. Raises
        :class:`AwsFailure` (``DeleteConflict``: the device is assigned to a user).
        """
        try:
            self._call(
                "DeleteVirtualMFADevice",
                {"SerialNumber": serial},
                retry=self._is_pending(serial),
            )
        except AwsFailure as exc:
            if exc.error.code == "NoSuchEntity":
                self._pending_drop(serial)
                return
            if exc.error.code == "DeleteConflict":
                raise AwsFailure(
                    replace(exc.error, hint="The device is assigned to a user: deactivate it first")
                ) from None
            raise
        self._pending_drop(serial)
        log.info("deleted virtual MFA device %s", serial)

    # -- listing and removal -----------------------------------------------------------
    def list_devices(self, user_name: str) -> tuple[MfaDevice, ...]:
        """The MFA devices assigned to ``user_name``. Raises :class:`AwsFailure`."""
        return tuple(
            MfaDevice(
                user_name=d.get("UserName", user_name),
                serial=d["SerialNumber"],
                enabled=d.get("EnableDate"),
            )
            for d in self._pages("ListMFADevices", "MFADevices", UserName=user_name)
        )

    def _op(
        self,
        operation: str,
        description: str,
        what: str,
        params: Mapping[str, Any],
        *,
        retry: tuple[str, ...] = (),
    ) -> Operation:
        step = Step(
            step_id(operation, params),
            f"iam:{operation}",
            description,
            cli_command(operation, params),
        )

        def call() -> None:
            getattr(self._iam(), xform_name(operation))(**params)

        return Operation(step, call, what, retry_codes=frozenset(retry), gone_ok=True)

    def plan_remove_device(self, user_name: str, serial: str) -> Plan:
        """DeactivateMFADevice, then DeleteVirtualMFADevice when the device is virtual.

        NoSuchEntity counts as done (already deactivated / deleted); a DeleteConflict
        right after the deactivation is retried while IAM catches up.
        """
        device = MfaDevice(user_name, serial, None)
        deactivate = self._op(
            "DeactivateMFADevice",
            f"Deactivate MFA device {serial} of {user_name}",
            f"MFA device {serial} on {user_name}",
            {"UserName": user_name, "SerialNumber": serial},
        )
        ops = [deactivate]
        if device.virtual:
            ops.append(
                self._op(
                    "DeleteVirtualMFADevice",
                    f"Delete virtual MFA device {serial}",
                    f"virtual MFA device {serial}",
                    {"SerialNumber": serial},
                    retry=("DeleteConflict",),
                )
            )
        return Plan(
            f"Remove MFA device {serial} from {user_name}",
            ops,
            kind="delete",
            sleep=self._sleep,
            retry_delays=self._delays,
        )

    # -- root's access keys ------------------------------------------------------------
    def _require_root(self) -> str:
        try:
            arn = self.session.sts().get_caller_identity()["Arn"]
        except Exception as exc:  # noqa: BLE001 - reported as data
            raise AwsFailure(from_exception(exc, "sts", "GetCallerIdentity")) from None
        if not arn.endswith(":root"):
            raise NotRoot(
                "Only root can delete root's access keys through the API, and acct-tui is "
                f"signed in as {arn}. Sign in as root, or delete them in the console"
            )
        return arn

    def session_key_id(self) -> str | None:
        """The access key id this session signs with (``None`` when unknown)."""
        return self.session.signing_key_id()

    def list_root_access_keys(self) -> tuple[AccessKey, ...]:
        """Root's own access keys (ListAccessKeys without a user name, as root).

        Raises :class:`NotRoot` (a ValueError) when the caller is not root — there,
        the same call would list the caller's own keys — and :class:`AwsFailure`.
        """
        self._require_root()
        return self._root_keys()

    def _root_keys(self) -> tuple[AccessKey, ...]:
        return tuple(
            AccessKey(
                user_name=ROOT_REPORT_USER,
                key_id=k["AccessKeyId"],
                active=k.get("Status") == "Active",
                created=k.get("CreateDate"),
            )
            for k in self._pages("ListAccessKeys", "AccessKeyMetadata")
        )

    def delete_root_access_keys(self) -> tuple[str, ...]:
        """Delete every access key of root; returns the deleted ids.

        Refuses with :class:`NotRoot` (a ValueError) unless the caller is root. The key
        this session signs with, if it is one of them, goes last: after it, this
        session's calls fail. The confirmation is the UI's job. Stops at the first
        failure with :class:`RootKeysFailure` (``deleted`` says what went before).
        """
        self._require_root()
        own = self.session_key_id()
        keys = sorted(self._root_keys(), key=lambda k: k.key_id == own)
        deleted: list[str] = []
        for key in keys:
            try:
                self._call("DeleteAccessKey", {"AccessKeyId": key.key_id})
            except AwsFailure as exc:
                if exc.error.code == "NoSuchEntity":
                    continue
                error = exc.error
                if deleted:
                    error = replace(
                        error,
                        hint=(error.hint + ". " if error.hint else "")
                        + "Already deleted: "
                        + ", ".join(deleted),
                    )
                raise RootKeysFailure(error, tuple(deleted)) from None
            deleted.append(key.key_id)
            log.info("deleted root access key %s", key.key_id)
        return tuple(deleted)
