"""Small widgets of the main screen."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from tui.aws.models import Posture
from tui.support.visible import visible
from tui.widgets.colours import BADGE_INFO, BADGE_WARNING, ERROR, INFO, MUTED


class AccountHeader(Static):
    """One line: account id, alias, caller ARN, and the mode (read-only, demo)."""

    def __init__(self, *, read_only: bool, demo: bool, insecure: bool = False) -> None:
        super().__init__(id="account-header", markup=False)
        self.read_only = read_only
        self.demo = demo
        self.insecure = insecure  # plain http to another machine (--allow-insecure-endpoint)

    def on_mount(self) -> None:
        self.show(Posture())

    def show(self, posture: Posture) -> None:
        # The badges are words; their reversed colours only make them stand out.
        parts: list[str | tuple[str, str]] = [("acct-tui ", "bold")]
        if self.demo:
            parts += [(" DEMO ", BADGE_WARNING), " "]
        if self.read_only:
            parts += [(" READ-ONLY ", BADGE_INFO), " "]
        if self.insecure:
            parts += [(" PLAIN HTTP ", BADGE_WARNING), " "]
        caller = posture.caller
        if caller.value is not None:
            parts += ["account ", (visible(caller.value.account_id), "bold")]
            if posture.alias:
                parts.append(f" ({visible(posture.alias)})")
            parts += [" · ", (visible(caller.value.arn), INFO)]
        elif caller.error is not None:
            parts.append((f"caller unknown: {visible(caller.error.code)}", ERROR))
        else:
            parts.append(("connecting…", MUTED))
        self.update(Content.assemble(*parts))
