"""The Accounts pane of the organization view: one row per member account.

Each row says what one read of that account found (the same checks as Security
recommendations), or why it could not be read; a row never says "all clear" unless every
check of that account passed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding, BindingType

from tui.aws.findings import Severity
from tui.aws.org import MemberAccount, MemberRead
from tui.panes.base import TablePane
from tui.widgets.colours import FAIL, MUTED, SUCCESS, WARNING
from tui.widgets.rowdata import Cell, Row, make_row

if TYPE_CHECKING:
    from tui.runtime.org import OrgSession
    from tui.state import AccountState

OLD_KEY_DAYS = 90  # CIS 1.13's limit: an older key is shown as failing


class AccountsPane(TablePane[None]):
    """Member accounts; ``enter`` opens one's console, ``r`` reads them all again."""

    TITLE = "Accounts"
    # The name first (frozen at 80 columns), then what matters: at 80 columns the name,
    # the id and the checks fit; the line under the table says the rest of the highlighted
    # account in full.
    COLUMNS: ClassVar[tuple[str, ...]] = (
        "Name",
        "Account",
        "Checks",
        "Root MFA",
        "Admins no MFA",
        "Oldest key",
        "OU",
        "Status",
        "E-mail",
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        # The five panes' tab/shift+tab (to the next pane) mean nothing over here.
        Binding("tab", "app.focus_next", show=False, id="accounts.next"),
        Binding("shift+tab", "app.focus_previous", show=False, id="accounts.previous"),
        Binding(
            "enter",
            "open_selected",
            "Open",
            id="accounts.open",
            tooltip="Open the five-pane console for the highlighted account",
        ),
    ]

    def __init__(self, state: AccountState, org: OrgSession, *, id: str) -> None:  # noqa: A002
        super().__init__(state, id=id)
        self.org = org

    def show_org(self) -> None:
        """Redraw the rows and the title from the organization session."""
        org = self.org
        rows = [account_row(a, org.reads.get(a.id), a.id in org.reading) for a in org.accounts]
        read, total = org.progress()
        self.summary = f"{total} accounts"
        self.set_rows(rows)
        if org.listing:
            self.set_freshness("listing the organization…")
        elif org.reading:
            self.set_freshness(f"reading {read}/{total} accounts…")
        else:
            self.set_freshness(f"{total} read" if total else "")

    def open_row(self, key: str) -> None:
        screen = self.screen
        opener = getattr(screen, "open_account", None)
        if opener is not None:
            opener(key)


def checks_cell(read: MemberRead | None, reading: bool) -> Cell:
    if read is None:
        return Cell("reading…" if reading else "not read", MUTED)
    if read.error is not None:
        return Cell(short_problem(read), FAIL)
    summary = read.summary
    if summary is None:
        return Cell("?", MUTED)
    failing = sum(summary.failing.values())
    if failing:
        worst = min(summary.failing)
        detail = f"{summary.failing[worst]} {worst.name.lower()}"
        return Cell(f"✗ {summary.verdict} ({detail})", FAIL if worst <= Severity.HIGH else WARNING)
    if summary.unknown:
        return Cell(f"? {summary.verdict}", WARNING)
    return Cell(f"✓ {summary.verdict}", SUCCESS)


def short_problem(read: MemberRead) -> str:
    """Why the account could not be read, in a cell ("? access denied assuming the role");
    :meth:`MemberRead.problem` (with the role and the account) goes under the table."""
    error = read.error
    assert error is not None
    if error.action == "sts:AssumeRole":
        what = "access denied" if error.denied else error.code
        return f"? {what} assuming the role"
    if error.code == "AccountNotActive":
        return f"? not read: {read.account.status.lower()}"
    return f"? {error.headline()}"


def _root_mfa(value: bool | None) -> Cell:
    if value is None:
        return Cell("?", MUTED)
    return Cell("✓ yes", SUCCESS) if value else Cell("✗ no", FAIL)


def _admins(value: int | None) -> Cell:
    if value is None:
        return Cell("?", MUTED)
    return Cell(f"✗ {value}", FAIL) if value else Cell("0", MUTED)


def _oldest(days: int | None) -> Cell:
    if days is None:
        return Cell("?", MUTED)
    if days < 0:
        return Cell("none", MUTED)
    return Cell(f"✗ {days}d", FAIL) if days > OLD_KEY_DAYS else Cell(f"{days}d")


def account_row(account: MemberAccount, read: MemberRead | None, reading: bool) -> Row:
    summary = read.summary if read is not None else None
    return make_row(
        account.id,
        account.name,
        account.id,
        checks_cell(read, reading),
        _root_mfa(summary.root_mfa if summary else None),
        _admins(summary.admins_without_mfa if summary else None),
        _oldest(summary.oldest_key_days if summary else None),
        account.ou_path or "?",
        account.status.lower(),
        account.email,
    )
