"""Field rules for IAM input, read from botocore's IAM model rather than copied by hand.

Every public checker returns a human message (or ``None``/an empty list) and never
raises, so the UI can call it on each keystroke. :class:`Rule` exposes a field's
length limits and pattern for building Textual validators; the pattern is translated
from the model's Java syntax to Python's ``re``:

- ``\\w`` is Java's ASCII word class (``[a-zA-Z0-9_]``), not Python's Unicode one;
- ``\\p{L}``, ``\\p{Z}``, ``\\p{N}`` (which ``re`` lacks) become explicit ranges of the
  Unicode general categories L*, Z*, N*, computed once from :mod:`unicodedata`;
- AWS matches a value as a whole, so use ``fullmatch``.

Lengths count code points, as Smithy's ``length`` trait does.
"""

from __future__ import annotations

import re
import secrets
import string
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any

from botocore.loaders import create_loader

from tui.aws.models import PasswordPolicy

MAX_TAGS = 50
RESERVED_TAG_PREFIX = "aws:"
GENERATED_PASSWORD_LENGTH = 20
# The symbols AWS counts for RequireSymbols and for its default policy (IAM User Guide).
AWS_PASSWORD_SYMBOLS = "!@#$%^&*()_+-=[]{}|'"
# The generator's symbols: a subset of AWS's that needs no quoting in a POSIX shell or in
# the credentials CSV (no comma, quote, backslash, space, glob, history or job character).
SAFE_PASSWORD_SYMBOLS = "@%^_+-="
# Shown in messages; square brackets are left out so no UI can mistake them for markup.
_SYMBOL_EXAMPLES = "! @ # $ % ^ & * ( ) _ + - = | '"


class Field(StrEnum):
    """The validated fields, each tied to the IAM model shape it comes from."""

    USER_NAME = "userNameType"
    GROUP_NAME = "groupNameType"
    PATH = "pathType"
    TAG_KEY = "tagKeyType"
    TAG_VALUE = "tagValueType"
    PASSWORD = "passwordType"
    ALIAS = "accountAliasType"


_LABELS = {
    Field.USER_NAME: "User name",
    Field.GROUP_NAME: "Group name",
    Field.PATH: "Path",
    Field.TAG_KEY: "Tag key",
    Field.TAG_VALUE: "Tag value",
    Field.PASSWORD: "Password",
    Field.ALIAS: "Account alias",
}


# -- the botocore model ---------------------------------------------------------------------
@cache
def _shapes() -> dict[str, Any]:
    model = create_loader().load_service_model("iam", "service-2")
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
            if lo == hi:
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

    field: Field
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
            shown = " ".join(_show(ch) for ch in bad[:5])
            return f"{self.label} may contain only {self.allowed()} (not {shown})"
        return f"{self.label} has an invalid format"


def _show(ch: str) -> str:
    if ch == " ":
        return "space"
    if ch.isprintable():
        return f"“{ch}”"
    return f"U+{ord(ch):04X}"


@cache
def rule(field: Field) -> Rule:
    """The :class:`Rule` for ``field``, read from the IAM model (cached)."""
    shape = _shapes()[field.value]
    return Rule(
        field=field,
        label=_LABELS[field],
        min_length=int(shape.get("min", 0)),
        max_length=int(shape.get("max", sys.maxsize)),
        model_pattern=shape.get("pattern"),
    )


# -- names ----------------------------------------------------------------------------------
def _name_error(field: Field, name: str, existing: Iterable[str], kind: str) -> str | None:
    if not isinstance(name, str):
        return f"{_LABELS[field]} must be text"
    problem = rule(field).error(name)
    if problem:
        return problem
    folded = name.casefold()
    for other in existing:
        if other.casefold() == folded:
            if other == name:
                return f"A {kind} named {name} already exists"
            return f"A {kind} named {other} already exists (names ignore case)"
    return None


def user_name_error(name: str, existing: Iterable[str] = ()) -> str | None:
    """Why ``name`` cannot be a new user's name (model rule, unique ignoring case)."""
    try:
        return _name_error(Field.USER_NAME, name, existing, "user")
    except Exception:  # noqa: BLE001
        return "This value cannot be checked"


def group_name_error(name: str, existing: Iterable[str] = ()) -> str | None:
    """Why ``name`` cannot be a new group's name (model rule, unique ignoring case)."""
    try:
        return _name_error(Field.GROUP_NAME, name, existing, "group")
    except Exception:  # noqa: BLE001
        return "This value cannot be checked"


def path_error(path: str) -> str | None:
    """Why ``path`` is not an IAM path: ``/`` or ``/a/b/`` in printable ASCII."""
    try:
        r = rule(Field.PATH)
        problem = r.error(path)
        if problem is None or not path or len(path) > r.max_length:
            return problem
        if not path.startswith("/") or not path.endswith("/"):
            return "Path must begin and end with / (for example /staff/)"
        if any(not "\x21" <= ch <= "\x7e" for ch in path):
            return "Path may contain only printable ASCII characters, no spaces"
        return "Path must be / or look like /division/team/"
    except Exception:  # noqa: BLE001
        return "This value cannot be checked"


