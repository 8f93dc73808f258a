"""Pilot helpers for the Getting started guide: its rows' states, where the cursor is,
moving it by keys, and waiting for a refresh to finish."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.support.pilot import wait_until

if TYPE_CHECKING:
    from tui.app import AcctApp
    from tui.screens.guide import GuideScreen


async def refreshed(app: AcctApp, pilot: Any, generation: int = 1) -> None:
    """Wait (bounded) until refresh number ``generation`` has finished."""
    await wait_until(pilot, lambda: app.generation >= generation and not app.refreshing)


def states(screen: GuideScreen) -> dict[str, str]:
    """What each row shows in its status column, by step id."""
    table = screen.table
    return {str(key.value): table.get_row(key)[0].plain for key in table.rows}


def cursor_step(screen: GuideScreen) -> str:
    table = screen.table
    return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)


async def go_to(pilot: Any, screen: GuideScreen, step_id: str) -> None:
    """Move the cursor to ``step_id`` with the arrow keys."""
    ids = [s.id for s in screen.steps]
    delta = ids.index(step_id) - ids.index(cursor_step(screen))
    await pilot.press(*(["down"] * delta if delta > 0 else ["up"] * -delta))
    assert cursor_step(screen) == step_id
