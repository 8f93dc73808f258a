"""The OS keyring store for IAM credentials, and the credentials CSV.

DESIGN.md §2: one keyring entry per IAM user, service ``acct-tui``, username
``<account-id>/<user-name>``, value a small JSON document. Keyring has no portable way to
list entries, so an index entry (username ``__index__``, same service) holds the account id,
user name and creation time of every entry: never a secret.

Only an operating-system keyring is used (Secret Service — gnome-keyring, KeePassXC,
KWallet — on Linux, the macOS Keychain, the Windows Credential Manager). Refused, with a
:class:`VaultUnavailable` that says why and how to fix it: keyring's ``fail`` and ``null``
backends, a chainer with nothing usable in it, plaintext/file/encrypted-file backends
(keyrings.alt, keyrings.cryptfile: the latter prompts with getpass on stdin, which must
never happen under the TUI), and a locked Secret Service collection. The lock is detected
*before* keyring touches the collection, because keyring's SecretService backend answers a
locked collection by asking the daemon for an unlock prompt (a GUI dialog on a desktop, a
blocked call until someone answers it).

A credentials CSV never lands unnoticed in a git work tree: :func:`export_csv` refuses a
path inside one unless git ignores it, and :func:`default_export_dir` is outside the
current directory (``$XDG_DATA_HOME/acct-tui/exports``). AWS CLI profiles live in
:mod:`tui.support.awsconfig`.

This module must stay importable without Textual, Rich or boto3 (``acct-tui credentials
get`` runs it as an AWS ``credential_process``).
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.aws import clock

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

log = logging.getLogger(__name__)

SERVICE = "acct-tui"
INDEX_KEY = "__index__"
CSV_HEADER = "User name,Password,Access key ID,Secret access key,Console login link"

ACCOUNT_ID_RE = re.compile(r"\d{12}")
# IAM UserName: 1-64 of [\w+=,.@-] (ASCII word characters, as in the botocore model).
USER_NAME_RE = re.compile(r"[\w+=,.@-]{1,64}", re.ASCII)

HOW_TO_FIX = (
    "acct-tui stores secrets only in the operating system's keyring: on Linux a Secret "
    "Service (gnome-keyring, KeePassXC) or KWallet, running and unlocked in this D-Bus "
    "session; on macOS the Keychain; on Windows the Credential Manager. Over SSH on Linux, "
    "run acct-tui inside `dbus-run-session -- bash` after "
    "`gnome-keyring-daemon --unlock --components=secrets` (it reads the keyring password "
    "on stdin)."
)
HOW_TO_UNLOCK = (
    "Unlock the keyring (your desktop's 'Passwords and Keys'/Seahorse or KWalletManager, "
    "or log in to the desktop session again), then retry. " + HOW_TO_FIX
)
HOW_TO_AVOID_FILE = (
    "acct-tui never keeps secrets in a plaintext or file-based keyring (keyrings.alt, "
    "keyrings.cryptfile): remove the PYTHON_KEYRING_BACKEND variable or the keyringrc.cfg "
    "setting that selects it. " + HOW_TO_FIX
)

# Backends whose module or class name says one of these keep secrets in a file (plaintext
# or encrypted with a password asked on the terminal), or may prompt on the terminal.
_REFUSED_NAME_PARTS = ("plaintext", "file", "crypt")
_REFUSED_MODULES = ("keyrings.alt", "keyrings.cryptfile", "keyring_pass")

_index_lock = threading.Lock()


# ------------------------------------------------------------------------------ errors
class VaultError(Exception):
    """A keyring entry or CSV file could not be read or written."""


class VaultUnavailable(VaultError):
    """No usable OS keyring: ``reason`` says why, ``how_to_fix`` what to do. No secrets."""

    def __init__(self, reason: str, how_to_fix: str = HOW_TO_FIX) -> None:
        super().__init__(f"{reason}. {how_to_fix}")
        self.reason = reason
        self.how_to_fix = how_to_fix


class ExportError(VaultError, ValueError):
    """A credentials CSV was refused; nothing was written.

    Also a ``ValueError``, so callers catching ``(OSError, ValueError)`` see it."""


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


# ----------------------------------------------------------------------------- backends
def backend_name(backend: object) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def _priority(backend: KeyringBackend) -> float:
    value: Any = type(backend).priority  # a classproperty; raises when not viable
    return float(value)


def _refusal(backend: KeyringBackend) -> VaultUnavailable | None:
    """Why this (non-chainer) backend must not hold secrets, or None if it may."""
    from keyring.backends import fail, null

    name = backend_name(backend)
    if isinstance(backend, fail.Keyring):
        return VaultUnavailable("no keyring backend is available (keyring fell back to 'fail')")
    if isinstance(backend, null.Keyring):
        return VaultUnavailable(
            "keyring is disabled (its 'null' backend stores nothing)",
            "Re-enable it: remove `default-keyring=keyring.backends.null.Keyring` from "
            "keyringrc.cfg (`keyring diagnose` shows where it is) or PYTHON_KEYRING_BACKEND. "
            + HOW_TO_FIX,
        )
    lowered = name.lower()
    if lowered.startswith(_REFUSED_MODULES) or any(p in lowered for p in _REFUSED_NAME_PARTS):
        return VaultUnavailable(
            f"the keyring backend {name} stores secrets in a file or prompts on the terminal",
            HOW_TO_AVOID_FILE,
        )
    try:
        priority = _priority(backend)
    except Exception as exc:  # keyring's way of saying "not viable here"
        return VaultUnavailable(f"the keyring backend {name} cannot be used here: {exc}")
    if priority <= 0:
        return VaultUnavailable(
            f"the keyring backend {name} is not a recommended keyring (priority {priority:g})"
        )
    return None


def _select(backend: KeyringBackend) -> KeyringBackend:
    """The backend to use: ``backend`` itself, or the best acceptable one it chains."""
    from keyring.backends import chainer

    if not isinstance(backend, chainer.ChainerBackend):
        refusal = _refusal(backend)
        if refusal is not None:
            raise refusal
        return backend
    chained: list[KeyringBackend] = list(backend.backends)
    if not chained:
        raise VaultUnavailable("no keyring backend is available (the keyring chain is empty)")
    refusals = []
    for candidate in chained:  # highest priority first
        refusal = _refusal(candidate)
        if refusal is None:
            return candidate
        refusals.append(refusal.reason)
    raise VaultUnavailable(
        "no acceptable keyring backend: " + "; ".join(refusals),
        HOW_TO_AVOID_FILE,
    )


def _is_secret_service(backend: KeyringBackend) -> bool:
    module = type(backend).__module__
    return module in ("keyring.backends.SecretService", "keyring.backends.libsecret")


def _secret_service_problem(backend: KeyringBackend) -> VaultUnavailable | None:
    """Check the collection keyring would use, without ever asking for an unlock prompt."""
    try:
        import secretstorage
        from secretstorage.collection import DEFAULT_COLLECTION
        from secretstorage.exceptions import ItemNotFoundException
    except ImportError:  # libsecret without secretstorage: nothing to probe with
        return None
    path = getattr(backend, "preferred_collection", None) or DEFAULT_COLLECTION
    try:
        with closing(secretstorage.dbus_init()) as connection:
            try:
                collection = secretstorage.Collection(connection, path)
            except ItemNotFoundException:
                return VaultUnavailable(
                    "the Secret Service has no default keyring collection (creating one "
                    "needs an interactive prompt)"
                )
            if collection.is_locked():
                return VaultUnavailable(
                    f"the Secret Service keyring {collection.get_label()!r} is locked",
                    HOW_TO_UNLOCK,
                )
    except Exception as exc:  # D-Bus gone, daemon vanished, …
        return VaultUnavailable(
            f"the Secret Service cannot be reached: {type(exc).__name__}: {exc}"
        )
    return None


def _scrub(text: str, secrets: Sequence[str | None]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def _as_unavailable(exc: Exception, secrets: Sequence[str | None] = ()) -> VaultUnavailable:
    """Translate what a backend raised into a VaultUnavailable that names no secret."""
    from keyring.errors import InitError, KeyringLocked, NoKeyringError

    detail = _scrub(str(exc), secrets)
    if isinstance(exc, KeyringLocked):
        return VaultUnavailable(f"the keyring is locked ({detail})", HOW_TO_UNLOCK)
    if isinstance(exc, NoKeyringError):
        return VaultUnavailable("no keyring backend is available")
    if isinstance(exc, InitError):
        return VaultUnavailable(f"the keyring could not be opened: {detail}")
    return VaultUnavailable(f"the keyring failed: {type(exc).__name__}: {detail}")


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
        self._selected = _select(backend)
        return self._selected

    def backend(self) -> KeyringBackend:
        """The usable backend; raises :class:`VaultUnavailable` (locked, none, refused)."""
        backend = self._resolve()
        if _is_secret_service(backend):
            problem = _secret_service_problem(backend)
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
                raise _as_unavailable(exc, secrets) from None

    def get(self, account_id: str, user_name: str) -> VaultEntry | None:
        """The stored entry, or None."""
        _check_ids(account_id, user_name)
        backend = self.backend()
        key = f"{account_id}/{user_name}"
        try:
            text = backend.get_password(SERVICE, key)
        except Exception as exc:
            raise _as_unavailable(exc) from None
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
            raise _as_unavailable(exc) from None

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
                raise _as_unavailable(exc) from None
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


# ---------------------------------------------------------------------------------- CSV
@dataclass(frozen=True)
class CsvRow:
    """One line of the console-style credentials CSV. ``repr`` shows no secret."""

    user_name: str
    password: str | None = field(default=None, repr=False)
    access_key_id: str | None = None
    secret_access_key: str | None = field(default=None, repr=False)
    console_login_link: str = ""

    @classmethod
    def from_entry(cls, entry: VaultEntry, console_login_link: str) -> CsvRow:
        return cls(
            user_name=entry.user_name,
            password=entry.password,
            access_key_id=entry.access_key_id,
            secret_access_key=entry.secret_access_key,
            console_login_link=console_login_link,
        )


def _csv_field(column: str, value: str | None, row_number: int) -> str:
    if value is None:
        return ""
    where = f"row {row_number}, column {column!r}"
    if "," in value or '"' in value:
        # `aws configure import --csv` splits on commas and understands no quoting.
        raise ExportError(
            f"cannot write the CSV: {where} contains a comma or a double quote, which "
            "`aws configure import --csv` cannot read; copy that value instead"
        )
    if len(f"x{value}x".splitlines()) != 1:
        raise ExportError(f"cannot write the CSV: {where} contains a line break")
    if column != "Password" and value != value.strip():
        raise ExportError(f"cannot write the CSV: {where} has leading or trailing spaces")
    return value


def csv_text(rows: Sequence[CsvRow]) -> str:
    """The CSV document (header + rows, ``\\n`` line ends). Raises :class:`ExportError`."""
    if not rows:
        raise ExportError("cannot write the CSV: there are no credentials to export")
    lines = [CSV_HEADER]
    for number, row in enumerate(rows, start=1):
        if not row.user_name:
            raise ExportError(f"cannot write the CSV: row {number} has no user name")
        values = (
            ("User name", row.user_name),
            ("Password", row.password),
            ("Access key ID", row.access_key_id),
            ("Secret access key", row.secret_access_key),
            ("Console login link", row.console_login_link),
        )
        lines.append(",".join(_csv_field(col, val, number) for col, val in values))
    return "\n".join(lines) + "\n"


def default_export_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Where credentials CSVs go by default: ``$XDG_DATA_HOME/acct-tui/exports``, else
    ``~/.local/share/acct-tui/exports``. Read when called (never at import); not created."""
    env = os.environ if environ is None else environ
    data = env.get("XDG_DATA_HOME", "")
    base = Path(data) if os.path.isabs(data) else Path.home() / ".local" / "share"
    return base / SERVICE / "exports"


