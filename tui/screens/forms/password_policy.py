"""PasswordPolicyScreen: the current and proposed account password policy, side by side."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.aws.models import PasswordPolicy
from tui.aws.password_policy import PolicyWriter, diff, proposed_policy
from tui.runtime.workers import failure_text, in_thread
from tui.screens.forms.discard import DiscardGuard
from tui.widgets.colours import FAIL, INFO, MUTED, SUCCESS

if TYPE_CHECKING:
    from tui.state import AccountState


class PasswordPolicyScreen(DiscardGuard, ModalScreen[PasswordPolicy | None]):
    """Shows what changes; ``ctrl+s`` sends the whole proposed policy (no partial update).

    Returns the policy now in force, or None when cancelled.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "apply", "Apply", id="password_policy.apply"),
        Binding("c", "copy", "Copy CLI", id="password_policy.copy"),
        Binding("escape", "dismiss(None)", "Cancel", id="password_policy.cancel"),
    ]

    def __init__(self, state: AccountState, current: PasswordPolicy) -> None:
        super().__init__()
        self.state = state
        self.current = current
        self.proposed = proposed_policy(current)
        self.busy = False

    def compose(self) -> ComposeResult:
        table = Table(box=None, padding=(0, 1), show_edge=False)
        table.add_column("Setting", style="bold", no_wrap=True)
        table.add_column("Now")
        table.add_column("Proposed")
        for setting, now, proposed in diff(self.current, self.proposed):
            # Content (not Rich Text) so the theme's readable colours apply; a changed
            # value also differs from "Now" in words, and is bold.
            style = f"bold {SUCCESS}" if now != proposed else MUTED
            table.add_row(Text(setting), Text(now), Content.styled(proposed, style))
        note = Content.assemble(
            (
                "\nUpdateAccountPasswordPolicy has no partial update: every setting is sent. "
                "No setting gets weaker than it is now.\n\n",
                "italic",
            ),
            ("Same with the AWS CLI:\n", "bold"),
            (PolicyWriter.command(self.proposed), INFO),
        )
        with Vertical(id="password-policy", classes="form") as box:
            box.border_title = "Account password policy"
            box.border_subtitle = "ctrl+s apply · c copy command · escape cancel"
            with VerticalScroll():
                yield Static(table, markup=False)
                yield Static(note, markup=False)
                yield Static("", id="policy-message", markup=False)

    def action_copy(self) -> None:
        self.state.copy_text(PolicyWriter.command(self.proposed), "the aws command")

    def action_apply(self) -> None:
        """Apply the policy; pressed again while the call runs, nothing (see AliasScreen)."""
        if not self.busy:
            self._apply()

    @work(exclusive=True, exit_on_error=False, group="password-policy")
    async def _apply(self) -> None:

        self.busy = True
        message = self.query_one("#policy-message", Static)
        message.update(Content.styled("Updating…", MUTED))
        writer = self.state.service.policy_writer
        try:
            await in_thread(self, lambda: writer.update(self.proposed), "password policy")
        except Exception as exc:  # noqa: BLE001 - AwsFailure, InvalidRequest
            self.busy = False
            unknown = getattr(getattr(exc, "error", None), "outcome_unknown", False)
            prefix = "Maybe changed" if unknown else "Not changed"
            message.update(Content.styled(f"{prefix}: {failure_text(exc)}", FAIL))
            self.state.refresh_if_unknown(exc)
            return
        self.dismiss(self.proposed)
