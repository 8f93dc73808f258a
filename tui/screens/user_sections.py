"""The sections of the user workspace (:mod:`tui.screens.user`): one table each, with the
keys that act on it (shown in the footer while it has the focus, and in ``?``). Each key
starts a flow on top of the workspace (:meth:`UserScreen.run`), which reads the user again
when the flow ends."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import DataTable

if TYPE_CHECKING:
    from tui.screens.user import UserScreen


@dataclass(frozen=True)
class PolicyRow:
    """A row of the policies section: a managed policy (by ARN) or an inline one."""

    name: str
    arn: str | None  # None: an inline policy

    @property
    def key(self) -> str:
        return self.arn or f"inline:{self.name}"


class Section(DataTable[Text | Content]):
    """One section of the workspace: a table whose own keys act on the selected row."""

    # Hidden (and refused) under --read-only.
    MUTATING: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, workspace: UserScreen, *, id: str) -> None:  # noqa: A002 - Textual's name
        super().__init__(cursor_type="row", id=id, zebra_stripes=False)
        self.workspace = workspace

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.MUTATING:
            return not self.workspace.state.read_only
        return True

    def refill(self) -> str | None:
        """Clear the rows before they are added again; returns the key under the cursor, for
        :meth:`restore` (a flow started here refills every section when it ends)."""
        key = self.selected()
        self.clear()
        return key

    def restore(self, key: str | None) -> None:
        """Put the cursor back on the row ``key`` if it is still there."""
        if key is None:
            return
        try:
            self.move_cursor(row=self.get_row_index(key), animate=False)
        except Exception:  # noqa: BLE001 - RowDoesNotExist: it went (removed by the flow)
            return

    def selected(self) -> str | None:
        """The key of the row under the cursor (None: the table is empty)."""
        if not self.row_count:
            return None
        return str(self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value)


class ConsoleSection(Section):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p", "password", "Set password", id="user.password"),
        Binding("ctrl+d", "remove_password", "Remove console access", id="user.remove_password"),
    ]
    MUTATING = frozenset({"password", "remove_password"})

    def action_password(self) -> None:
        from tui.flows import passwords

        ws = self.workspace
        if ws.console is True:
            ws.run(passwords.reset_password(ws.state, ws.app, ws.user), "reset password")
        else:
            ws.run(passwords.add_password(ws.state, ws.app, ws.user), "add password")

    def action_remove_password(self) -> None:
        from tui.flows import passwords

        ws = self.workspace
        ws.run(passwords.remove_password(ws.state, ws.app, ws.user), "remove password")


class MfaSection(Section):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("m", "enroll", "Add MFA", id="user.mfa"),
        Binding("ctrl+d", "remove", "Remove MFA device", id="user.remove_mfa"),
    ]
    MUTATING = frozenset({"enroll", "remove"})

    def action_enroll(self) -> None:
        from tui.flows.mfa import enroll_mfa

        ws = self.workspace
        ws.run(enroll_mfa(ws.state, ws.app, ws.user), f"MFA for {ws.user}")

    def action_remove(self) -> None:
        serial = self.selected()
        if serial is not None:
            self.workspace.remove_mfa(serial)


class KeysSection(Section):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new_key", "New access key", id="user.new_key"),
        Binding("r", "rotate", "Rotate key", id="user.rotate_key"),
        Binding(
            "enter",
            "manage",
            "Manage",  # short: the section's keys and "esc Close" fit at 80 columns
            id="user.manage_keys",
            tooltip="Activate, deactivate, delete",
        ),
    ]
    MUTATING = frozenset({"new_key", "rotate"})

    def action_new_key(self) -> None:
        from tui.flows.keys import create_access_key

        ws = self.workspace
        ws.run(create_access_key(ws.state, ws.app, ws.user), f"new key for {ws.user}")

    def action_rotate(self) -> None:
        from tui.flows.rotation import rotate_key

        ws = self.workspace
        if (key_id := self.selected()) is not None:
            ws.run(rotate_key(ws.state, ws.app, ws.user, key_id), f"rotate {key_id}")

    def action_manage(self) -> None:
        from tui.flows.users import access_keys

        ws = self.workspace
        ws.run(access_keys(ws.state, ws.app, ws.user), f"keys of {ws.user}", mutating=False)


class GroupsSection(Section):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", "Add to groups", id="user.add_groups"),
        Binding("ctrl+d", "leave", "Remove from group", id="user.leave_group"),
    ]
    MUTATING = frozenset({"add", "leave"})

    def action_add(self) -> None:
        from tui.flows.access import add_to_groups

        ws = self.workspace
        ws.run(add_to_groups(ws.state, ws.app, ws.user), f"groups of {ws.user}")

    def action_leave(self) -> None:
        from tui.flows.access import remove_from_group

        ws = self.workspace
        if (group := self.selected()) is not None:
            ws.run(remove_from_group(ws.state, ws.app, ws.user, group), f"leave {group}")


class PoliciesSection(Section):
    BINDINGS: ClassVar[list[BindingType]] = [
        # Short footer labels (the tooltips, in help and the README, say it whole): at 80
        # columns the four of them and "esc Close" fit without a word cut.
        Binding("a", "attach", "Attach", id="user.attach", tooltip="Attach policies"),
        Binding("ctrl+d", "detach", "Detach", id="user.detach", tooltip="Detach policy"),
        Binding("enter,v", "view", "View", id="user.view_policy", tooltip="View document"),
        Binding(
            "g", "move", "To a group", id="user.move_policies", tooltip="Move policies to a group"
        ),
    ]
    MUTATING = frozenset({"attach", "detach", "move"})

    def _row(self) -> PolicyRow | None:
        key = self.selected()
        return next((p for p in self.workspace.policy_rows if p.key == key), None)

    def action_attach(self) -> None:
        from tui.flows.access import attach_policies

        ws = self.workspace
        ws.run(attach_policies(ws.state, ws.app, "user", ws.user), f"attach to {ws.user}")

    def action_detach(self) -> None:
        from tui.flows.access import detach_policy

        ws = self.workspace
        row = self._row()
        if row is None:
            return
        if row.arn is None:
            ws.state.notify(
                f"{row.name} is an inline policy: it is part of the user, not attached. "
                "View it with enter.",
                title="Detach policy",
                severity="warning",
            )
            return
        ws.run(detach_policy(ws.state, ws.app, "user", ws.user, row.arn), f"detach {row.name}")

    def action_view(self) -> None:
        from tui.flows.access import view_policy

        ws = self.workspace
        row = self._row()
        if row is not None:
            policy, inline = (row.name, True) if row.arn is None else (row.arn, False)
            ws.run(
                view_policy(ws.state, ws.app, "user", ws.user, policy, inline),
                f"policy {row.name}",
                mutating=False,
            )

    def action_move(self) -> None:
        from tui.flows.access import move_policies_to_group

        ws = self.workspace
        ws.run(move_policies_to_group(ws.state, ws.app, ws.user), f"move policies of {ws.user}")


class TagsSection(Section):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "edit", "Edit tags", id="user.tags"),
    ]
    MUTATING = frozenset({"edit"})

    def action_edit(self) -> None:
        from tui.flows.tags import edit_tags

        ws = self.workspace
        ws.run(edit_tags(ws.state, ws.app, ws.user), f"tags of {ws.user}")
