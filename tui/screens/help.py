"""HelpScreen: the key table of DESIGN.md §2, read from tui.keys."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.keys import KEYS


class HelpScreen(ModalScreen[None]):
    """Every key acct-tui understands; ``escape`` or ``?`` closes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "dismiss(None)", "Close", id="help.close"),
    ]

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold cyan", no_wrap=True)
        table.add_column()
        for key, action in KEYS:
            table.add_row(Text(key), Text(action))
        with VerticalScroll(id="help") as box:
            box.border_title = "Keys"
            box.border_subtitle = "escape to close"
            yield Static(table)
