"""Keyring stand-ins for tests, and fresh vault entries.

Real keyrings are tested against a real Secret Service (the ``real_keyring`` fixture);
these stand in for what cannot be produced for real here: a plain in-memory store, a
locked collection, a plaintext file backend, a getpass-prompting backend, an unviable
backend and a fixed chain of them. None of them is in keyring's registry, so keyring's
own auto-detection in this process never picks one.
"""

from __future__ import annotations

import secrets
from typing import Any, ClassVar

from keyring.backend import KeyringBackend
from keyring.backends import chainer
from keyring.compat import properties
from keyring.errors import KeyringLocked

from tui.demo.sandbox import DemoKeyring
from tui.support.vault import VaultEntry


# ----------------------------------------------------------------------- stand-in backends
def unregistered(cls: Any) -> Any:
    """Keep a test backend out of keyring's registry (and so out of its auto-detection)."""
    KeyringBackend._classes.discard(cls)
    return cls


@unregistered
class MemoryKeyring(DemoKeyring):
    """The demo's keyring in memory (a dict, with an acceptable priority), its entries in
    view as :attr:`store`."""

    @property
    def store(self) -> dict[tuple[str, str], str]:
        return self._store


@unregistered
class LockedKeyring(MemoryKeyring):
    """What keyring's backends raise when the unlock prompt is dismissed or impossible."""

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked("Failed to unlock the collection!")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringLocked("Failed to unlock the collection!")


@unregistered
class PlaintextKeyring(MemoryKeyring):
    """Stands in for keyrings.alt.file.PlaintextKeyring (same module, name, priority)."""

    priority = 0.5


PlaintextKeyring.__module__ = "keyrings.alt.file"


@unregistered
class CryptFileKeyring(MemoryKeyring):
    """Stands in for keyrings.cryptfile, which asks for a password with getpass on stdin."""

    priority = 2.5

    def get_password(self, service: str, username: str) -> str | None:
        raise AssertionError("a getpass-prompting backend was used")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise AssertionError("a getpass-prompting backend was used")


CryptFileKeyring.__module__ = "keyrings.cryptfile.cryptfile"


@unregistered
class UnviableKeyring(MemoryKeyring):
    """A backend whose priority says 'not here' (as SecretService does without D-Bus)."""

    @properties.classproperty
    def priority(cls) -> float:
        raise RuntimeError("The Secret Service daemon is neither running nor activatable")


def chain_of(*chained: KeyringBackend) -> chainer.ChainerBackend:
    """A keyring ChainerBackend over exactly these backends (highest priority first)."""

    @unregistered
    class FixedChainer(chainer.ChainerBackend):
        backends: ClassVar[list[KeyringBackend]] = list(chained)

    return FixedChainer()


# -------------------------------------------------------------------------------- helpers
def new_account() -> str:
    """A fresh 12-digit account id, so tests sharing one keyring never collide."""
    return str(10**11 + secrets.randbelow(9 * 10**11))


def new_entry(account: str, user: str = "alice", *, password: bool = True) -> VaultEntry:
    return VaultEntry(
        account_id=account,
        user_name=user,
        access_key_id="AKIA" + secrets.token_hex(8).upper(),
        secret_access_key="sk/" + secrets.token_urlsafe(30),
        password=("Pw-" + secrets.token_urlsafe(12)) if password else None,
    )
