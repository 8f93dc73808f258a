"""The credentials screen's files, through the keyboard: the AWS CLI profile (`p`). Pilot
over the demo account; real files in temporary folders, the AWS config read back by
botocore."""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from textual.widgets import Input, Label, Static

from tests.pilot import loaded, make_app, plain, wait_for_screen, wait_until
from tui import awsconfig
from tui.app import AcctApp
from tui.aws.iam import UserCredentials
from tui.demo import DemoEndpoint
from tui.screens.credentials import CredentialsScreen
from tui.screens.prompt import PromptScreen

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
    app.push_screen(CredentialsScreen(credentials(demo), app.vault))
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
