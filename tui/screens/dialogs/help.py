"""HelpScreen: every key, by pane and screen, read from the bindings (tui.keys)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

if TYPE_CHECKING:
    from tui.keys import KeyEntry


class HelpScreen(ModalScreen[None]):
    """Every key acct-tui understands, with the keymap in use; ``escape`` or ``?`` closes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape,question_mark,q", "dismiss(None)", "Close", id="help.close", tooltip="Close"
        ),
    ]

    def __init__(self, entries: Sequence[KeyEntry]) -> None:
        super().__init__()
        self.entries = entries  # tui.keys.entries() with the keymap in use

    def compose(self) -> ComposeResult:
        blocks: list[RenderableType] = []
        table: Table | None = None
        section = None
        for entry in self.entries:
            if entry.section != section or table is None:
                section = entry.section
                blocks.append(Text(f"\n{section}" if blocks else section, style="bold underline"))
                table = Table.grid(padding=(0, 2), expand=True)
                table.add_column(style="bold", no_wrap=True, min_width=14)
                table.add_column(ratio=1)
                table.add_column(style="dim", no_wrap=True)
                blocks.append(table)
            table.add_row(Text(entry.keys), Text(entry.description), Text(entry.binding_id or ""))
        with VerticalScroll(id="help") as box:
            box.border_title = "Keys (remap by id in ~/.config/acct-tui/config.toml)"
            box.border_subtitle = "escape to close"
            yield Static(Group(*blocks))
