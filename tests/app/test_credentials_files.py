"""The credentials screen's files, through the keyboard: the AWS CLI profile (`p`) and the
CSV export (`e`). Pilot over the demo account; real files in temporary folders, the AWS
config read back by botocore, real git for the work-tree check."""

from __future__ import annotations

import os
import shlex
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from textual.widgets import Input, Label, Static

from tests.support.app import make_app
from tests.support.pilot import loaded, plain, wait_for_screen, wait_until
from tui.app import AcctApp
from tui.aws.iam import UserCredentials
from tui.demo import DemoEndpoint
from tui.screens.credentials import CredentialsScreen
from tui.screens.dialogs.prompt import PromptScreen
from tui.support import awsconfig

pytestmark = pytest.mark.server

SCRIPT = (Path(sys.executable).parent / "acct-tui").resolve()
ROLE = "role_arn = arn:aws:iam::123456789012:role/ops\nsource_profile = base\n"


def credentials(demo: DemoEndpoint, user: str = "exporter") -> UserCredentials:
    return UserCredentials(
        account_id=demo.account_id,
        user_name=user,
        sign_in_url=f"https://{demo.account_id}.signin.aws.amazon.com/console",
        password="Pw-3xample!",
        access_key_id="AKIAIOSFODNN7EXAMPLE",
        secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    )


async def open_screen(app: AcctApp, pilot: Any, demo: DemoEndpoint) -> CredentialsScreen:
    await loaded(app, pilot)
    app.push_screen(CredentialsScreen(app.state, credentials(demo)))
    screen: CredentialsScreen = await wait_for_screen(app, pilot, CredentialsScreen)
    return screen


def note(screen: CredentialsScreen) -> str:
    return plain(screen.query_one("#cred-note", Static))


def profiles(config: Path) -> dict[str, Any]:
    session = botocore.session.Session()
    session.set_config_variable("config_file", str(config))
    found: dict[str, Any] = session.full_config["profiles"]
    return found


def fake_script_in(folder: Path) -> Path:
    fake = folder / "acct-tui"
    fake.write_text("#!/bin/sh\necho pwned\n")
    fake.chmod(0o755)
    return fake


# ------------------------------------------------------------------------------ profile
async def test_profile_offers_a_free_name_and_never_takes_over_a_role_profile(
    demo: DemoEndpoint, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "aws-config"
    original = f'[profile base]\nregion = eu-west-1\n\n[profile "exporter"] ; ops\n{ROLE}'
    config.write_text(original)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    app = make_app(demo)
    async with app.run_test(size=(100, 30)) as pilot:
        creds = await open_screen(app, pilot, demo)
        await pilot.press("p")
        prompt = await wait_for_screen(app, pilot, PromptScreen)
        assert prompt.query_one(Input).value == "exporter-2", "the name in use is not offered"
        prompt.query_one(Input).value = "exporter"  # insist on the taken name
        await pilot.press("enter")
        await wait_until(
            pilot,
            lambda: (
                isinstance(app.screen, PromptScreen)
                and app.screen is not prompt
                and "already a profile" in str(app.screen.query_one(Label).content)
            ),
        )
        assert app.screen.query_one(Input).value == "exporter-2"
        assert config.read_text() == original, "nothing written for the taken name"
        await pilot.press("enter")
        await wait_until(pilot, lambda: "Profile exporter-2 added" in note(creds))
    text = config.read_text()
    assert text.startswith(original)
    found = profiles(config)
    assert found["exporter"] == {
        "role_arn": "arn:aws:iam::123456789012:role/ops",
        "source_profile": "base",
    }
    assert shlex.split(found["exporter-2"]["credential_process"]) == [
        str(SCRIPT),
        "credentials",
        "get",
        "exporter",
        "--account",
        demo.account_id,
    ]


async def test_profile_names_the_installed_script_even_with_dot_on_path(
    demo: DemoEndpoint, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "aws-config"
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    work = tmp_path / "work"
    work.mkdir()
    fake_script_in(work)
    monkeypatch.chdir(work)
    monkeypatch.setenv("PATH", os.pathsep.join([".", os.environ.get("PATH", "")]))
    app = make_app(demo)
    async with app.run_test(size=(100, 30)) as pilot:
        creds = await open_screen(app, pilot, demo)
        await pilot.press("p")
        await wait_for_screen(app, pilot, PromptScreen)
        await pilot.press("enter")
        await wait_until(pilot, lambda: "Profile exporter added" in note(creds))
    argv = shlex.split(profiles(config)["exporter"]["credential_process"])
    assert argv[0] == str(SCRIPT), "absolute path of the installed console script"
    assert os.path.isabs(argv[0]) and "-m" not in argv


async def test_profile_refused_when_no_installed_script_is_found(
    demo: DemoEndpoint, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "aws-config"
    config.write_text("[default]\nregion = eu-west-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    fake_script_in(work)
    monkeypatch.chdir(work)
    app = make_app(demo)
    async with app.run_test(size=(100, 30)) as pilot:
        creds = await open_screen(app, pilot, demo)
        # Nothing installed anywhere this process would look, '.' on PATH.
        monkeypatch.setenv("PATH", os.pathsep.join([".", str(empty)]))
        monkeypatch.setattr(sys, "executable", str(empty / "python3"))
        monkeypatch.setattr(sys, "argv", [str(empty / "pytest")])
        monkeypatch.setattr(awsconfig.sysconfig, "get_path", lambda *_a, **_k: str(empty))
        await pilot.press("p")
        await wait_for_screen(app, pilot, PromptScreen)
        await pilot.press("enter")
        await wait_until(pilot, lambda: "Profile not added" in note(creds))
        assert "acct-tui" in note(creds) and "pip" in note(creds)
    assert config.read_text() == "[default]\nregion = eu-west-1\n"


# ---------------------------------------------------------------------------------- CSV
def git_init(folder: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    subprocess.run(["git", "init", "-q"], cwd=folder, check=True, env=env, timeout=60)


async def test_csv_goes_to_a_private_folder_not_the_working_tree(
    demo: DemoEndpoint, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    repo = tmp_path / "repo"
    repo.mkdir()
    git_init(repo)
    monkeypatch.chdir(repo)  # acct-tui started from a git checkout
    app = make_app(demo)
    async with app.run_test(size=(120, 30)) as pilot:
        creds = await open_screen(app, pilot, demo)
        await pilot.press("e")
        await wait_for_screen(app, pilot, PromptScreen)
        await pilot.press("enter")  # the default path
        await wait_until(pilot, lambda: "CSV written" in note(creds))
        shown = note(creds)

        # Typed into the work tree: refused, nothing written.
        await pilot.press("e")
        prompt = await wait_for_screen(app, pilot, PromptScreen)
        prompt.query_one(Input).value = "exporter_credentials.csv"  # relative: the checkout
        await pilot.press("enter")
        await wait_until(pilot, lambda: "CSV not written" in note(creds))
        assert "git work tree" in note(creds) and str(repo) in note(creds)
    written = data / "acct-tui" / "exports" / "exporter_credentials.csv"
    assert f"CSV written to {written} (mode 0600)" in shown, "the full path is shown"
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert stat.S_IMODE(written.parent.stat().st_mode) == 0o700
    assert written.read_text().splitlines()[1].startswith("exporter,Pw-3xample!,AKIA")
    assert sorted(p.name for p in repo.iterdir()) == [".git"]
