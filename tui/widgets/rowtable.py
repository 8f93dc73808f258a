"""RowTable: a keyed, filterable table that only ever renders the rows on screen.

Textual's DataTable measures every cell it is given and keeps a Rich ``Text`` per cell; with
5,000 users that is ~35,000 measurements on the UI thread at every refresh and at every
keystroke of the filter (a 0.8–1.4 s stall, see README "Performance"). RowTable keeps rows as
plain tuples measured once when they are built (:mod:`tui.widgets.rowdata`), filters by
swapping a list, and renders lines on demand through the Line API. It offers the small part of the
DataTable API the panes use (``get_row``, ``get_row_index``, ``move_cursor``, ``row_count``,
``update_cell``, row highlighted/selected messages).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

import tui.widgets.rowcolumns as cols
from tui.widgets.rowdata import Cell, CellValue, Row, cell_width

# Widest a column grows; longer values end in "…" (the details screen shows them whole).
MAX_COLUMN_WIDTH = 64


class RowTable(ScrollView, can_focus=True):
    """A header line and one line per row, with a row cursor; rows are set as a whole."""

    DEFAULT_CSS = """
    RowTable {
        background: $surface;
        color: $foreground;
        height: 1fr;
        &:focus {
            background-tint: $foreground 5%;
            & > .rowtable--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
        }
        & > .rowtable--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .rowtable--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .rowtable--even-row {
            background: $surface-lighten-1 50%;
        }
        &:dark > .rowtable--even-row {
            background: $surface-darken-1 40%;
        }
        & > .rowtable--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "rowtable--header",
        "rowtable--even-row",
        "rowtable--cursor",
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "select_cursor",
            "Select",
            show=False,
            id="rows.select_cursor",
            tooltip="Open the highlighted row",
        ),
        Binding(
            "up", "cursor_up", "Cursor up", show=False, id="rows.cursor_up", tooltip="Previous row"
        ),
        Binding(
            "down",
            "cursor_down",
            "Cursor down",
            show=False,
            id="rows.cursor_down",
            tooltip="Next row",
        ),
        Binding("pageup", "page_up", "Page up", show=False, id="rows.page_up", tooltip="Up a page"),
        Binding("pagedown", "page_down", "Page down", show=False, id="rows.page_down"),
        Binding("home", "first", "First row", show=False, id="rows.first", tooltip="First row"),
        Binding("end", "last", "Last row", show=False, id="rows.last", tooltip="Last row"),
        Binding(
            "left",
            "column_left",
            "Column left",
            show=False,
            id="rows.scroll_left",
            tooltip="Bring the previous column into view (the first column stays)",
        ),
        Binding(
            "right",
            "column_right",
            "Column right",
            show=False,
            id="rows.scroll_right",
            tooltip="Bring the next column fully into view (the first column stays)",
        ),
    ]

    class RowHighlighted(Message):
        """The cursor moved to row ``key`` (at ``index`` among the rows shown)."""

        def __init__(self, table: RowTable, key: str, index: int) -> None:
            super().__init__()
            self.table = table
            self.key = key
            self.index = index

        @property
        def control(self) -> RowTable:
            return self.table

    class RowSelected(RowHighlighted):
        """``enter`` (or a click on the highlighted row) on row ``key``."""

    cursor_row: reactive[int] = reactive(0, repaint=False, always_update=True)
    """Index of the highlighted row among the rows shown."""
    first_column: reactive[int] = reactive(0)
    """Index of the first column shown after the frozen ones (moved a column at a time)."""

    def __init__(
        self,
        columns: Sequence[str],
        *,
        id: str | None = None,  # noqa: A002 - Textual's name
        fixed_columns: int = 1,
    ) -> None:
        self.columns: tuple[str, ...] = tuple(columns)
        # The first column (the name) stays in view while ←/→ move through the others.
        self.fixed_columns = min(fixed_columns, len(self.columns))
        super().__init__(id=id)
        self._rows: list[Row] = []
        self._index: dict[str, int] = {}
        self._widths: tuple[int, ...] = tuple(cell_width(c) for c in self.columns)
        self._strips: LRUCache[tuple[object, ...], Strip] = LRUCache(1024)
        self._cell_styles: dict[str, Style] = {}
        self._last_highlight: str | None = None
        # Until the user (or a flow, by move_cursor) puts the cursor somewhere, it stays on the
        # first row: new rows must not carry it after whichever row happened to be first when
        # the table filled (the most severe finding would scroll out of view).
        self._placed = False

    # -- data ------------------------------------------------------------------------------
    def column_widths(self, rows: Sequence[Row]) -> tuple[int, ...]:
        """The column widths that fit the header and ``rows`` (each at most 64 cells)."""
        widths = [cell_width(c) for c in self.columns]
        for row in rows:
            widths = [max(w, r) for w, r in zip(widths, row.widths, strict=False)]
        return tuple(min(w, MAX_COLUMN_WIDTH) for w in widths)

    def set_rows(self, rows: Sequence[Row], widths: tuple[int, ...] | None = None) -> None:
        """Show ``rows``, keeping the cursor on the same key where it is still shown.

        ``widths`` (default: :meth:`column_widths` of ``rows``) lets a filter keep the
        widths of the whole table, so the columns do not jump while typing.
        """
        selected = self.cursor_key
        self._rows = list(rows)
        self._index = {row.key: i for i, row in enumerate(self._rows)}
        self._widths = widths if widths is not None else self.column_widths(self._rows)
        self._strips.clear()
        # ←/→ move whole columns (first_column): no cell scrolling, no wider virtual view.
        self.virtual_size = Size(0, len(self._rows) + 1)
        index = self._index.get(selected, self.cursor_row) if selected is not None else 0
        self.cursor_row = index if self._placed else 0
        self.refresh()

    @property
    def content_width(self) -> int:
        """Cells every column needs whole, side by side (the widest a pane wants it)."""
        return sum(self._widths) + cols.GAP * len(self._widths)

    @property
    def row_count(self) -> int:
        return len(self._rows)

    @property
    def rows(self) -> dict[str, int]:
        """Key → index of the rows shown (``key in table.rows``)."""
        return self._index

    def keys(self) -> list[str]:
        return [row.key for row in self._rows]

    def get_row(self, key: str) -> list[CellValue]:
        return list(self._rows[self._index[key]].cells)

    def get_row_index(self, key: str) -> int:
        return self._index[key]

    @property
    def cursor_key(self) -> str | None:
        if 0 <= self.cursor_row < len(self._rows):
            return self._rows[self.cursor_row].key
        return None

    def update_cell(self, key: str, column: str, value: CellValue) -> None:
        """Replace one cell of row ``key`` (a Region's status ticking, say)."""
        index = self._index.get(key)
        if index is None:
            return
        row = self._rows[index]
        col = self.columns.index(column)
        cells = list(row.cells)
        cells[col] = value
        widths = list(row.widths)
        widths[col] = cell_width(value.plain)
        self._rows[index] = replace(row, cells=tuple(cells), widths=tuple(widths))
        self._strips.clear()
        self.refresh_row(index)

    # -- cursor ----------------------------------------------------------------------------
    def validate_cursor_row(self, value: int) -> int:
        return max(0, min(value, len(self._rows) - 1))

    def watch_cursor_row(self, old: int, new: int) -> None:
        self.refresh_row(old)
        self.refresh_row(new)
        self._scroll_to_cursor()
        key = self.cursor_key
        if key is not None and key != self._last_highlight:
            self._last_highlight = key
            self.post_message(self.RowHighlighted(self, key, new))

    def move_cursor(self, *, row: int) -> None:
        self._placed = True
        self.cursor_row = row

    def clear(self) -> None:
        """No rows, and the cursor back on the first row, unmoved (another account's rows)."""
        self._placed = False
        self.set_rows([])

    def refresh_row(self, index: int) -> None:
        y = index + 1 - self.scroll_offset.y
        if 0 < y < self.size.height:
            self.refresh_line(y)

    def _scroll_to_cursor(self) -> None:
        visible = max(1, self.scrollable_content_region.height - 1)
        top = self.scroll_offset.y
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, immediate=True)
        elif self.cursor_row >= top + visible:
            self.scroll_to(y=self.cursor_row - visible + 1, animate=False, immediate=True)

    def on_resize(self) -> None:
        self._strips.clear()
        self._scroll_to_cursor()

    def action_cursor_up(self) -> None:
        self.move_cursor(row=self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(row=self.cursor_row + 1)

    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - 2)

    def action_page_up(self) -> None:
        self.move_cursor(row=self.cursor_row - self._page())

    def action_page_down(self) -> None:
        self.move_cursor(row=self.cursor_row + self._page())

    def action_first(self) -> None:
        self.move_cursor(row=0)

    def action_last(self) -> None:
        self.move_cursor(row=len(self._rows) - 1)

    # -- columns ---------------------------------------------------------------------------
    def shown_columns(self, width: int | None = None) -> cols.Shown:
        """(index, width) of each column in view (see :mod:`tui.widgets.rowcolumns`)."""
        if width is None:
            width = self.scrollable_content_region.width
        return cols.shown_columns(self._widths, self.fixed_columns, self.first_column, width)

    def validate_first_column(self, value: int) -> int:
        return max(self.fixed_columns, min(value, len(self.columns) - 1))

    def watch_first_column(self) -> None:
        self._strips.clear()
        self.refresh()

    def action_column_right(self) -> None:
        """Bring the next hidden column fully into view, dropping columns on the left."""
        width = self.scrollable_content_region.width
        self.first_column = cols.next_first(
            self._widths, self.fixed_columns, self.first_column, width
        )

    def action_column_left(self) -> None:
        self.first_column -= 1

    def action_select_cursor(self) -> None:
        key = self.cursor_key
        if key is not None:
            self.post_message(self.RowSelected(self, key, self.cursor_row))

    async def _on_click(self, event: events.Click) -> None:
        y = event.y
        if y < 1:
            return
        index = self.scroll_offset.y + y - 1
        if not 0 <= index < len(self._rows):
            return
        if index == self.cursor_row:
            self.action_select_cursor()
        else:
            self.move_cursor(row=index)

    # -- rendering -------------------------------------------------------------------------
    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()
        self._cell_styles.clear()  # the theme (and so its variables) may have changed

    def _cell_style(self, spec: str) -> Style:
        style = self._cell_styles.get(spec)
        if style is None:
            style = self.app.stylesheet.parse_style(spec).rich_style
            self._cell_styles[spec] = style
        return style

    def render_line(self, y: int) -> Strip:
        scroll_y = self.scroll_offset.y
        width = self.scrollable_content_region.width
        if y == 0:
            key: tuple[object, ...] = ("header", self.first_column, width)
        else:
            index = scroll_y + y - 1
            if index >= len(self._rows):
                return Strip.blank(width, self.rich_style)
            key = (index, index == self.cursor_row, self.has_focus, self.first_column, width)
        strip = self._strips.get(key)
        if strip is None:
            strip = self._render_row(y == 0, key[0], width).crop_extend(0, width, self.rich_style)
            self._strips[key] = strip
        return strip

    def _render_row(self, header: bool, index: object, width: int) -> Strip:
        base = self.rich_style
        if header:
            style = base + self.get_component_rich_style("rowtable--header")
            cells: Sequence[CellValue] = [Cell(c) for c in self.columns]
            cursor = None
        else:
            assert isinstance(index, int)
            style = base
            if index % 2:
                style += self.get_component_rich_style("rowtable--even-row")
            cells = self._rows[index].cells
            cursor = (
                self.get_component_rich_style("rowtable--cursor")
                if index == self.cursor_row
                else None
            )
        if cursor is not None:
            style += cursor
        shown = self.shown_columns(width)
        segments: list[Segment] = []
        for i, w in shown:
            if i < len(cells):
                cell = cells[i]
                extra = (
                    self._cell_style(cell.style) if isinstance(cell, Cell) and cell.style else None
                )
                segments.extend(cols.cell_segments(cell, w, style, extra, cursor, self.app.console))
        strip = Strip(segments)
        if header:
            left = self.first_column > self.fixed_columns
            right = cols.hidden_right(self._widths, shown)
            strip = cols.mark_header(strip, shown[: self.fixed_columns], width, style, left, right)
        return strip
