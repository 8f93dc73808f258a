"""The demo account: a seeded moto_server child process, and the parent's handle on it.

Importing this package imports neither moto nor boto3 (``import moto`` alone costs ~350 ms
and only ``--demo`` and the tests need it): the server runs in a child process,
``python -m tui.demo.server``, and this module only spawns it and reads its JSON line.

    with DemoServer() as demo:
        endpoint = demo.start()
        ...  # boto3 clients with endpoint_url=endpoint.endpoint_url and its credentials
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import selectors
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Any

__all__ = ["DemoEndpoint", "DemoServer", "DemoServerError", "child_environment"]


@dataclass(frozen=True)
class DemoEndpoint:
    """Where the demo account is served and the credentials to sign calls with."""

    endpoint_url: str
    access_key_id: str
    secret_access_key: str
    account_id: str
    region: str
    #: Whether the demo account manages a seeded organization (``start(org=...)``).
    organization: bool = False
    #: The organization's member accounts: (name, account id), in seeding order.
    members: tuple[tuple[str, str], ...] = ()
    #: How long seeding the organization took, in seconds (0 without one).
    org_seed_seconds: float = 0.0

    def member_id(self, name: str) -> str:
        """The account id of the member account called ``name`` (KeyError if none)."""
        return dict(self.members)[name]


class DemoServerError(RuntimeError):
    """The demo server could not be started (the message carries its log's tail)."""


# What the child keeps of this process's environment: how to run Python and find its
# files, the locale and time zone. Nothing else, and never an ``AWS_*`` variable: the
# person's keys, profile, session token or config file names are not the demo's business
# (and a child's initial environment is readable in /proc/PID/environ).
_CHILD_KEEPS = frozenset(
    {"PATH", "HOME", "LANG", "LANGUAGE", "TZ", "TMPDIR", "TEMP", "TMP", "PYTHONHOME"}
    | {"SYSTEMROOT", "SYSTEMDRIVE", "WINDIR", "COMSPEC"}  # Windows needs these to start
)


def child_environment(parent: Mapping[str, str]) -> dict[str, str]:
    """The demo server's whole environment, built from ``parent`` by an allow-list.

    The child signs its own seeding calls with moto's fake keys, and reads no AWS config
    file, shared credentials file or instance metadata.
    """
    env = {k: v for k, v in parent.items() if k in _CHILD_KEEPS or k.startswith("LC_")}
    # The child must find this very package even when run from another directory.
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, parent.get("PYTHONPATH", "")) if p)
    env["PYTHONUNBUFFERED"] = "1"
    env.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
    )
    return env


