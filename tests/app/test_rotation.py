"""Pilot tests of key rotation over a real moto_server, checked with boto3 afterwards.

moto_server acts as the IAM user whose access key signs a request (any other key acts as
its default user), so the caller acct-tui reads after a refresh tells which key it signs
with.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Input

from tests.support.app import make_app
from tests.support.keyrings import MemoryKeyring, unregistered
from tests.support.pilot import (
    iam,
    loaded,
    recorded_notifications,
    wait_for_screen,
    wait_until,
)
from tui.app import AcctApp
from tui.flows.rotation import rotate_key
from tui.screens.credentials import CredentialField, CredentialsScreen
from tui.screens.dialogs.confirm import ConfirmScreen
from tui.screens.plan import PlanScreen
from tui.support.vault import Vault, VaultEntry

pytestmark = [pytest.mark.server]

ADMIN = "rot-admin"
ADMIN_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"
PASSWORD = "Console-pw-2026!"


def admin_with_key(url: str) -> tuple[Any, str, str]:
    client = iam(url)
    client.create_user(UserName=ADMIN)
    client.attach_user_policy(UserName=ADMIN, PolicyArn=ADMIN_ARN)
    made = client.create_access_key(UserName=ADMIN)["AccessKey"]
    return client, made["AccessKeyId"], made["SecretAccessKey"]


def key_states(client: Any) -> dict[str, str]:
    listed = client.list_access_keys(UserName=ADMIN)["AccessKeyMetadata"]
    return {k["AccessKeyId"]: k["Status"] for k in listed}


async def start(app: AcctApp, pilot: Any, key_id: str, typed: str | None = None) -> None:
    app.state.run_flow(rotate_key(app.state, app, ADMIN, key_id), "rotate")
    confirm = await wait_for_screen(app, pilot, ConfirmScreen)
    assert confirm.title_text == f"Rotate access key {key_id} of {ADMIN}?"
    if typed is None:
        await pilot.press("y")
        return
    # acct-tui's own key: y alone lands in the name field and does nothing
    field = confirm.query_one("#confirm-typed", Input)
    await wait_until(pilot, lambda: app.focused is field)
    await pilot.press("y", "enter")
    await pilot.pause(0.2)
    assert app.screen is confirm, "rotating its own key went on without the name typed"
    await pilot.press("backspace", *typed, "enter")


async def test_rotating_the_key_acct_tui_signs_with_keeps_the_app_working(
    moto_reset: str,
) -> None:
    client, old, secret = admin_with_key(moto_reset)
    vault = Vault(MemoryKeyring())
    account = client.get_user(UserName=ADMIN)["User"]["Arn"].split(":")[4]
    vault.save(VaultEntry(account, ADMIN, old, secret, password=PASSWORD))
    app = make_app(moto_reset, key=(old, secret), vault=vault)
    async with app.run_test(size=(80, 24)) as pilot:
        notes = recorded_notifications(app)
        await loaded(app, pilot)
        assert app.state.posture.caller.value.user_name == ADMIN  # type: ignore[union-attr]
        await start(app, pilot, old, typed=ADMIN)
        delete = await wait_for_screen(app, pilot, ConfirmScreen)
        assert delete.title_text == f"Delete the old key {old}?"
        assert app.service.signing_key_id() != old, "switched before the deactivation"
        await pilot.press("y")
        await wait_until(
            pilot, lambda: any(n.startswith("Rotate access key: Rotated.") for n in notes)
        )
        new = app.service.signing_key_id()
        assert new is not None and new != old
        # A refresh succeeds with the new key, as the same user.
        generation = app.generation
        app.state.refresh()
        await wait_until(pilot, lambda: app.generation > generation and not app.refreshing)
        caller = app.state.posture.caller.value
        assert caller is not None and caller.user_name == ADMIN
        assert app.state.posture.details.error is None
        text = "\n".join(notes)
        assert secret not in text and (
            app.state.vault.get(account, ADMIN).secret_access_key not in text
        )  # type: ignore[union-attr]
    assert key_states(client) == {new: "Active"}, "old key deleted, new key active"
    entry = vault.get(account, ADMIN)
    assert entry is not None and entry.access_key_id == new and entry.password == PASSWORD


async def test_without_a_keyring_the_secret_is_kept_before_the_old_key_goes(
    moto_reset: str,
) -> None:
    client, old, secret = admin_with_key(moto_reset)
    user = "ci-bot"
    client.create_user(UserName=user)
    bot_key = client.create_access_key(UserName=user)["AccessKey"]["AccessKeyId"]
    app = make_app(moto_reset, key=(old, secret))  # no usable keyring
    async with app.run_test(size=(80, 24)) as pilot:
        notes = recorded_notifications(app)
        await loaded(app, pilot)
        app.state.run_flow(rotate_key(app.state, app, user, bot_key), "rotate")
        await wait_for_screen(app, pilot, ConfirmScreen)
        await pilot.press("y")
        plan = await wait_for_screen(app, pilot, PlanScreen)
        await wait_until(pilot, lambda: plan.result is not None)
        assert plan.result is not None and not plan.result.ok
        keys = iam(moto_reset).list_access_keys(UserName=user)["AccessKeyMetadata"]
        assert {k["Status"] for k in keys} == {"Active"} and len(keys) == 2
        await pilot.press("k")  # keep: the secret is shown once, the old key untouched
        creds = await wait_for_screen(app, pilot, CredentialsScreen)
        new_secret = creds.credentials.secret_access_key
        assert new_secret
        creds.query_one("#cred-secret", CredentialField).focus()
        await pilot.press("c")
        await pilot.press("escape")
        go_on = await wait_for_screen(app, pilot, ConfirmScreen)
        assert go_on.title_text == "Finish the rotation?"
        await pilot.press("y")
        delete = await wait_for_screen(app, pilot, ConfirmScreen)
        assert delete is not go_on and delete.title_text == f"Delete the old key {bot_key}?"
        await pilot.press("n")  # keep it inactive
        await wait_until(pilot, lambda: any("is kept inactive" in n for n in notes))
        assert new_secret not in "\n".join(notes)
        assert app.service.signing_key_id() == old, "not acct-tui's key: no switch"
    keys = iam(moto_reset).list_access_keys(UserName=user)["AccessKeyMetadata"]
    states = {k["AccessKeyId"]: k["Status"] for k in keys}
    assert states.pop(bot_key) == "Inactive" and list(states.values()) == ["Active"]


async def test_rotation_is_refused_under_read_only(moto_reset: str) -> None:
    client, old, secret = admin_with_key(moto_reset)
    app = make_app(moto_reset, key=(old, secret), read_only=True)
    async with app.run_test(size=(80, 24)) as pilot:
        notes = recorded_notifications(app)
        await loaded(app, pilot)
        app.state.run_flow(rotate_key(app.state, app, ADMIN, old), "rotate")
        await wait_until(pilot, lambda: any("read-only" in n.lower() for n in notes))
        assert not isinstance(app.screen, ConfirmScreen)
    assert key_states(client) == {old: "Active"}


@unregistered  # never picked by keyring's own detection (tests/wire/test_infra.py checks it)
class ReadOnlyKeyring(MemoryKeyring):
    """A keyring that reads its entries but refuses to write (a write-protected store)."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise PermissionError("the keyring refuses writes")


