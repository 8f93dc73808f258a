"""MfaTokenScreen: asks for the MFA code of an assume-role profile, inside the TUI."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.validation import Regex
from textual.widgets import Input, Label


class MfaTokenScreen(ModalScreen[str | None]):
    """Returns the 6-digit code, or ``None`` when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", id="mfa_token.cancel"),
    ]

    def __init__(self, prompt: str) -> None:
        super().__init__()
        self.prompt = prompt

    def compose(self) -> ComposeResult:
        with Vertical(id="mfa-token") as box:
            box.border_title = "MFA code needed"
            yield Label(self.prompt, markup=False)
            yield Input(
                placeholder="6 digits",
                max_length=6,
                restrict=r"[0-9]*",
                validators=[Regex(r"^[0-9]{6}$", failure_description="six digits")],
                id="token",
            )

    @on(Input.Submitted, "#token")
    def _submitted(self, event: Input.Submitted) -> None:
        if event.validation_result is None or event.validation_result.is_valid:
            self.dismiss(event.value)
