"""Day two, credentials: console passwords and new access keys for existing users, through
the real app (Pilot, 80×24) over the demo account (a moto_server child), checked with boto3.

The flows are started as the user workspace starts them (``state.run_flow``); the key list
is the one ``k`` opens on a user.
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from textual.widgets import OptionList, RadioButton, Static

from tests.support.app import make_app
from tests.support.keyrings import MemoryKeyring
from tests.support.pilot import (
    iam,
    loaded,
    plain,
    recorded_notifications,
    wait_for_screen,
    wait_until,
)
from tui import flows
from tui.app import AcctApp
from tui.demo import DemoEndpoint
from tui.screens.access_keys import AccessKeysScreen
from tui.screens.credentials import CredentialField, CredentialsScreen
from tui.screens.dialogs.choose import ChooseScreen
from tui.screens.dialogs.confirm import ConfirmScreen
from tui.screens.dialogs.review import ReviewScreen
from tui.screens.forms.password import PasswordScreen
from tui.screens.plan import PlanScreen
from tui.support.vault import Vault, VaultEntry
from tui.widgets.fields import Field

pytestmark = pytest.mark.server


def screen_text(app: AcctApp) -> str:
    return app.export_screenshot().replace("&#160;", " ")


def review_text(app: AcctApp) -> str:
    return plain(app.screen.query_one(Static))


async def credentials(app: AcctApp, pilot: Any) -> CredentialsScreen:
    screen: CredentialsScreen = await wait_for_screen(app, pilot, CredentialsScreen, 30)
    await wait_until(pilot, lambda: screen.saved, 20)
    return screen


def key_ids(client: Any, user: str) -> list[str]:
    return [k["AccessKeyId"] for k in client.list_access_keys(UserName=user)["AccessKeyMetadata"]]


async def test_give_reset_and_remove_a_console_password(demo: DemoEndpoint) -> None:
    client = iam(demo)
    client.create_user(UserName="pat")
    made = client.create_access_key(UserName="pat")["AccessKey"]
    vault = Vault(MemoryKeyring())
    vault.save(
        VaultEntry(
            demo.account_id,
            "pat",
            access_key_id=made["AccessKeyId"],
            secret_access_key=made["SecretAccessKey"],
        )
    )
    app = make_app(demo, vault=vault)
    notes = recorded_notifications(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        state = app.state

        # -- add: a generated password, shown once, kept in the keyring with the old key --
        state.run_flow(flows.add_password(state, app, "pat"), "password")
        await wait_for_screen(app, pilot, PasswordScreen)
        await pilot.press("ctrl+s")
        await wait_for_screen(app, pilot, ReviewScreen)
        text = review_text(app)
        assert "aws iam create-login-profile --user-name pat --password '<password>'" in text
        await pilot.press("ctrl+s")
        creds = await credentials(app, pilot)
        password = creds.credentials.password
        assert password and creds.query_one("#cred-password", CredentialField).value == password
        assert password not in screen_text(app), "masked until revealed"
        entry = vault.get(demo.account_id, "pat")
        assert entry is not None and entry.password == password
        assert entry.access_key_id == made["AccessKeyId"], "the stored key is kept"
        assert entry.secret_access_key == made["SecretAccessKey"]
        client.get_login_profile(UserName="pat")  # it exists now
        await pilot.press("escape")
        await wait_until(pilot, lambda: any("can now sign in" in n for n in notes))
        await wait_until(pilot, lambda: len(app.screen_stack) == 1)

        # -- add again: refused, the user already has console access --
        state.run_flow(flows.add_password(state, app, "pat"), "password")
        await wait_until(pilot, lambda: any("already has console access" in n for n in notes))
        assert not isinstance(app.screen, PasswordScreen)

        # -- reset: a typed password, checked as typed; the reset is required --
        state.run_flow(flows.reset_password(state, app, "pat"), "password")
        form = await wait_for_screen(app, pilot, PasswordScreen)
        form.query_one("#typed", RadioButton).value = True
        field = form.query_one("#password", Field)
        await wait_until(pilot, lambda: field.display)
        field.input.focus()
        await pilot.press(*"short")
        error = field.query_one(".field-error", Static)
        await wait_until(pilot, lambda: error.display)
        assert "at least" in plain(error)
        await pilot.press("ctrl+s")
        await pilot.pause(0.2)
        assert app.screen is form, "a password the policy refuses is never sent"
        await pilot.press(*"-Typed-Pass-2026!")
        await wait_until(pilot, lambda: not error.display)
        await pilot.press("ctrl+s")
        await wait_for_screen(app, pilot, ReviewScreen)
        assert "aws iam update-login-profile --user-name pat --password '<password>'" in (
            review_text(app)
        )
        assert "short-Typed-Pass-2026!" not in review_text(app)
        await pilot.press("ctrl+s")
        creds = await credentials(app, pilot)
        assert creds.credentials.password == "short-Typed-Pass-2026!"
        profile = client.get_login_profile(UserName="pat")["LoginProfile"]
        assert profile["PasswordResetRequired"] is True, "UpdateLoginProfile happened"
        entry = vault.get(demo.account_id, "pat")
        assert entry is not None and entry.password == "short-Typed-Pass-2026!"
        assert entry.access_key_id == made["AccessKeyId"], "the reset keeps the stored key"
        await pilot.press("escape")
        await wait_until(pilot, lambda: any("was reset" in n for n in notes))
        await wait_until(pilot, lambda: len(app.screen_stack) == 1)

        # -- remove: a confirmation, and the keyring forgets the password --
        state.run_flow(flows.remove_password(state, app, "pat"), "password")
        confirm = await wait_for_screen(app, pilot, ConfirmScreen)
        assert "aws iam delete-login-profile --user-name pat" in confirm.lines
        confirm.query_one("#confirm-option").value = True
        await pilot.press("y")
        await wait_until(pilot, lambda: any("can no longer sign in" in n for n in notes), 30)
        with pytest.raises(client.exceptions.NoSuchEntityException):
            client.get_login_profile(UserName="pat")
        entry = vault.get(demo.account_id, "pat")
        assert entry is not None and entry.password is None
        assert entry.access_key_id == made["AccessKeyId"]


async def choose(pilot: Any, screen: ChooseScreen, starting: str) -> None:
    options = screen.query_one(OptionList)
    index = next(n for n, item in enumerate(screen.items) if item.startswith(starting))
    while options.highlighted != index:
        await pilot.press("down")
    await pilot.press("enter")


async def test_new_keys_the_two_key_limit_and_last_used(demo: DemoEndpoint) -> None:
    client = iam(demo)
    client.create_user(UserName="kim")
    old = client.create_access_key(UserName="kim")["AccessKey"]
    # A call made with the key: its last use is GetCallerIdentity (sts) in eu-west-1.
    boto3.client(
        "sts",
        endpoint_url=demo.endpoint_url,
        region_name="eu-west-1",
        aws_access_key_id=old["AccessKeyId"],
        aws_secret_access_key=old["SecretAccessKey"],
    ).get_caller_identity()
    vault = Vault(MemoryKeyring())
    vault.save(VaultEntry(demo.account_id, "kim", password="Kim-Console-Pass-1"))
    app = make_app(demo, vault=vault)
    notes = recorded_notifications(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        state = app.state
        state.run_flow(flows.access_keys(state, app, "kim"), "keys", mutating=False)
        keys = await wait_for_screen(app, pilot, AccessKeysScreen)
        table = keys.query_one("#keys-table")
        await wait_until(pilot, lambda: "sts" in screen_text(app))
        row = [str(getattr(c, "plain", c)) for c in table.get_row(old["AccessKeyId"])]
        assert row[4:] == ["sts", "eu-west-1"], row
        assert row[3] != "never"

        # -- n: a second key, shown once, stored with the password already in the entry --
        await pilot.press("n")
        await wait_for_screen(app, pilot, ReviewScreen)
        assert "aws iam create-access-key --user-name kim" in review_text(app)
        await pilot.press("ctrl+s")
        creds = await credentials(app, pilot)
        new = creds.credentials.access_key_id
        assert new and new != old["AccessKeyId"] and creds.credentials.secret_access_key
        entry = vault.get(demo.account_id, "kim")
        assert entry is not None and entry.access_key_id == new
        assert entry.secret_access_key == creds.credentials.secret_access_key
        assert entry.password == "Kim-Console-Pass-1", "the stored password is kept"
        await pilot.press("escape")
        await wait_for_screen(app, pilot, AccessKeysScreen)
        await wait_until(pilot, lambda: table.row_count == 2)
        assert sorted(key_ids(client, "kim")) == sorted([old["AccessKeyId"], new])
        await wait_until(pilot, lambda: "never" in screen_text(app))

        # -- n at the limit: refused, with the choice of a key to deactivate or delete --
        await pilot.press("n")
        chooser = await wait_for_screen(app, pilot, ChooseScreen)
        assert "kim already has 2 access keys" in chooser.title_text
        assert any(i.startswith(f"Deactivate {old['AccessKeyId']}") for i in chooser.items)
        await choose(pilot, chooser, f"Delete {old['AccessKeyId']}")
        await wait_for_screen(app, pilot, ConfirmScreen)
        await pilot.press("y")
        await wait_for_screen(app, pilot, ReviewScreen, 30)
        assert key_ids(client, "kim") == [new], "the chosen key was deleted first"
        await pilot.press("ctrl+s")
        creds = await credentials(app, pilot)
        third = creds.credentials.access_key_id
        await pilot.press("escape")
        await wait_for_screen(app, pilot, AccessKeysScreen)
        await wait_until(pilot, lambda: table.row_count == 2)
        assert sorted(key_ids(client, "kim")) == sorted([new, third])
        gone = old["AccessKeyId"]  # results name a key by its ends: "Key AKIA…WXYZ deleted."
        assert any(f"Key {gone[:4]}…{gone[-4:]} deleted." in n for n in notes), notes
        await pilot.press("escape")
        await wait_until(pilot, lambda: len(app.screen_stack) == 1)


async def test_read_only_refuses_new_keys_and_passwords(demo: DemoEndpoint) -> None:
    client = iam(demo)
    client.create_user(UserName="ro")
    client.create_access_key(UserName="ro")
    app = make_app(demo, read_only=True)
    notes = recorded_notifications(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        state = app.state
        state.run_flow(flows.access_keys(state, app, "ro"), "keys", mutating=False)
        screen = await wait_for_screen(app, pilot, AccessKeysScreen)
        await wait_until(pilot, lambda: "never" in screen_text(app))  # reads still work
        assert screen.check_action("new_key", ()) is False
        assert "New key" not in screen_text(app)
        await pilot.press("n")
        await pilot.pause(0.3)
        assert app.screen is screen, "n does nothing under --read-only"
        await pilot.press("escape")
        for flow in (
            flows.add_password(state, app, "ro"),
            flows.reset_password(state, app, "ro"),
            flows.remove_password(state, app, "ro"),
            flows.create_access_key(state, app, "ro"),
        ):
            state.run_flow(flow, "refused")
        await wait_until(pilot, lambda: sum("--read-only" in n for n in notes) >= 4)
        assert not isinstance(app.screen, PasswordScreen | ReviewScreen | PlanScreen)
    assert len(key_ids(client, "ro")) == 1
    with pytest.raises(client.exceptions.NoSuchEntityException):
        client.get_login_profile(UserName="ro")


async def test_removing_acct_tuis_own_console_password_asks_for_its_name(
    demo: DemoEndpoint,
) -> None:
    """acct-tui runs as alice: removing her console password takes away the console
    sign-in of the person using acct-tui, so it needs her name typed, not just y."""
    client = iam(demo)
    assert client.get_login_profile(UserName="alice")["LoginProfile"]
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        state = app.state
        state.run_flow(flows.remove_password(state, app, "alice"), "password")
        confirm = await wait_for_screen(app, pilot, ConfirmScreen)
        assert confirm.query("#confirm-typed"), "removing its own password asked only y"
        await pilot.press("escape")
        await wait_until(pilot, lambda: len(app.screen_stack) == 1)
    assert client.get_login_profile(UserName="alice")["LoginProfile"]
