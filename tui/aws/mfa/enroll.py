"""Virtual MFA devices: create, enable with two codes, discard, list, remove; and root's
access keys (:mod:`tui.aws.mfa.root_keys`).

The seed is a secret: it lives only in :class:`VirtualMfa` (kept out of ``repr``/``str``)
and in the ``otpauth://`` URI drawn as a QR code. It never appears in a log record
(:mod:`tui.aws.redact` masks ``Base32StringSeed`` and ``QRCodePNG`` in botocore's
DEBUG output), an error, or a plan step.

A device created here and not enabled is deleted again on cancel (:meth:`MfaWriter.discard`)
and on any failure of :meth:`MfaWriter.enable`: no unassigned device is left behind.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import replace
from typing import Unpack

from tui.aws.errors import AwsError, AwsFailure, from_exception
from tui.aws.mfa.models import (
    FIELD_CODE1,
    FIELD_CODE2,
    MAX_MFA_DEVICES_PER_USER,
    MfaDevice,
    MfaEnableFailed,
    VirtualMfa,
    enable_hint,
)
from tui.aws.mfa.otpauth import device_name, otpauth_uri
from tui.aws.mfa.root_keys import RootKeyCalls
from tui.aws.plan import Plan
from tui.aws.session import AwsSession
from tui.aws.totp import DIGITS, normalize_code
from tui.aws.validate import user_name_error
from tui.aws.writer import InvalidRequest, Timing

log = logging.getLogger(__name__)


def _account_of(arn: str) -> str:
    parts = arn.split(":")
    return parts[4] if len(parts) > 5 else ""


class MfaWriter(RootKeyCalls):
    """Virtual MFA enrollment and removal, and root access-key deletion.

    Blocking: call it from a thread worker. ``sleep`` and ``retry_delays`` (waits while
    IAM catches up with a create) are injectable so tests need not wait.
    """

    def __init__(self, session: AwsSession, **timing: Unpack[Timing]) -> None:
        super().__init__(session, **timing)
        self._lock = threading.Lock()
        # Serials created here and neither enabled nor deleted yet: for these a
        # NoSuchEntity may only mean IAM has not caught up.
        self._pending: set[str] = set()

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
            hint = enable_hint(error, user_name)
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
            gone_ok=True,
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
                    gone_ok=True,
                )
            )
        return self._plan(f"Remove MFA device {serial} from {user_name}", ops, kind="delete")
