"""The Groups pane: groups, their members and attached policies."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding, BindingType

import tui.panes.format as fmt
from tui.aws.models import AuthDetails, Posture
from tui.panes.base import TablePane, stale_text
from tui.panes.rows import Prepared, group_rows
from tui.support.visible import visible

if TYPE_CHECKING:
    from tui.state import AccountState


class GroupsPane(TablePane[AuthDetails]):
    """IAM groups; ``enter`` lists a group's members and policies."""

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
        from tui.screens.dialogs.details import DetailsScreen

        group = self.details.group(key)
        if group is None:
            return
        lines = [
            ("ARN", visible(group.arn)),
            ("Path", visible(group.path)),
            ("Created", fmt.date(group.created)),
            ("Members", ", ".join(map(visible, self.details.members(group.name))) or "none"),
            ("Policies", "\n".join(visible(p.arn) for p in group.attached_policies) or "none"),
            ("Inline", ", ".join(map(visible, group.inline_policies)) or "none"),
        ]
        self.app.push_screen(DetailsScreen(f"Group {group.name}", lines))
