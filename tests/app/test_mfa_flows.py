"""Pilot tests of MFA enrollment and of the fixes behind enter on a recommendation."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from textual.widgets import Input, Static

from tests.support.app import make_app
from tests.support.pilot import iam, loaded, plain, wait_for_screen, wait_until
from tests.support.qr import decode, rasterise
from tui.aws.totp import totp, verify_pair
from tui.demo import DemoEndpoint
from tui.panes import TablePane
from tui.screens.access_keys import AccessKeysScreen
from tui.screens.dialogs.choose import ChooseScreen
from tui.screens.forms.create_group import CreateGroupScreen
from tui.screens.forms.password_policy import PasswordPolicyScreen
from tui.screens.mfa import MASK, MfaScreen
from tui.screens.root_mfa import RootMfaScreen
from tui.widgets.fields import Field

pytestmark = pytest.mark.server


def unassigned(demo: DemoEndpoint) -> list[str]:
    devices = iam(demo).list_virtual_mfa_devices(AssignmentStatus="Unassigned")
    return [d["SerialNumber"] for d in devices["VirtualMFADevices"]]


async def open_user_row(pilot: Any, user: str) -> None:
    await pilot.press("2", "slash", *user, "enter")


async def type_codes(pilot: Any, screen: MfaScreen, code1: str, code2: str) -> None:
    screen.query_one("#code1", Input).value = ""
    screen.query_one("#code2", Input).value = ""
    screen.query_one("#code1", Input).focus()
    await pilot.press(*code1, "enter", *code2, "enter")


async def test_enroll_mfa_with_codes_from_the_qr(demo: DemoEndpoint) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await open_user_row(pilot, "bob")
        await pilot.press("m")
        screen = await wait_for_screen(app, pilot, MfaScreen)
        device = screen.device
        # the QR drawn on screen decodes to the device's URI, whose secret is the seed
        qr_box = screen.query_one("#mfa-qr", Static)
        assert qr_box.display and qr_box.region.right <= 80 and qr_box.region.bottom <= 24
        lines = plain(qr_box).splitlines()
        texts = decode(rasterise(lines, ink=0, paper=255), try_invert=False)
        assert texts == [device.uri]
        assert parse_qs(urlsplit(texts[0]).query)["secret"] == [device.seed]
        # the seed is masked on screen until revealed
        shot = app.export_screenshot()
        assert device.seed not in shot and MASK in plain(screen.query_one("#mfa-secret"))
        before = app.service.counter.calls()["iam:EnableMFADevice"]
        # wrong codes are refused locally: no EnableMFADevice call
        await type_codes(pilot, screen, "123456", "123456")
        assert "same code" in plain(screen.query_one("#mfa-message")).lower()
        await type_codes(pilot, screen, "000000", "111111")
        verdict = verify_pair(device.seed, "000000", "111111", now=time.time())
        assert not verdict.ok
        assert plain(screen.query_one("#mfa-message")) == verdict.message
        assert app.service.counter.calls()["iam:EnableMFADevice"] == before
        now = time.time()
        await type_codes(pilot, screen, totp(device.seed, now - 30), totp(device.seed, now))
        await wait_until(pilot, lambda: not isinstance(app.screen, MfaScreen))
        assert app.service.counter.calls()["iam:EnableMFADevice"] == before + 1
        users = app.query_one("#users", TablePane)
        assert users.table.get_row("bob")[2].plain == "✓ yes"
        serial = device.serial
    devices = iam(demo).list_mfa_devices(UserName="bob")["MFADevices"]
    assert [d["SerialNumber"] for d in devices] == [serial]
    assert serial not in unassigned(demo)


async def test_cancel_deletes_the_unassigned_device(demo: DemoEndpoint) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await open_user_row(pilot, "erin")
        await pilot.press("m")
        screen = await wait_for_screen(app, pilot, MfaScreen)
        serial = screen.device.serial
        assert serial in unassigned(demo)
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, MfaScreen))
        await wait_until(pilot, lambda: serial not in unassigned(demo))
    assert iam(demo).list_mfa_devices(UserName="erin")["MFADevices"] == []


async def test_small_terminal_shows_the_text_secret_instead(demo: DemoEndpoint) -> None:
    app = make_app(demo)
    async with app.run_test(size=(70, 24)) as pilot:
        await loaded(app, pilot)
        await open_user_row(pilot, "frank")
        await pilot.press("m")
        screen = await wait_for_screen(app, pilot, MfaScreen)
        assert not screen.query_one("#mfa-qr", Static).display
        assert "too small" in plain(screen.query_one("#mfa-help"))
        await pilot.press("ctrl+t")
        assert screen.device.seed[:4] in plain(screen.query_one("#mfa-secret"))
        await pilot.press("escape")


async def test_fix_console_user_without_mfa_asks_which_user(demo: DemoEndpoint) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        recs = app.query_one("#recommendations", TablePane)
        await pilot.press("1")
        recs.table.move_cursor(row=recs.table.get_row_index("user-mfa"))
        await pilot.press("enter")
        choose = await wait_for_screen(app, pilot, ChooseScreen)
        assert "dave" in choose.items
        choose.query_one("OptionList").highlighted = choose.items.index("dave")
        await pilot.press("enter")
        screen = await wait_for_screen(app, pilot, MfaScreen)
        assert screen.device.user_name == "dave"
        await pilot.press("escape")


async def test_fix_missing_admin_group_prefills_the_form(demo: DemoEndpoint) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        recs = app.query_one("#recommendations", TablePane)
        recs.table.move_cursor(row=recs.table.get_row_index("admin-group"))
        await pilot.press("1", "enter")
        form = await wait_for_screen(app, pilot, CreateGroupScreen)
        assert form.query_one("#name", Field).value == "administrators"
        picker = form.query_one("#policies")
        assert picker.selected_arns == ("arn:aws:iam::aws:policy/AdministratorAccess",)


async def test_fix_unused_key_deactivates_after_confirmation(demo: DemoEndpoint) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        recs = app.query_one("#recommendations", TablePane)
        recs.table.move_cursor(row=recs.table.get_row_index("two-keys"))
        await pilot.press("1", "enter")
        keys = await wait_for_screen(app, pilot, AccessKeysScreen)
        assert keys.user == "deploy-bot" and len(keys.keys) == 2
        await pilot.press("d", "y")
        await wait_until(pilot, lambda: keys.changed)
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, AccessKeysScreen))
        assert recs.table.get_row("two-keys")[0].plain.startswith("✓"), "re-evaluated at once"
    statuses = sorted(
        k["Status"] for k in iam(demo).list_access_keys(UserName="deploy-bot")["AccessKeyMetadata"]
    )
    assert statuses == ["Active", "Inactive"]


async def test_fix_password_policy_sends_every_field_and_never_weakens(
    demo: DemoEndpoint,
) -> None:
    client = iam(demo)
    client.update_account_password_policy(
        MinimumPasswordLength=20, MaxPasswordAge=90, AllowUsersToChangePassword=False
    )
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        recs = app.query_one("#recommendations", TablePane)
        recs.table.move_cursor(row=recs.table.get_row_index("password-policy"))
        await pilot.press("1", "enter")
        form = await wait_for_screen(app, pilot, PasswordPolicyScreen)
        assert form.proposed.minimum_length == 20, "a stricter length is kept"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, PasswordPolicyScreen))
        assert recs.table.get_row("password-policy")[0].plain.startswith("✓")
    policy = client.get_account_password_policy()["PasswordPolicy"]
    assert policy["MinimumPasswordLength"] == 20
    assert policy["PasswordReusePrevention"] == 24
    assert policy["MaxPasswordAge"] == 90
    assert policy["AllowUsersToChangePassword"] is True
    for flag in ("RequireSymbols", "RequireNumbers", "RequireUppercaseCharacters"):
        assert policy[flag] is True
    assert policy["RequireLowercaseCharacters"] is True


async def test_root_mfa_guide_checks_again(demo: DemoEndpoint) -> None:
    app = make_app(demo, read_only=True)  # a guide changes nothing: allowed read-only
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        recs = app.query_one("#recommendations", TablePane)
        recs.table.move_cursor(row=recs.table.get_row_index("root-mfa"))
        await pilot.press("1", "enter")
        guide = await wait_for_screen(app, pilot, RootMfaScreen)
        assert "https://console.aws.amazon.com/" in app.export_screenshot()  # root signs in there
        calls = app.service.counter.calls()["iam:GetAccountSummary"]
        await pilot.press("r")
        state = guide.query_one("#root-mfa-state", Static)
        await wait_until(pilot, lambda: "still" in plain(state).lower())
        assert app.service.counter.calls()["iam:GetAccountSummary"] == calls + 1
