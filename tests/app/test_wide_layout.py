"""Pane widths: check names whole at 160×50; sign-in URLs broken only after "/" or "."."""

from __future__ import annotations

from typing import Any

import pytest
from textual.geometry import Region
from textual.widgets import Static

from tests.support.app import make_app
from tests.support.pilot import loaded, wait_until
from tui.aws.models import sign_in_url
from tui.screens.main import MainScreen

ALIAS = "acme-production-eu"


async def test_at_160x50_no_check_name_is_cut(demo: Any) -> None:
    app = make_app(demo)
    async with app.run_test(size=(160, 50)) as pilot:
        await loaded(app, pilot)
        await pilot.pause(0.2)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        pane = screen.recommendations
        table = pane.table
        titles = {key: finding.title for key, finding in pane.findings.items()}
        shown = 0
        for y in range(1, table.size.height):
            key = table.keys()[y - 1] if y - 1 < table.row_count else None
            if key is None:
                break
            line = table.render_line(y).text
            assert f" {titles[key]} " in line + " ", f"check name cut: {line!r}"
            shown += 1
        assert shown >= 10, "the pane shows the checks"
        assert screen.users.region.width >= 60, "Users keeps room for its main columns"


def url_fragments(body: Static) -> list[str]:
    """The rendered lines of the alias pane that hold a sign-in URL, labels left out."""
    size = body.outer_size  # the lines as drawn, padding included
    lines = [s.text for s in body.render_lines(Region(0, 0, size.width, size.height))]
    out = []
    for line in lines:
        line = line[1:]  # the left padding
        label, rest = line[:10], line[10:].strip()
        if rest and label.strip() in ("Sign-in", ""):
            out.append(rest)
    return out


@pytest.mark.parametrize("size", [(80, 24), (160, 50)], ids=["80x24", "160x50"])
async def test_sign_in_urls_break_only_after_slash_or_dot(demo: Any, size: tuple[int, int]) -> None:
    app = make_app(demo)
    async with app.run_test(size=size) as pilot:
        await loaded(app, pilot)
        app.state.apply_posture(app.state.posture.with_aliases((ALIAS,)))
        await pilot.press("4")
        screen = app.screen
        assert isinstance(screen, MainScreen)
        body = screen.alias.query_one("#alias-body", Static)
        account = app.state.posture.caller.value.account_id
        urls = [sign_in_url(account, ALIAS), sign_in_url(account)]
        await wait_until(pilot, lambda: "".join(url_fragments(body)) == "".join(urls))
        fragments = url_fragments(body)
        for url in urls:
            got: list[str] = []
            while "".join(got) != url:
                assert fragments, f"{url} not shown whole: {url_fragments(body)}"
                got.append(fragments.pop(0))
            for piece in got[:-1]:
                assert piece[-1] in "/.", f"{url} broken mid-word: {got}"


async def test_header_keeps_the_callers_identity_at_80_with_a_long_alias(demo: Any) -> None:
    from tests.support.render import cells_text, screen_cells

    app = make_app(demo)
    alias = "a-very-long-account-alias-for-the-production-workloads"
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        caller = app.state.posture.caller.value
        assert caller is not None
        app.state.apply_posture(app.state.posture.with_aliases((alias,)))

        def header() -> str:
            return cells_text(screen_cells(app)).splitlines()[0]

        await wait_until(pilot, lambda: alias[:8] in header())
        line = header()
        name = caller.arn.rsplit("/", 1)[-1]
        assert f"user/{name} " in line + " ", f"the caller is not shown whole: {line!r}"
        assert caller.account_id in line, line
        assert "…" in line, "the alias is shortened (and says so)"
