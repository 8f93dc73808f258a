"""Pilot tests of the whole app over the demo account (moto_server child + Region stand-in)."""

from __future__ import annotations

import pytest
from textual.widgets import Static, Tabs

from tests.support.app import make_app
from tests.support.pilot import loaded, plain, wait_for_screen, wait_until
from tui.app import AcctApp
from tui.demo import DemoEndpoint
from tui.panes import RecommendationsPane, TablePane
from tui.runtime.messages import ViewsPrepared
from tui.screens.dialogs.choose import ChooseScreen
from tui.screens.dialogs.help import HelpScreen
from tui.screens.guide import GuideScreen
from tui.screens.main import PANE_IDS
from tui.screens.user import UserScreen
from tui.widgets.rowtable import RowTable

pytestmark = pytest.mark.server


def shown(app: AcctApp, pane_id: str) -> bool:
    widget = app.query_one(f"#{pane_id}")
    return widget.display and widget.region.area > 0


def status_text(app: AcctApp, pane_id: str) -> str:
    status = app.query_one(f"#{pane_id}").query_one("#status", Static)
    return plain(status) if status.display else ""


async def test_narrow_every_pane_reachable_by_keys(demo: DemoEndpoint) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        for n, pane_id in enumerate(PANE_IDS, start=1):
            await pilot.press(str(n))
            assert app.active_pane == pane_id
            assert shown(app, pane_id)
            others = [p for p in PANE_IDS if p != pane_id]
            assert not any(shown(app, p) for p in others), "80×24 shows one pane at a time"
            assert app.query_one("#tabs", Tabs).active == f"tab-{pane_id}"
            assert app.focused is not None
            assert app.query_one(f"#{pane_id}") in (app.focused, *app.focused.ancestors)
        # tab walks forward through the panes and wraps around
        await pilot.press("1", "tab")
        assert app.active_pane == "users"
        await pilot.press("shift+tab", "shift+tab")
        assert app.active_pane == "regions"


async def test_narrow_panes_show_the_demo_account(demo: DemoEndpoint) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        users = app.query_one("#users", TablePane)
        assert {"alice", "bob", "deploy-bot"} <= set(users.visible_keys())
        groups = app.query_one("#groups", TablePane)
        assert "developers" in groups.visible_keys()
        regions = app.query_one("#regions", TablePane)
        row = regions.table.get_row("af-south-1")
        assert [cell.plain for cell in row] == ["af-south-1", "DISABLED", "Africa (Cape Town)"]
        statuses = {
            regions.table.get_row(k)[1].plain.split(" ·")[0] for k in regions.visible_keys()
        }
        assert {"ENABLED", "ENABLING", "DISABLING", "DISABLED", "ENABLED_BY_DEFAULT"} <= statuses
        alias_text = plain(app.query_one("#alias-body", Static))
        assert "No alias set" in alias_text
        assert f"https://{demo.account_id}.signin.aws.amazon.com/console" in alias_text
        recs = app.query_one("#recommendations", TablePane)
        failing = [k for k in recs.visible_keys() if recs.table.get_row(k)[0].plain.startswith("✗")]
        assert {"root-mfa", "admin-group", "user-mfa", "alias", "password-policy"} <= set(failing)
        header = plain(app.query_one("#account-header", Static))
        assert demo.account_id in header and "user/alice" in header and "DEMO" in header
        for pane_id in PANE_IDS:
            assert status_text(app, pane_id) == "", f"{pane_id} shows an error"


async def test_wide_shows_all_panes_at_once(demo: DemoEndpoint) -> None:
    app = make_app(demo)
    async with app.run_test(size=(160, 50)) as pilot:
        await loaded(app, pilot)
        # Wait for the layout: on a busy CPU it can come a frame after the refresh ends.
        await wait_until(pilot, lambda: all(shown(app, p) for p in PANE_IDS))
        assert not app.query_one("#tabs").display
        regions = [app.query_one(f"#{p}").region for p in PANE_IDS]
        for i, a in enumerate(regions):
            for b in regions[i + 1 :]:
                assert not a.overlaps(b), "panes must not overlap"
        for n, pane_id in enumerate(PANE_IDS, start=1):
            await pilot.press(str(n))
            assert app.focused is not None
            assert app.query_one(f"#{pane_id}") in (app.focused, *app.focused.ancestors)


async def test_filter_narrows_the_table_as_you_type(demo: DemoEndpoint) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        users = app.query_one("#users", TablePane)
        everyone = users.visible_keys()
        await pilot.press("2", "slash", "b", "o")
        assert users.visible_keys() == ["bob", "deploy-bot"]
        await pilot.press("b")
        assert users.visible_keys() == ["bob"]
        await pilot.press("enter")  # back to the table, filter kept
        assert isinstance(app.focused, RowTable)
        assert users.visible_keys() == ["bob"]
        await pilot.press("slash", "escape")
        assert users.visible_keys() == everyone
        # escape with no filter open does not swallow the key (nothing to close here)
        await pilot.press("5", "slash", *"cape")
        regions = app.query_one("#regions", TablePane)
        assert regions.visible_keys() == ["af-south-1"]


