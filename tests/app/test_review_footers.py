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
            await settle(pilot)
            assert bottom_row(app).endswith("esc Close  c Copy ARN"), (table.id, bottom_row(app))
        ws.query_one("#user-policies", DataTable).focus()
        await settle(pilot)
        assert "a Attach" in bottom_row(app)
        await pilot.press("a")
        await wait_for_screen(app, pilot, AttachPoliciesScreen)
        await settle(pilot)
        under = bottom_row(app)
        assert "Attach" not in under and "Detach" not in under, under
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is ws)
        await settle(pilot)
        assert "a Attach" in bottom_row(app)  # back on top: its keys again
        await pilot.press("escape")
        # the guide's footer under help
        await pilot.press("g")
        await wait_for_screen(app, pilot, GuideScreen)
        await settle(pilot)
        assert "r Refresh" in bottom_row(app)
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
