"""Field rules read from botocore's IAM model rather than copied by hand: each field's
length limits and pattern (:class:`Rule`), for the checks of :mod:`tui.aws.validate` and
for building Textual validators. The pattern is translated from the model's Java syntax
to Python's ``re``:

- ``\\w`` is Java's ASCII word class (``[a-zA-Z0-9_]``), not Python's Unicode one;
- ``\\p{L}``, ``\\p{Z}``, ``\\p{N}`` (which ``re`` lacks) become explicit ranges of the
  Unicode general categories L*, Z*, N*, computed once from :mod:`unicodedata`;
- AWS matches a value as a whole, so use ``fullmatch``.

Lengths count code points, as Smithy's ``length`` trait does.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any

from botocore.loaders import create_loader

MAX_TAGS = 50


class Field(StrEnum):
    """The validated fields, each tied to the IAM model shape it comes from."""

    USER_NAME = "userNameType"
    GROUP_NAME = "groupNameType"
    PATH = "pathType"
    TAG_KEY = "tagKeyType"
    TAG_VALUE = "tagValueType"
    PASSWORD = "passwordType"
    ALIAS = "accountAliasType"
    ROLE_NAME = "roleNameType"


class ContactField(StrEnum):
    """The fields of an alternate contact, each tied to its Account model shape."""

    NAME = "Name"
    TITLE = "Title"
    EMAIL = "EmailAddress"
    PHONE = "PhoneNumber"


LABELS = {
    Field.USER_NAME: "User name",
    Field.GROUP_NAME: "Group name",
    Field.PATH: "Path",
    Field.TAG_KEY: "Tag key",
    Field.TAG_VALUE: "Tag value",
    Field.PASSWORD: "Password",
    Field.ALIAS: "Account alias",
    Field.ROLE_NAME: "Role name",
    ContactField.NAME: "Name",
    ContactField.TITLE: "Title",
    ContactField.EMAIL: "E-mail address",
    ContactField.PHONE: "Phone number",
}


# -- the botocore model ---------------------------------------------------------------------
@cache
def _shapes() -> dict[str, Any]:
    model = create_loader().load_service_model("iam", "service-2")
    shapes: dict[str, Any] = model["shapes"]
    return shapes


@cache
def _account_shapes() -> dict[str, Any]:
    model = create_loader().load_service_model("account", "service-2")
    shapes: dict[str, Any] = model["shapes"]
    return shapes


@cache
def max_tags() -> int:
    """How many tags one request may carry (the model's ``tagListType`` max)."""
    return int(_shapes().get("tagListType", {}).get("max", MAX_TAGS))


# -- Java pattern → Python ------------------------------------------------------------------
_ASCII_WORD = "a-zA-Z0-9_"
_CATEGORY_RE = re.compile(r"\\p\{([A-Za-z]+)\}")


@cache
def _category_runs() -> tuple[tuple[int, int, str], ...]:
    """Unicode as runs ``(first, last, category)`` of one general category each.

    Built once (~0.2 s) by writing every code point's category as one character and
    letting ``re`` find the runs; only the few thousand runs are kept.
    """
    names: dict[str, str] = {}
    table = "".join(
        names.setdefault(cat, chr(0x100 + len(names)))
        for cat in map(unicodedata.category, map(chr, range(sys.maxunicode + 1)))
    )
    category = {code: cat for cat, code in names.items()}
    return tuple(
        (m.start(), m.end() - 1, category[m.group()[0]])
        for m in re.finditer(r"(.)\1*", table, re.DOTALL)
    )


@cache
def _category_ranges(name: str) -> str:
    """A ``re`` class body for ``\\p{name}`` (``L``, ``Lu``…) as explicit ranges."""
    spans: list[list[int]] = []
    for first, last, cat in _category_runs():
        if not cat.startswith(name):
            continue
        if spans and spans[-1][1] == first - 1:
            spans[-1][1] = last
        else:
            spans.append([first, last])
    if not spans:
        raise ValueError(f"unknown Unicode category {name!r}")
    return "".join(f"\\U{lo:08x}" if lo == hi else f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in spans)


@cache
def translate(pattern: str) -> str:
    """The model's (Java) ``pattern`` as an equivalent Python ``re`` pattern."""
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            if nxt == "p":
                m = _CATEGORY_RE.match(pattern, i)
                if m is None:
                    raise ValueError(f"unsupported escape in {pattern!r}")
                body = _category_ranges(m.group(1))
                out.append(body if in_class else f"[{body}]")
                i = m.end()
                continue
            if nxt == "w":
                out.append(_ASCII_WORD if in_class else f"[{_ASCII_WORD}]")
                i += 2
                continue
            out.append(pattern[i : i + 2])  # \uXXXX, \-, \. … mean the same in ``re``
            i += 2
            continue
        if ch == "[" and not in_class:
            in_class = True
        elif ch == "]" and in_class:
            in_class = False
        out.append(ch)
        i += 1
    return "".join(out)


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(translate(pattern))


@dataclass(frozen=True)
class _CharClass:
    """A single ``[...]`` class of the model, tested one character at a time (fast: no
    range table is built for ``\\p{..}``)."""

    categories: tuple[str, ...]
    ranges: tuple[tuple[str, str], ...]

    def __contains__(self, ch: str) -> bool:
        if any(lo <= ch <= hi for lo, hi in self.ranges):
            return True
        return bool(self.categories) and unicodedata.category(ch).startswith(self.categories)

    def describe(self) -> str:
        names = {"L": "letters", "N": "digits", "Z": "spaces"}
        words = [names.get(c, f"\\p{{{c}}}") for c in self.categories]
        singles: list[str] = []
        for lo, hi in self.ranges:
            if (lo, hi) == ("\t", "\r"):
                continue  # with " ": Java's \s, said as "spaces"
            if lo == hi == " ":
                words.append("spaces")
            elif lo == hi:
                singles.append(lo)
            elif lo.isalnum() and hi.isalnum():
                words.append(f"{lo}–{hi}")  # a–z, A–Z, 0–9
            else:
                words.append(f"U+{ord(lo):04X}–U+{ord(hi):04X}")
        text = ", ".join(words)
        if singles:
            text += (" and " if text else "") + " ".join(singles)
        return text


def _unescape(pattern: str, i: int) -> tuple[str, int]:
    """One literal character of a class at ``pattern[i]`` (escaped or not)."""
    if pattern[i] != "\\":
        return pattern[i], i + 1
    if pattern[i + 1] == "u":
        return chr(int(pattern[i + 2 : i + 6], 16)), i + 6
    return pattern[i + 1], i + 2


@cache
def _single_class(pattern: str) -> _CharClass | None:
    """Parse ``[...]+`` / ``[...]*`` patterns; ``None`` for anything more complex."""
    m = re.fullmatch(r"\^?\[((?:\\.|[^\]\\])*)\][+*]\$?", pattern)
    if m is None:
        return None
    body = m.group(1)
    categories: list[str] = []
    ranges: list[tuple[str, str]] = []
    i = 0
    while i < len(body):
        if body.startswith("\\p{", i):
            end = body.index("}", i)
            categories.append(body[i + 3 : end])
            i = end + 1
            continue
        if body.startswith("\\w", i):
            ranges += [("a", "z"), ("A", "Z"), ("0", "9"), ("_", "_")]
            i += 2
            continue
        if body.startswith("\\s", i):
            ranges += [(" ", " "), ("\t", "\r")]  # Java's \s: space, \t \n \x0b \f \r
            i += 2
            continue
        lo, i = _unescape(body, i)
        if i < len(body) - 1 and body[i] == "-":
            hi, i = _unescape(body, i + 1)
            ranges.append((lo, hi))
        else:
            ranges.append((lo, lo))
    return _CharClass(tuple(categories), tuple(ranges))


# -- rules ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Rule:
    """A string field's limits as the botocore IAM model states them.

    ``model_pattern`` is the model's text verbatim; :attr:`pattern` is its Python
    translation (match it with ``re.fullmatch``). ``pattern`` is ``None`` when the
    model sets none.
    """

    field: Field | ContactField
    label: str
    min_length: int
    max_length: int
    model_pattern: str | None

    @property
    def pattern(self) -> str | None:
        """The Python ``re`` form of :attr:`model_pattern` (computed on first use)."""
        return translate(self.model_pattern) if self.model_pattern else None

    def matches(self, value: str) -> bool:
        """True when ``value`` satisfies the model's pattern (length not included)."""
        if not self.model_pattern:
            return True
        cls = _single_class(self.model_pattern)
        if cls is not None:
            if not value:
                return self.model_pattern.endswith(("*", "*$"))
            return all(ch in cls for ch in value)
        return _compiled(self.model_pattern).fullmatch(value) is not None

    def bad_characters(self, value: str) -> list[str]:
        """The distinct characters of ``value`` the pattern's class refuses, in order."""
        cls = _single_class(self.model_pattern) if self.model_pattern else None
        if cls is None:
            return []
        return list(dict.fromkeys(ch for ch in value if ch not in cls))

    def allowed(self) -> str:
        """The characters allowed, for messages ("a–z, A–Z, 0–9 and _ + = , . @ -")."""
        cls = _single_class(self.model_pattern) if self.model_pattern else None
        return cls.describe() if cls is not None else ""

    def error(self, value: str) -> str | None:
        """A message when ``value`` breaks the model's length or pattern, else ``None``."""
        if len(value) < self.min_length:
            if not value:
                return f"{self.label} is required"
            return f"{self.label} must be at least {self.min_length} characters"
        if len(value) > self.max_length:
            return (
                f"{self.label} must be at most {self.max_length} characters (it has {len(value)})"
            )
        if self.matches(value):
            return None
        bad = self.bad_characters(value)
        if bad:
            shown = " ".join(shown_char(ch) for ch in bad[:5])
            return f"{self.label} may contain only {self.allowed()} (not {shown})"
        return f"{self.label} has an invalid format"


def shown_char(ch: str) -> str:
    """``ch`` as a message shows it: quoted, ``space``, or its code point."""
    if ch == " ":
        return "space"
    if ch.isprintable():
        return f"“{ch}”"
    return f"U+{ord(ch):04X}"


@cache
def rule(field: Field | ContactField) -> Rule:
    """The :class:`Rule` for ``field``, read from the IAM model (the Account model for an
    alternate contact's fields; cached)."""
    shapes = _account_shapes() if isinstance(field, ContactField) else _shapes()
    shape = shapes[field.value]
    return Rule(
        field=field,
        label=LABELS[field],
        min_length=int(shape.get("min", 0)),
        max_length=int(shape.get("max", sys.maxsize)),
        model_pattern=shape.get("pattern"),
    )
