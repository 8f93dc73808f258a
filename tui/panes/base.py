"""Pane and TablePane: the shared frame of every pane (title, status line, filter)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Input, Static

from tui.aws.errors import AwsError
from tui.aws.models import Posture

if TYPE_CHECKING:
    from tui.app import AcctApp


def literal(value: object, style: str = "") -> Text:
    """AWS text as a Rich Text, so brackets in names or messages are never markup."""
    return Text(str(value), style=style, no_wrap=True, overflow="ellipsis")


def error_text(error: AwsError) -> Text:
    """A denial or failure, naming the action, with AWS's message shown literally."""
    text = Text(error.headline(), style="bold red")
    if error.message:
        text.append(f" — {error.message}")
    if error.hint:
        text.append(f"\n{error.hint}", style="italic")
    return text


STALE_NOTE = "The rows below are from an earlier read and may be out of date (r reads again)."


def stale_text(error: AwsError, rows_shown: bool) -> Text:
    """``error_text``, saying so when rows from an earlier read are still on screen."""
    text = error_text(error)
    if rows_shown:
        text.append(f"\n{STALE_NOTE}", style="yellow")
    return text


class Pane(Vertical, can_focus=False):
    """A titled region of the main screen fed by some parts of the posture."""

    PARTS: ClassVar[frozenset[str]] = frozenset()
    TITLE: ClassVar[str] = ""
    # Actions that change the account: hidden (and refused) under --read-only.
    MUTATING: ClassVar[frozenset[str]] = frozenset()
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab", "app.next_pane", "Next pane", show=False, id="pane.next"),
        Binding("shift+tab", "app.previous_pane", "Previous pane", show=False, id="pane.previous"),
    ]

    def __init__(self, *, id: str) -> None:  # noqa: A002 - Textual's own name
        super().__init__(id=id, classes="pane")
        self.border_title = self.TITLE

    def compose(self) -> ComposeResult:
        yield Static(id="status", classes="pane-status", markup=False)
        yield from self.compose_body()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def set_status(self, text: Text | str | None) -> None:
        status = self.query_one("#status", Static)
        status.update(text or "")
        status.display = bool(text)

    def update_from(self, posture: Posture) -> None:
        """Redraw from ``posture``; called whenever one of :attr:`PARTS` arrives."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.MUTATING:
            return not self.acct.service.read_only
        return True

    @property
    def acct(self) -> AcctApp:
        """The app, typed (panes only ever run inside AcctApp)."""
        from tui.app import AcctApp

        app = self.app
        assert isinstance(app, AcctApp)
        return app

    def copy(self, text: str, what: str) -> None:
        self.acct.copy_text(text, what)

    def focus_body(self) -> None:
        self.focus()


@dataclass(frozen=True)
class Row:
    """A table row: its key, its cells and the lower-case text the filter matches."""

    key: str
    cells: tuple[Text, ...]
    haystack: str


def make_row(key: str, *cells: Text | str) -> Row:
    texts = tuple(c if isinstance(c, Text) else literal(c) for c in cells)
    return Row(key, texts, " ".join(t.plain for t in texts).lower())


class TablePane(Pane):
    """A pane holding one DataTable, filterable with ``/`` as you type."""

    COLUMNS: ClassVar[Sequence[str]] = ()
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", "Filter", id="table.filter", tooltip="Filter the table"),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="table.clear_filter"),
    ]

    def __init__(self, *, id: str) -> None:  # noqa: A002
        super().__init__(id=id)
        self._rows: list[Row] = []
        self.summary = ""

    def compose_body(self) -> ComposeResult:
        yield Input(placeholder="filter…", id="filter", classes="filter")
        table: DataTable[Text] = DataTable(cursor_type="row", zebra_stripes=True, id="table")
        for column in self.COLUMNS:
            table.add_column(column, key=column)  # keyed by label, for update_cell
        yield table

    def on_mount(self) -> None:
        self.query_one("#filter", Input).display = False

    @property
    def table(self) -> DataTable[Text]:
        return self.query_one("#table", DataTable)

    @property
    def filter_text(self) -> str:
        return self.query_one("#filter", Input).value.strip().lower()

    def focus_body(self) -> None:
        self.table.focus()

    def set_rows(self, rows: list[Row]) -> None:
        self._rows = rows
        self._apply_filter()

    def visible_keys(self) -> list[str]:
        """Keys of the rows currently shown (after the filter), in order."""
        return [str(key.value) for key in self.table.rows]

    def _apply_filter(self) -> None:
        needle = self.filter_text
        table = self.table
        selected = None
        if table.row_count and table.cursor_row >= 0:
            selected = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        table.clear()
        for row in self._rows:
            if not needle or needle in row.haystack:
                table.add_row(*row.cells, key=row.key)
        if selected is not None and selected in table.rows:
            table.move_cursor(row=table.get_row_index(selected))
        if needle:
            self.border_subtitle = f"{table.row_count} of {len(self._rows)} match"
        else:
            self.border_subtitle = self.summary

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.display = True
        box.focus()

    @on(Input.Changed, "#filter")
    def _filter_changed(self) -> None:
        self._apply_filter()

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self.table.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "clear_filter":
            # Without an open filter, escape falls through to the screen and app.
            return bool(self.query_one("#filter", Input).display)
        return super().check_action(action, parameters)

    def selected_key(self) -> str | None:
        """The key of the highlighted row, if any."""
        table = self.table
        if not table.row_count:
            return None
        value = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return None if value is None else str(value)

    def action_clear_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.value = ""
        box.display = False
        self.table.focus()

    @on(DataTable.RowSelected, "#table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.open_row(str(event.row_key.value))

    def open_row(self, key: str) -> None:
        """Show the details of the row ``key`` (``enter``)."""
