"""Virtual MFA devices and root's access keys (re-exports only).

The writer is :class:`MfaWriter` (:mod:`tui.aws.mfa.enroll`); the ``otpauth://`` URI and
its QR code are in :mod:`tui.aws.mfa.otpauth`.
"""

from tui.aws.mfa.enroll import MfaWriter
from tui.aws.mfa.models import (
    FIELD_CODE1,
    FIELD_CODE2,
    MAX_MFA_DEVICES_PER_USER,
    MfaDevice,
    MfaEnableFailed,
    NotRoot,
    RootKeysFailure,
    VirtualMfa,
)
from tui.aws.mfa.otpauth import (
    ISSUER,
    MAX_DEVICE_NAME,
    MAX_QR_VERSION,
    OPTIONAL_URI_PARAMS,
    QR_BYTES,
    QR_ERROR,
    device_name,
    format_seed,
    otpauth_uri,
    qr_version,
)

__all__ = [
    "FIELD_CODE1",
    "FIELD_CODE2",
    "ISSUER",
    "MAX_DEVICE_NAME",
    "MAX_MFA_DEVICES_PER_USER",
    "MAX_QR_VERSION",
    "OPTIONAL_URI_PARAMS",
    "QR_BYTES",
    "QR_ERROR",
    "MfaDevice",
    "MfaEnableFailed",
    "MfaWriter",
    "NotRoot",
    "RootKeysFailure",
    "VirtualMfa",
    "device_name",
    "format_seed",
    "otpauth_uri",
    "qr_version",
]
