"""Found in review of issue 17 at 80×24: the footer of the screen underneath must not show
through a dialog (its keys do nothing there), no footer label is cut mid-word, and help's
search box says in characters whether it or the key list has the focus."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import DataTable

from tests.support.app import make_app
from tests.support.pilot import loaded, wait_for_screen, wait_until
from tests.support.render import cells_text, screen_cells
from tui.app import AcctApp
from tui.demo import DemoEndpoint
from tui.screens.dialogs.help import HelpScreen
from tui.screens.forms.attach_policies import AttachPoliciesScreen
from tui.screens.guide import GuideScreen
from tui.screens.user import UserScreen

pytestmark = pytest.mark.server

SIZE = (80, 24)


def bottom_row(app: AcctApp) -> str:
    return cells_text(screen_cells(app)[-1:]).rstrip()


def rows(app: AcctApp) -> list[str]:
    return cells_text(screen_cells(app)).splitlines()


async def settle(pilot: Any) -> None:
    await pilot.pause(0.3)


async def test_a_dialog_over_user_details_or_the_guide_shows_no_footer_from_below(
    demo: DemoEndpoint,
) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        await pilot.press("2", "enter")
        ws = await wait_for_screen(app, pilot, UserScreen)
        await wait_until(pilot, lambda: ws.loaded, 30)
        # each section's own footer, every label whole at 80 columns (the last one is
        # "c Copy ARN": it shows whole when nothing before it was cut)
        for table in ws.query(DataTable):
            table.focus()
            try:  # the footer is recomposed for the newly focused section
                await wait_until(pilot, lambda: bottom_row(app).endswith("esc Close  c Copy ARN"))
            except AssertionError:
                raise AssertionError((table.id, bottom_row(app))) from None
        ws.query_one("#user-policies", DataTable).focus()
        await wait_until(pilot, lambda: "a Attach" in bottom_row(app))
        await pilot.press("a")
        await wait_for_screen(app, pilot, AttachPoliciesScreen)
        await settle(pilot)
        under = bottom_row(app)
        assert "Attach" not in under and "Detach" not in under, under
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is ws)
        await wait_until(pilot, lambda: "a Attach" in bottom_row(app))  # its keys again
        await pilot.press("escape")
        # the guide's footer under help
        await pilot.press("g")
        await wait_for_screen(app, pilot, GuideScreen)
        await wait_until(pilot, lambda: "r Refresh" in bottom_row(app))
        await pilot.press("question_mark")
        await wait_for_screen(app, pilot, HelpScreen)
        await settle(pilot)
        assert "Refresh" not in bottom_row(app), bottom_row(app)


async def test_help_search_box_shows_focus_in_characters(demo: DemoEndpoint) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        await pilot.press("question_mark")
        help_screen = await wait_for_screen(app, pilot, HelpScreen)
        await pilot.press("slash", *"delete")
        await wait_until(pilot, lambda: help_screen.search.has_focus)
        await settle(pilot)
        typing = rows(app)
        await pilot.press("enter")  # back to the list, the search kept
        await wait_until(pilot, lambda: not help_screen.search.has_focus)
        await settle(pilot)
        listing = rows(app)
        line = next(i for i, r in enumerate(typing) if "delete" in r)
        assert typing[line] != listing[line], typing[line]


async def test_copying_the_mfa_secret_says_so_on_the_status_line(demo: DemoEndpoint) -> None:
    """ctrl+y on the MFA screen: the copy's note comes from a worker thread, and the status
    line that takes notes there must be updated on the app's thread (it failed with
    "Internal error: copy stopped: RuntimeError: no running event loop")."""
    from tui.screens.mfa import MfaScreen

    app = make_app(demo)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await loaded(app, pilot)
        await pilot.press("2", "j", "m")  # bob: no MFA device
        screen = await wait_for_screen(app, pilot, MfaScreen)
        await wait_until(pilot, lambda: screen.query_one("#mfa-qr").region.height > 10)
        await pilot.press("ctrl+y")
        await wait_until(
            pilot,
            lambda: (
                any("Copied the MFA secret" in r for r in rows(app))
                or any("error" in r for r in rows(app))
            ),
        )
        await pilot.pause(0.3)
        shown = "\n".join(rows(app))
        failures = [r for r in rows(app) if "Internal error" in r or "RuntimeError" in r]
        assert not failures, shown
        assert "Copied the MFA secret" in shown, shown
        assert app.screen is screen
        await pilot.press("escape")  # nothing typed: closes without a question


async def test_a_long_note_on_the_mfa_screen_leaves_the_whole_qr_code(demo: DemoEndpoint) -> None:
    """At 80×24 the QR code takes every row: a status line docked at the screen's foot cut
    its last rows (a cut QR code does not scan). The note goes beside it instead."""
    from tui.screens.mfa import MfaScreen

    app = make_app(demo)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await loaded(app, pilot)
        await pilot.press("2", "j", "m")
        screen = await wait_for_screen(app, pilot, MfaScreen)
        qr = screen.query_one("#mfa-qr")
        await wait_until(pilot, lambda: qr.region.height > 10)
        await settle(pilot)
        right = qr.region.right
        before = [r[:right] for r in rows(app)]
        note = "Probe note 42: " + "a long note that takes several lines " * 3
        app.notify(note, severity="warning")
        await wait_until(pilot, lambda: any("Probe note 42" in r for r in rows(app)))
        await settle(pilot)
        assert [r[:right] for r in rows(app)] == before, "\n".join(rows(app))
        shown = " ".join(r[right:].strip() for r in rows(app))
        assert "⚠ warning: Probe note 42" in shown, shown


async def test_new_credentials_show_a_long_sign_in_url_whole(
    demo: DemoEndpoint,
) -> None:
    """With a long alias the sign-in URL did not fit its one-line field and showed blank
    ("Sign-in URL" and nothing); it now takes more lines, broken only after "/" or "."."""
    from tui.aws.iam import UserCredentials
    from tui.screens.credentials import CredentialsScreen

    url = "https://acme-production-payments-platform-eu.signin.aws.amazon.com/console"
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        screen = CredentialsScreen(app.state, UserCredentials(demo.account_id, "kim", url))
        await app.push_screen(screen)
        await wait_until(pilot, lambda: any("Sign-in URL" in r for r in rows(app)))
        await settle(pilot)
        shown = rows(app)
        at = next(i for i, r in enumerate(shown) if "Sign-in URL" in r)
        parts = [shown[at].split("Sign-in URL", 1)[1], shown[at + 1]]
        joined = "".join(p.strip(" │┃") for p in parts)
        assert joined == url, "\n".join(shown)
        assert shown[at].rstrip(" │┃").endswith("."), shown[at]  # broken after a dot
