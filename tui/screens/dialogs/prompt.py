"""PromptScreen: one line of text (a file path, a profile name)."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static


class PromptScreen(ModalScreen[str | None]):
    """Returns the text entered (after ``check`` passes), or None on escape."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", id="prompt.cancel"),
    ]

    def __init__(
        self,
        title: str,
        label: str,
        value: str = "",
        check: Callable[[str], str | None] | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.label = label
        self.value = value
        self.check = check

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt") as box:
            box.border_title = self.title_text
            box.border_subtitle = "enter to accept · escape to cancel"
            yield Label(self.label, markup=False)
            yield Input(value=self.value, id="prompt-input")
            yield Static("", id="prompt-error", markup=False)

    @on(Input.Submitted, "#prompt-input")
    def _submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        problem = self.check(value) if self.check else (None if value else "required")
        if problem:
            self.query_one("#prompt-error", Static).update(problem)
            return
        self.dismiss(value)
