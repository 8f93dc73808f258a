"""RFC 6238 time-based one-time passwords, and checking the two codes of an enrollment.

EnableMFADevice wants two consecutive codes. Checking them here first lets the app say
what is wrong (a typo, the same code twice, a phone clock that is off) instead of
AWS's bare ``InvalidAuthenticationCode``. Stdlib only. No text made here contains the
seed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import math
import struct
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

STEP_SECONDS = 30
DIGITS = 6
# Steps either side of now in which a pair still counts as current (code 2's step).
WINDOW = 1
# Steps either side of now searched for a pair when the current window has none: a
# match there means the phone's clock (or this computer's) is off.
SKEW_WINDOW = 10

_ALGORITHMS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha512": hashlib.sha512}


def decode_seed(seed_b32: str) -> bytes:
    """The key bytes of a Base32 seed; spaces, case and missing padding are tolerated.

    Raises ``ValueError`` (without quoting the seed) when it is not Base32.
    """
    text = "".join(seed_b32.split()).upper().rstrip("=")
    try:
        return base64.b32decode(text + "=" * (-len(text) % 8))
    except (binascii.Error, ValueError):
        raise ValueError("the MFA secret is not valid Base32") from None


def hotp(key: bytes, counter: int, *, digits: int = DIGITS, algorithm: str = "sha1") -> str:
    """RFC 4226 HOTP value of ``counter`` under ``key``, zero-padded to ``digits``."""
    try:
        digest_mod = _ALGORITHMS[algorithm.lower()]
    except KeyError:
        raise ValueError(f"unsupported TOTP algorithm {algorithm!r}") from None
    mac = hmac.new(key, struct.pack(">Q", counter), digest_mod).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


def time_step(at: float, step: int = STEP_SECONDS) -> int:
    """The RFC 6238 counter ``T`` for Unix time ``at``."""
    return math.floor(at / step)


def totp(
    seed_b32: str,
    at: float,
    *,
    step: int = STEP_SECONDS,
    digits: int = DIGITS,
    algorithm: str = "sha1",
) -> str:
    """The TOTP code shown at Unix time ``at`` by an app holding ``seed_b32``."""
    return hotp(decode_seed(seed_b32), time_step(at, step), digits=digits, algorithm=algorithm)


def normalize_code(text: str) -> str:
    """A typed code without the spaces apps show in the middle (``"123 456"``)."""
    return "".join(text.split())


class Problem(StrEnum):
    """Why a pair of codes would not enable the device."""

    FORMAT = "format"
    SAME_CODE = "same code"
    CODE1_UNKNOWN = "code 1 unknown"
    CODE2_UNKNOWN = "code 2 unknown"
    BOTH_UNKNOWN = "both unknown"
    NOT_CONSECUTIVE = "not consecutive"
    CLOCK_SKEW = "clock skew"


@dataclass(frozen=True)
class Verdict:
    """The outcome of :func:`verify_pair`.

    ``problem`` is ``None`` when the pair is good; ``message`` says in plain words what
    is wrong and what to do; ``field`` is the code to correct (1 or 2) when it is one of
    them; ``step`` is the time step code 1 matched (``None`` when it matched none);
    ``skew_seconds`` is how far the codes' time is from now (positive: the phone is
    ahead), set for :attr:`Problem.CLOCK_SKEW`.
    """

    problem: Problem | None
    message: str
    step: int | None = None
    field: int | None = None
    skew_seconds: int | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def _steps(key: bytes, code: str, steps: Iterable[int], algorithm: str) -> list[int]:
    return [s for s in steps if hmac.compare_digest(hotp(key, s, algorithm=algorithm), code)]


def _pairs(first: list[int], second: list[int]) -> list[int]:
    """Steps ``s`` with code 1 at ``s`` and code 2 at ``s + 1``."""
    later = set(second)
    return [s for s in first if s + 1 in later]


def describe_skew(seconds: int) -> str:
    """``"about 4 minutes ahead"`` / ``"about 45 seconds behind"``."""
    size = abs(seconds)
    way = "ahead" if seconds > 0 else "behind"
    if size < 90:
        return f"about {size} seconds {way}"
    if size < 90 * 60:
        return f"about {round(size / 60)} minutes {way}"
    return f"about {round(size / 3600)} hours {way}"


def verify_pair(
    seed_b32: str,
    code1: str,
    code2: str,
    *,
    now: float,
    window: int = WINDOW,
    skew_window: int = SKEW_WINDOW,
    step: int = STEP_SECONDS,
    algorithm: str = "sha1",
) -> Verdict:
    """Check two codes the way EnableMFADevice will: 6 digits each, code 2 the one
    right after code 1, and code 2 current (within ``window`` steps of ``now``).

    When they are not, say which problem it is. Pairs that match a time up to
    ``skew_window`` steps from ``now`` are reported as clock skew, with its size.
    """
    code1, code2 = normalize_code(code1), normalize_code(code2)
    if (bad := _format_problem(code1, code2)) is not None:
        return bad
    key = decode_seed(seed_b32)
    current = time_step(now, step)
    # Code 2 is within ``window`` of now; code 1 is the step before it.
    near = range(current - window - 1, current + window + 1)
    wide = range(current - skew_window - 1, current + skew_window + 1)
    first = _steps(key, code1, wide, algorithm)
    second = _steps(key, code2, wide, algorithm)
    pairs = _pairs(first, second)
    good = [s for s in pairs if s in near and s + 1 in near]
    if good:
        return Verdict(None, "The codes are valid", step=min(good, key=lambda s: abs(s - current)))
    return _mismatch(code1 == code2, first, second, pairs, current, step)


def _format_problem(code1: str, code2: str) -> Verdict | None:
    """A FORMAT verdict for the first code that is not exactly :data:`DIGITS` digits."""
    for index, code in ((1, code1), (2, code2)):
        if len(code) != DIGITS or not code.isascii() or not code.isdigit():
            return Verdict(
                Problem.FORMAT,
                f"Code {index} must be exactly {DIGITS} digits",
                field=index,
            )
    return None


def _mismatch(
    same: bool, first: list[int], second: list[int], pairs: list[int], current: int, step: int
) -> Verdict:
    """Why two well-formed codes are not a valid pair now: ``first``/``second`` are the
    steps each code matches, ``pairs`` the steps where they follow each other."""
    first_step = min(first, key=lambda s: abs(s - current)) if first else None
    if same:
        return Verdict(
            Problem.SAME_CODE,
            "You entered the same code twice: wait until the app shows a new code "
            "and enter that one as code 2",
            step=first_step,
            field=2,
        )
    if pairs:
        s = min(pairs, key=lambda s: abs(s - current))
        skew = (s + 1 - current) * step
        return Verdict(
            Problem.CLOCK_SKEW,
            f"These codes belong to a time {describe_skew(skew)} of this computer's clock. "
            "If you just read them, the clock of your phone (or of this computer) is off: "
            "set it to automatic time, then enter two fresh codes",
            step=s,
            skew_seconds=skew,
        )
    return _unmatched(first, second, first_step)


def _unmatched(first: list[int], second: list[int], first_step: int | None) -> Verdict:
    """The verdict when the codes match no consecutive steps near now."""
    if not first and not second:
        return Verdict(
            Problem.BOTH_UNKNOWN,
            "Neither code matches this device's secret: check that the app shows the "
            "entry you just added (scan this QR code again if unsure)",
            field=1,
        )
    if not first:
        return Verdict(
            Problem.CODE1_UNKNOWN,
            "Code 1 does not match this device's secret: a typo?",
            field=1,
        )
    if not second:
        return Verdict(
            Problem.CODE2_UNKNOWN,
            "Code 2 does not match this device's secret: a typo?",
            step=first_step,
            field=2,
        )
    reversed_order = any(s2 + 1 == s1 for s1 in first for s2 in second)
    if reversed_order:
        message = "The codes are in the wrong order: code 1 is the earlier one"
    else:
        message = (
            "Both codes are valid but not consecutive: code 2 must be the one the app "
            "shows right after code 1"
        )
    return Verdict(Problem.NOT_CONSECUTIVE, message, step=first_step, field=2)
