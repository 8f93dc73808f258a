"""What the MFA writer gives: a new virtual device (its seed kept out of ``repr``), an
assigned device, and the failures of enabling a device and deleting root's keys."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from tui.aws.errors import AwsError, AwsFailure

# AWS allows up to 8 MFA devices (of any kind) per user.
MAX_MFA_DEVICES_PER_USER = 8

FIELD_CODE1 = "code1"
FIELD_CODE2 = "code2"


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


def enable_hint(error: AwsError, user_name: str) -> str:
    """What to do after EnableMFADevice failed with ``error``."""
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
