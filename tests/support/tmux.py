"""A real terminal for tests: a private tmux server, keys in, screen text out."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
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

    def __enter__(self) -> Tmux:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

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
        """Keys by tmux name (``Enter``, ``C-s``, ``Escape``, ``a``)."""
        self.tmux("send-keys", "-t", "t", *keys)

    def type(self, text: str) -> None:
        """``text`` literally, character by character, as a user types it."""
        self.tmux("send-keys", "-t", "t", "-l", text)

    def screen(self, history: bool = False) -> str:
        """The visible screen; with ``history``, everything scrolled off above it too."""
        return self.tmux("capture-pane", "-p", "-t", "t", *(("-S", "-") if history else ()))

    def focused(self, label: str) -> bool:
        """Whether the first line showing ``label`` draws it bold, as Textual draws the
        label of the focused toggle or option (``$block-cursor-text-style``)."""
        raw = self.tmux("capture-pane", "-p", "-e", "-t", "t")
        for line in raw.splitlines():
            text, bold = _plain_with_bold(line)
            at = text.find(label)
            if at >= 0:
                return all(bold[at : at + len(label)])
        return False

    def wait_focused(self, label: str, timeout: float = 30.0) -> None:
        """Wait until ``label`` is drawn as focused (see :meth:`focused`)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.focused(label):
                return
            time.sleep(0.2)
        raise AssertionError(f"{label!r} not focused within {timeout} s:\n{self.screen()}")

    def buffer(self) -> str:
        """tmux's newest paste buffer (where OSC 52 lands with ``set-clipboard on``)."""
        return self.tmux("show-buffer")

    def wait_for(self, text: str, timeout: float = 30.0) -> str:
        return self.wait_until(lambda screen: text in screen, repr(text), timeout)

    def wait_line(self, *parts: str, timeout: float = 30.0) -> str:
        """Wait for one screen line holding every one of ``parts``; returns that line."""
        found: list[str] = []

        def has_line(screen: str) -> bool:
            found[:] = [line for line in screen.splitlines() if all(p in line for p in parts)]
            return bool(found)

        self.wait_until(has_line, f"a line with {parts!r}", timeout)
        return found[0]

    def wait_gone(self, text: str, timeout: float = 30.0) -> str:
        return self.wait_until(lambda screen: text not in screen, f"{text!r} gone", timeout)

    def wait_until(self, check: Callable[[str], bool], what: str, timeout: float = 30.0) -> str:
        """Poll the screen until ``check(screen)`` holds; fail with the last screen."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if check(screen):
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{what} did not appear within {timeout} s; screen:\n{screen}")

    def wait_footer(self, *, has: str, lacks: str = "", timeout: float = 60.0) -> None:
        """Wait for the footer (the bindings of the focused widget) to show ``has``.

        This is how a test knows where focus is before typing on: ``n New user`` means the
        Users table, and ``q Quit`` disappears while a text field has focus (it would take
        the ``q``). Textual moves focus after the keys already queued, so typing on blindly
        can send a key to the widget that had focus before.
        """

        def shown(screen: str) -> bool:
            footer = screen.rstrip("\n").rsplit("\n", 1)[-1]
            return has in footer and not (lacks and lacks in footer)

        what = f"footer with {has!r}" + (f" without {lacks!r}" if lacks else "")
        self.wait_until(shown, what, timeout)

    def pane_pid(self) -> int:
        """The process id of the pane's shell (acct-tui runs below it)."""
        return int(self.tmux("display-message", "-p", "-t", "t", "#{pane_pid}"))

    def exit_status(self, timeout: float = 20.0) -> int:
        status = self.tmp / "exit-status"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if status.exists() and status.read_text().strip():
                return int(status.read_text())
            time.sleep(0.1)
        raise AssertionError(
            f"hung: the program did not exit in {timeout} s; screen:\n{self.screen()}"
        )

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, timeout=10)


ROOT = Path(__file__).resolve().parents[2]


def acct_tui() -> list[str]:
    """How a user starts acct-tui: the installed console script (else ``python -m tui``)."""
    script = Path(sys.executable).with_name("acct-tui")
    return [str(script)] if script.exists() else [sys.executable, "-m", "tui"]


def terminal_env(home: Path) -> dict[str, str]:
    """Environment for a program under tmux: a real TERM, no developer AWS set-up, and
    this checkout importable (``--demo`` starts ``python -m tui.demo.server``)."""
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "PYTHONPATH")}
    keep.update(TERM="xterm-256color", HOME=str(home), LANG=os.environ.get("LANG", "C.UTF-8"))
    keep["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), keep.get("PYTHONPATH")) if p)
    return keep


def acct_tui_env(
    home: Path, access_key_id: str = "testing", secret_access_key: str = "testing"
) -> dict[str, str]:
    """:func:`terminal_env` for acct-tui against a test server: these fake keys, and no
    AWS config file or instance metadata to fall back on."""
    env = terminal_env(home)
    env.update(
        AWS_ACCESS_KEY_ID=access_key_id,
        AWS_SECRET_ACCESS_KEY=secret_access_key,
        AWS_CONFIG_FILE=str(home / "none"),
        AWS_SHARED_CREDENTIALS_FILE=str(home / "none"),
        AWS_EC2_METADATA_DISABLED="true",
    )
    return env


_SGR = re.compile(r"\x1b\[([0-9;]*)m")


def _plain_with_bold(line: str) -> tuple[str, list[bool]]:
    """A ``capture-pane -e`` line as its text and, per character, whether it is bold."""
    text: list[str] = []
    bold: list[bool] = []
    on = False
    pos = 0
    for match in _SGR.finditer(line):
        chunk = line[pos : match.start()]
        text.append(chunk)
        bold.extend([on] * len(chunk))
        for code in (match.group(1) or "0").split(";"):
            if code in ("0", ""):
                on = False
            elif code == "1":
                on = True
            elif code == "22":
                on = False
        pos = match.end()
    chunk = line[pos:]
    text.append(chunk)
    bold.extend([on] * len(chunk))
    return "".join(text), bold
