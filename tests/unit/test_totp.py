"""RFC 6238 codes against the RFC's own test vectors, and the two-code check."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.aws.totp import (
    Problem,
    Verdict,
    decode_seed,
    describe_skew,
    time_step,
    totp,
    verify_pair,
)

# RFC 6238 Appendix B: one ASCII key per algorithm, 8-digit codes.
RFC_KEYS = {
    "sha1": b"12345678901234567890",
    "sha256": b"12345678901234567890123456789012",
    "sha512": b"1234567890123456789012345678901234567890123456789012345678901234",
}
RFC_VECTORS = [
    (59, "94287082", "46119246", "90693936"),
    (1111111109, "07081804", "68084774", "25091201"),
    (1111111111, "14050471", "67062674", "99943326"),
    (1234567890, "89005924", "91819424", "93441116"),
    (2000000000, "69279037", "90698825", "38618901"),
    (20000000000, "65353130", "77737706", "47863826"),
]

SEED = "K3NH6ESSPPPF2MOJQAEKCXHFBP63YBY5O42457Z66S4GNKWGKPWXF6E4I7427BHD"
NOW = 1_800_000_015.0  # 15 s into a step
T0 = time_step(NOW)


def b32(key: bytes) -> str:
    return base64.b32encode(key).decode()


def code_at(step: int, seed: str = SEED) -> str:
    return totp(seed, step * 30)


def foreign_code(*, skip: int = 0, avoid: int = 40) -> str:
    """A 6-digit code that matches no step within ``avoid`` steps of NOW (the
    ``skip``-th such code, so two calls can give two different ones)."""
    used = {code_at(s) for s in range(T0 - avoid, T0 + avoid)}
    free = (c for c in (f"{n:06d}" for n in range(0, 10**6, 7919)) if c not in used)
    return [next(free) for _ in range(skip + 1)][-1]


@pytest.mark.parametrize(("at", "sha1", "sha256", "sha512"), RFC_VECTORS)
def test_rfc6238_vectors(at: int, sha1: str, sha256: str, sha512: str) -> None:
    for algorithm, expected in (("sha1", sha1), ("sha256", sha256), ("sha512", sha512)):
        seed = b32(RFC_KEYS[algorithm])
        assert totp(seed, at, digits=8, algorithm=algorithm) == expected


def test_six_digit_codes_are_the_last_six_of_the_rfc_values() -> None:
    seed = b32(RFC_KEYS["sha1"])
    assert seed == "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    for at, sha1, *_ in RFC_VECTORS:
        assert totp(seed, at) == sha1[-6:]


def test_seed_spelling_is_tolerated_and_bad_seeds_do_not_echo() -> None:
    seed = b32(RFC_KEYS["sha1"])
    spaced = " ".join(seed[i : i + 4] for i in range(0, len(seed), 4)).lower()
    assert decode_seed(spaced) == RFC_KEYS["sha1"]
    assert totp(spaced.rstrip("="), 59) == "287082"
    with pytest.raises(ValueError) as caught:
        decode_seed("NOT-BASE32-1!")
    assert "NOT-BASE32" not in str(caught.value)
    with pytest.raises(ValueError):
        totp(seed, 59, algorithm="md5")


# -- verify_pair ------------------------------------------------------------------------------
def check(code1: str, code2: str, **kwargs: object) -> Verdict:
    verdict = verify_pair(SEED, code1, code2, now=NOW, **kwargs)  # type: ignore[arg-type]
    assert SEED not in verdict.message and SEED[:16] not in repr(verdict)
    return verdict


def test_the_previous_and_the_current_code_pass() -> None:
    verdict = check(code_at(T0 - 1), code_at(T0))
    assert verdict.ok and verdict.problem is None and verdict.step == T0 - 1


def test_a_pair_one_step_ahead_passes_and_spaces_are_ignored() -> None:
    c1, c2 = code_at(T0), code_at(T0 + 1)
    verdict = check(f"{c1[:3]} {c1[3:]}", f" {c2} ")
    assert verdict.ok and verdict.step == T0


@pytest.mark.parametrize(
    ("code1", "code2", "field"),
    [("12345", "123456", 1), ("123456", "1234567", 2), ("12a456", "123456", 1), ("", "", 1)],
)
def test_codes_must_be_six_digits(code1: str, code2: str, field: int) -> None:
    verdict = check(code1, code2)
    assert verdict.problem is Problem.FORMAT and verdict.field == field
    assert f"Code {field} must be exactly 6 digits" == verdict.message


def test_same_code_twice() -> None:
    now = code_at(T0)
    verdict = check(now, now)
    assert verdict.problem is Problem.SAME_CODE and verdict.field == 2
    assert "same code twice" in verdict.message and verdict.step == T0


def test_code_1_unknown_is_a_typo() -> None:
    verdict = check(foreign_code(), code_at(T0))
    assert verdict.problem is Problem.CODE1_UNKNOWN and verdict.field == 1
    assert "Code 1" in verdict.message and "typo" in verdict.message and verdict.step is None


def test_code_2_unknown_is_a_typo() -> None:
    verdict = check(code_at(T0 - 1), foreign_code())
    assert verdict.problem is Problem.CODE2_UNKNOWN and verdict.field == 2
    assert "Code 2" in verdict.message and verdict.step == T0 - 1


def test_neither_code_matches() -> None:
    verdict = check(foreign_code(), foreign_code(skip=1))
    assert verdict.problem is Problem.BOTH_UNKNOWN and verdict.field == 1
    assert "Neither code" in verdict.message


def test_valid_but_not_consecutive() -> None:
    verdict = check(code_at(T0 - 1), code_at(T0 + 1))
    assert verdict.problem is Problem.NOT_CONSECUTIVE and verdict.field == 2
    assert "right after code 1" in verdict.message and verdict.step == T0 - 1


def test_codes_in_the_wrong_order() -> None:
    verdict = check(code_at(T0), code_at(T0 - 1))
    assert verdict.problem is Problem.NOT_CONSECUTIVE and "wrong order" in verdict.message


@pytest.mark.parametrize(
    ("offset", "skew", "words"),
    [
        (5, 180, "about 3 minutes ahead"),
        (-8, -210, "about 4 minutes behind"),
        (2, 90, "about 2 minutes ahead"),
        (-3, -60, "about 60 seconds behind"),
    ],
)
def test_clock_skew_is_measured(offset: int, skew: int, words: str) -> None:
    # Code 1 at T0 + offset, code 2 right after it.
    verdict = check(code_at(T0 + offset), code_at(T0 + offset + 1))
    assert verdict.problem is Problem.CLOCK_SKEW and verdict.skew_seconds == skew
    assert words in verdict.message and "clock" in verdict.message
    assert verdict.step == T0 + offset


def test_pairs_beyond_the_skew_window_are_unknown() -> None:
    verdict = check(code_at(T0 + 30), code_at(T0 + 31))
    assert verdict.problem is Problem.BOTH_UNKNOWN
    wider = check(code_at(T0 + 30), code_at(T0 + 31), skew_window=40)
    assert wider.problem is Problem.CLOCK_SKEW and wider.skew_seconds == 31 * 30


def test_describe_skew() -> None:
    assert describe_skew(45) == "about 45 seconds ahead"
    assert describe_skew(-600) == "about 10 minutes behind"
    assert describe_skew(7200) == "about 2 hours ahead"


@given(
    key=st.binary(min_size=10, max_size=40),
    now=st.floats(min_value=1e9, max_value=4e9, allow_nan=False),
    ahead=st.booleans(),
)
def test_any_fresh_pair_passes(key: bytes, now: float, ahead: bool) -> None:
    seed = b32(key)
    t = time_step(now) - (0 if ahead else 1)
    verdict = verify_pair(seed, totp(seed, t * 30), totp(seed, (t + 1) * 30), now=now)
    assert verdict.ok and verdict.step == t
