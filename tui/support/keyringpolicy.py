"""Which OS keyring backend may hold acct-tui's secrets, and the errors that say why not.

Only an operating-system keyring is used (Secret Service — gnome-keyring, KeePassXC,
KWallet — on Linux, the macOS Keychain, the Windows Credential Manager). Refused, with a
:class:`VaultUnavailable` that says why and how to fix it: keyring's ``fail`` and ``null``
backends, a chainer with nothing usable in it, plaintext/file/encrypted-file backends
(keyrings.alt, keyrings.cryptfile: the latter prompts with getpass on stdin, which must
never happen under the TUI), and a locked Secret Service collection. The lock is detected
*before* keyring touches the collection, because keyring's SecretService backend answers a
locked collection by asking the daemon for an unlock prompt (a GUI dialog on a desktop, a
blocked call until someone answers it).

No Textual, Rich or boto3 (``acct-tui credentials get`` runs it as a ``credential_process``);
keyring and secretstorage are imported when a backend is checked, not at import.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import closing
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

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


# ------------------------------------------------------------------------------ errors
class VaultError(Exception):
    """A keyring entry or CSV file could not be read or written."""


class VaultUnavailable(VaultError):
    """No usable OS keyring: ``reason`` says why, ``how_to_fix`` what to do. No secrets."""

    def __init__(self, reason: str, how_to_fix: str = HOW_TO_FIX) -> None:
        super().__init__(f"{reason}. {how_to_fix}")
        self.reason = reason
        self.how_to_fix = how_to_fix


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


def select_backend(backend: KeyringBackend) -> KeyringBackend:
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


def unlock_problem(backend: KeyringBackend) -> VaultUnavailable | None:
    """Why a Secret Service ``backend`` cannot be used right now (locked, no collection,
    unreachable), found without asking for an unlock prompt; None for any other backend."""
    return _secret_service_problem(backend) if _is_secret_service(backend) else None


def _scrub(text: str, secrets: Sequence[str | None]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def as_unavailable(exc: Exception, secrets: Sequence[str | None] = ()) -> VaultUnavailable:
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
