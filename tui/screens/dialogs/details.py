"""DetailsScreen: label/value lines of one item, AWS text shown literally."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.support.visible import visible


class DetailsScreen(ModalScreen[None]):
    """Shows one user, group, Region or finding; ``escape`` or ``enter`` closes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter,q", "dismiss(None)", "Close", id="details.close"),
    ]

    def __init__(self, title: str, lines: list[tuple[str, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.lines = lines

    def compose(self) -> ComposeResult:
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column(overflow="fold")
        for label, value in self.lines:
            grid.add_row(Text(visible(label)), Text(visible(value, multiline=True)))
        with VerticalScroll(id="details") as box:
            box.border_title = Text(visible(self.title_text))  # a str would be markup
            box.border_subtitle = "escape to close"
            yield Static(grid, id="details-body")
