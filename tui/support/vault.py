"""The OS keyring store for IAM credentials: one entry per IAM user, and an index.

One keyring entry per IAM user, service ``acct-tui``, username ``<account-id>/<user-name>``,
value a small JSON document. Keyring has no portable way to list entries, so an index entry
(username ``__index__``, same service) holds the account id, user name and creation time of
every entry: never a secret.

Which backend may be used (and why not) is :mod:`tui.support.keyringpolicy`; the credentials
CSV is :mod:`tui.support.exports`; AWS CLI profiles are :mod:`tui.support.awsconfig`.

This module must stay importable without Textual, Rich or boto3 (``acct-tui credentials
get`` runs it as an AWS ``credential_process``).
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from tui.aws import clock
from tui.support.keyringpolicy import (
    VaultError,
    VaultUnavailable,
    as_unavailable,
    backend_name,
    select_backend,
    unlock_problem,
)

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

log = logging.getLogger(__name__)

SERVICE = "acct-tui"
INDEX_KEY = "__index__"

ACCOUNT_ID_RE = re.compile(r"\d{12}")
# IAM UserName: 1-64 of [\w+=,.@-] (ASCII word characters, as in the botocore model).
USER_NAME_RE = re.compile(r"[\w+=,.@-]{1,64}", re.ASCII)


_index_lock = threading.Lock()


# ------------------------------------------------------------------------------- entry
def utc_now() -> str:
    """Now, as ISO-8601 UTC with seconds: ``2026-11-29T18:04:05Z``."""
    return clock.utcnow().strftime("%Y-%m-%dT%H:%M:%SZ")


def _check_ids(account_id: object, user_name: object) -> None:
    if not isinstance(account_id, str) or not ACCOUNT_ID_RE.fullmatch(account_id):
        raise ValueError(f"account id must be 12 digits, got {account_id!r}")
    if not isinstance(user_name, str) or not USER_NAME_RE.fullmatch(user_name):
        raise ValueError(f"not a valid IAM user name: {user_name!r}")


def _check_created(created: object) -> None:
    if not isinstance(created, str):
        raise ValueError("created must be an ISO-8601 string")
    try:
        when = datetime.fromisoformat(created)
    except ValueError as exc:
        raise ValueError(f"created is not ISO-8601: {created!r}") from exc
    if when.utcoffset() is None or when.utcoffset() != UTC.utcoffset(None):
        raise ValueError(f"created must be in UTC: {created!r}")


@dataclass(frozen=True)
class VaultEntry:
    """The credentials of one IAM user, as kept in the keyring. ``repr`` shows no secret."""

    account_id: str
    user_name: str
    access_key_id: str | None = None
    secret_access_key: str | None = field(default=None, repr=False)
    password: str | None = field(default=None, repr=False)
    created: str = field(default_factory=utc_now)

    def __post_init__(self) -> None:
        _check_ids(self.account_id, self.user_name)
        for name in ("access_key_id", "secret_access_key", "password"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, str) or not value):
                raise ValueError(f"{name} must be a non-empty string or None")
        if (self.access_key_id is None) != (self.secret_access_key is None):
            raise ValueError("access_key_id and secret_access_key go together")
        _check_created(self.created)

    @property
    def key(self) -> str:
        """The keyring username: ``<account-id>/<user-name>``."""
        return f"{self.account_id}/{self.user_name}"

    def __repr__(self) -> str:
        def hidden(value: str | None) -> str:
            return "None" if value is None else "'***'"

        return (
            f"VaultEntry(account_id={self.account_id!r}, user_name={self.user_name!r}, "
            f"access_key_id={self.access_key_id!r}, "
            f"secret_access_key={hidden(self.secret_access_key)}, "
            f"password={hidden(self.password)}, created={self.created!r})"
        )

    __str__ = __repr__

    def to_json(self) -> str:
        return json.dumps(
            {
                "version": 1,
                "account_id": self.account_id,
                "user_name": self.user_name,
                "access_key_id": self.access_key_id,
                "secret_access_key": self.secret_access_key,
                "password": self.password,
                "created": self.created,
            },
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str) -> VaultEntry:
        """Parse :meth:`to_json` output. ``ValueError`` (naming no secret) if malformed."""
        try:
            data = json.loads(text)
        except (TypeError, ValueError) as exc:
            raise ValueError("keyring entry is not JSON") from exc
        if not isinstance(data, dict) or data.get("version") != 1:
            raise ValueError("keyring entry is not an acct-tui version 1 document")
        try:
            return cls(
                account_id=data["account_id"],
                user_name=data["user_name"],
                access_key_id=data.get("access_key_id"),
                secret_access_key=data.get("secret_access_key"),
                password=data.get("password"),
                created=data["created"],
            )
        except KeyError as exc:
            raise ValueError(f"keyring entry lacks {exc.args[0]!r}") from exc


# -------------------------------------------------------------------------------- vault
class Vault:
    """acct-tui's entries in one keyring backend (default: keyring's choice, resolved lazily).

    Every operation first checks that the backend is usable (and, for a Secret Service,
    that its collection is unlocked) and raises :class:`VaultUnavailable` otherwise.
    Calls block on D-Bus/OS APIs: run them in a worker thread under the TUI.
    """

    def __init__(self, backend: KeyringBackend | None = None) -> None:
        self._given = backend
        self._selected: KeyringBackend | None = None

    # ------------------------------------------------------------------ usability
    def _resolve(self) -> KeyringBackend:
        if self._selected is not None:
            return self._selected
        backend = self._given
        if backend is None:
            try:
                import keyring

                backend = keyring.get_keyring()
            except Exception as exc:  # a broken keyringrc.cfg / PYTHON_KEYRING_BACKEND
                raise VaultUnavailable(
                    f"keyring could not load a backend: {type(exc).__name__}: {exc}"
                ) from exc
        self._selected = select_backend(backend)
        return self._selected

    def backend(self) -> KeyringBackend:
        """The usable backend; raises :class:`VaultUnavailable` (locked, none, refused)."""
        backend = self._resolve()
        problem = unlock_problem(backend)
        if problem is not None:
            raise problem
        return backend

    def problem(self) -> str | None:
        """Why the keyring cannot be used right now (reason and how to fix), or None."""
        try:
            self.backend()
        except VaultUnavailable as exc:
            return str(exc)
        return None

    def describe(self) -> str:
        """The backend's class name, for messages ("keyring.backends.SecretService.Keyring")."""
        try:
            return backend_name(self._resolve())
        except VaultUnavailable:
            return "no usable keyring"

    # ---------------------------------------------------------------------- entries
    def save(self, entry: VaultEntry) -> None:
        """Store (or replace) the entry and list it in the index."""
        backend = self.backend()
        secrets = (entry.secret_access_key, entry.password)
        with _index_lock:
            try:
                backend.set_password(SERVICE, entry.key, entry.to_json())
                rows = [
                    r
                    for r in self._read_index(backend)
                    if r[:2] != (entry.account_id, entry.user_name)
                ]
                rows.append((entry.account_id, entry.user_name, entry.created))
                self._write_index(backend, rows)
            except VaultError:
                raise
            except Exception as exc:
                raise as_unavailable(exc, secrets) from None

    def get(self, account_id: str, user_name: str) -> VaultEntry | None:
        """The stored entry, or None."""
        _check_ids(account_id, user_name)
        backend = self.backend()
        key = f"{account_id}/{user_name}"
        try:
            text = backend.get_password(SERVICE, key)
        except Exception as exc:
            raise as_unavailable(exc) from None
        if text is None:
            return None
        try:
            entry = VaultEntry.from_json(text)
        except ValueError as exc:
            raise VaultError(f"the keyring entry {SERVICE} {key} is unreadable: {exc}") from None
        if (entry.account_id, entry.user_name) != (account_id, user_name):
            raise VaultError(f"the keyring entry {SERVICE} {key} names another user")
        return entry

    def entries(self) -> list[tuple[str, str, str]]:
        """(account id, user name, created) of every entry, sorted. No secrets."""
        backend = self.backend()
        try:
            return sorted(self._read_index(backend))
        except VaultError:
            raise
        except Exception as exc:
            raise as_unavailable(exc) from None

    def delete(self, account_id: str, user_name: str) -> bool:
        """Remove the entry (and its index row). True if there was one."""
        _check_ids(account_id, user_name)
        from keyring.errors import PasswordDeleteError

        backend = self.backend()
        key = f"{account_id}/{user_name}"
        with _index_lock:
            try:
                existed = backend.get_password(SERVICE, key) is not None
                if existed:
                    try:
                        backend.delete_password(SERVICE, key)
                    except PasswordDeleteError:
                        existed = False
                rows = self._read_index(backend)
                kept = [r for r in rows if r[:2] != (account_id, user_name)]
                if len(kept) != len(rows):
                    self._write_index(backend, kept)
            except VaultError:
                raise
            except Exception as exc:
                raise as_unavailable(exc) from None
        return existed

    # ------------------------------------------------------------------------ index
    @staticmethod
    def _read_index(backend: KeyringBackend) -> list[tuple[str, str, str]]:
        text = backend.get_password(SERVICE, INDEX_KEY)
        if text is None:
            return []
        try:
            data = json.loads(text)
            rows = []
            for item in data["entries"]:
                _check_ids(item["account_id"], item["user_name"])
                _check_created(item["created"])
                rows.append((item["account_id"], item["user_name"], item["created"]))
        except (TypeError, ValueError, KeyError):
            # Only names and dates live there: start a fresh index rather than fail saves.
            log.warning("the acct-tui keyring index is unreadable; starting a new one")
            return []
        return rows

    @staticmethod
    def _write_index(backend: KeyringBackend, rows: Sequence[tuple[str, str, str]]) -> None:
        document = {
            "version": 1,
            "entries": [
                {"account_id": a, "user_name": u, "created": c} for a, u, c in sorted(rows)
            ],
        }
        backend.set_password(SERVICE, INDEX_KEY, json.dumps(document, separators=(",", ":")))