class DemoServer:
    """Owns one ``tui.demo.server`` child process.

    ``start()`` spawns it and returns its :class:`DemoEndpoint`; ``stop()`` (also run at
    interpreter exit, and by the context manager) ends it. The child watches its stdin and
    exits at EOF, so it dies with this process even on a crash or SIGKILL.
    """

    def __init__(self, log_path: str | os.PathLike[str] | None = None) -> None:
        # The child's stderr goes to ``log_path`` when given (kept afterwards, for
        # debugging), else to an anonymous temporary file that vanishes with its last
        # descriptor: nothing is left on disk even if this process is killed.
        self._log_path = None if log_path is None else Path(log_path)
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._lock = threading.Lock()
        self.endpoint: DemoEndpoint | None = None

    # ------------------------------------------------------------------ API
    @property
    def pid(self) -> int | None:
        """The child's PID while it runs."""
        return None if self._proc is None else self._proc.pid

    @property
    def log_path(self) -> Path | None:
        """Where the child's stderr goes, if a path was given."""
        return self._log_path

    @property
    def running(self) -> bool:
        """Whether the child is alive."""
        return self._proc is not None and self._proc.poll() is None

    def start(
        self,
        seed: bool = True,
        region_delay: float = 20.0,
        extra_regions: int = 0,
        initial_no_auth_action_count: int | None = None,
        timeout: float = 60,
        port: int = 0,
        frozen_at: datetime | None = None,
        org: bool = False,
        org_members: int | None = None,
    ) -> DemoEndpoint:
        """Spawn the server and wait (at most ``timeout`` s) for its endpoint.

        ``frozen_at`` (aware) makes the account reproducible, for screenshots: the IAM
        clock stands still at that instant, ids come from a fixed random seed and virtual
        MFA seeds are a fixed fake (see :mod:`tui.demo.frozen`).

        ``org`` makes the demo account the management account of an organization whose
        member accounts are in different states; ``org_members`` adds that many plain
        member accounts (see :mod:`tui.demo.org_seed`). Both need ``seed``.
        """
        cmd = _server_command(
            seed, region_delay, extra_regions, initial_no_auth_action_count, port, frozen_at
        )
        if org:
            cmd.append("--org")
        if org_members is not None:
            cmd += ["--org-members", str(int(org_members))]
        with self._lock:
            if self._proc is not None:
                raise DemoServerError("this DemoServer has already been started")
            self._spawn(cmd)
        try:
            self.endpoint = _endpoint_from(self._read_line(timeout))
        except BaseException as exc:
            self._end_process()
            tail = self.log_tail()
            self.stop()
            if isinstance(exc, DemoServerError):
                raise DemoServerError(f"{exc}\n{tail}".rstrip()) from None
            if isinstance(exc, (ValueError, KeyError, TypeError)):
                raise DemoServerError(
                    f"demo server sent an unreadable start-up line ({exc!r})\n{tail}".rstrip()
                ) from exc
            raise
        return self.endpoint

    def stop(self, timeout: float = 5.0) -> None:
        """End the child (stdin EOF, then SIGTERM, then SIGKILL). Safe to call repeatedly."""
        self._end_process(timeout)
        with self._lock:
            log, self._log = self._log, None
        if log is not None:
            with contextlib.suppress(OSError):
                log.close()
        atexit.unregister(self.stop)

    def _end_process(self, timeout: float = 5.0) -> None:
        with self._lock:
            proc, self._proc = self._proc, None
        if proc is not None:
            # EOF on stdin is the child's own shutdown path; signal only the PID we
            # spawned, never a group or a name.
            with contextlib.suppress(OSError, ValueError):
                if proc.stdin is not None:
                    proc.stdin.close()
            try:
                proc.wait(timeout=min(timeout, 2.0))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    proc.terminate()
                try:
                    proc.wait(timeout=timeout)
                except subprocess.TimeoutExpired:
                    with contextlib.suppress(ProcessLookupError):
                        proc.kill()
                    proc.wait()
            if proc.stdout is not None:
                with contextlib.suppress(OSError):
                    proc.stdout.close()

    def log_tail(self, max_bytes: int = 4000) -> str:
        """The end of the child's stderr log (for error messages); "" once stopped."""
        log = self._log
        if log is None:
            return ""
        try:
            fd = log.fileno()
            size = os.fstat(fd).st_size
            data = os.pread(fd, max_bytes, max(0, size - max_bytes))
        except (OSError, ValueError):
            return ""
        return data.decode("utf-8", "replace").strip()

    def __enter__(self) -> DemoServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # ------------------------------------------------------------ internals
    def _spawn(self, cmd: list[str]) -> None:
        # Caller holds the lock. The log and the pipes stay open for the child's whole
        # life and are closed in stop().
        if self._log_path is None:
            self._log = tempfile.TemporaryFile(prefix="acct-tui-demo-", suffix=".log")  # noqa: SIM115
        else:
            self._log = open(self._log_path, "w+b")  # noqa: SIM115
        env = child_environment(os.environ)
        self._proc = subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            env=env,
            close_fds=True,
            # Its own session: terminal signals (Ctrl-C, Ctrl-Z, SIGHUP from a closing
            # SSH/tmux pane) go to the app, which then ends the child deliberately.
            start_new_session=True,
        )
        atexit.register(self.stop)

    def _read_line(self, timeout: float) -> str:
        proc = self._proc
        assert proc is not None and proc.stdout is not None
        stream = proc.stdout
        deadline = time.monotonic() + timeout
        buffer = b""
        # Read the raw fd through a selector: a blocking readline() could not honour the
        # timeout if the child hangs before printing anything.
        with selectors.DefaultSelector() as selector:
            selector.register(stream, selectors.EVENT_READ)
            while b"\n" not in buffer:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise DemoServerError(
                        f"demo server did not start within {timeout:g} s (pid {proc.pid})"
                    )
                if not selector.select(remaining):
                    continue
                chunk = os.read(stream.fileno(), 65536)
                if not chunk:
                    code = proc.wait()
                    raise DemoServerError(f"demo server exited with status {code} before starting")
                buffer += chunk
        return buffer.split(b"\n", 1)[0].decode("utf-8")


def _server_command(
    seed: bool,
    region_delay: float,
    extra_regions: int,
    initial_no_auth_action_count: int | None,
    port: int,
    frozen_at: datetime | None,
) -> list[str]:
    """The ``python -m tui.demo.server`` command line for :meth:`DemoServer.start`."""
    cmd = [
        sys.executable,
        "-m",
        "tui.demo.server",
        "--port",
        str(port),
        "--region-delay",
        repr(float(region_delay)),
        "--extra-regions",
        str(int(extra_regions)),
    ]
    if not seed:
        cmd.append("--no-seed")
    if frozen_at is not None:
        cmd += ["--frozen-at", frozen_at.isoformat()]
    if initial_no_auth_action_count is not None:
        cmd += ["--initial-no-auth-action-count", str(int(initial_no_auth_action_count))]
    return cmd


def _endpoint_from(line: str) -> DemoEndpoint:
    """The endpoint in the child's start-up JSON line (ValueError/KeyError/TypeError if not)."""
    data: dict[str, Any] = json.loads(line)
    return DemoEndpoint(
        endpoint_url=str(data["endpoint_url"]),
        access_key_id=str(data["access_key_id"]),
        secret_access_key=str(data["secret_access_key"]),
        account_id=str(data["account_id"]),
        region=str(data["region"]),
        organization=bool(data.get("organization", False)),
        members=tuple((str(k), str(v)) for k, v in dict(data.get("members") or {}).items()),
        org_seed_seconds=float(data.get("org_seed_seconds") or 0.0),
    )
