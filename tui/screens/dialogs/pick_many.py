"""PickManyScreen: choose several items (groups for a user, users for a group)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, SelectionList, Static
from textual.widgets.selection_list import Selection

from tui.support.visible import visible
from tui.widgets.colours import ERROR
from tui.widgets.toggles import TickList


class PickManyScreen(ModalScreen[tuple[str, ...] | None]):
    """Returns the chosen items (at least one, at most ``limit``), or None on escape.
    Items are shown literally; ``space`` toggles, ``ctrl+s`` goes on."""

    DEFAULT_CSS = """
    PickManyScreen { align: center middle; }
    #pick-many {
        width: 70; max-width: 96%; height: auto; max-height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    #pick-many SelectionList { height: auto; max-height: 14; }
    #pick-error { height: auto; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Continue", id="pick_many.submit"),
        Binding("escape", "dismiss(None)", "Cancel", id="pick_many.cancel"),
    ]

    def __init__(
        self, title: str, prompt: str, items: Sequence[str], *, limit: int | None = None
    ) -> None:
        super().__init__()
        self.title_text = title
        self.prompt = prompt
        self.items = tuple(items)
        self.limit = limit

    def compose(self) -> ComposeResult:
        with Vertical(id="pick-many") as box:
            box.border_title = Text(visible(self.title_text))
            box.border_subtitle = "space choose · ctrl+s continue · escape cancel"
            yield Label(Text(self.prompt))
            yield TickList[str](
                *(Selection(Text(visible(item)), item) for item in self.items), id="pick-list"
            )
            yield Static("", id="pick-error", markup=False)

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()

    @property
    def chosen(self) -> tuple[str, ...]:
        picked = set(self.query_one(SelectionList).selected)
        return tuple(i for i in self.items if i in picked)

    def action_submit(self) -> None:
        chosen = self.chosen
        error = self.query_one("#pick-error", Static)
        if not chosen:
            error.update(Content.styled("Choose at least one (space).", ERROR))
        elif self.limit is not None and len(chosen) > self.limit:
            error.update(Content.styled(f"At most {self.limit} can be chosen here.", ERROR))
        else:
            self.dismiss(chosen)
