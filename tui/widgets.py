"""Small widgets of the main screen."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from tui.aws.models import Posture
from tui.visible import visible


class AccountHeader(Static):
    """One line: account id, alias, caller ARN, and the mode (read-only, demo)."""

    def __init__(self, *, read_only: bool, demo: bool) -> None:
        super().__init__(id="account-header", markup=False)
        self.read_only = read_only
        self.demo = demo

    def on_mount(self) -> None:
        self.show(Posture())

    def show(self, posture: Posture) -> None:
        text = Text("acct-tui ", style="bold")
        if self.demo:
            text.append(" DEMO ", style="bold black on yellow")
            text.append(" ")
        if self.read_only:
            text.append(" READ-ONLY ", style="bold white on blue")
            text.append(" ")
        caller = posture.caller
        if caller.value is not None:
            text.append("account ")
            text.append(visible(caller.value.account_id), style="bold")
            if posture.alias:
                text.append(f" ({visible(posture.alias)})")
            text.append(" · ")
            text.append(visible(caller.value.arn), style="cyan")
        elif caller.error is not None:
            text.append(f"caller unknown: {visible(caller.error.code)}", style="red")
        else:
            text.append("connecting…", style="dim")
        self.update(text)
