"""The Groups pane: groups, their members and attached policies."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType

from tui.aws.models import AuthDetails, Posture
from tui.panes import format as fmt
from tui.panes.base import TablePane, make_row, stale_text


class GroupsPane(TablePane):
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

    def __init__(self, *, id: str) -> None:  # noqa: A002
        super().__init__(id=id)
        self.details = AuthDetails()

    def update_from(self, posture: Posture) -> None:
        part = posture.details
        self.set_status(stale_text(part.error, self.table.row_count > 0) if part.error else None)
        if part.value is None:
            return
        self.details = part.value
        members: dict[str, int] = {g.name: 0 for g in part.value.groups}
        for user in part.value.users:
            for name in user.groups:
                members[name] = members.get(name, 0) + 1
        self.summary = f"{len(part.value.groups)} groups"
        self.set_rows(
            [
                make_row(
                    g.name,
                    g.name,
                    str(members.get(g.name, 0)),
                    ", ".join(p.name for p in g.attached_policies) or "—",
                    fmt.date(g.created),
                )
                for g in part.value.groups
            ]
        )

    def action_new(self) -> None:
        self.acct.action_create_group()

    def action_delete(self) -> None:
        name = self.selected_key()
        if name:
            self.acct.action_delete_group(name)

    def action_copy_arn(self) -> None:
        group = self.details.group(self.selected_key() or "")
        if group is not None:
            self.copy(group.arn, f"the ARN of {group.name}")

    def open_row(self, key: str) -> None:
        from tui.screens.details import DetailsScreen

        group = self.details.group(key)
        if group is None:
            return
        lines = [
            ("ARN", group.arn),
            ("Path", group.path),
            ("Created", fmt.date(group.created)),
            ("Members", ", ".join(self.details.members(group.name)) or "none"),
            ("Policies", "\n".join(p.arn for p in group.attached_policies) or "none"),
            ("Inline", ", ".join(group.inline_policies) or "none"),
        ]
        self.app.push_screen(DetailsScreen(f"Group {group.name}", lines))
