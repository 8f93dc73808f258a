"""Local hygiene: what acct-tui does to the files, processes and clipboard of its machine.

- ``--log FILE`` refuses, without blocking, what is not a regular file of the person's own
  (a FIFO with no reader used to hang start-up; someone else's file was narrowed to 0600);
- a FIFO at ``~/.config/acct-tui/config.toml`` no longer hangs start-up;
- the running program writes no core file and is not dumpable;
- the native clipboard never gets a secret through a command line (``ps`` shows those).

Start-ups run in child processes with a timeout, so a hang fails a test instead of
hanging the suite.
"""

from __future__ import annotations

import os
import resource
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.processes import processes
from tests.support.tmux import Tmux, acct_tui, terminal_env
from tui.support.clipboard import describe

ROOT = Path(__file__).resolve().parents[2]
START_UP = 30  # seconds: a start-up that has not answered by then is hanging
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"


def run_tui(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full = dict(os.environ, PYTHONPATH=str(ROOT), **(env or {}))
    return subprocess.run(
        [sys.executable, "-m", "tui", *args],
        capture_output=True,
        text=True,
        env=full,
        stdin=subprocess.DEVNULL,
        timeout=START_UP,
    )


# ------------------------------------------------------------------------------ --log FILE
@pytest.mark.secrets
def test_log_refuses_what_is_not_a_regular_file_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "log.fifo"
    os.mkfifo(fifo)
    for target, kind in ((fifo, "FIFO"), (tmp_path, "directory"), (Path(os.devnull), "device")):
        result = run_tui("--log", str(target), "--profile", "nope")
        assert result.returncode == 2, result.stderr
        line = result.stderr.strip()
        assert line.startswith(f"acct-tui: cannot write the log file {target}: it is "), line
        assert kind in line and "not a regular file" in line, line
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


@pytest.mark.secrets
@pytest.mark.skipif(os.geteuid() != 0, reason="chown to another uid needs root")
def test_log_refuses_a_file_of_another_user_and_leaves_it_alone(tmp_path: Path) -> None:
    theirs = tmp_path / "theirs.log"
    theirs.write_text("their own lines\n")
    theirs.chmod(0o644)
    os.chown(theirs, 65534, 65534)
    result = run_tui("--log", str(theirs), "--profile", "nope")
    assert result.returncode == 2, result.stderr
    assert "belongs to another user (uid 65534)" in result.stderr, result.stderr
    info = theirs.stat()
    assert stat.S_IMODE(info.st_mode) == 0o644, "its mode was narrowed"
    assert (info.st_uid, theirs.read_text()) == (65534, "their own lines\n")


@pytest.mark.secrets
def test_log_refuses_a_file_of_yours_that_is_not_an_acct_tui_log(tmp_path: Path) -> None:
    """`--log ~/.aws/credentials` must not append DEBUG lines to it, nor narrow its mode."""
    credentials = tmp_path / "credentials"
    text = "[default]\naws_access_key_id = AKIAEXAMPLE\n"
    credentials.write_text(text)
    credentials.chmod(0o644)
    result = run_tui("--log", str(credentials), "--profile", "nope")
    assert result.returncode == 2, result.stderr
    assert "holds something other than an acct-tui log" in result.stderr, result.stderr
    assert credentials.read_text() == text
    assert stat.S_IMODE(credentials.stat().st_mode) == 0o644
    # A log an earlier --log wrote is appended to.
    log = tmp_path / "acct-tui.log"
    run_tui("--log", str(log), "--profile", "nope")
    first = log.read_text()
    assert first, "the first run wrote its log"
    result = run_tui("--log", str(log), "--profile", "nope")
    assert "holds something other" not in result.stderr, result.stderr
    assert log.read_text().startswith(first) and len(log.read_text()) > len(first)


# ----------------------------------------------------------------------------- config.toml
@pytest.mark.tmux
@pytest.mark.server
def test_a_fifo_as_config_toml_does_not_hang_start_up(tmp_path: Path) -> None:
    """The real app in tmux: it starts, and the notification says the file was ignored."""
    config_home = tmp_path / "cfg"
    (config_home / "acct-tui").mkdir(parents=True)
    os.mkfifo(config_home / "acct-tui" / "config.toml")
    term = Tmux(tmp_path, 120, 30)
    try:
        env = terminal_env(tmp_path / "home")
        env["XDG_CONFIG_HOME"] = str(config_home)
        term.start([*acct_tui(), "--demo"], env)
        term.wait_until(
            lambda screen: "not a regular file; ignored." in _unboxed(screen),
            "the config.toml notification",
            60,
        )
        term.wait_for("Getting started —", 60)
        term.send("Escape")  # q quits only from the main screen
        term.wait_gone("Getting started —", 30)
        term.send("q")
        assert term.exit_status(30) == 0
    finally:
        term.close()


def _unboxed(screen: str) -> str:
    """The screen's text as one line, borders and line ends dropped (wrapped text joins)."""
    return " ".join(line.strip(" ▌▐│╭╮╰╯─") for line in screen.splitlines())


# ----------------------------------------------------------------------------- no core dumps
def test_main_turns_core_dumps_and_dumpability_off() -> None:
    """``tui.cli.main.main`` in a fresh process whose core limit is as high as allowed."""
    probe = (
        "import resource, sys\n"
        "from tui.support.hardening import dumpable\n"
        "from tui.cli.main import main\n"
        "before = (dumpable(), resource.getrlimit(resource.RLIMIT_CORE))\n"
        "try:\n"
        "    main(['--version'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "after = (dumpable(), resource.getrlimit(resource.RLIMIT_CORE))\n"
        "print(repr((before, after)), file=sys.stderr)\n"
    )

    def raise_core_limit() -> None:
        hard = resource.getrlimit(resource.RLIMIT_CORE)[1]
        resource.setrlimit(resource.RLIMIT_CORE, (hard, hard))

    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        timeout=START_UP,
        preexec_fn=raise_core_limit,  # noqa: PLW1509 - no threads in between
    )
    before, after = eval(result.stderr.strip().splitlines()[-1])  # noqa: S307 - our repr
    assert before[0] is True, "a fresh process is dumpable (else this test proves nothing)"
    assert after == (False, (0, 0)), result.stderr


