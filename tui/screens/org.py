"""OrgScreen: the organization's member accounts, each one key away from its console.

A full screen over the main one: a line saying which organization and how it is reached,
the Accounts table (``enter`` opens an account's five-pane console, ``r`` reads every
account again, ``/`` filters), and under it what the highlighted account's read found or
why it failed, in full. ``escape`` goes back to the console; ``q`` quits, as on the main
screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from tui.panes.accounts import AccountsPane
from tui.panes.base import error_text
from tui.screens.own_footer import OwnFooter
from tui.support.visible import visible
from tui.widgets.colours import BADGE_INFO, BADGE_WARNING, INFO, MUTED, WARNING
from tui.widgets.rowtable import RowTable

if TYPE_CHECKING:
    from tui.runtime.org import OrgSession
    from tui.state import AccountState


class OrgScreen(OwnFooter, Screen[None]):
    """The Accounts view (see the module's docstring)."""

    QUITS = True  # q quits here as on the main screen (tui/runtime/grammar.py)
    NO_GUIDE = True  # Getting started is about the console's account: not offered here
    # The table has the focus whenever the screen shows (keys typed ahead go to it).
    AUTO_FOCUS = "#accounts #table"
    DEFAULT_CSS = """
    OrgScreen #org-header { height: 1; padding: 0 1; background: $panel; }
    OrgScreen #org-message { height: auto; padding: 0 1; }
    OrgScreen #accounts { height: 1fr; }
    OrgScreen #org-detail { height: auto; max-height: 6; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Console", id="org.close", tooltip="Back to the console"),
        Binding("r", "reread", "Read again", id="org.refresh", tooltip="Read every account again"),
        Binding("q", "app.quit_main", "Quit", id="org.quit", tooltip="Quit acct-tui"),
    ]

    def __init__(self, state: AccountState, org: OrgSession) -> None:
        super().__init__()
        self.state = state
        self.org = org

    def compose(self) -> ComposeResult:
        yield Static(id="org-header", markup=False)
        yield Static(id="org-message", markup=False)
        yield AccountsPane(self.state, self.org, id="accounts")
        yield Static(id="org-detail", markup=False)
        yield Footer()

    @property
    def pane(self) -> AccountsPane:
        return self.query_one("#accounts", AccountsPane)

    def on_mount(self) -> None:
        self.org.changed.subscribe(self, lambda _org: self.show())
        self.show()
        if self.org.organization is None and not self.org.busy:
            self.org.start()

    def show(self) -> None:
        org = self.org
        self._header()
        message = self.query_one("#org-message", Static)
        if org.error is not None:
            message.update(error_text(org.error))
        elif org.organization is not None and org.organization.tree_error is not None:
            tree = org.organization.tree_error
            message.update(Content.styled(f"OU paths unknown (?): {tree.headline()}", WARNING))
        else:
            message.update("")
        message.display = bool(message.content)
        self.pane.show_org()
        self._detail(self.pane.selected_key())

    def _header(self) -> None:
        state, org = self.state, self.org
        parts: list[str | tuple[str, str]] = [("acct-tui ", "bold")]
        if state.demo:
            parts += [(" DEMO ", BADGE_WARNING), " "]
        if state.read_only:
            parts += [(" READ-ONLY ", BADGE_INFO), " "]
        if org.organization is not None:
            parts += ["organization ", (visible(org.organization.id), "bold"), " · "]
        elif org.listing:
            parts.append(("listing the organization… ", MUTED))
        parts += ["role ", (visible(org.options.role), INFO)]
        self.query_one("#org-header", Static).update(Content.assemble(*parts))

    @on(RowTable.RowHighlighted, "#accounts #table")
    def _highlighted(self, event: RowTable.RowHighlighted) -> None:
        self._detail(event.key)

    def _detail(self, key: str | None) -> None:
        box = self.query_one("#org-detail", Static)
        read = self.org.reads.get(key or "")
        if read is None:
            box.update("")
        elif read.error is not None:
            box.update(Content(visible(read.problem()) + "\n") + error_text(read.error))
        elif read.summary is not None:
            where = f" through {read.via_role}" if read.via_role else " (your own account)"
            failing = read.summary.failing
            by_severity = ", ".join(f"{failing[s]} {s.name.lower()}" for s in sorted(failing))
            box.update(
                Content.assemble(
                    (visible(read.account.name), "bold"),
                    f" {read.account.id}: {read.summary.verdict}",
                    f" ({by_severity})." if by_severity else ".",
                    (f" enter opens its console{where}.", MUTED),
                )
            )
        box.display = bool(box.content)

    # -- keys ---------------------------------------------------------------------------------
    def action_reread(self) -> None:
        self.org.start()

    def action_close(self) -> None:
        self.app.pop_screen()

    def open_account(self, account_id: str) -> None:
        """``enter``: the console for ``account_id`` (refused while a change is running)."""
        if any(w.group == "flow" and w.is_running for w in self.app.workers):
            self.state.notify(
                "A flow is still running. Open another account once it has finished.",
                title="Accounts",
                severity="warning",
            )
            return
        read = self.org.reads.get(account_id)
        error = read.error if read is not None else None
        unopenable = error is not None and error.code == "AccountNotActive"
        if (
            read is not None
            and error is not None
            and (error.action == "sts:AssumeRole" or unopenable)
        ):
            self.state.notify(
                f"{read.problem()}: its console cannot be opened ({error.headline()}).",
                title="Accounts",
                severity="error",
            )
            return
        account = self.org.open(account_id)
        if account is None:
            return
        self.app.pop_screen()
        if self.org.member is not None:
            self.state.notify(
                f"Console of {account.name} ({account.id}) through {self.org.options.role}. "
                "escape: back to the organization.",
                title="Accounts",
            )
