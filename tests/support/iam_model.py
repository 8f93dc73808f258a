"""An oracle of the IAM model's rules, written apart from tui.aws.validate, and strategies.

Lengths come straight from the botocore model's shapes, and each single-class pattern
(``[\\w+=,.@-]+``, ``[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*``…) is read into a per-character
test (``\\w`` = Java's ASCII word class, ``\\p{X}`` = a Unicode general category via
``unicodedata``). Patterns that ``re`` can read as they are (alias, path) are used with
``re.fullmatch`` directly. The strategies are mostly near-valid, with edge lengths and
foreign characters.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Callable
from functools import cache
from typing import Any

from botocore.loaders import create_loader
from hypothesis import strategies as st


# -- the oracle -----------------------------------------------------------------------------
@cache
def shape(name: str) -> dict[str, Any]:
    shapes: dict[str, dict[str, Any]] = create_loader().load_service_model("iam", "service-2")[
        "shapes"
    ]
    return shapes[name]


def char_test(pattern: str) -> Callable[[str], bool]:
    """A per-character membership test for a ``[class]+`` / ``[class]*`` pattern."""
    m = re.fullmatch(r"\[(.*)\][+*]", pattern)
    assert m, f"unexpected model pattern {pattern!r}"
    body = m.group(1)
    literal: set[str] = set()
    ranges: list[tuple[str, str]] = []
    categories: list[str] = []

    def one(i: int) -> tuple[str, int]:
        if body.startswith("\\u", i):
            return chr(int(body[i + 2 : i + 6], 16)), i + 6
        if body[i] == "\\":
            return body[i + 1], i + 2
        return body[i], i + 1

    i = 0
    while i < len(body):
        if body.startswith("\\p{", i):
            end = body.index("}", i)
            categories.append(body[i + 3 : end])
            i = end + 1
        elif body.startswith("\\w", i):
            literal |= set(string.ascii_letters + string.digits + "_")
            i += 2
        else:
            ch, i = one(i)
            if body[i : i + 1] == "-" and i + 1 < len(body):
                hi, i = one(i + 1)
                ranges.append((ch, hi))
            else:
                literal.add(ch)

    def test(ch: str) -> bool:
        if ch in literal or any(lo <= ch <= hi for lo, hi in ranges):
            return True
        return unicodedata.category(ch)[0] in categories

    return test


def oracle(shape_name: str) -> Callable[[str], bool]:
    s = shape(shape_name)
    ok_char = char_test(s["pattern"])
    lo, hi = s.get("min", 0), s["max"]
    return lambda v: lo <= len(v) <= hi and all(map(ok_char, v))


USER_OK = oracle("userNameType")
GROUP_OK = oracle("groupNameType")
KEY_OK = oracle("tagKeyType")
VALUE_OK = oracle("tagValueType")


def alias_ok(v: str) -> bool:
    s = shape("accountAliasType")
    within = s["min"] <= len(v) <= s["max"]
    looks_like_id = len(v) == 12 and v.isdigit()  # acct-tui's own rule
    return within and re.fullmatch(s["pattern"], v) is not None and not looks_like_id


def path_ok(v: str) -> bool:
    s = shape("pathType")
    return s["min"] <= len(v) <= s["max"] and re.fullmatch(s["pattern"], v) is not None


# -- strategies: mostly near-valid, with edge lengths and foreign characters -------------------
NAME_CHARS = string.ascii_letters + string.digits + "_+=,.@-"
NOISE = " !/\\:;'\"é\u00a0\u2028\nß\U0001d400\x00\t#"


def texts(valid: str, max_size: int) -> st.SearchStrategy[str]:
    return st.one_of(
        st.text(alphabet=valid, max_size=max_size),
        st.text(alphabet=valid + NOISE, max_size=max_size),
        st.text(max_size=max_size),
        st.integers(max_size - 6, max_size).flatmap(
            lambda n: st.text(alphabet=valid, min_size=n, max_size=n)
        ),
    )


TAG_CHARS = "aZ09_.:/=+-@ é日\u3000٣"  # letters, digits, spaces of several scripts