@pytest.fixture
def term(tmp_path: Path) -> Iterator[Tmux]:
    with Tmux(tmp_path, 100, 30) as t:
        yield t


@pytest.mark.tmux
@pytest.mark.server
def test_the_running_app_has_no_core_file_limit_left(term: Tmux, tmp_path: Path) -> None:
    term.start([*acct_tui(), "--demo"], terminal_env(tmp_path))
    term.wait_for("Getting started —", 60)
    pane = term.pane_pid()
    table = processes()
    below = {pane}
    for _ in range(5):
        below |= {pid for pid, (ppid, _) in table.items() if ppid in below}
    app = [
        pid
        for pid in below
        if "bin/acct-tui" in table[pid][1] or table[pid][1].endswith("-m tui --demo")
    ]
    app = [pid for pid in app if not table[pid][1].startswith(("bash", "env"))]
    assert len(app) == 1, {pid: table[pid] for pid in below}
    limits = Path(f"/proc/{app[0]}/limits").read_text()
    line = next(x for x in limits.splitlines() if x.startswith("Max core file size"))
    assert line.split()[4:6] == ["0", "0"], line
    term.send("Escape")  # q quits only from the main screen
    term.wait_gone("Getting started —", 30)
    term.send("q")
    assert term.exit_status(30) == 0


# ------------------------------------------------------------------------------ clipboard
def _fake(directory: Path, name: str, log: Path) -> None:
    """An executable that appends its argv and its stdin to ``log``."""
    path = directory / name
    path.write_text(
        f"#!{sys.executable}\n"
        "import json, sys\n"
        "data = sys.stdin.read() if not sys.stdin.isatty() else ''\n"
        f"with open({str(log)!r}, 'a') as f:\n"
        "    f.write(json.dumps({'argv': sys.argv, 'stdin': data}) + '\\n')\n"
    )
    path.chmod(0o755)


