"""The ``otpauth://`` URI an authenticator app scans, sized to fit an 80×24 terminal as a
QR code, the seed as typed by hand, and the names of new virtual MFA devices.

The URI contains the seed (a secret): it is only ever drawn as a QR code, never logged.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import segno

from tui.aws.totp import DIGITS, STEP_SECONDS

ISSUER = "AWS"
# A 64-character seed with label + issuer ≤ 39 characters gives a version 6-L QR code
# (45×45 modules with a 2-module border, 45×23 half-block cells), which fits an 80×24
# terminal beside the instructions.
MAX_QR_VERSION = 6
QR_ERROR = "l"
# Byte-mode capacity of version 6-L (ISO/IEC 18004, table 7). An otpauth URI has
# lowercase letters, so it is always byte mode: anything longer cannot fit, and segno
# (~7 ms a symbol) is asked only about candidates within this bound.
QR_BYTES = 134
OPTIONAL_URI_PARAMS = f"algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}"
# The model gives VirtualMFADeviceName no maximum; the serial (the ARN) is at most 256.
# Names stay short and readable: a user name (≤ 64) plus a "-N" suffix.
MAX_DEVICE_NAME = 64
_DEVICE_NAME_BAD = re.compile(r"[^A-Za-z0-9_+=,.@-]")
_TRIM = "._-@+=,"


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
