"""The Groups pane: groups, their members and attached policies."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding, BindingType

from tui.aws.models import AuthDetails, Posture
from tui.panes.base import TablePane, stale_text
from tui.panes.rows import Prepared, group_rows

if TYPE_CHECKING:
    from tui.state import AccountState


class GroupsPane(TablePane[AuthDetails]):
    """IAM groups; ``enter`` opens the group's details (members and policies, with keys)."""

    TITLE = "3 Groups"
    PARTS = frozenset({"details"})
    MUTATING = frozenset({"new", "delete"})
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new", "New group", id="groups.new", tooltip="Create an IAM group"),
        Binding("ctrl+d", "delete", "Delete", id="groups.delete", tooltip="Delete the group"),
        Binding("c", "copy_arn", "Copy ARN", id="groups.copy", tooltip="Copy the group's ARN"),
    ]
    COLUMNS: ClassVar[tuple[str, ...]] = ("Group", "Members", "Policies", "Created")

    def __init__(self, state: AccountState, *, id: str) -> None:  # noqa: A002
        super().__init__(state, id=id)
        self.details = AuthDetails()

    def show_status(self, posture: Posture) -> None:
        error = posture.details.error
        self.set_status(stale_text(error, self.table.row_count > 0) if error else None)

    def rows(self, posture: Posture) -> Prepared[AuthDetails] | None:
        return group_rows(posture)

    def accept(self, data: AuthDetails) -> None:
        self.details = data

    def action_new(self) -> None:
        from tui.flows.groups import create_group

        self.state.run_flow(create_group(self.state, self.app), "create group")

    def action_delete(self) -> None:
        from tui.flows.groups import delete_group

        name = self.selected_key()
        if name:
            flow = delete_group(self.state, self.app, name)
            self.state.run_flow(flow, f"delete group {name}")

    def action_copy_arn(self) -> None:
        group = self.details.group(self.selected_key() or "")
        if group is not None:
            self.copy(group.arn, f"the ARN of {group.name}")

    def open_row(self, key: str) -> None:
        from tui.screens.group import GroupScreen

        if self.details.group(key) is not None:
            self.app.push_screen(GroupScreen(self.state, key))
