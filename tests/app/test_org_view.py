"""The Accounts view over a real moto_server organization: every member with its checks,
one denied account failing alone, enter opening a member's console through the role,
a fix made there, and escape coming back to that account's row read again."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Static

from tests.support.app import make_app, make_service
from tests.support.faultproxy import FaultProxy
from tests.support.org import build_org
from tests.support.pilot import plain, wait_for_screen, wait_until
from tui import flows
from tui.app import AcctApp
from tui.aws.org_permissions import DEFAULT_ROLE
from tui.runtime.messages import RegionPolled
from tui.runtime.org import OrgOptions
from tui.screens.forms.password_policy import PasswordPolicyScreen
from tui.screens.main import MainScreen
from tui.screens.org import OrgScreen

pytestmark = pytest.mark.server

SIZE = (120, 30)


def org_app(url: str, *, read_only: bool = False, concurrency: int = 8) -> AcctApp:
    app = make_app(make_service(url, read_only=read_only))
    app.org.options = OrgOptions(open_at_start=True, concurrency=concurrency)
    return app


async def accounts_read(app: AcctApp, pilot: Any) -> OrgScreen:
    screen = await wait_for_screen(app, pilot, OrgScreen, 30)
    await wait_until(pilot, lambda: app.org.organization is not None and not app.org.busy, 120)
    # The view redraws at most every 0.2 s (later on a loaded machine): its last redraw.
    await wait_until(pilot, lambda: str(screen.pane.border_title).endswith(" read"), 30)
    return screen


def row(screen: OrgScreen, account: str) -> list[str]:
    return [c.plain for c in screen.pane.table.get_row(account)]


async def open_account(app: AcctApp, pilot: Any, screen: OrgScreen, account: str) -> None:
    table = screen.pane.table
    table.focus()
    table.move_cursor(row=table.get_row_index(account))
    await pilot.pause(0.1)
    await pilot.press("enter")


async def console_read(app: AcctApp, pilot: Any, account: str) -> None:
    await wait_for_screen(app, pilot, MainScreen, 20)
    await wait_until(
        pilot,
        lambda: (
            app.posture.caller.value is not None
            and app.posture.caller.value.account_id == account
            and not app.refreshing
        ),
        120,
    )


async def test_members_open_one_key_away_and_come_back_read_again(moto_reset: str) -> None:
    ids = build_org(moto_reset)
    web = ids["prod-web"]
    app = org_app(moto_reset)
    async with app.run_test(size=SIZE) as pilot:
        screen = await accounts_read(app, pilot)
        assert set(screen.pane.table.keys()) == {*ids.values(), "123456789012"}
        cells = row(screen, web)
        assert cells[:2] == ["prod-web", web]
        assert cells[2].startswith("✗ ") and "to fix" in cells[2], cells
        assert cells[3] == "✗ no"  # root MFA
        assert cells[6] == "Root/Workloads/Prod"
        assert "4 read" in str(screen.pane.border_title)
        before = app.org.reads[web].summary
        assert before is not None and before.failing
        # Under the table, the highlighted account's failing checks by severity.
        table = screen.pane.table
        table.move_cursor(row=table.get_row_index(web))
        await pilot.pause(0.1)
        detail = plain(screen.query_one("#org-detail", Static))
        by_severity = ", ".join(
            f"{before.failing[s]} {s.name.lower()}" for s in sorted(before.failing)
        )
        assert f"prod-web {web}: {before.verdict} ({by_severity})." in detail, detail

        await open_account(app, pilot, screen, web)
        await console_read(app, pilot, web)
        header = app.main.header
        assert header.member == "prod-web"
        shown = str(header.render())
        assert "MEMBER prod-web" in shown and web in shown
        assert f"assumed-role/{DEFAULT_ROLE}" in shown
        await wait_until(pilot, lambda: app.main.users.table.row_count == 5, 30)
        assert sorted(app.main.users.table.keys()) == [f"web-{n}" for n in range(5)]
        # A Region poll of the account shown before (already on its way) is not applied here.
        regions = app.posture.regions.value
        assert regions is not None
        app.post_message(RegionPolled(regions.regions[0].code, "DISABLING", False, epoch=0))
        await pilot.pause(0.2)
        assert app.posture.regions.value == regions
        # A key's own user, even in a member's console, signs as that user, not the role.
        assert app.service.signed_with("AKIAEXAMPLE", "secret").settings.role_arn is None

        # Fix something there: the password policy (CIS values, as the form proposes).
        app.state.run_flow(flows.password_policy(app.state, app), "password policy")
        form = await wait_for_screen(app, pilot, PasswordPolicyScreen, 20)
        # While the flow runs in this account, its console stays (the palette's entry).
        app.main.action_organization()
        await pilot.pause(0.2)
        assert app.org.member is not None and app.screen is form
        assert any("Close the screens" in n.message for n in app._notifications)
        message = form.query_one("#policy-message", Static)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not form.is_attached, 30)  # applied: it closes
        assert "Not changed" not in plain(message)
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen), 20)

        await pilot.press("escape")  # back to the organization
        screen = await accounts_read(app, pilot)
        after = app.org.reads[web].summary
        assert after is not None
        assert sum(after.failing.values()) == sum(before.failing.values()) - 1, (before, after)
        assert row(screen, web)[2].startswith(f"✗ {after.verdict}")
        # The console is the caller's own again.
        assert app.main.header.member is None
        assert app.service is app.org.management

        await pilot.press("escape")  # Accounts → the caller's own console
        await console_read(app, pilot, "123456789012")
        assert isinstance(app.screen, MainScreen)


async def test_a_denied_member_fails_alone_and_cannot_be_opened(moto_reset: str) -> None:
    build_org(moto_reset)
    with FaultProxy(moto_reset) as proxy:
        proxy.inject("sts:AssumeRole", "denied", times=1)
        app = org_app(proxy.url, read_only=True, concurrency=1)
        async with app.run_test(size=SIZE) as pilot:
            screen = await accounts_read(app, pilot)
            denied = [r for r in app.org.reads.values() if r.error is not None]
            assert len(denied) == 1, [r.problem() for r in app.org.reads.values()]
            account = denied[0].account.id
            problem = f"? access denied assuming {DEFAULT_ROLE} in {account}"
            assert row(screen, account)[2] == "? access denied assuming the role"
            others = [r for r in app.org.reads.values() if r.account.id != account]
            assert all(r.summary is not None for r in others)
            await open_account(app, pilot, screen, account)
            await pilot.pause(0.3)
            assert isinstance(app.screen, OrgScreen), "the console of a denied account opened"
            detail = plain(screen.query_one("#org-detail", Static))
            assert problem in detail and "sts:AssumeRole denied" in detail
            # Read-only is kept in a member's console.
            member = others[0].account.id if others[0].via_role else others[1].account.id
            await open_account(app, pilot, screen, member)
            await console_read(app, pilot, member)
            assert app.service.read_only and "READ-ONLY" in str(app.main.header.render())


async def test_accounts_never_opens_over_a_screen_of_the_console(moto_reset: str) -> None:
    """A screen open over the console acts in its account: Accounts (the palette's entry,
    which works over any screen) is refused until it is closed."""
    from tui.screens.user import UserScreen

    build_org(moto_reset)
    app = org_app(moto_reset)
    app.org.options = OrgOptions()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.generation and not app.refreshing, 60)
        user = UserScreen(app.state, "someone")
        app.push_screen(user)
        await wait_for_screen(app, pilot, UserScreen, 20)
        app.main.action_organization()
        await pilot.pause(0.2)
        assert app.screen is user and app.org.member is None
        assert any("Close the screens" in n.message for n in app._notifications)


async def test_outside_an_organization_accounts_says_why_and_q_quits(moto_reset: str) -> None:
    app = org_app(moto_reset)
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_screen(app, pilot, OrgScreen, 30)
        message = screen.query_one("#org-message", Static)
        await wait_until(pilot, lambda: "not in an AWS Organization" in plain(message), 60)
        assert screen.pane.table.row_count == 0
        await pilot.press("escape")  # to the console
        assert isinstance(app.screen, MainScreen)
        await pilot.press("o")  # and back
        await wait_for_screen(app, pilot, OrgScreen, 10)
        await pilot.press("q")
        await wait_until(pilot, lambda: not app.is_running, 10)
