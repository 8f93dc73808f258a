"""The Users pane: every IAM user with console, MFA, keys and groups at a glance."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding, BindingType

from tui.aws.models import Posture, UserView
from tui.panes.base import TablePane, error_text, stale_text
from tui.panes.rows import Prepared, user_rows

if TYPE_CHECKING:
    from tui.state import AccountState


class UsersPane(TablePane[dict[str, UserView]]):
    """IAM users joined with the credential report; ``enter`` shows one in full."""

    TITLE = "2 Users"
    PARTS = frozenset({"details", "report"})
    MUTATING = frozenset({"new", "delete", "mfa"})
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new", "New user", id="users.new", tooltip="Create an IAM user"),
        Binding("ctrl+d", "delete", "Delete", id="users.delete", tooltip="Delete the user"),
        Binding("a", "keys", "Access keys", id="users.keys", tooltip="Access keys of the user"),
        Binding("m", "mfa", "MFA", id="users.mfa", tooltip="Enroll a virtual MFA device"),
        Binding("c", "copy_arn", "Copy ARN", id="users.copy", tooltip="Copy the user's ARN"),
    ]
    COLUMNS: ClassVar[tuple[str, ...]] = (
        "User",
        "Console",
        "MFA",
        "Keys (n·oldest·used)",
        "Groups",
        "Created",
        "Password used",
    )

    def __init__(self, state: AccountState, *, id: str) -> None:  # noqa: A002
        super().__init__(state, id=id)
        self.views: dict[str, UserView] = {}

    def show_status(self, posture: Posture) -> None:
        details = posture.details
        if details.error is not None:
            self.set_status(stale_text(details.error, self.table.row_count > 0))
        elif posture.report.error is not None:
            self.set_status(
                error_text(posture.report.error)
                + "\nConsole, MFA and key columns are unknown (?) without the report."
            )
        elif details.loaded and not posture.report.loaded:
            self.set_status("Waiting for the credential report…")
        else:
            self.set_status(None)

    def rows(self, posture: Posture) -> Prepared[dict[str, UserView]] | None:
        return user_rows(posture)

    def accept(self, data: dict[str, UserView]) -> None:
        self.views = data

    def action_new(self) -> None:
        from tui.flows.users import create_user

        self.state.run_flow(create_user(self.state, self.app), "create user")

    def action_delete(self) -> None:
        from tui.flows.users import delete_user

        name = self.selected_key()
        if name:
            self.state.run_flow(delete_user(self.state, self.app, name), f"delete user {name}")

    def action_keys(self) -> None:
        from tui.flows.users import access_keys

        name = self.selected_key()
        if name:
            flow = access_keys(self.state, self.app, name)
            self.state.run_flow(flow, f"access keys of {name}", mutating=False)

    def action_mfa(self) -> None:
        from tui.flows.mfa import enroll_mfa

        name = self.selected_key()
        if name:
            self.state.run_flow(enroll_mfa(self.state, self.app, name), f"MFA for {name}")

    def action_copy_arn(self) -> None:
        view = self.views.get(self.selected_key() or "")
        if view is not None:
            self.copy(view.user.arn, f"the ARN of {view.name}")

    def open_row(self, key: str) -> None:
        from tui.screens.user import UserScreen

        view = self.views.get(key)
        if view is not None:
            self.app.push_screen(UserScreen(self.state, view.user.name))
