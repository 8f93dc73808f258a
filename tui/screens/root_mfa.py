"""RootMfaScreen: the console steps for root MFA (no API can do it), and "check again"."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.aws.checks import ROOT_CREDENTIALS_URL
from tui.aws.models import ROOT_SIGN_IN_URL, AccountSummary
from tui.runtime.workers import in_thread
from tui.widgets.colours import ERROR, FAIL, MUTED, SUCCESS

if TYPE_CHECKING:
    from tui.state import AccountState


class RootMfaScreen(ModalScreen[bool]):
    """Guides the root MFA set-up in the console; ``r`` re-reads GetAccountSummary.

    Returns True once root MFA is seen enabled.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "check", "Check again", id="root_mfa.check"),
        Binding("c", "copy", "Copy sign-in URL", id="root_mfa.copy"),
        Binding("escape", "close", "Close", id="root_mfa.close"),
    ]

    def __init__(self, state: AccountState) -> None:
        super().__init__()
        self.state = state
        # Root's sign-in page, not the account's IAM user sign-in URL.
        self.url = ROOT_SIGN_IN_URL
        self.enabled = False

    def compose(self) -> ComposeResult:
        steps = Text()
        steps.append("No API can turn on MFA for the root user: do it in the console.\n\n")
        for n, line in enumerate(
            (
                f"Open {self.url} in a browser and sign in as the root user "
                "(choose 'Root user', then type the account's e-mail address).",
                f"Go to Security credentials ({ROOT_CREDENTIALS_URL}).",
                "Under Multi-factor authentication (MFA), choose Assign MFA device.",
                "Name the device, choose Authenticator app (or a security key), Next.",
                "Scan the QR code with your authenticator app, type two consecutive codes, "
                "choose Add MFA.",
                "Note how your authenticator app backs up its accounts: losing the phone "
                "must not lock you out of root.",
                "Come back here and press r to check again.",
            ),
            start=1,
        ):
            steps.append(f"{n}. ", style="bold")
            steps.append(line + "\n")
        with Vertical(id="root-mfa") as box:
            box.border_title = "Protect the root user with MFA"
            box.border_subtitle = "r check again · c copy sign-in URL · escape close"
            with VerticalScroll():
                yield Static(steps, markup=False)
                yield Static("", id="root-mfa-state", markup=False)

    def action_copy(self) -> None:
        self.state.copy_text(self.url, "the root sign-in URL")

    @work(exclusive=True, exit_on_error=False, group="root-mfa")
    async def action_check(self) -> None:
        shown = self.query_one("#root-mfa-state", Static)
        shown.update(Content.styled("Checking…", MUTED))
        service = self.state.service
        part = await in_thread(self, lambda: service.read_part("summary"), "GetAccountSummary")
        self.state.apply_posture(self.state.posture.with_part("summary", part))
        summary = part.value
        if isinstance(summary, AccountSummary) and summary.root_mfa_enabled:
            self.enabled = True
            shown.update(Content.styled("✓ Root has MFA now.", f"bold {SUCCESS}"))
        elif part.error is not None:
            shown.update(Content.styled(part.error.summary(), ERROR))
        else:
            shown.update(Content.styled("✗ Root still has no MFA device.", FAIL))

    def action_close(self) -> None:
        self.dismiss(self.enabled)
