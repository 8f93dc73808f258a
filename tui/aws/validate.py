"""What a user may type into IAM forms: names, paths, the account alias, tags and
passwords, checked by the rules of botocore's IAM model (:mod:`tui.aws.field_rules`)
plus AWS's documented extras; and a generated password that passes them.

Every public checker returns a human message (or ``None``/an empty list) and never
raises, so the UI can call it on each keystroke.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Iterable, Sequence

from tui.aws.field_rules import (
    LABELS,
    MAX_TAGS,
    ContactField,
    Field,
    Rule,
    max_tags,
    rule,
    shown_char,
    translate,
)
from tui.aws.models import PasswordPolicy

__all__ = [
    "AWS_PASSWORD_SYMBOLS",
    "GENERATED_PASSWORD_LENGTH",
    "MAX_TAGS",
    "RESERVED_TAG_PREFIX",
    "SAFE_PASSWORD_SYMBOLS",
    "ContactField",
    "Field",
    "Rule",
    "alias_error",
    "contact_error",
    "generate_password",
    "group_name_error",
    "max_tags",
    "password_errors",
    "path_error",
    "role_name_error",
    "rule",
    "tag_errors",
    "translate",
    "user_name_error",
]

RESERVED_TAG_PREFIX = "aws:"
GENERATED_PASSWORD_LENGTH = 20
# The symbols AWS counts for RequireSymbols and for its default policy (IAM User Guide).
AWS_PASSWORD_SYMBOLS = "!@#$%^&*()_+-=[]{}|'"
# The generator's symbols: a subset of AWS's that needs no quoting in a POSIX shell or in
# the credentials CSV (no comma, quote, backslash, space, glob, history or job character).
SAFE_PASSWORD_SYMBOLS = "@%^_+-="
# Shown in messages; square brackets are left out so no UI can mistake them for markup.
_SYMBOL_EXAMPLES = "! @ # $ % ^ & * ( ) _ + - = | '"


# -- names ----------------------------------------------------------------------------------
def _name_error(field: Field, name: str, existing: Iterable[str], kind: str) -> str | None:
    if not isinstance(name, str):
        return f"{LABELS[field]} must be text"
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


def role_name_error(name: str) -> str | None:
    """Why ``name`` cannot be a new role's name (the model's rule; AWS says when it is taken)."""
    try:
        return _name_error(Field.ROLE_NAME, name, (), "role")
    except Exception:  # noqa: BLE001
        return "This value cannot be checked"


def contact_error(field: ContactField, value: str) -> str | None:
    """Why ``value`` cannot be ``field`` of an alternate contact (the Account model's length
    and pattern; surrounding spaces are trimmed before it is sent)."""
    try:
        return rule(field).error(value.strip())
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
            shown = " ".join(shown_char(ch) for ch in bad[:5])
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