async def test_copying_the_stored_password_does_not_count_as_keeping_the_new_secret(
    moto_reset: str,
) -> None:
    """The keyring reads but cannot store the new key. The credentials screen shows the new
    key only, never again the password already stored for the user (shown once); copying
    the key id keeps no secret: closing must still ask, and the old key must not be
    deactivated on that basis."""
    client, old, secret = admin_with_key(moto_reset)
    user = "ci-bot"
    client.create_user(UserName=user)
    bot_key = client.create_access_key(UserName=user)["AccessKey"]["AccessKeyId"]
    account = client.get_user(UserName=user)["User"]["Arn"].split(":")[4]
    backend = ReadOnlyKeyring()
    MemoryKeyring.set_password(
        backend,
        "acct-tui",
        f"{account}/{user}",
        VaultEntry(account, user, password=PASSWORD).to_json(),
    )
    app = make_app(moto_reset, key=(old, secret), vault=Vault(backend))
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        app.state.run_flow(rotate_key(app.state, app, user, bot_key), "rotate")
        await wait_for_screen(app, pilot, ConfirmScreen)
        await pilot.press("y")
        plan = await wait_for_screen(app, pilot, PlanScreen)
        await wait_until(pilot, lambda: plan.result is not None)
        assert plan.result is not None and not plan.result.ok
        await pilot.press("k")
        creds = await wait_for_screen(app, pilot, CredentialsScreen)
        status = creds.query_one("#cred-keyring")
        await wait_until(pilot, lambda: "not saved" in str(status.render()))
        assert not creds.query("#cred-password"), "the stored password is shown again"
        creds.query_one("#cred-key-id", CredentialField).focus()
        await pilot.press("c")  # the key id, not the new secret
        await pilot.press("escape")
        asked = await wait_for_screen(app, pilot, ConfirmScreen)
        assert asked.title_text == "Close without keeping the credentials?"
        await pilot.press("n")
        assert app.screen is creds
    keys = iam(moto_reset).list_access_keys(UserName=user)["AccessKeyMetadata"]
    assert {k["AccessKeyId"]: k["Status"] for k in keys}[bot_key] == "Active"
