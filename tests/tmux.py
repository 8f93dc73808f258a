"""A real terminal for tests: a private tmux server, keys in, screen text out."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import time
import uuid
from pathlib import Path


class Tmux:
    """One tmux server on its own socket (``-L``), killed by :meth:`close`."""

    def __init__(self, tmp: Path, width: int = 80, height: int = 24) -> None:
        if shutil.which("tmux") is None:
            raise RuntimeError("tmux is not installed (.ci/run installs it)")
        self.socket = f"acct-tui-test-{uuid.uuid4().hex[:8]}"
        self.width, self.height = width, height
        self.tmp = tmp
        conf = tmp / "tmux.conf"
        conf.write_text("set -g set-clipboard on\nset -g default-terminal xterm-256color\n")
        self.conf = conf

    def tmux(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", "-L", self.socket, "-f", str(self.conf), *args],
            capture_output=True,
            text=True,
            timeout=20,
        )
        if result.returncode != 0:
            raise RuntimeError(f"tmux {args[0]} failed: {result.stderr.strip()}")
        return result.stdout

    def start(self, command: list[str], env: dict[str, str]) -> None:
        """Run ``command`` in a new session; its exit status lands in ``exit-status``."""
        status = self.tmp / "exit-status"
        line = " ".join(shlex.quote(c) for c in command)
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        # COLUMNS/LINES can reach the pane's environment (seen when tmux is started under
        # pytest: 80/24); shutil.get_terminal_size() prefers them to the terminal, which
        # pinned the app at 80×24 whatever the pane's size, and through every resize.
        script = (
            f"env -u COLUMNS -u LINES {exports} {line}; "
            f"echo $? > {shlex.quote(str(status))}; sleep 30"
        )
        self.tmux(
            "new-session",
            "-d",
            "-s",
            "t",
            "-x",
            str(self.width),
            "-y",
            str(self.height),
            "bash",
            "-c",
            script,
        )

    def send(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "t", *keys)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "t")

    def wait_for(self, text: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{text!r} did not appear within {timeout} s; screen:\n{screen}")

    def exit_status(self, timeout: float = 20.0) -> int:
        status = self.tmp / "exit-status"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if status.exists() and status.read_text().strip():
                return int(status.read_text())
            time.sleep(0.1)
        raise AssertionError(f"the program did not exit; screen:\n{self.screen()}")

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, timeout=10)


def terminal_env(home: Path) -> dict[str, str]:
    """Environment for a program under tmux: a real TERM, no developer AWS set-up."""
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "PYTHONPATH")}
    keep.update(TERM="xterm-256color", HOME=str(home), LANG=os.environ.get("LANG", "C.UTF-8"))
    return keep