def _copy_in_child(tmp_path: Path, path: Path) -> str:
    """``copy_native(SECRET)`` in a fresh process (pyperclip caches its choice) on an X
    display with only ``path`` on PATH; its answer."""
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            f"from tui.support.clipboard import copy_native; print(copy_native({SECRET!r}))",
        ],
        capture_output=True,
        text=True,
        env={"PATH": str(path), "DISPLAY": ":99", "PYTHONPATH": str(ROOT), "HOME": str(tmp_path)},
        stdin=subprocess.DEVNULL,
        timeout=START_UP,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_native_clipboard_gets_a_secret_on_stdin_only(tmp_path: Path) -> None:
    """With xclip: on its stdin, never in its argv. KDE with neither xclip nor xsel:
    pyperclip passed the text to ``qdbus`` as an argument; that clipboard is not used at
    all now (OSC 52 still copies)."""
    import json

    for programs, copied in ((("xclip", "qdbus", "klipper"), "True"), (("qdbus", "klipper"), "")):
        bin_dir = tmp_path / "-".join(programs)
        bin_dir.mkdir()
        log = bin_dir / "calls.jsonl"
        for name in programs:
            _fake(bin_dir, name, log)
        answer = _copy_in_child(tmp_path, bin_dir)
        calls = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
        for call in calls:
            assert all(SECRET not in arg for arg in call["argv"]), f"on a command line: {call}"
        if copied:
            assert answer == "True"
            assert [Path(c["argv"][0]).name for c in calls] == ["xclip"], calls
            assert calls[0]["stdin"] == SECRET
        else:
            assert (answer, calls) == ("False", []), calls


def test_the_clipboard_program_inherits_no_aws_secret(tmp_path: Path) -> None:
    """xclip forks and serves the selection long after acct-tui quits, and unlike
    acct-tui it is dumpable: the person's AWS keys and session token in its environment
    were readable in /proc/PID/environ. It gets what it needs to reach the display only."""
    import json

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = bin_dir / "env.jsonl"
    (bin_dir / "xclip").write_text(
        f"#!{sys.executable}\n"
        "import json, os, sys\n"
        "sys.stdin.read()\n"
        f"open({str(log)!r}, 'a').write(json.dumps(dict(os.environ)) + '\\n')\n"
    )
    (bin_dir / "xclip").chmod(0o755)
    person = {
        "AWS_ACCESS_KEY_ID": "AKIAPERSONEXAMPLE123",
        "AWS_SECRET_ACCESS_KEY": "pErSoNsEcReT/kEy+0123456789abcdefABCDEF",
        "AWS_SESSION_TOKEN": "FwoGZXIvYXdzEXAMPLEsessionTOKENvalue0123456789",
    }
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from tui.support.clipboard import copy_native; print(copy_native('x'))",
        ],
        capture_output=True,
        text=True,
        env={
            "PATH": str(bin_dir),
            "DISPLAY": ":99",
            "XAUTHORITY": str(tmp_path / ".Xauthority"),
            "PYTHONPATH": str(ROOT),
            "HOME": str(tmp_path),
            **person,
        },
        stdin=subprocess.DEVNULL,
        timeout=START_UP,
    )
    assert result.stdout.strip() == "True", result.stderr
    env = json.loads(log.read_text().splitlines()[0])
    assert env.get("DISPLAY") == ":99" and env.get("XAUTHORITY")  # it can still reach X
    leaked = sorted(k for k, v in env.items() if v in person.values())
    assert not leaked, f"the clipboard program got {leaked}"


def test_the_copy_notification_says_tmux_keeps_a_paste_buffer() -> None:
    for native in (True, False):
        text = describe("secret key", native=native, in_tmux=True)
        assert "paste buffer" in text and "`tmux delete-buffer`" in text, text
        assert "paste buffer" not in describe("secret key", native=native, in_tmux=False)
