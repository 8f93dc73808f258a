"""Pilot tests of "Getting started" (the guided set-up) over a moto_server.

Each test starts from a reset moto_server (``moto_reset``): a fresh account, or one set up
through boto3 as the tutorial leaves it. The whole guided path on the demo account is in
``test_guide_e2e.py``.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import boto3
import pytest
from textual.command import CommandList, CommandPalette
from textual.widgets import Checkbox, SelectionList, Static

from tests.support.app import make_app
from tests.support.guide import cursor_step, go_to, refreshed, states
from tests.support.keyrings import MemoryKeyring
from tests.support.pilot import plain, wait_for_screen, wait_until
from tui.app import AcctApp
from tui.aws.models import ADMIN_POLICY_ARN, Part
from tui.screens.dialogs.confirm import ConfirmScreen
from tui.screens.dialogs.details import DetailsScreen
from tui.screens.dialogs.prompt import PromptScreen
from tui.screens.dialogs.review import ReviewScreen
from tui.screens.forms.alias import AliasScreen
from tui.screens.forms.create_group import CreateGroupScreen
from tui.screens.forms.create_user import CreateUserScreen
from tui.screens.guide import GuideScreen
from tui.screens.root_mfa import RootMfaScreen
from tui.support.vault import Vault, VaultEntry
from tui.widgets.fields import Field

pytestmark = pytest.mark.server

ACCOUNT = "123456789012"
# moto_server signs nothing: any key that is not an IAM user's acts as "user/moto".
DEFAULT_KEY = ("testing", "testing")


def client(url: str, service: str, key: tuple[str, str] = DEFAULT_KEY) -> Any:
    return boto3.client(
        service,
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id=key[0],
        aws_secret_access_key=key[1],
    )


def server_app(
    url: str,
    key: tuple[str, str] = DEFAULT_KEY,
    *,
    read_only: bool = False,
    vault: Vault | None = None,
) -> AcctApp:
    """The app as the command line builds it (guide on), over the moto_server."""
    vault = vault or Vault(MemoryKeyring())
    return make_app(url, key=key, read_only=read_only, vault=vault, open_guide=True)


def seed_admin(url: str, name: str = "ada", *, mfa: bool = True) -> tuple[str, str]:
    """The administrators group and ``name`` in it (console + key); returns the key."""
    iam = client(url, "iam")
    iam.create_group(GroupName="administrators")
    iam.attach_group_policy(GroupName="administrators", PolicyArn=ADMIN_POLICY_ARN)
    iam.create_user(UserName=name)
    iam.create_login_profile(UserName=name, Password="Sup3r-Secret-Pw!")
    iam.add_user_to_group(UserName=name, GroupName="administrators")
    key = iam.create_access_key(UserName=name)["AccessKey"]
    if mfa:
        device = iam.create_virtual_mfa_device(VirtualMFADeviceName=name)["VirtualMFADevice"]
        iam.enable_mfa_device(
            UserName=name,
            SerialNumber=device["SerialNumber"],
            AuthenticationCode1="123456",
            AuthenticationCode2="654321",
        )
    return key["AccessKeyId"], key["SecretAccessKey"]


def reason(screen: GuideScreen) -> str:
    return plain(screen.query_one("#guide-reason", Static))


def aws_config() -> str:
    """The AWS CLI config file of this test (the autouse fixture points at a temp file)."""
    return Path(os.environ["AWS_CONFIG_FILE"]).read_text()


def header(app: AcctApp) -> str:
    return plain(app.query_one("#account-header", Static))


# ------------------------------------------------------------------------------ opening
async def test_opens_by_itself_on_a_fresh_account(moto_reset: str) -> None:
    app = server_app(moto_reset)
    async with app.run_test(size=(80, 24)) as pilot:
        guide = await wait_for_screen(app, pilot, GuideScreen)
        await refreshed(app, pilot)
        shown = states(guide)
        assert shown == {
            "root-mfa": "✗ to do",
            "root-keys": "✓ done",
            "admin-group": "✗ to do",
            "admin-user": "✗ to do",
            "admin-mfa": "✗ to do",
            "alias": "✗ to do",
            "regions": shown["regions"],  # moto_server has no Account API: EC2's list
            "sign-in": "✓ done",
        }
        # the cursor starts on the first step to do, its reason below the list
        assert cursor_step(guide) == "root-mfa"
        assert "Only the console can add it" in reason(guide)
        # the whole modal fits 80×24
        box = guide.query_one("#guide").region
        assert box.right <= 80 and box.bottom <= 24
        await pilot.press("escape")
        assert not isinstance(app.screen, GuideScreen)


async def test_stays_closed_on_a_secured_account_and_opens_by_key_and_palette(
    moto_reset: str,
) -> None:
    key = seed_admin(moto_reset)
    client(moto_reset, "iam").create_account_alias(AccountAlias="acme-prod")
    app = server_app(moto_reset, key)
    async with app.run_test(size=(80, 24)) as pilot:
        await refreshed(app, pilot)
        assert app.posture.caller.value is not None
        assert app.posture.caller.value.user_name == "ada"
        assert not isinstance(app.screen, GuideScreen)
        await pilot.press("g")
        guide = await wait_for_screen(app, pilot, GuideScreen)
        shown = states(guide)
        assert shown.pop("root-mfa") == "✗ to do"  # console-only: never done on moto
        assert shown.pop("regions") in ("✓ done", "○ optional")
        assert set(shown.values()) == {"✓ done"}
        assert guide.query_one("#guide").border_title == "Getting started — 7 of 8 done"
        await pilot.press("g")  # g closes it again
        assert not isinstance(app.screen, GuideScreen)
        await pilot.press("ctrl+p", *"getting started")
        palette = await wait_for_screen(app, pilot, CommandPalette)
        commands = palette.query_one(CommandList)
        await wait_until(
            pilot,
            lambda: (
                commands.option_count > 0
                and "app: getting started" in str(commands.get_option_at_index(0).prompt)
            ),
        )
        await pilot.press("enter")
        await wait_for_screen(app, pilot, GuideScreen)


async def test_read_only_does_not_open_it_and_refuses_changes(moto_reset: str) -> None:
    app = server_app(moto_reset, read_only=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await refreshed(app, pilot)
        assert not isinstance(app.screen, GuideScreen)
        await pilot.press("g")
        guide = await wait_for_screen(app, pilot, GuideScreen)
        await go_to(pilot, guide, "admin-group")
        assert "--read-only: this step cannot run here" in reason(guide)
        await pilot.press("enter")
        await wait_until(pilot, lambda: any("--read-only" in n.message for n in app._notifications))
        assert app.screen is guide, "no form opens under --read-only"
        # the console guide for root MFA changes nothing: it opens
        await go_to(pilot, guide, "root-mfa")
        await pilot.press("enter")
        await wait_for_screen(app, pilot, RootMfaScreen)
        assert client(moto_reset, "iam").list_groups()["Groups"] == []


# ----------------------------------------------------------------- forms and live status
async def test_enter_opens_each_steps_form_and_statuses_follow(moto_reset: str) -> None:
    app = server_app(moto_reset)
    async with app.run_test(size=(80, 24)) as pilot:
        guide = await wait_for_screen(app, pilot, GuideScreen)
        await refreshed(app, pilot)
        # 1: the root MFA console guide
        await pilot.press("enter")
        await wait_for_screen(app, pilot, RootMfaScreen)
        await pilot.press("escape")
        await wait_for_screen(app, pilot, GuideScreen)
        # 2: done (moto's root has no keys): enter says so instead of opening anything
        await go_to(pilot, guide, "root-keys")
        await pilot.press("enter")
        await wait_until(
            pilot, lambda: any("Step 2 is done" in n.message for n in app._notifications)
        )
        assert app.screen is guide
        # 4 before 3: the form needs the group, and says so
        await go_to(pilot, guide, "admin-user")
        await pilot.press("enter")
        await wait_until(
            pilot,
            lambda: any("administrators group first" in n.message for n in app._notifications),
        )
        assert app.screen is guide
        # 3: the new-group form, pre-filled as the tutorial asks; cancelled, still to do
        await go_to(pilot, guide, "admin-group")
        await pilot.press("enter")
        form = await wait_for_screen(app, pilot, CreateGroupScreen)
        assert form.query_one("#name", Field).value == "administrators"
        await wait_until(
            pilot, lambda: form.query_one("#policies").selected_arns == (ADMIN_POLICY_ARN,)
        )
        await pilot.press("escape")
        await wait_for_screen(app, pilot, GuideScreen)
        assert states(guide)["admin-group"] == "✗ to do"
        # …then created: the status turns done and the cursor moves on to step 4
        await pilot.press("enter")
        await wait_for_screen(app, pilot, CreateGroupScreen)
        await pilot.press("ctrl+s")
        await wait_for_screen(app, pilot, ReviewScreen)
        await pilot.press("ctrl+s")
        await wait_for_screen(app, pilot, GuideScreen)
        await wait_until(pilot, lambda: states(guide)["admin-group"] == "✓ done")
        assert cursor_step(guide) == "admin-user"
        # 4: the new-user form, in administrators, with console + access key
        await pilot.press("enter")
        user_form = await wait_for_screen(app, pilot, CreateUserScreen)
        assert user_form.query_one("#groups", SelectionList).selected == ["administrators"]
        assert user_form.query_one("#console", Checkbox).value
        assert user_form.query_one("#access-key", Checkbox).value
        await pilot.press("escape")
        await wait_for_screen(app, pilot, GuideScreen)
        # 6: the alias form
        await go_to(pilot, guide, "alias")
        await pilot.press("enter")
        await wait_for_screen(app, pilot, AliasScreen)
        await pilot.press(*"acme-guide", "enter")
        await wait_for_screen(app, pilot, GuideScreen)
        await wait_until(pilot, lambda: states(guide)["alias"] == "✓ done")
        # 8 with nothing in the keyring: explained, nothing switched
        await go_to(pilot, guide, "sign-in")
        await pilot.press("enter")
        await wait_until(
            pilot, lambda: any("No key of an admin user" in n.message for n in app._notifications)
        )
        # 7: closes the guide and focuses the Regions pane
        await go_to(pilot, guide, "regions")
        await pilot.press("enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, GuideScreen))
        assert app.active_pane == "regions"
    iam = client(moto_reset, "iam")
    assert [g["GroupName"] for g in iam.list_groups()["Groups"]] == ["administrators"]
    assert iam.list_account_aliases()["AccountAliases"] == ["acme-guide"]


async def test_root_keys_console_steps_when_not_root(moto_reset: str) -> None:
    app = server_app(moto_reset)
    async with app.run_test(size=(80, 24)) as pilot:
        guide = await wait_for_screen(app, pilot, GuideScreen)
        await refreshed(app, pilot)
        summary = app.posture.summary.value
        assert summary is not None
        # moto's root never has keys: apply them as a refresh of a real account would
        keys = replace(summary, root_access_keys_present=True)
        app.state.apply_posture(app.posture.with_part("summary", Part.ok(keys)))
        await wait_until(pilot, lambda: states(guide)["root-keys"] == "✗ to do")
        await go_to(pilot, guide, "root-keys")
        assert "only root can delete them" in reason(guide)
        await pilot.press("enter")
        details = await wait_for_screen(app, pilot, DetailsScreen)
        assert "Deactivate, then delete, each root access key" in plain(
            details.query_one("#details-body", Static)
        )


# --------------------------------------------------------------------- switch identity
async def test_switch_to_the_admin_users_key_rechecks_as_that_user(moto_reset: str) -> None:
    key_id, secret = seed_admin(moto_reset)
    vault = Vault(MemoryKeyring())
    vault.save(VaultEntry(ACCOUNT, "ada", key_id, secret))
    app = server_app(moto_reset, vault=vault)
    old_service = app.service
    async with app.run_test(size=(80, 24)) as pilot:
        await refreshed(app, pilot)
        assert "user/moto" in header(app)
        await pilot.press("g")
        guide = await wait_for_screen(app, pilot, GuideScreen)
        await go_to(pilot, guide, "sign-in")
        await pilot.press("enter")
        confirm = await wait_for_screen(app, pilot, ConfirmScreen)
        text = plain(confirm.query_one("#confirm-lines Static", Static))
        assert key_id in text and "arn:aws:sts::123456789012:user/moto" in text
        assert secret not in app.export_screenshot()
        # tick "also add an AWS CLI profile"; y alone does not switch acct-tui's identity
        await pilot.press("shift+tab", "space", "y")
        await pilot.pause(0.2)
        assert app.screen is confirm and "user/moto" in header(app)
        # the user's name, typed, does
        # (the refused y put the focus back in the name field)
        await pilot.press(*"ada", "enter")
        prompt = await wait_for_screen(app, pilot, PromptScreen)
        assert prompt.value == "ada"
        await pilot.press("enter")
        await wait_until(pilot, lambda: "user/ada" in header(app))
        await refreshed(app, pilot, generation=2)
        assert app.service is not old_service
        assert app.service.settings.endpoint_url == moto_reset
        assert app.posture.caller.value is not None
        assert app.posture.caller.value.arn == f"arn:aws:iam::{ACCOUNT}:user/ada"
        # every part was read again by the new identity
        calls = app.service.counter.calls()
        for action in (
            "sts:GetCallerIdentity",
            "iam:GetAccountAuthorizationDetails",
            "iam:GetAccountSummary",
            "iam:GetCredentialReport",
        ):
            assert calls[action] >= 1, action
        # a later refresh still asks STS as ada
        before = calls["sts:GetCallerIdentity"]
        await pilot.press("escape", "r")
        await refreshed(app, pilot, generation=3)
        assert app.service.counter.calls()["sts:GetCallerIdentity"] == before + 1
        assert app.posture.caller.value.arn == f"arn:aws:iam::{ACCOUNT}:user/ada"
    # the profile reads ada's key from the keyring: no secret in the file
    text = aws_config()
    assert "[profile ada]" in text
    assert f"credentials get ada --account {ACCOUNT}" in text
    assert secret not in text


async def test_a_key_of_someone_else_is_refused_and_nothing_changes(moto_reset: str) -> None:
    seed_admin(moto_reset)
    vault = Vault(MemoryKeyring())
    # A key id moto does not know: STS answers as "user/moto", not as ada.
    vault.save(VaultEntry(ACCOUNT, "ada", "AKIAUNKNOWN000000000", "not-ada"))
    app = server_app(moto_reset, vault=vault)
    old_service = app.service
    async with app.run_test(size=(80, 24)) as pilot:
        await refreshed(app, pilot)
        await pilot.press("g")
        guide = await wait_for_screen(app, pilot, GuideScreen)
        await go_to(pilot, guide, "sign-in")
        await pilot.press("enter")
        await wait_for_screen(app, pilot, ConfirmScreen)
        await pilot.press(*"ada", "enter")
        await wait_until(
            pilot, lambda: any("key did not work" in n.message for n in app._notifications)
        )
        assert app.service is old_service
        assert app.generation == 1
        assert "user/moto" in header(app)
