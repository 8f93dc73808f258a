"""A keyring backend that writes down everything stored in it, for tests that must prove
acct-tui left "the person's real keyring" alone.

Selected in a child process with ``PYTHON_KEYRING_BACKEND=tests.support.spy_keyring.SpyKeyring``;
it keeps its entries (and so every write) in the JSON file named by ``ACCT_TUI_SPY_KEYRING``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

SPY_FILE_ENV = "ACCT_TUI_SPY_KEYRING"


class SpyKeyring(KeyringBackend):
    """Entries in a JSON file: {"service/username": password}; acceptable to Vault."""

    priority = 1

    @staticmethod
    def _path() -> Path:
        return Path(os.environ[SPY_FILE_ENV])

    def _load(self) -> dict[str, str]:
        try:
            data: dict[str, str] = json.loads(self._path().read_text())
        except FileNotFoundError:
            return {}
        return data

    def _dump(self, data: dict[str, str]) -> None:
        self._path().write_text(json.dumps(data))

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data[f"{service}/{username}"] = password
        self._dump(data)

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        if data.pop(f"{service}/{username}", None) is None:
            raise PasswordDeleteError("no such entry")
        self._dump(data)


# Never a candidate for keyring's own choice in a process that merely imports this module.
KeyringBackend._classes.discard(SpyKeyring)
