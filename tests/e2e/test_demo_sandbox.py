"""``--demo`` is a sandbox: the installed ``acct-tui --demo`` in a real terminal, run by a
person whose HOME holds a real-looking AWS set-up and whose shell exports AWS_* variables.

Creating a user with an access key saves its keys (the credentials screen), ``p`` adds
an AWS CLI profile and ``e`` exports the CSV to its default place. Afterwards HOME is
byte-identical, the person's keyring (a recording backend, selected with
PYTHON_KEYRING_BACKEND as a real one would be) received nothing, the demo's throw-away
directory is gone, and the moto child never had the parent's AWS_* variables in its
environment (read from /proc/PID/environ while it ran).
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.processes import alive, demo_child_of
from tests.support.spy_keyring import SPY_FILE_ENV
from tests.support.tmux import Tmux, acct_tui, terminal_env

pytestmark = [pytest.mark.tmux, pytest.mark.server]

WAIT = 60.0
USER = "sandy"

PARENT_AWS = {
    "AWS_ACCESS_KEY_ID": "AKIAPARENTSHELLKEY01",
    "AWS_SECRET_ACCESS_KEY": "parentShellSecret/0123456789abcdefghijklmnopq",
    "AWS_SESSION_TOKEN": "parentShellSessionToken0123456789",
    "AWS_PROFILE": "work",
    "AWS_DEFAULT_REGION": "eu-west-1",
    "AWS_CA_BUNDLE": "/etc/ssl/certs/ca-certificates.crt",
}

AWS_CONFIG = """\
[default]
region = eu-west-1
output = json

