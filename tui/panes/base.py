"""Pane and TablePane: the shared frame of every pane (title, status line, filter)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar, Generic, TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Input, Static

from tui.aws.errors import AwsError
from tui.aws.models import Posture
from tui.panes.rows import Prepared
from tui.support.visible import visible
from tui.widgets.colours import FAIL, WARNING
from tui.widgets.rowdata import Row
from tui.widgets.rowtable import RowTable

if TYPE_CHECKING:
    from tui.state import AccountState

__all__ = ["Pane", "TablePane", "error_text", "literal"]

T = TypeVar("T")


def literal(value: object, style: str = "") -> Text:
    """AWS text as a Rich Text: brackets are never markup, control characters never reach
    the terminal (see :mod:`tui.support.visible`)."""
    return Text(visible(value), style=style, no_wrap=True, overflow="ellipsis")


def error_text(error: AwsError) -> Content:
    """A denial or failure, naming the action, with AWS's message shown literally."""
    parts: list[str | tuple[str, str]] = [(visible(error.headline()), FAIL)]
    if error.message:
        parts.append(f" — {visible(error.message, multiline=True)}")
    if error.hint:
        parts.append((f"\n{visible(error.hint, multiline=True)}", "italic"))
    return Content.assemble(*parts)


STALE_NOTE = "The rows below are from an earlier read and may be out of date (r reads again)."


def stale_text(error: AwsError, rows_shown: bool) -> Content:
    """``error_text``, saying so when rows from an earlier read are still on screen."""
    text = error_text(error)
    if rows_shown:
        text = text + Content.styled(f"\n{STALE_NOTE}", WARNING)
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

    def __init__(self, state: AccountState, *, id: str) -> None:  # noqa: A002 - Textual's
        super().__init__(id=id, classes="pane")
        self.state = state
        self.border_title = self.TITLE

    def get_loading_widget(self) -> Widget:
        # A still line rather than Textual's animated indicator: five panes animating at
        # 16 frames a second are a steady stream of redraws over SSH, and of frames
        # competing with the first read for the interpreter.
        return Static("Reading the account…", classes="pane-loading", markup=False)

    def compose(self) -> ComposeResult:
        yield Static(id="status", classes="pane-status", markup=False)
        yield from self.compose_body()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def set_freshness(self, text: str) -> None:
        """The title with how far a refresh is, or how old the data is ("read 5 s ago");
        changed only when that text changes (the title, never the rows, is redrawn)."""
        title = f"{self.TITLE} · {text}" if text else self.TITLE
        if self.border_title != title:
            self.border_title = title

    def set_status(self, text: Content | str | None) -> None:
        status = self.query_one("#status", Static)
        status.update(text or "")
        status.display = bool(text)

    def update_from(self, posture: Posture) -> None:
        """Redraw from ``posture``; called whenever one of :attr:`PARTS` arrives."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.MUTATING:
            return not self.state.read_only
        return True

    def copy(self, text: str, what: str) -> None:
        self.state.copy_text(text, what)

    def focus_body(self) -> None:
        self.focus()


class TablePane(Pane, Generic[T]):
    """A pane holding one :class:`RowTable`, filterable with ``/`` as you type.

    Showing a posture has two halves: :meth:`rows` builds the rows with a pure function of
    tui/panes/rows.py (for a large account the display pipeline runs those in a thread
    worker instead, see tui/runtime/display.py); :meth:`show` puts them on screen.
    """

    COLUMNS: ClassVar[Sequence[str]] = ()
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", "Filter", id="table.filter", tooltip="Filter the table"),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="table.clear_filter"),
    ]

    def __init__(self, state: AccountState, *, id: str) -> None:  # noqa: A002
        super().__init__(state, id=id)
        self._rows: list[Row] = []
        self._widths: tuple[int, ...] = ()
        self.summary = ""

    def compose_body(self) -> ComposeResult:
        yield Input(placeholder="filter…", id="filter", classes="filter")
        yield RowTable(self.COLUMNS, id="table")

    def update_from(self, posture: Posture) -> None:
        self.show(posture, self.rows(posture))

    def rows(self, posture: Posture) -> Prepared[T] | None:
        """The rows for ``posture`` (from tui/panes/rows.py), or None to keep the table."""
        return None

    def show_status(self, posture: Posture) -> None:
        """Set the status line (errors, "waiting for…") for ``posture``."""

    def accept(self, data: T) -> None:
        """Keep the pane-specific data of a :class:`Prepared` (the objects behind the rows)."""

    def show(self, posture: Posture, prepared: Prepared[T] | None) -> None:
        """Show ``posture``'s status and, when given, the rows prepared for it."""
        self.show_status(posture)
        if prepared is not None:
            self.accept(prepared.data)
            self.summary = prepared.summary
            self.set_rows(prepared.rows)

    def on_mount(self) -> None:
        self.query_one("#filter", Input).display = False

    @property
    def table(self) -> RowTable:
        return self.query_one("#table", RowTable)

    @property
    def filter_text(self) -> str:
        return self.query_one("#filter", Input).value.strip().lower()

    def focus_body(self) -> None:
        self.table.focus()

    def set_rows(self, rows: list[Row]) -> None:
        self._rows = rows
        self._widths = self.table.column_widths(rows)
        self._apply_filter()

    def visible_keys(self) -> list[str]:
        """Keys of the rows currently shown (after the filter), in order."""
        return self.table.keys()

    def _apply_filter(self) -> None:
        needle = self.filter_text
        table = self.table
        if needle:
            shown = [row for row in self._rows if needle in row.haystack]
            table.set_rows(shown, self._widths or None)
            self.border_subtitle = f"{len(shown)} of {len(self._rows)} match"
        else:
            table.set_rows(self._rows, self._widths or None)
            self.border_subtitle = self.summary

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.display = True
        # At once, not after the keys already waiting (Widget.focus waits for them): what is
        # typed right after / goes into the filter, never to the table's keys (o, d…).
        self.screen.set_focus(box)

    @on(Input.Changed, "#filter")
    def _filter_changed(self) -> None:
        self._apply_filter()

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self.screen.set_focus(self.table)  # at once: the next key is the table's

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "clear_filter":
            # Without an open filter, escape falls through to the screen and app.
            return bool(self.query_one("#filter", Input).display)
        return super().check_action(action, parameters)

    def selected_key(self) -> str | None:
        """The key of the highlighted row, if any."""
        return self.table.cursor_key

    def action_clear_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.value = ""
        box.display = False
        self.screen.set_focus(self.table)

    def action_open_selected(self) -> None:
        """What ``enter`` does on the highlighted row (for the command palette)."""
        key = self.selected_key()
        if key is not None:
            self.open_row(key)

    @on(RowTable.RowSelected, "#table")
    def _row_selected(self, event: RowTable.RowSelected) -> None:
        self.open_row(event.key)

    def open_row(self, key: str) -> None:
        """Show the details of the row ``key`` (``enter``)."""