async def test_help_and_details_open_and_close(demo: DemoEndpoint) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        help_text = plain(app.screen.query_one(Static))
        assert "Filter the table" in help_text and "users.new" in help_text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("2", "slash", *"bob", "enter", "enter")
        assert isinstance(app.screen, UserScreen)
        body = plain(app.screen.query_one("#user-summary", Static))
        assert "arn:aws:iam::123456789012:user/bob" in body
        await pilot.press("escape", "1")
        # a failing finding's enter runs its fix: "permissions from groups" offers the move
        recs = app.query_one("#recommendations", TablePane)
        recs.table.move_cursor(row=recs.table.get_row_index("user-policies"))
        await pilot.press("enter")
        chooser = await wait_for_screen(app, pilot, ChooseScreen)
        assert "alice" in chooser.items or chooser.prompt == "To which group?"
        await pilot.press("escape")


async def test_command_palette_reaches_panes(demo: DemoEndpoint) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await pilot.press("ctrl+p", *"regions: show")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.1)
        assert app.active_pane == "regions"


async def test_refresh_rereads_without_blanking(demo: DemoEndpoint) -> None:
    app = make_app(demo, read_only=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        assert "READ-ONLY" in plain(app.query_one("#account-header", Static))
        first = app.service.counter.calls()
        users = app.query_one("#users", TablePane)
        before = users.visible_keys()
        await pilot.press("r")
        assert app.generation == 2
        assert users.visible_keys() == before, "old rows stay while the refresh runs"
        await loaded(app, pilot)
        second = app.service.counter.calls() - first
        # users and groups; customer managed policies (CIS 1.15): one call each
        assert second["iam:GetAccountAuthorizationDetails"] == 2
        assert users.visible_keys() == before


async def test_aws_text_is_never_markup(demo: DemoEndpoint) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        app.notify("AccessDenied: not allowed on [bold]arn:aws:iam::1:user/x[/bold]")
        # a notification, from a screen too (Widget.notify asks for markup by default)
        app.screen.notify("[red]literal[/red]")
        await pilot.pause(0.1)
        messages = [n.message for n in app._notifications]
        assert "[bold]arn:aws:iam::1:user/x[/bold]" in messages[0]
        assert messages[1] == "[red]literal[/red]"
        assert not any(n.markup for n in app._notifications), "toasts render them literally"


def table_contents(app: AcctApp) -> dict[str, list[tuple[str, ...]]]:
    """Every table pane's rows as plain text."""
    out = {}
    for pane_id in ("recommendations", "users", "groups", "regions"):
        pane = app.query_one(f"#{pane_id}", TablePane)
        # (Regions in transit show their elapsed time, which differs between two apps.)
        out[pane_id] = [
            tuple(cell.plain.split(" · ")[0] for cell in pane.table.get_row(k))
            for k in pane.visible_keys()
        ]
    return out


async def test_large_account_rows_are_built_off_the_ui_thread_and_match(
    demo: DemoEndpoint,
) -> None:
    # derive_threshold 0: the demo account takes the path of a 5,000-user account, where
    # the rows are built in a thread worker; what the panes show must not differ.
    small = make_app(demo, read_only=True)
    async with small.run_test(size=(160, 50)) as pilot:
        await loaded(small, pilot)
        expected = table_contents(small)
    large = make_app(demo, read_only=True)
    large.pipeline.threshold = 0
    prepared: list[ViewsPrepared] = []

    def hook(message: object) -> None:
        if isinstance(message, ViewsPrepared):
            prepared.append(message)

    async with large.run_test(size=(160, 50), message_hook=hook) as pilot:
        await loaded(large, pilot)
        assert prepared, "the rows came from the thread worker"
        assert table_contents(large) == expected, "refresh finished only once rows were shown"
        users = large.query_one("#users", TablePane)
        await pilot.press("2", "slash", *"bob")
        assert users.visible_keys() == ["bob"]
        await pilot.press("escape")
        assert users.visible_keys() == [row[0] for row in expected["users"]]
        # "Getting started" shows the steps built in the same worker, for this posture.
        await pilot.press("g")
        guide = await wait_for_screen(large, pilot, GuideScreen)
        assert large.state.guide_view(large.posture) is not None
        assert [s.id for s in guide.steps][:3] == ["root-mfa", "root-keys", "admin-group"]
        assert guide.findings.keys() == large.query_one(RecommendationsPane).findings.keys()


async def test_the_mouse_works_too(demo: DemoEndpoint) -> None:
    from textual.widgets import Footer

    app = make_app(demo, read_only=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await pilot.click("#tab-users")
        await pilot.pause(0.1)
        assert app.active_pane == "users"
        users = app.query_one("#users", TablePane)
        second = users.visible_keys()[1]
        await pilot.click(users.table, offset=(3, 2))  # header, first row, second row
        assert users.selected_key() == second
        await pilot.click(users.table, offset=(3, 2))
        await pilot.pause(0.2)
        assert isinstance(app.screen, UserScreen), "a second click opens the row"
        await pilot.press("escape")
        footer = app.screen.query_one(Footer)
        help_key = next(k for k in footer.query("FooterKey") if getattr(k, "action", "") == "help")
        await pilot.click(help_key)
        await pilot.pause(0.2)
        assert isinstance(app.screen, HelpScreen)
