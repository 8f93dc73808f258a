"""Pilot tests of the create / delete flows over the demo account (moto_server child)."""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Checkbox, Input, SelectionList, Static

from tests.support.app import make_app
from tests.support.pilot import iam, loaded, plain, wait_for_screen, wait_until
from tui.app import AcctApp
from tui.demo import DemoEndpoint
from tui.panes import TablePane
from tui.screens.access_keys import AccessKeysScreen
from tui.screens.credentials import MASK, CredentialField, CredentialsScreen
from tui.screens.dialogs.confirm import ConfirmScreen
from tui.screens.dialogs.prompt import PromptScreen
from tui.screens.dialogs.review import ReviewScreen
from tui.screens.forms.create_group import CreateGroupScreen
from tui.screens.forms.create_user import CreateUserScreen
from tui.screens.plan import PlanScreen
from tui.support.vault import Vault
from tui.widgets.fields import Field

pytestmark = pytest.mark.server

CHANGE_PASSWORD_ARN = "arn:aws:iam::aws:policy/IAMUserChangePassword"
ADMIN_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"


def screen_text(app: AcctApp) -> str:
    return app.export_screenshot()


async def test_create_administrators_group_from_the_keyboard(demo: DemoEndpoint) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await pilot.press("3", "n")
        form = await wait_for_screen(app, pilot, CreateGroupScreen)
        await pilot.press(*"administrators", "tab", "tab", *"admin")
        picker_list = form.query_one("#policy-list", SelectionList)
        await wait_until(pilot, lambda: picker_list.option_count > 0)
        first = picker_list.get_option_at_index(0)
        assert first.value == ADMIN_ARN, "typing 'admin' puts AdministratorAccess first"
        await pilot.press("tab", "space")  # the first hit is highlighted: space chooses it
        assert form.query_one("#policies").selected_arns == (ADMIN_ARN,)
        await pilot.press("ctrl+s")
        review = await wait_for_screen(app, pilot, ReviewScreen)
        text = plain(review.query_one(Static))
        assert "aws iam create-group --group-name administrators" in text
        assert "attach-group-policy" in text and ADMIN_ARN in text
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, (ReviewScreen, PlanScreen)))
        await wait_until(pilot, lambda: not isinstance(app.screen, CreateGroupScreen))
        groups = app.query_one("#groups", TablePane)
        await wait_until(pilot, lambda: "administrators" in groups.visible_keys())
        recs = app.query_one("#recommendations", TablePane)
        assert recs.table.get_row("admin-group")[0].plain.startswith("✓")
    attached = iam(demo).list_attached_group_policies(GroupName="administrators")
    assert [p["PolicyArn"] for p in attached["AttachedPolicies"]] == [ADMIN_ARN]


