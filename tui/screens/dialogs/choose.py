"""ChooseScreen: pick one item (e.g. which user a fix applies to)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from tui.support.visible import visible


class ChooseScreen(ModalScreen[str | None]):
    """Returns the chosen item, or None on escape. Items are shown literally."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", id="choose.cancel"),
    ]

    def __init__(self, title: str, prompt: str, items: Sequence[str]) -> None:
        super().__init__()
        self.title_text = title
        self.prompt = prompt
        self.items = tuple(items)

    def compose(self) -> ComposeResult:
        with Vertical(id="choose") as box:
            box.border_title = Text(visible(self.title_text))
            box.border_subtitle = "enter to choose · escape to cancel"
            yield Label(self.prompt, markup=False)
            yield OptionList(
                *(Option(Text(visible(item)), id=str(n)) for n, item in enumerate(self.items))
            )

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.items[event.option_index])
