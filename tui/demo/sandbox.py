"""The demo's sandbox: where ``--demo`` keeps what a real run would keep in the person's
keyring and AWS config.

The demo's credentials are fake, but the flows that keep them are the real ones: the
credentials screen saves a new user's keys to a keyring and ``p`` appends an AWS CLI
profile. In the demo both go here instead: a keyring held in this process's memory, and a
private temporary directory (mode 0700) for the AWS config file (and the default place of
an exported CSV). :meth:`DemoSandbox.close` removes the directory; it also runs at
interpreter exit and, once :meth:`DemoSandbox.close_on_signals` is called, when SIGTERM or
SIGHUP (``kill``, a closing terminal, SSH session or tmux pane) ends the process, which
skips interpreter exit. Nothing of the person's keyring, ``~/.aws`` or home directory is read or
written by these flows, and the process's own AWS SDK sees none of the person's AWS
set-up (:meth:`DemoSandbox.isolate`).
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import signal
import tempfile
from collections.abc import MutableMapping
from pathlib import Path
from types import FrameType
from typing import Any

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

from tui.support.vault import Vault

__all__ = ["DemoKeyring", "DemoSandbox"]


class DemoKeyring(KeyringBackend):
    """A keyring in this process's memory: what the demo "saves" is gone at exit."""

    priority = 1  # acceptable to Vault; kept out of keyring's own choice below

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self._store.pop((service, username), None) is None:
            raise PasswordDeleteError("no such entry")

    def clear(self) -> None:
        self._store.clear()


# keyring registers every concrete backend class it sees and may pick the one with the
# highest priority as *the* keyring of a process: this one must never be chosen that way.
KeyringBackend._classes.discard(DemoKeyring)


class DemoSandbox:
    """One demo run's throw-away keyring and directory (see the module docstring)."""

    def __init__(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="acct-tui-demo-"))
        self.aws_config_file = self.directory / "aws-config"
        self.aws_credentials_file = self.directory / "aws-credentials"  # never written
        self.keyring = DemoKeyring()
        self.vault = Vault(self.keyring)
        atexit.register(self.close)

    def isolate(self, environ: MutableMapping[str, str]) -> None:
        """Hide the person's AWS set-up from this process (botocore, the profile writer).

        The demo signs with its own keys, but botocore would still read ``AWS_PROFILE`` and
        the person's config files (a profile named there and missing from them stops every
        call), and the profile writer's defaults are those files. Every ``AWS_*`` variable
        goes; the config and credentials files become the sandbox's.
        """
        for name in [n for n in environ if n.startswith("AWS_")]:
            del environ[name]
        environ["AWS_CONFIG_FILE"] = str(self.aws_config_file)
        environ["AWS_SHARED_CREDENTIALS_FILE"] = str(self.aws_credentials_file)
        environ["AWS_EC2_METADATA_DISABLED"] = "true"

    def close_on_signals(self) -> None:
        """Remove the directory when SIGTERM or SIGHUP ends the process, then let the
        signal do what it would have done. Call from the main thread; a signal that is
        ignored (``nohup``) stays ignored."""
        for name in ("SIGTERM", "SIGHUP"):
            signum = getattr(signal, name, None)
            if signum is None:  # (Windows has no SIGHUP)
                continue
            previous = signal.getsignal(signum)
            if previous is signal.SIG_IGN:
                continue
            signal.signal(signum, functools.partial(self._on_signal, previous))

    def _on_signal(self, previous: Any, signum: int, frame: FrameType | None) -> None:
        self.close()
        if callable(previous):
            previous(signum, frame)
            return
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    def close(self) -> None:
        """Forget the keyring's entries and remove the directory. Safe to call again."""
        self.keyring.clear()
        shutil.rmtree(self.directory, ignore_errors=True)
        atexit.unregister(self.close)