async def test_create_user_shows_secrets_once_and_copies(demo: DemoEndpoint) -> None:
    logs = io.StringIO()
    handler = logging.StreamHandler(logs)
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        app = make_app(demo)
        async with app.run_test(size=(80, 24)) as pilot:
            await loaded(app, pilot)
            await pilot.press("2", "n")
            form = await wait_for_screen(app, pilot, CreateUserScreen)
            await pilot.press(*"nina")
            # console (on) → password mode → reset (on) → access key
            await pilot.press("tab", "tab", "tab", "tab", "tab")
            assert app.focused is form.query_one("#access-key", Checkbox)
            await pilot.press("space")
            form.query_one("#groups", SelectionList).select("developers")
            await pilot.press("tab", "tab", *"team=platform")
            await pilot.press("ctrl+s")
            review = await wait_for_screen(app, pilot, ReviewScreen)
            text = plain(review.query_one(Static))
            assert "iam:AttachUserPolicy" in text, "demo policy forbids self-change"
            assert "--password '<password>'" in text, "the review never shows the password"
            await pilot.press("ctrl+s")
            creds = await wait_for_screen(app, pilot, CredentialsScreen)
            c = creds.credentials
            assert c.password and c.secret_access_key and c.access_key_id
            secret, password = c.secret_access_key, c.password
            shot = screen_text(app)
            assert secret not in shot and password not in shot
            assert MASK in plain_field(creds, "cred-secret")
            await wait_until(pilot, lambda: "not saved" in plain(creds.query_one("#cred-keyring")))
            # copy the access key id
            creds.query_one("#cred-key-id", CredentialField).focus()
            await pilot.press("c")
            assert app.clipboard == c.access_key_id
            # reveal shows the secret
            await pilot.press("v")
            assert secret in screen_text(app)
            await pilot.press("v")
            # the keyring failed and no secret was copied: closing asks first
            await pilot.press("escape")
            await wait_for_screen(app, pilot, ConfirmScreen)
            await pilot.press("n")
            await wait_for_screen(app, pilot, CredentialsScreen)
            creds.query_one("#cred-secret", CredentialField).focus()
            await pilot.press("c")
            assert app.clipboard == secret
            # the password is kept nowhere yet: closing still asks
            await pilot.press("escape")
            asked = await wait_for_screen(app, pilot, ConfirmScreen)
            assert asked.title_text == "Close without keeping the credentials?"
            await pilot.press("n")
            await wait_for_screen(app, pilot, CredentialsScreen)
            creds.query_one("#cred-password", CredentialField).focus()
            await pilot.press("c")
            assert app.clipboard == password
            await pilot.press("escape")  # every secret was copied: no question
            await wait_until(pilot, lambda: not isinstance(app.screen, CredentialsScreen))
            assert app.clipboard == "", "the app drops its copy of the secret"
            users = app.query_one("#users", TablePane)
            assert "nina" in users.visible_keys()
            notes = " ".join(f"{n.title} {n.message}" for n in app._notifications)
            assert secret not in notes and password not in notes
            assert "Copied" in notes
            key_id = c.access_key_id
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
    client = iam(demo)
    assert client.get_login_profile(UserName="nina")["LoginProfile"]["UserName"] == "nina"
    groups = client.list_groups_for_user(UserName="nina")["Groups"]
    assert [g["GroupName"] for g in groups] == ["developers"]
    attached = client.list_attached_user_policies(UserName="nina")["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == [CHANGE_PASSWORD_ARN]
    keys = client.list_access_keys(UserName="nina")["AccessKeyMetadata"]
    assert [k["AccessKeyId"] for k in keys] == [key_id]
    tags = client.list_user_tags(UserName="nina")["Tags"]
    assert tags == [{"Key": "team", "Value": "platform"}]
    log_text = logs.getvalue()
    assert "CreateAccessKey" in log_text or "create_access_key" in log_text.lower()
    assert secret not in log_text and password not in log_text


def plain_field(screen: CredentialsScreen, field_id: str) -> str:
    return screen.query_one(f"#{field_id}", CredentialField).render().plain


async def test_taken_name_returns_to_the_form_with_the_error(demo: DemoEndpoint) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        iam(demo).create_user(UserName="ghost")  # behind the app's back
        await pilot.press("2", "n")
        form = await wait_for_screen(app, pilot, CreateUserScreen)
        await pilot.press(*"ghost", "ctrl+s")
        await wait_for_screen(app, pilot, ReviewScreen)
        await pilot.press("ctrl+s")
        plan = await wait_for_screen(app, pilot, PlanScreen)
        await wait_until(pilot, lambda: plan.result is not None)
        assert "EntityAlreadyExists" in plain(plan.query_one("#plan-steps", Static))
        await pilot.press("k")
        form = await wait_for_screen(app, pilot, CreateUserScreen)
        name = form.query_one("#name", Field)
        assert name.value == "ghost", "the form keeps what was typed"
        await pilot.pause(0.1)
        error = plain(name.query_one(".field-error", Static))
        assert "EntityAlreadyExists" in error


async def test_read_only_offers_no_changes(demo: DemoEndpoint) -> None:
    app = make_app(demo, read_only=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await pilot.press("2", "n", "ctrl+d", "3", "n")
        await pilot.pause(0.2)
        assert app.screen is app.screen_stack[0], "no form or confirmation opened"
        footer = screen_text(app)
        assert "New group" not in footer
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert not any("create" in t for t in titles)


async def test_delete_user_lists_what_goes_then_removes_it(demo: DemoEndpoint) -> None:
    client = iam(demo)
    client.create_user(UserName="leaver")
    client.create_login_profile(UserName="leaver", Password="Leaver-pass-2026!")
    client.create_access_key(UserName="leaver")
    client.add_user_to_group(UserName="leaver", GroupName="readonly")
    client.put_user_policy(
        UserName="leaver",
        PolicyName="inline-x",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}],
            }
        ),
    )
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await pilot.press("2", "slash", *"leaver", "enter", "ctrl+d")
        confirm = await wait_for_screen(app, pilot, ConfirmScreen)
        text = plain(confirm.query_one("#confirm-lines").query_one(Static))
        for item in ("console password", "readonly", "inline-x", "access key"):
            assert item in text.lower(), item
        await pilot.press("y")
        await wait_until(pilot, lambda: not isinstance(app.screen, (ConfirmScreen, PlanScreen)))
        users = app.query_one("#users", TablePane)
        assert "leaver" not in users.visible_keys()
    with pytest.raises(client.exceptions.NoSuchEntityException):
        client.get_user(UserName="leaver")


