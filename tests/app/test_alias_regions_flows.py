"""Pilot tests: set, replace and delete the alias; enable and disable Regions live."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from textual.widgets import OptionList, Static

from tests.support.app import make_app
from tests.support.calls import inject
from tests.support.pilot import iam, loaded, plain, wait_for_screen, wait_until
from tui.demo import DemoEndpoint, DemoServer
from tui.panes import TablePane
from tui.screens.dialogs.confirm import ConfirmScreen
from tui.screens.dialogs.details import DetailsScreen
from tui.screens.forms.alias import AliasScreen
from tui.widgets.fields import Field

pytestmark = pytest.mark.server

# Region changes settle after 3 s: long enough to watch, short enough to test.
DEMO_REGION_DELAY = 3.0


def account_client(demo: DemoEndpoint) -> Any:
    return boto3.client(
        "account",
        endpoint_url=demo.endpoint_url,
        region_name="us-east-1",
        aws_access_key_id=demo.access_key_id,
        aws_secret_access_key=demo.secret_access_key,
    )


def status_of(app: Any, code: str) -> str:
    regions = app.query_one("#regions", TablePane)
    return str(regions.table.get_row(code)[1].plain)


async def test_set_replace_and_delete_the_alias(demo: DemoEndpoint) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await pilot.press("4", "n")
        form = await wait_for_screen(app, pilot, AliasScreen)
        field = form.query_one("#alias", Field)
        await pilot.press(*"acme--prod")
        reason = plain(field.query_one(".field-error", Static))
        assert reason, "the reason shows as you type"
        assert not plain(form.query_one("#alias-url", Static)), "no URL for an invalid alias"
        field.input.value = ""
        await pilot.press(*"acme-prod")
        assert plain(field.query_one(".field-error", Static)) == ""
        assert "https://acme-prod.signin.aws.amazon.com/console" in plain(
            form.query_one("#alias-url", Static)
        )
        await pilot.press("enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, AliasScreen))
        body = plain(app.query_one("#alias-body", Static))
        assert "acme-prod" in body and "https://acme-prod.signin.aws.amazon.com/console" in body
        recs = app.query_one("#recommendations", TablePane)
        assert recs.table.get_row("alias")[0].plain.startswith("✓")
        assert "(acme-prod)" in plain(app.query_one("#account-header", Static))
        # replacing warns that the old URL stops working
        await pilot.press("n")
        form = await wait_for_screen(app, pilot, AliasScreen)
        warning = plain(form.query_one("#alias-replace", Static))
        assert "acme-prod.signin.aws.amazon.com/console stops working" in warning
        await pilot.press("escape", "ctrl+d")
        await wait_for_screen(app, pilot, ConfirmScreen)
        await pilot.press("y")
        await wait_until(pilot, lambda: "No alias set" in plain(app.query_one("#alias-body")))
    assert iam(demo).list_account_aliases()["AccountAliases"] == []


async def test_taken_alias_offers_variants(demo: DemoEndpoint) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        # Aliases are global; a single moto account cannot hold someone else's, so the
        # client answers EntityAlreadyExists for this one name, as AWS would.
        inject(
            app.service.session,
            "CreateAccountAlias",
            "EntityAlreadyExists",
            when=lambda body: body.get("AccountAlias") == "popular",
        )
        await pilot.press("4", "n")
        form = await wait_for_screen(app, pilot, AliasScreen)
        await pilot.press(*"popular", "enter")
        variants = form.query_one("#alias-variants", OptionList)
        await wait_until(pilot, lambda: variants.display and variants.option_count > 0)
        error = plain(form.query_one("#alias", Field).query_one(".field-error", Static))
        assert "EntityAlreadyExists" in error
        variants.focus()
        variants.highlighted = 0
        await pilot.press("enter")
        chosen = form.query_one("#alias", Field).value
        assert chosen.startswith("popular") and chosen != "popular"
        await pilot.press("enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, AliasScreen))
    assert iam(demo).list_account_aliases()["AccountAliases"] == [chosen]


async def test_enable_a_region_and_keep_working_while_it_settles(demo: DemoEndpoint) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        regions = app.query_one("#regions", TablePane)
        await pilot.press("5")
        regions.table.move_cursor(row=regions.table.get_row_index("af-south-1"))
        assert status_of(app, "af-south-1") == "DISABLED"
        await pilot.press("enter")
        confirm = await wait_for_screen(app, pilot, ConfirmScreen)
        assert "Africa (Cape Town)" in plain(confirm.query_one("#confirm-lines").query_one(Static))
        await pilot.press("y")
        await wait_until(pilot, lambda: status_of(app, "af-south-1").startswith("ENABLING"))
        # keep working while it polls
        await pilot.press("2", "slash", *"bob", "escape", "3", "1")
        assert app.active_pane == "recommendations"
        await wait_until(pilot, lambda: "s" in status_of(app, "af-south-1").split("·")[-1])
        await wait_until(pilot, lambda: status_of(app, "af-south-1") == "ENABLED", seconds=30)
        notes = " ".join(n.message for n in app._notifications)
        assert "af-south-1 is now ENABLED" in notes
    got = account_client(demo).get_region_opt_status(RegionName="af-south-1")
    assert got["RegionOptStatus"] == "ENABLED"


async def test_disable_a_region(demo: DemoEndpoint) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        regions = app.query_one("#regions", TablePane)
        await pilot.press("5")
        regions.table.move_cursor(row=regions.table.get_row_index("me-south-1"))
        await pilot.press("enter")
        confirm = await wait_for_screen(app, pilot, ConfirmScreen)
        assert "lose access" in plain(confirm.query_one("#confirm-lines").query_one(Static))
        await pilot.press("y")
        await wait_until(pilot, lambda: status_of(app, "me-south-1").startswith("DISABLING"))
        await wait_until(pilot, lambda: status_of(app, "me-south-1") == "DISABLED", seconds=30)


async def test_regions_already_moving_are_watched_until_they_settle() -> None:
    server = DemoServer()
    try:
        # its own account, so eu-south-1 (ENABLING) and ap-east-1 (DISABLING) are fresh
        endpoint = server.start(region_delay=8.0)
        app = make_app(endpoint)
        async with app.run_test(size=(80, 24)) as pilot:
            await loaded(app, pilot)
            assert status_of(app, "eu-south-1").startswith("ENABLING")
            assert status_of(app, "ap-east-1").startswith("DISABLING")
            await wait_until(pilot, lambda: status_of(app, "eu-south-1") == "ENABLED", seconds=40)
            await wait_until(pilot, lambda: status_of(app, "ap-east-1") == "DISABLED", seconds=40)
    finally:
        server.stop()


async def test_enabled_by_default_is_not_actionable(demo: DemoEndpoint) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        regions = app.query_one("#regions", TablePane)
        await pilot.press("5")
        regions.table.move_cursor(row=regions.table.get_row_index("us-east-1"))
        calls = sum(app.service.counter.calls().values())
        await pilot.press("enter")
        details = await wait_for_screen(app, pilot, DetailsScreen)
        assert "by default" in plain(details.query_one("#details-body", Static)).lower()
        assert sum(app.service.counter.calls().values()) == calls


async def test_fix_missing_alias_opens_the_alias_form(demo: DemoEndpoint) -> None:
    client = iam(demo)
    for alias in client.list_account_aliases()["AccountAliases"]:
        client.delete_account_alias(AccountAlias=alias)  # left by an earlier test
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        recs = app.query_one("#recommendations", TablePane)
        recs.table.move_cursor(row=recs.table.get_row_index("alias"))
        await pilot.press("1", "enter")
        await wait_for_screen(app, pilot, AliasScreen)
