"""The account alias: set (or replace) and delete it, and suggest free variants.

An account has at most one alias, and CreateAccountAlias replaces the one it has: the
new alias overwrites the previous one and the old sign-in URL stops working (IAM User
Guide, "Using an alias for your AWS account ID"; the Account Management reference says
the same). So setting is always one call, never a delete-then-create that could leave
the account with no alias half-way. Aliases are global: a name another account holds
fails with EntityAlreadyExists, and :func:`suggest_variants` offers names to try.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace

from botocore.exceptions import BotoCoreError, ClientError
from botocore.parsers import ResponseParserError

from tui.aws.errors import (
    AwsError,
    AwsFailure,
    MfaTokenRequired,
    ReadOnlyRefused,
    from_exception,
)
from tui.aws.permissions import denied_hint
from tui.aws.session import AwsSession
from tui.aws.validate import Field, alias_error, rule
from tui.aws.writer import InvalidRequest

__all__ = ["FIELD_ALIAS", "AliasFailure", "AliasWriter", "suggest_variants"]

#: The form field alias errors belong to.
FIELD_ALIAS = "alias"
MAX_VARIANTS = 4

_FIELD_CODES = frozenset({"EntityAlreadyExists", "InvalidInput", "ValidationError"})


class AliasFailure(AwsFailure):
    """An alias call AWS refused; ``field`` is the form field to mark (or ``None``)."""

    def __init__(self, error: AwsError, field: str | None = None) -> None:
        super().__init__(error)
        self.field = field


def _hint(code: str, operation: str, action: str) -> str:
    if code == "EntityAlreadyExists":
        return "That alias is taken by another AWS account (aliases are global); try a variant"
    if code in ("InvalidInput", "ValidationError"):
        return "Use 3–63 lowercase letters, digits and single hyphens, not at either end"
    if code == "NoSuchEntity":
        return "The account does not have that alias (it may have changed); refresh (r)"
    if code == "ConcurrentModification":
        return "Another change to the alias is under way: wait a few minutes, then try again"
    if code == "LimitExceeded" and operation == "CreateAccountAlias":
        return "AWS limits how often the alias can change: wait a while, then try again"
    if code in ("AccessDenied", "AccessDeniedException"):
        return f"{denied_hint(action)}; ask an administrator, or use an identity that has it"
    return ""


class AliasWriter:
    """Sets, replaces and deletes the account alias (IAM), validating first."""

    def __init__(self, session: AwsSession) -> None:
        self.session = session

    @staticmethod
    def _check(alias: str) -> None:
        problem = alias_error(alias)
        if problem is not None:
            raise InvalidRequest({FIELD_ALIAS: problem})

    @staticmethod
    @contextmanager
    def _aws(operation: str) -> Iterator[None]:
        try:
            yield
        except (
            ClientError,
            BotoCoreError,
            ResponseParserError,
            ReadOnlyRefused,
            MfaTokenRequired,
        ) as exc:
            error = from_exception(exc, "iam", operation)
            hint = _hint(error.code, operation, error.action) or error.hint
            field = FIELD_ALIAS if error.code in _FIELD_CODES else None
            raise AliasFailure(replace(error, hint=hint), field) from None

    def current(self) -> str | None:
        """The account's alias now (iam:ListAccountAliases), or ``None``."""
        with self._aws("ListAccountAliases"):
            aliases = self.session.iam().list_account_aliases().get("AccountAliases", [])
        return aliases[0] if aliases else None

    def set(self, alias: str) -> None:
        """Make ``alias`` the account alias (iam:CreateAccountAlias), replacing any other.

        Raises :class:`~tui.aws.writer.InvalidRequest` (a ValueError) without calling AWS
        when ``alias`` breaks the rules, :class:`AliasFailure` when AWS refuses it.
        """
        self._check(alias)
        with self._aws("CreateAccountAlias"):
            self.session.iam().create_account_alias(AccountAlias=alias)

    def delete(self, alias: str) -> None:
        """Remove ``alias`` (iam:DeleteAccountAlias); the account-ID URL keeps working.

        Raises :class:`~tui.aws.writer.InvalidRequest` without calling AWS when ``alias``
        cannot be an alias, :class:`AliasFailure` when AWS refuses (NoSuchEntity: the
        account does not have that alias).
        """
        self._check(alias)
        with self._aws("DeleteAccountAlias"):
            self.session.iam().delete_account_alias(AccountAlias=alias)


# -- variants -------------------------------------------------------------------------------
_NOT_ALLOWED = re.compile(r"[^a-z0-9]+")


def _base(alias: str) -> str:
    """``alias`` made alias-shaped: lowercase, other characters as single hyphens."""
    return _NOT_ALLOWED.sub("-", alias.strip().lower()).strip("-")


def _join(base: str, suffix: str, limit: int) -> str:
    head = base[: max(0, limit - len(suffix) - 1)].rstrip("-")
    return f"{head}-{suffix}" if head else suffix


def suggest_variants(alias: str, account_id: str, taken: Iterable[str] = ()) -> list[str]:
    """Up to four valid aliases close to ``alias``, none equal to it or in ``taken``.

    ``<alias>-<last 4 digits of the account>``, ``<alias>-aws``, ``<alias>-1``… each
    trimmed to the 63-character limit without leaving ``--`` or a trailing hyphen. AWS
    alone knows which are free: these are only more likely to be.
    """
    limit = rule(Field.ALIAS).max_length
    refused = {alias, *taken}
    base = _base(alias) or "account"
    digits = "".join(ch for ch in account_id if ch.isdigit())
    suffixes = [digits[-4:]] if len(digits) >= 4 else []
    suffixes += ["aws", "1", "2", "acct", "3", "console", "main"]
    found: list[str] = []
    for suffix in suffixes:
        candidate = _join(base, suffix, limit)
        if candidate in refused or candidate in found or alias_error(candidate) is not None:
            continue
        found.append(candidate)
        if len(found) == MAX_VARIANTS:
            break
    return found
