"""RowTable: what the user sees and can do in every table of the app."""

from __future__ import annotations

from textual.app import App, ComposeResult

from tui.widgets.rowdata import Cell, make_row
from tui.widgets.rowtable import MAX_COLUMN_WIDTH, RowTable


class TableApp(App[None]):
    def __init__(self, rows: int = 100) -> None:
        super().__init__()
        self.selected: list[str] = []
        self.highlighted: list[str] = []
        self.rows = [
            make_row(f"user-{i:03d}", f"user-{i:03d}", Cell("✓ yes", "green"), f"[bold]{i}[/]")
            for i in range(rows)
        ]

    def compose(self) -> ComposeResult:
        yield RowTable(("User", "MFA", "Note"), id="t")

    def on_mount(self) -> None:
        table = self.query_one(RowTable)
        table.set_rows(self.rows)
        table.focus()

    def on_row_table_row_selected(self, event: RowTable.RowSelected) -> None:
        self.selected.append(event.key)

    def on_row_table_row_highlighted(self, event: RowTable.RowHighlighted) -> None:
        self.highlighted.append(event.key)


def screen_lines(app: App[None]) -> list[str]:
    """The table's lines as the terminal gets them (the table fills the screen)."""
    table = app.query_one(RowTable)
    return [table.render_line(y).text for y in range(table.size.height)]


async def test_rows_render_literally_under_a_header() -> None:
    app = TableApp(rows=5)
    async with app.run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        lines = screen_lines(app)
        assert lines[0].split() == ["User", "MFA", "Note"]
        assert lines[1].split() == ["user-000", "✓", "yes", "[bold]0[/]"], "markup shown as typed"
        assert lines[5].split()[0] == "user-004"
        assert lines[6].strip() == "", "nothing below the last row"


async def test_keys_move_the_cursor_and_enter_selects() -> None:
    app = TableApp(rows=100)
    async with app.run_test(size=(60, 10)) as pilot:
        table = app.query_one(RowTable)
        await pilot.press("down", "down", "enter")
        assert app.selected == ["user-002"]
        await pilot.press("pagedown")
        assert table.cursor_row > 2 + 3, "a page is more than a few rows"
        await pilot.press("end")
        assert table.cursor_key == "user-099"
        lines = screen_lines(app)
        assert "user-099" in lines[9], "the cursor row is scrolled into view"
        assert lines[0].split()[0] == "User", "the header stays on top while scrolled"
        await pilot.press("home", "up")
        assert table.cursor_key == "user-000"
        assert app.highlighted[-1] == "user-000"


async def test_new_rows_keep_the_cursor_on_the_same_key() -> None:
    app = TableApp(rows=10)
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(RowTable)
        table.move_cursor(row=table.get_row_index("user-005"))
        table.set_rows([r for r in app.rows if r.key != "user-001"])
        await pilot.pause()
        assert table.cursor_key == "user-005"
        assert table.row_count == 9
        assert "user-001" not in table.rows
        table.set_rows([])
        assert table.cursor_key is None and table.row_count == 0


async def test_long_values_end_in_an_ellipsis_and_widths_can_be_kept() -> None:
    long_name = "x" * 100
    app = TableApp(rows=0)
    async with app.run_test(size=(200, 6)) as pilot:
        table = app.query_one(RowTable)
        rows = [make_row("a", long_name, "b", "c"), make_row("b", "short", "b", "c")]
        table.set_rows(rows)
        await pilot.pause()
        first = screen_lines(app)[1]
        assert "x" * (MAX_COLUMN_WIDTH - 1) + "…" in first
        assert "x" * MAX_COLUMN_WIDTH not in first
        widths = table.column_widths(rows)
        table.set_rows(rows[1:], widths)
        await pilot.pause()
        # Filtering keeps the widths of the whole table: the MFA column does not move.
        assert screen_lines(app)[0].index("MFA") == first.index("b ")


async def test_update_cell_changes_one_cell() -> None:
    app = TableApp(rows=3)
    async with app.run_test(size=(60, 8)) as pilot:
        table = app.query_one(RowTable)
        table.update_cell("user-001", "MFA", Cell("✗ no", "bold red"))
        await pilot.pause()
        assert table.get_row("user-001")[1].plain == "✗ no"
        assert "✗ no" in screen_lines(app)[2]


async def test_a_click_highlights_then_a_second_click_selects() -> None:
    app = TableApp(rows=5)
    async with app.run_test(size=(60, 10)) as pilot:
        await pilot.click(RowTable, offset=(2, 3))
        assert app.query_one(RowTable).cursor_key == "user-002"
        assert app.selected == []
        await pilot.click(RowTable, offset=(2, 3))
        assert app.selected == ["user-002"]


async def test_new_rows_leave_an_unmoved_cursor_on_the_first_row() -> None:
    """Nobody moved the cursor: when the rows come again in another order, the first row
    (the most severe finding) stays highlighted and in view instead of the cursor following
    whichever row happened to be first, out of view."""
    app = TableApp(rows=5)
    async with app.run_test(size=(60, 10)) as pilot:
        table = app.query_one(RowTable)
        await pilot.pause()
        assert table.cursor_key == "user-000"
        table.set_rows(
            app.rows[1:] * 1
            + [make_row(f"user-{i:03d}", f"user-{i:03d}", "", "") for i in range(5, 40)]
            + app.rows[:1]
        )
        await pilot.pause()
        assert table.cursor_row == 0 and table.cursor_key == "user-001"
        assert table.scroll_offset.y == 0
        assert screen_lines(app)[1].split()[0] == "user-001"
        await pilot.press("down", "up")  # the user puts it on user-001: from now on it follows
        table.set_rows(app.rows[2:] + app.rows[:2])
        await pilot.pause()
        assert table.cursor_key == "user-001"
