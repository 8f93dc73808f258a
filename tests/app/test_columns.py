"""Tables at 80 columns: ←/→ move by whole columns, the name column stays in view."""

from __future__ import annotations

from typing import Any

from tests.support.app import make_app
from tests.support.pilot import loaded
from tui.panes.users import UsersPane
from tui.screens.main import MainScreen
from tui.widgets.rowtable import RowTable


def header_columns(table: RowTable, names: tuple[str, ...]) -> list[str]:
    """The column names shown whole in the table's rendered header line, left to right."""
    line = table.render_line(0).text
    found = [(line.find(f" {n} "), n) for n in names if f" {n} " in line]
    return [n for _, n in sorted(found)]


async def test_users_at_80x24_move_one_whole_column_per_press(demo: Any) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await pilot.press("2")
        screen = app.screen
        assert isinstance(screen, MainScreen)
        table = screen.users.table
        names = UsersPane.COLUMNS
        before = header_columns(table, names)
        assert before[0] == "User"
        assert "Created" not in before and "Password used" not in before, before
        marked = table.render_line(0).text.rstrip().endswith("→")
        seen = set(before)
        presses = 0
        while "Password used" not in seen:
            await pilot.press("right")
            await pilot.pause()
            presses += 1
            now = header_columns(table, names)
            assert now[0] == "User", f"the name column scrolled away: {now}"
            new = set(now) - seen
            assert len(new) == 1, f"press {presses} showed {sorted(new)} new (header {now})"
            seen |= new
            assert presses <= 3, now
        assert presses == 2, "Created, then Password used"
        assert marked, "the header showed → while columns were hidden on the right"
        assert " → " not in table.render_line(0).text[-3:], "nothing more to the right"
        # Every row still starts with its user's name.
        assert table.render_line(1).text.split()[0] == "alice"
        for _ in range(len(names)):
            await pilot.press("left")
        await pilot.pause()
        assert header_columns(table, names) == before, "← goes back to the first columns"


async def test_a_key_turned_inactive_reads_inactive_whole(demo: Any) -> None:
    from textual.widgets import DataTable

    from tests.support.pilot import wait_for_screen, wait_until
    from tests.support.render import cells_text, screen_cells
    from tui.screens.access_keys import AccessKeysScreen
    from tui.screens.dialogs.confirm import ConfirmScreen

    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await pilot.press("2", "end", "a")  # the last user has one active key
        keys = await wait_for_screen(app, pilot, AccessKeysScreen)
        table = keys.query_one(DataTable)
        await wait_until(pilot, lambda: table.row_count == 1)
        await pilot.press("d")
        await wait_for_screen(app, pilot, ConfirmScreen)
        await pilot.press("y")

        def status() -> str:
            cell = table.get_row_at(0)[1] if table.row_count else ""
            return str(getattr(cell, "plain", cell))

        await wait_until(pilot, lambda: app.screen is keys and status() == "Inactive", 60)
        await pilot.pause(0.2)
        row = next(line for line in cells_text(screen_cells(app)).splitlines() if "AKIA" in line)
        assert " Inactive " in row, row
