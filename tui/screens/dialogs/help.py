"""HelpScreen: every key, by pane and screen, read from the bindings (tui.keys); ``/`` narrows
them to those matching what is typed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Static

if TYPE_CHECKING:
    from tui.keys import KeyEntry

KEY_GRAMMAR = "escape backs out of any screen · q quits (main screen only) · j/k move · / filters"


def key_blocks(entries: Sequence[KeyEntry], needle: str = "") -> list[RenderableType]:
    """The key tables, one per section, of the entries matching ``needle`` (any case, in the
    section, the keys, the description or the id)."""
    needle = needle.strip().lower()
    blocks: list[RenderableType] = []
    table: Table | None = None
    section = None
    for entry in entries:
        haystack = f"{entry.section} {entry.keys} {entry.description} {entry.binding_id or ''}"
        if needle and needle not in haystack.lower():
            continue
        if entry.section != section or table is None:
            section = entry.section
            blocks.append(Text(f"\n{section}" if blocks else section, style="bold underline"))
            table = Table.grid(padding=(0, 2), expand=True)
            table.add_column(style="bold", no_wrap=True, min_width=14)
            table.add_column(ratio=1)
            table.add_column(style="dim", no_wrap=True)
            blocks.append(table)
        table.add_row(Text(entry.keys), Text(entry.description), Text(entry.binding_id or ""))
    if not blocks:
        blocks.append(Text(f"No key matches {needle!r}.", style="italic"))
    return blocks


class HelpScreen(ModalScreen[None]):
    """Every key acct-tui understands, with the keymap in use; ``escape`` or ``?`` closes."""

    DEFAULT_CSS = """
    #help-search {
        dock: top;
        display: none;
        height: 1;
        margin-bottom: 1;
        border: none;
        border-left: blank;
    }
    /* Which of the search box and the list has the focus shows in characters too. */
    #help-search:focus {
        border-left: heavy $accent;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape,question_mark",
            "close",
            "Close",
            id="help.close",
            tooltip="Close (escape first clears a search)",
        ),
        Binding("slash", "search", "Search", id="help.search", tooltip="Search the keys"),
    ]

    def __init__(self, entries: Sequence[KeyEntry]) -> None:
        super().__init__()
        self.entries = entries  # tui.keys.entries() with the keymap in use

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help") as box:
            box.border_title = "Keys (remap by id in ~/.config/acct-tui/config.toml)"
            box.border_subtitle = "/ search · j/k scroll · escape close"
            yield Input(placeholder="search keys… (enter: back to the list)", id="help-search")
            yield Static(self._keys(""), id="help-keys")

    def _keys(self, needle: str) -> Group:
        return Group(Text(KEY_GRAMMAR + "\n", style="italic"), *key_blocks(self.entries, needle))

    def on_mount(self) -> None:
        self.query_one("#help", VerticalScroll).focus()

    @property
    def search(self) -> Input:
        return self.query_one("#help-search", Input)

    def action_search(self) -> None:
        self.search.display = True
        self.search.focus()

    def action_close(self) -> None:
        if self.search.display:  # escape closes the search first, then help
            self.search.value = ""
            self.search.display = False
            self.query_one("#help", VerticalScroll).focus()
            return
        self.dismiss(None)

    @on(Input.Changed, "#help-search")
    def _narrow(self, event: Input.Changed) -> None:
        self.query_one("#help-keys", Static).update(self._keys(event.value))
        self.query_one("#help", VerticalScroll).scroll_home(animate=False)

    @on(Input.Submitted, "#help-search")
    def _back_to_list(self) -> None:
        self.query_one("#help", VerticalScroll).focus()