def alias_error(alias: str) -> str | None:
    """Why ``alias`` cannot be the account alias.

    The model's rule (3–63 lowercase letters, digits and single hyphens, not at either
    end), plus one of ours: a 12-digit alias would read as an account ID in the
    sign-in URL.
    """
    try:
        r = rule(Field.ALIAS)
        problem = r.error(alias)
        if problem is None:
            if len(alias) == 12 and alias.isdigit():
                return "Account alias cannot be a 12-digit number (it would look like an ID)"
            return None
        if not alias or len(alias) < r.min_length or len(alias) > r.max_length:
            return problem
        bad = [ch for ch in dict.fromkeys(alias) if not ("a" <= ch <= "z" or "0" <= ch <= "9")]
        bad = [ch for ch in bad if ch != "-"]
        if bad:
            shown = " ".join(_show(ch) for ch in bad[:5])
            return f"Account alias may contain only lowercase letters, digits and - (not {shown})"
        if alias.startswith("-") or alias.endswith("-"):
            return "Account alias cannot begin or end with -"
        if "--" in alias:
            return "Account alias cannot contain two - in a row"
        return problem
    except Exception:  # noqa: BLE001
        return "This value cannot be checked"


# -- tags -----------------------------------------------------------------------------------
def tag_errors(tags: Sequence[tuple[str, str]]) -> list[tuple[int, str, str]]:
    """Problems with a list of (key, value) tags: ``(index, "key" | "value", message)``.

    At most :func:`max_tags` tags; keys follow the model, may not start with ``aws:``
    (any case) and must be unique ignoring case, as IAM treats them.
    """
    try:
        return _tag_errors(tags)
    except Exception:  # noqa: BLE001
        return [(0, "key", "These tags cannot be checked")]


def _tag_errors(tags: Sequence[tuple[str, str]]) -> list[tuple[int, str, str]]:
    errors: list[tuple[int, str, str]] = []
    limit = max_tags()
    key_rule, value_rule = rule(Field.TAG_KEY), rule(Field.TAG_VALUE)
    seen: dict[str, int] = {}
    for i, (key, value) in enumerate(tags):
        if i >= limit:
            errors.append((i, "key", f"At most {limit} tags are allowed"))
        problem = key_rule.error(key)
        if problem is None and key.casefold().startswith(RESERVED_TAG_PREFIX):
            problem = "Tag keys starting with aws: are reserved for AWS"
        if problem is None:
            folded = key.casefold()
            if folded in seen:
                problem = f"Duplicate key: tag {seen[folded] + 1} has it (keys ignore case)"
            else:
                seen[folded] = i
        if problem:
            errors.append((i, "key", problem))
        problem = value_rule.error(value)
        if problem:
            errors.append((i, "value", problem))
    return errors


# -- passwords ------------------------------------------------------------------------------
def _classes(password: str) -> dict[str, bool]:
    return {
        "uppercase letter": any("A" <= c <= "Z" for c in password),
        "lowercase letter": any("a" <= c <= "z" for c in password),
        "number": any("0" <= c <= "9" for c in password),
        "symbol": any(c in AWS_PASSWORD_SYMBOLS for c in password),
    }


def password_errors(password: str, policy: PasswordPolicy) -> list[str]:
    """Every rule ``password`` breaks: the model's (1–128, Latin-1 text) and the
    account policy's, or AWS's default policy (8+ characters, three of four character
    classes) when the account has none. Empty when the password is acceptable."""
    try:
        return _password_errors(password, policy)
    except Exception:  # noqa: BLE001
        return ["This password cannot be checked"]


def _password_errors(password: str, policy: PasswordPolicy) -> list[str]:
    r = rule(Field.PASSWORD)
    if not password:
        return ["Password is required"]
    errors: list[str] = []
    minimum = 8 if policy.is_aws_default else policy.minimum_length
    minimum = max(minimum, r.min_length)
    if len(password) < minimum:
        errors.append(f"Password must be at least {minimum} characters")
    if len(password) > r.max_length:
        errors.append(f"Password must be at most {r.max_length} characters")
    if not r.matches(password):
        errors.append("Password may contain only printable Latin-1 characters, tab and newline")
    have = _classes(password)
    if policy.is_aws_default:
        if sum(have.values()) < 3:
            missing = ", ".join(k for k, v in have.items() if not v)
            errors.append(
                "Password must mix at least three of: uppercase letters, lowercase letters, "
                f"numbers, symbols such as {_SYMBOL_EXAMPLES} (missing: {missing})"
            )
        return errors
    required = {
        "uppercase letter": policy.require_uppercase,
        "lowercase letter": policy.require_lowercase,
        "number": policy.require_numbers,
        "symbol": policy.require_symbols,
    }
    for kind, needed in required.items():
        if needed and not have[kind]:
            extra = f" such as {_SYMBOL_EXAMPLES}" if kind == "symbol" else ""
            errors.append(f"Password needs at least one {kind}{extra}")
    return errors


def generate_password(policy: PasswordPolicy) -> str:
    """A random password (``secrets``) that satisfies ``policy`` and AWS's default.

    It has every character class, is ``max(policy minimum, 20)`` characters long, and
    contains nothing a shell or the credentials CSV would trip on.
    """
    r = rule(Field.PASSWORD)
    length = min(max(policy.minimum_length, GENERATED_PASSWORD_LENGTH), r.max_length)
    pools = (
        string.ascii_uppercase,
        string.ascii_lowercase,
        string.digits,
        SAFE_PASSWORD_SYMBOLS,
    )
    everything = "".join(pools)
    chars = [secrets.choice(pool) for pool in pools]
    chars += [secrets.choice(everything) for _ in range(length - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)