def _absolute_path_dirs() -> str:
    entries = os.environ.get("PATH", os.defpath).split(os.pathsep)
    return os.pathsep.join(e for e in entries if e and os.path.isabs(e))


def git_work_tree_problem(target: Path) -> str | None:
    """Why ``target`` (an absolute path, not yet created) must not be written: it is in a
    git work tree and git does not ignore it, or git cannot say. None when it may be."""
    try:
        parent = target.parent.resolve()
    except OSError:
        return None  # the export itself will say what is wrong with the folder
    top = next((d for d in (parent, *parent.parents) if (d / ".git").exists()), None)
    if top is None:
        return None
    where = f"{target} is inside the git work tree {top}"
    advice = (
        "a credentials file there is one `git add` away from a commit. Choose a folder "
        "outside it, or make git ignore the file (the pattern *_credentials.csv in "
        ".gitignore)"
    )
    git = shutil.which("git", path=_absolute_path_dirs())
    if git is None:
        return f"{where}, and git is not installed to check it is ignored: {advice}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    try:
        result = subprocess.run(
            [git, "-C", str(top), "check-ignore", "-q", "--", str(parent / target.name)],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            env=env,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"{where}, and git could not check it is ignored ({type(exc).__name__}): {advice}"
    if result.returncode == 0:
        return None
    if result.returncode == 1:
        return f"{where} and git does not ignore it: {advice}"
    return f"{where}, and git could not check it is ignored (exit {result.returncode}): {advice}"


def export_csv(
    path: str | os.PathLike[str], rows: Sequence[CsvRow], *, make_dirs: bool = False
) -> Path:
    """Write a new credentials CSV with mode 0600. Never overwrites; never half-writes.

    Returns the absolute path written. ``make_dirs``: create missing folders (mode 0700).
    Raises :class:`ExportError` (with a message naming no secret) when the file exists, the
    path is in a git work tree that does not ignore it, a value cannot be written, or the
    file cannot be created with mode 0600.
    """
    target = Path(os.path.abspath(Path(path).expanduser()))
    text = csv_text(rows)  # validate everything before creating anything
    problem = git_work_tree_problem(target)
    if problem is not None:
        raise ExportError(f"refused: {problem}")
    if make_dirs:
        try:
            target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise ExportError(f"cannot create {target.parent}: {exc.strerror or exc}") from None
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(target, flags, 0o600)
    except FileExistsError:
        raise ExportError(
            f"{target} already exists: acct-tui never overwrites a credentials file; "
            "choose another name"
        ) from None
    except OSError as exc:
        raise ExportError(f"cannot create {target}: {exc.strerror or exc}") from None
    try:
        if os.name != "nt":
            os.fchmod(fd, 0o600)  # the umask can only take bits away; make it exact
            mode = os.fstat(fd).st_mode & 0o777
            if mode != 0o600:
                raise ExportError(f"{target} got mode {mode:o} instead of 600; removed it")
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            fd = -1
            handle.write(text)
    except BaseException as exc:
        if fd >= 0:
            os.close(fd)
        target.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise ExportError(f"cannot write {target}: {exc.strerror or exc}") from None
        raise
    return target
