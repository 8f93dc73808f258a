"""Forms that behave: escape asks before throwing typed content away, placeholders cannot be
taken for values, and the MFA screen's errors, hint and layout say what is true."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input, Static

from tests.support.app import OFFLINE_URL, make_app
from tests.support.pilot import plain, wait_for_screen, wait_until
from tests.support.qr import FAKE_SEED
from tests.support.render import cells_text, screen_cells
from tui.app import AcctApp
from tui.aws.mfa import VirtualMfa, otpauth_uri
from tui.aws.models import PasswordPolicy
from tui.demo.seed import CALLER
from tui.screens.dialogs.confirm import ConfirmScreen
from tui.screens.forms.create_group import CreateGroupScreen
from tui.screens.forms.create_user import CreateUserScreen
from tui.screens.mfa import MfaScreen

ACCOUNT = "123456789012"


def _no_plan(_request: object) -> Any:
    raise AssertionError("not submitted in these tests")


def user_form() -> CreateUserScreen:
    return CreateUserScreen(
        existing=[CALLER, "bob"], groups=["developers"], policy=PasswordPolicy(), planner=_no_plan
    )


def mfa_screen(app: AcctApp) -> MfaScreen:
    device = VirtualMfa(
        serial=f"arn:aws:iam::{ACCOUNT}:mfa/bob",
        user_name="bob",
        seed=FAKE_SEED,
        uri=otpauth_uri(FAKE_SEED, ACCOUNT, "bob"),
    )
    return MfaScreen(app.state, device)


async def open_screen(app: AcctApp, pilot: Any, screen: Any) -> Any:
    app.push_screen(screen)
    return await wait_for_screen(app, pilot, type(screen))


# ------------------------------------------------------------------------------ dirty forms
async def test_escape_on_a_pristine_form_closes_it_at_once() -> None:
    app = make_app(OFFLINE_URL)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_screen(app, pilot, user_form())
        await pilot.pause(0.2)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is not form)
        assert not isinstance(app.screen, ConfirmScreen)


async def test_escape_on_a_filled_in_form_asks_and_keeps_it_by_default() -> None:
    app = make_app(OFFLINE_URL)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_screen(app, pilot, user_form())
        await pilot.pause(0.2)
        await pilot.press(*"dana")
        await pilot.press("escape")
        ask = await wait_for_screen(app, pilot, ConfirmScreen)
        assert "Discard the form?" in cells_text(screen_cells(app))
        await pilot.press("enter")  # the focused button is Cancel: keep
        await wait_until(pilot, lambda: app.screen is form)
        assert form.query_one("#name-input", Input).value == "dana"
        await pilot.press("escape")
        ask = await wait_for_screen(app, pilot, ConfirmScreen)
        await pilot.press("y")
        await wait_until(pilot, lambda: app.screen is not form and app.screen is not ask)


async def test_escape_on_the_mfa_screen_with_a_code_typed_asks_first() -> None:
    app = make_app(OFFLINE_URL)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_screen(app, pilot, mfa_screen(app))
        await pilot.pause(0.2)
        await pilot.press("1", "2", "escape")
        await wait_for_screen(app, pilot, ConfirmScreen)
        await pilot.press("n")
        await wait_until(pilot, lambda: app.screen is screen)
        assert screen.query_one("#code1", Input).value == "12"


# ------------------------------------------------------------------------------ placeholders
async def test_placeholders_are_examples_never_existing_names() -> None:
    app = make_app(OFFLINE_URL)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(app, pilot, user_form())
        await pilot.pause(0.3)
        shown = cells_text(screen_cells(app))
        assert "e.g. dana.lee" in shown and CALLER not in shown
        await pilot.press("escape")
        form = CreateGroupScreen(existing=[], load_policies=list, planner=_no_plan)
        await open_screen(app, pilot, form)
        await pilot.pause(0.3)
        shown = cells_text(screen_cells(app))
        assert "e.g. security-auditors" in shown and "administrators" not in shown
        await pilot.press("escape")
        await open_screen(app, pilot, mfa_screen(app))
        await pilot.pause(0.3)
        shown = cells_text(screen_cells(app))
        assert "6 digits" in shown
        assert "123456" not in shown and "654321" not in shown


# ------------------------------------------------------------------------------ the MFA screen
async def test_mfa_error_goes_once_the_code_is_corrected() -> None:
    app = make_app(OFFLINE_URL)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_screen(app, pilot, mfa_screen(app))
        message = screen.query_one("#mfa-message", Static)
        await pilot.press("1", "2", "tab", *"123456", "ctrl+s")
        await wait_until(pilot, lambda: "Code 1" in plain(message))
        assert screen.focused is screen.query_one("#code1", Input)
        await pilot.press("end", "3", "4", "5")
        await pilot.pause(0.1)
        assert "Code 1" in plain(message)  # still 5 digits: still wrong
        await pilot.press("6")
        await wait_until(pilot, lambda: plain(message) == "")


async def test_mfa_enter_in_code_1_moves_on_and_the_hint_says_so() -> None:
    app = make_app(OFFLINE_URL)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_screen(app, pilot, mfa_screen(app))
        hint = screen.query_one("#mfa-hint", Static)
        await pilot.pause(0.2)
        assert "enter: next code" in plain(hint)
        await pilot.press(*"123456", "enter")
        await wait_until(pilot, lambda: screen.focused is screen.query_one("#code2", Input))
        await wait_until(pilot, lambda: "enter: check & enable" in plain(hint))
        assert plain(screen.query_one("#mfa-message", Static)) == ""  # nothing checked yet


async def test_mfa_screen_is_centred_and_wraps_sensibly_at_200x50() -> None:
    app = make_app(OFFLINE_URL)
    async with app.run_test(size=(200, 50)) as pilot:
        screen = await open_screen(app, pilot, mfa_screen(app))
        await pilot.pause(0.5)
        box = screen.query_one("#mfa").region
        left, right = box.x, 200 - box.right
        top, bottom = box.y, 50 - box.bottom
        assert left > 10 and abs(left - right) <= 1, box
        assert top > 2 and abs(top - bottom) <= 1, box
        assert screen.query_one("#mfa-text").region.width >= 50
        assert screen.query_one("#mfa-qr").display


async def test_mfa_screen_still_fits_80x24_with_the_qr_code() -> None:
    app = make_app(OFFLINE_URL)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_screen(app, pilot, mfa_screen(app))
        await pilot.pause(0.5)
        assert screen.query_one("#mfa-qr").display
        for widget_id in ("#mfa-qr", "#code1", "#code2", "#mfa-hint"):
            region = screen.query_one(widget_id).region
            assert region.right <= 80 and region.bottom <= 24 and region.area, widget_id
