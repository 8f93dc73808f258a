"""Pilot tests: enter on the Access Analyzer recommendation (CIS 1.19) creates an
external-access analyzer in each Region that lacks one, after a review that lists them."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import boto3
import pytest
from textual.widgets import Static

from tests.support.app import make_app
from tests.support.pilot import loaded, plain, wait_for_screen, wait_until
from tui.aws.analyzers import ANALYZER_NAME
from tui.aws.findings import Status
from tui.demo import DemoEndpoint
from tui.flows.fixes import start_fix
from tui.panes import TablePane
from tui.panes.recommendations import RecommendationsPane
from tui.screens.dialogs.details import DetailsScreen
from tui.screens.dialogs.review import ReviewScreen
from tui.screens.plan import PlanScreen

pytestmark = pytest.mark.server


def analyzers(demo: DemoEndpoint, region: str) -> list[str]:
    client: Any = boto3.client(
        "accessanalyzer",
        endpoint_url=demo.endpoint_url,
        region_name=region,
        aws_access_key_id=demo.access_key_id,
        aws_secret_access_key=demo.secret_access_key,
    )
    return sorted(a["name"] for a in client.list_analyzers()["analyzers"])


def mark(recs: TablePane) -> str:
    return str(recs.table.get_row("access-analyzer")[0].plain)


async def test_read_only_refuses_the_fix_and_shows_the_details(demo: DemoEndpoint) -> None:
    app = make_app(demo, read_only=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(app, pilot)
        recs = app.query_one("#recommendations", RecommendationsPane)
        # Whatever --read-only could read of the analyzers, the fix never starts.
        finding = replace(recs.findings["access-analyzer"], status=Status.FAIL)
        recs.findings["access-analyzer"] = finding
        await pilot.press("1")
        recs.table.move_cursor(row=recs.table.get_row_index("access-analyzer"))
        await pilot.press("enter")
        await wait_for_screen(app, pilot, DetailsScreen)
        assert not start_fix(recs.state, app, finding)
        await pilot.pause(0.2)
        assert not isinstance(app.screen, (ReviewScreen, PlanScreen))
    assert analyzers(demo, "us-east-2") == []


async def test_enter_reviews_the_regions_then_creates_the_analyzers(demo: DemoEndpoint) -> None:
    app = make_app(demo)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(app, pilot)
        recs = app.query_one("#recommendations", TablePane)
        assert mark(recs).startswith("✗")
        await pilot.press("1")
        recs.table.move_cursor(row=recs.table.get_row_index("access-analyzer"))
        await pilot.press("enter")
        review = await wait_for_screen(app, pilot, ReviewScreen)
        text = plain(review.query_one(Static))
        for region in ("us-east-2", "eu-west-1", "me-south-1", "sa-east-1"):
            assert f"analyzer {ANALYZER_NAME} in {region}" in text, region
        assert "in us-east-1" not in text, "us-east-1 already has one"
        assert "eu-south-1" not in text, "an ENABLING Region is not asked"
        assert "aws accessanalyzer create-analyzer" in text and "--type ACCOUNT" in text
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, (ReviewScreen, PlanScreen)))
        await wait_until(pilot, lambda: mark(recs).startswith("✓"))
        before = app.generation
        await pilot.press("r")
        await wait_until(pilot, lambda: app.generation > before and not app.refreshing, 60)
        assert mark(recs).startswith("✓"), "still green once read again from AWS"
    assert analyzers(demo, "eu-west-1") == [ANALYZER_NAME, "unused-access"]
    assert analyzers(demo, "us-east-2") == [ANALYZER_NAME]
    assert analyzers(demo, "us-east-1") == ["external-access"]
