"""ConfirmScreen: a yes/no question naming exactly what will happen."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Static

from tui.visible import visible


class ConfirmScreen(ModalScreen[bool]):
    """Returns True only when the user presses the confirm button (or ``y``).

    ``lines`` are shown literally (they often hold AWS names). The cancel button has the
    focus first, so a stray ``enter`` never deletes anything. An optional checkbox (e.g.
    "also remove the keyring entry") is read back through :attr:`option`.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,n", "dismiss(False)", "Cancel", id="confirm.cancel"),
        Binding("y", "confirm", "Confirm", id="confirm.yes"),
    ]

    def __init__(
        self,
        title: str,
        lines: list[str],
        *,
        confirm_label: str = "Delete",
        danger: bool = True,
        option: str | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.lines = lines
        self.confirm_label = confirm_label
        self.danger = danger
        self.option_label = option
        self.option = False

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm") as box:
            box.border_title = Text(visible(self.title_text))
            with VerticalScroll(id="confirm-lines"):
                yield Static(Text("\n".join(map(visible, self.lines))), markup=False)
            if self.option_label:
                yield Checkbox(self.option_label, id="confirm-option")
            with Horizontal(id="confirm-buttons"):
                yield Button("Cancel (n)", id="cancel")
                yield Button(
                    f"{self.confirm_label} (y)",
                    id="ok",
                    variant="error" if self.danger else "primary",
                )

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

    def action_confirm(self) -> None:
        if self.option_label:
            self.option = self.query_one("#confirm-option", Checkbox).value
        self.dismiss(True)

    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        self.action_confirm()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(False)