[profile work]
region = eu-central-1
credential_process = /usr/local/bin/work-credentials --account 210987654321
"""

AWS_CREDENTIALS = """\
[default]
aws_access_key_id = AKIAPERSONDEFAULT001
aws_secret_access_key = personDefaultSecret/0123456789abcdefghijklmn
"""


def tree_digest(root: Path) -> dict[str, tuple[str, int, str]]:
    """Every path under ``root``: its kind, mode and (for files) content hash."""
    found: dict[str, tuple[str, int, str]] = {}
    for path in sorted(root.rglob("*")):
        info = path.lstat()
        rel = str(path.relative_to(root))
        if stat.S_ISREG(info.st_mode):
            found[rel] = ("file", info.st_mode, hashlib.sha256(path.read_bytes()).hexdigest())
        else:
            found[rel] = ("other", info.st_mode, "")
    return found


def environ_of(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes()
    pairs = (item.split(b"=", 1) for item in raw.split(b"\0") if b"=" in item)
    return {k.decode(errors="replace"): v.decode(errors="replace") for k, v in pairs}


@pytest.fixture
def term(tmp_path: Path) -> Iterator[Tmux]:
    with Tmux(tmp_path, 120, 40) as t:
        yield t


def test_child_environment_keeps_no_aws_variable_of_the_parent() -> None:
    from tui.demo import child_environment

    parent = {**PARENT_AWS, "PATH": "/usr/bin", "AWS_CONFIG_FILE": "/home/p/.aws/config"}
    env = child_environment(parent)
    assert env["PATH"] == "/usr/bin"
    for name, value in parent.items():
        if name.startswith("AWS_"):
            assert env.get(name) != value, name
    assert "AWS_PROFILE" not in env and "AWS_SESSION_TOKEN" not in env


def test_demo_leaves_home_keyring_and_aws_config_alone(
    term: Tmux, tmp_path: Path, short_tmp_path: Path
) -> None:
    home = tmp_path / "home"
    (home / ".aws").mkdir(parents=True)
    (home / ".aws" / "config").write_text(AWS_CONFIG)
    (home / ".aws" / "credentials").write_text(AWS_CREDENTIALS)
    (home / ".aws" / "credentials").chmod(0o600)
    (home / ".bashrc").write_text("export EDITOR=vi\n")
    before = tree_digest(home)
    # The run's TMPDIR, where the throw-away directory goes: a short path, so that the note
    # naming it fits one line on screen.
    scratch = short_tmp_path
    spy = tmp_path / "person-keyring.json"  # the person's keyring, outside HOME

    parent_aws = {
        **PARENT_AWS,
        # (also keeps out the test runner's own AWS_CONFIG_FILE, which tmux passes on)
        "AWS_CONFIG_FILE": str(home / ".aws" / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / ".aws" / "credentials"),
    }
    env = terminal_env(home)
    env.update(parent_aws)
    env.update(
        PYTHON_KEYRING_BACKEND="tests.support.spy_keyring.SpyKeyring",
        TMPDIR=str(scratch),
        **{SPY_FILE_ENV: str(spy)},
    )
    term.start([*acct_tui(), "--demo"], env)
    term.wait_for("Getting started —", timeout=WAIT)

    # The moto child: its initial environment holds none of the parent's AWS_* values.
    child = demo_child_of(term.pane_pid())
    assert child is not None and alive(child)
    child_env = environ_of(child)
    leaked = {k: v for k, v in child_env.items() if k in parent_aws and v == parent_aws[k]}
    assert not leaked, f"the demo server inherited {sorted(leaked)}"
    assert "AWS_PROFILE" not in child_env and "AWS_SESSION_TOKEN" not in child_env
    raw = Path(f"/proc/{child}/environ").read_bytes().decode(errors="replace")
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        assert parent_aws[name] not in raw, name

    # A user with an access key: the credentials screen saves it to the demo's keyring.
    term.send("2")
    term.wait_footer(has="n New user")
    term.send("n")
    term.wait_for("User name", WAIT)
    term.type(USER)
    term.wait_line(f" {USER} ", timeout=WAIT)
    for label in (
        "Console access (password)",
        "Auto-generate a password",
        "Require a new password at first sign-in",
        "Access key (programmatic access)",
    ):
        term.send(*(["Tab", "Tab"] if label.startswith("Console") else ["Tab"]))
        term.wait_focused(label, WAIT)
    term.send("Space")
    term.send("C-s")
    term.wait_for(f"Create user {USER}?", WAIT)
    term.send("C-s")
    term.wait_for(f"Credentials for {USER}", WAIT)
    term.wait_for("Keyring: ✓ saved (demo: kept in a throw-away keyring for this run)", WAIT)

    # p: the profile goes to the throw-away AWS config, named on screen.
    term.send("p")
    term.wait_for("Profile name:", WAIT)
    term.send("Enter")
    screen = term.wait_for(f"Profile {USER} added to the demo's throw-away AWS config", WAIT)
    sandboxes = [p for p in scratch.iterdir() if p.name.startswith("acct-tui-demo-")]
    assert len(sandboxes) == 1, sorted(scratch.iterdir())
    assert sandboxes[0].name in screen, screen  # the note names the file
    assert f"[profile {USER}]" in (sandboxes[0] / "aws-config").read_text()

    # e: the CSV's default place is the throw-away directory too (else it is under HOME).
    term.send("e")
    term.wait_for("demo: this folder is removed at exit", WAIT)
    term.send("Enter")
    term.wait_for("CSV written to", WAIT)
    assert (sandboxes[0] / f"{USER}_credentials.csv").is_file()

    term.send("Escape")  # saved: closes without asking
    term.wait_gone(f"Credentials for {USER}", WAIT)
    term.send("q")
    assert term.exit_status(WAIT) == 0
    assert "Traceback" not in term.screen(history=True)

    assert tree_digest(home) == before, "the demo changed files in HOME"
    assert not spy.exists(), f"the person's keyring received: {spy.read_text()}"
    assert not sandboxes[0].exists(), "the demo's throw-away directory outlived the run"
    assert not alive(child)
    assert not os.listdir(scratch), sorted(os.listdir(scratch))


@pytest.mark.parametrize("how", ["SIGTERM", "SIGHUP", "kill-pane"])
def test_demo_removes_its_directory_when_a_signal_ends_it(
    how: str, term: Tmux, tmp_path: Path
) -> None:
    """``kill``, a closing SSH session (SIGHUP) or tmux's kill-pane end the app without
    atexit: the throw-away directory (the demo's AWS config, an exported CSV) stayed."""
    import signal
    import time

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = terminal_env(tmp_path / "home")
    env["TMPDIR"] = str(scratch)
    term.start([*acct_tui(), "--demo"], env)
    term.wait_for("Getting started —", timeout=WAIT)
    assert [p.name for p in scratch.iterdir() if p.name.startswith("acct-tui-demo-")]
    child = demo_child_of(term.pane_pid())
    assert child is not None
    app = int(Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()[1])
    if how == "kill-pane":
        term.tmux("split-window", "-d", "-t", "t", "sleep 60")  # keeps the server alive
        term.tmux("kill-pane", "-t", "t.0")
    else:
        os.kill(app, getattr(signal, how))
    deadline = time.monotonic() + WAIT
    while (alive(app) or alive(child)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not alive(app) and not alive(child)
    assert not os.listdir(scratch), f"left behind after {how}: {sorted(os.listdir(scratch))}"
