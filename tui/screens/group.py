"""GroupScreen: one group's details, members and policies, each with its own keys."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label, Static

import tui.panes.format as fmt
from tui.aws.models import Posture
from tui.support.visible import visible

if TYPE_CHECKING:
    from tui.state import AccountState

INLINE = "inline:"  # row keys of inline policies in the policies table


class GroupScreen(ModalScreen[None]):
    """Summary, members (``a`` add, ``ctrl+d``/``x`` remove) and attached and inline
    policies (``p`` attach, ``ctrl+d``/``x`` detach, ``enter``/``v`` view the document).
    Follows the posture: what a flow changes shows here at once."""

    DEFAULT_CSS = """
    GroupScreen { align: center middle; }
    #group {
        width: 96%; max-width: 110; height: 92%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    #group DataTable { height: auto; max-height: 8; }
    #group-summary, #group-members-empty, #group-policies-empty { height: auto; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Close", id="group.close"),
        Binding("a", "add_members", "Add members", id="group.add_members"),
        Binding("p", "attach", "Attach policy", id="group.attach"),
        Binding("ctrl+d,x", "remove", "Remove/detach", id="group.remove"),
        Binding("enter,v", "view", "View policy", id="group.view"),
    ]
    # Hidden (and refused) under --read-only.
    MUTATING: ClassVar[frozenset[str]] = frozenset({"add_members", "attach", "remove"})

    def __init__(self, state: AccountState, group: str) -> None:
        super().__init__()
        self.state = state
        self.group = group

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="group") as box:
            box.border_title = Text(f"Group {visible(self.group)}")
            box.border_subtitle = (
                "read-only · v view policy · escape close"
                if self.state.read_only
                else "a add member · p attach · x remove · v view · escape close"
            )
            yield Static(id="group-summary", markup=False)
            yield Label(Text("Members", style="bold"))
            members: DataTable[Text] = DataTable(cursor_type="row", id="group-members")
            members.add_columns("User")
            yield members
            yield Label(Text("Policies", style="bold"))
            policies: DataTable[Text] = DataTable(cursor_type="row", id="group-policies")
            policies.add_columns("Policy", "Kind", "ARN")
            yield policies

    def on_mount(self) -> None:
        self.show(self.state.posture)
        self.state.posture_changed.subscribe(self, self.show)
        self.query_one("#group-members", DataTable).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.MUTATING:
            return not self.state.read_only
        return True

    def show(self, posture: Posture) -> None:
        details = posture.details.value
        group = details.group(self.group) if details else None
        summary = self.query_one("#group-summary", Static)
        if details is None or group is None:
            summary.update(Text(f"Group {visible(self.group)} is not in the account as last read."))
            return
        summary.update(
            Text(
                f"ARN      {visible(group.arn)}\n"
                f"Path     {visible(group.path)}\n"
                f"Created  {fmt.date(group.created)}"
            )
        )
        members = self.query_one("#group-members", DataTable)
        row = members.cursor_row
        members.clear()
        for name in details.members(group.name):
            members.add_row(Text(visible(name)), key=name)
        members.move_cursor(row=min(row, max(members.row_count - 1, 0)))
        policies = self.query_one("#group-policies", DataTable)
        row = policies.cursor_row
        policies.clear()
        for p in group.attached_policies:
            cells = (Text(visible(p.name)), Text("managed"), Text(visible(p.arn)))
            policies.add_row(*cells, key=p.arn)
        for name in group.inline_policies:
            policies.add_row(Text(visible(name)), Text("inline"), Text(""), key=INLINE + name)
        policies.move_cursor(row=min(row, max(policies.row_count - 1, 0)))

    def _selected(self, table_id: str) -> str | None:
        table = self.query_one(f"#{table_id}", DataTable)
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def _policy_table_focused(self) -> bool:
        return self.focused is self.query_one("#group-policies", DataTable)

    def action_add_members(self) -> None:
        from tui.flows.access import add_members

        self.state.run_flow(add_members(self.state, self.app, self.group), "add members")

    def action_attach(self) -> None:
        from tui.flows.access import attach_policies

        flow = attach_policies(self.state, self.app, "group", self.group)
        self.state.run_flow(flow, f"attach to {self.group}")

    def action_remove(self) -> None:
        from tui.flows.access import detach_policy, remove_from_group

        if self._policy_table_focused():
            key = self._selected("group-policies")
            if key is None:
                return
            if key.startswith(INLINE):
                self.state.notify(
                    "Inline policies are not detached here: they are part of the group.",
                    severity="warning",
                )
                return
            flow = detach_policy(self.state, self.app, "group", self.group, key)
            self.state.run_flow(flow, f"detach from {self.group}")
            return
        user = self._selected("group-members")
        if user is not None:
            flow = remove_from_group(self.state, self.app, user, self.group)
            self.state.run_flow(flow, f"remove {user} from {self.group}")

    @on(DataTable.RowSelected, "#group-policies")
    def _policy_chosen(self) -> None:
        self.action_view()  # enter on a policy (the table's own enter binding wins)

    def action_view(self) -> None:
        from tui.flows.access import view_policy

        if not self._policy_table_focused():
            self.query_one("#group-policies", DataTable).focus()
            return
        key = self._selected("group-policies")
        if key is None:
            return
        inline = key.startswith(INLINE)
        policy = key.removeprefix(INLINE) if inline else key
        flow = view_policy(self.state, self.app, "group", self.group, policy, inline)
        self.state.run_flow(flow, "view policy", mutating=False)