async def test_deactivate_an_access_key(demo: DemoEndpoint) -> None:
    client = iam(demo)
    client.create_user(UserName="rotator")
    key_id = client.create_access_key(UserName="rotator")["AccessKey"]["AccessKeyId"]
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await pilot.press("2", "slash", *"rotator", "enter", "a")
        keys = await wait_for_screen(app, pilot, AccessKeysScreen)
        assert key_id in screen_text(app)
        await pilot.press("d")
        await wait_for_screen(app, pilot, ConfirmScreen)
        await pilot.press("y")
        await wait_until(pilot, lambda: keys.changed)
        await pilot.press("c")
        assert app.clipboard == key_id
    status = client.list_access_keys(UserName="rotator")["AccessKeyMetadata"][0]["Status"]
    assert status == "Inactive"


async def test_new_credentials_land_in_the_real_keyring(
    demo: DemoEndpoint, real_keyring: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from tui.cli import credentials as credentials_cli

    app = make_app(demo, vault=Vault(real_keyring))
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await pilot.press("2", "n")
        form = await wait_for_screen(app, pilot, CreateUserScreen)
        await pilot.press(*"kept-user")
        form.query_one("#console", Checkbox).value = False
        form.query_one("#access-key", Checkbox).value = True
        await pilot.press("ctrl+s")
        await wait_for_screen(app, pilot, ReviewScreen)
        await pilot.press("ctrl+s")
        creds = await wait_for_screen(app, pilot, CredentialsScreen)
        await wait_until(pilot, lambda: creds.saved)
        assert "saved" in plain(creds.query_one("#cred-keyring"))
        key_id, secret = creds.credentials.access_key_id, creds.credentials.secret_access_key
        await pilot.press("escape")  # saved: closes without a question
        await wait_until(pilot, lambda: not isinstance(app.screen, CredentialsScreen))
    capsys.readouterr()
    assert credentials_cli.run(["get", "kept-user", "--account", demo.account_id]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out == {"Version": 1, "AccessKeyId": key_id, "SecretAccessKey": secret}


async def test_export_csv_and_cli_profile_from_the_credentials_screen(
    demo: DemoEndpoint, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "aws-config"
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    csv_path = tmp_path / "out.csv"
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await pilot.press("2", "n")
        form = await wait_for_screen(app, pilot, CreateUserScreen)
        await pilot.press(*"exporter")
        form.query_one("#access-key", Checkbox).value = True
        await pilot.press("ctrl+s")
        await wait_for_screen(app, pilot, ReviewScreen)
        await pilot.press("ctrl+s")
        creds = await wait_for_screen(app, pilot, CredentialsScreen)
        c = creds.credentials
        await pilot.press("e")
        prompt = await wait_for_screen(app, pilot, PromptScreen)
        prompt.query_one(Input).value = str(csv_path)
        await pilot.press("enter")
        await wait_until(pilot, lambda: csv_path.exists())
        assert csv_path.stat().st_mode & 0o777 == 0o600
        lines = csv_path.read_text().splitlines()
        assert lines[0] == "User name,Password,Access key ID,Secret access key,Console login link"
        assert lines[1] == (
            f"exporter,{c.password},{c.access_key_id},{c.secret_access_key},{c.sign_in_url}"
        )
        # a second export to the same file is refused, the file is untouched
        await wait_until(pilot, lambda: "CSV written" in plain(creds.query_one("#cred-note")))
        await pilot.press("e")
        prompt = await wait_for_screen(app, pilot, PromptScreen)
        prompt.query_one(Input).value = str(csv_path)
        await pilot.press("enter")
        await wait_until(pilot, lambda: "already exists" in plain(creds.query_one("#cred-note")))
        await pilot.press("p")
        prompt = await wait_for_screen(app, pilot, PromptScreen)
        await pilot.press("enter")  # default profile name: the user name
        await wait_until(pilot, lambda: config.exists())
        text = config.read_text()
        assert "[profile exporter]" in text
        assert f"credentials get exporter --account {demo.account_id}" in text
        assert c.secret_access_key not in text
        await pilot.press("escape")  # exported: closes without a question
        await wait_until(pilot, lambda: not isinstance(app.screen, CredentialsScreen))
