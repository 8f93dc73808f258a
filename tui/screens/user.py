"""UserScreen: one user's details and MFA devices (enroll, deactivate and delete)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import DataTable, Label, Static

import tui.panes.format as fmt
from tui.aws import selfguard
from tui.aws.mfa import MfaDevice
from tui.runtime.workers import failure_text, in_thread
from tui.screens.dialogs.confirm import confirm_screen
from tui.screens.dialogs.details import DetailsScreen
from tui.screens.plan import PlanScreen
from tui.support.visible import visible
from tui.widgets.colours import ERROR, WARNING

if TYPE_CHECKING:
    from tui.state import AccountState


class UserScreen(DetailsScreen):
    """Details of a user plus its MFA devices, read with ListMFADevices when opened."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "dismiss(None)", "Close", id="user.close"),
        Binding("m", "enroll", "Add MFA", id="user.mfa"),
        Binding("ctrl+d", "remove", "Remove MFA device", id="user.remove_mfa"),
    ]
    # Hidden (and refused) under --read-only.
    MUTATING: ClassVar[frozenset[str]] = frozenset({"enroll", "remove"})

    def __init__(self, state: AccountState, user: str, lines: list[tuple[str, str]]) -> None:
        super().__init__(f"User {user}", lines)
        self.state = state
        self.user = user
        self.devices: tuple[MfaDevice, ...] = ()

    def compose(self) -> ComposeResult:
        yield from super().compose()

    def on_mount(self) -> None:
        box = self.query_one("#details")
        box.border_subtitle = (
            "read-only · escape close"
            if self.state.read_only
            else "m add MFA · ctrl+d remove device · escape close"
        )
        box.mount(Label(Text("MFA devices", style="bold")))
        table: DataTable[Text] = DataTable(cursor_type="row", id="mfa-devices")
        table.add_columns("Serial", "Kind", "Enabled")
        box.mount(table)
        box.mount(Static("Loading…", id="mfa-note", markup=False))
        self._load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.MUTATING:
            return not self.state.read_only
        return True

    @work(exclusive=True, exit_on_error=False, group="user-mfa")
    async def _load(self) -> None:
        note = self.query_one("#mfa-note", Static)
        mfa = self.state.service.mfa
        try:
            self.devices = await in_thread(
                self, lambda: mfa.list_devices(self.user), "ListMFADevices"
            )
        except Exception as exc:  # noqa: BLE001
            note.update(Content.styled(failure_text(exc), ERROR))
            return
        table = self.query_one("#mfa-devices", DataTable)
        table.clear()
        for d in self.devices:
            table.add_row(
                Text(visible(d.serial)), Text(d.kind), Text(fmt.date(d.enabled)), key=d.serial
            )
        note.update("" if self.devices else Content.styled("No MFA device.", WARNING))
        self.state.apply_posture(
            self.state.posture.with_row(self.user, mfa_active=bool(self.devices))
        )

    def action_enroll(self) -> None:
        from tui.flows.mfa import enroll_mfa

        self.dismiss(None)
        self.state.run_flow(enroll_mfa(self.state, self.app, self.user), f"MFA for {self.user}")

    @work(exclusive=True, exit_on_error=False, group="user-mfa")
    async def action_remove(self) -> None:
        table = self.query_one("#mfa-devices", DataTable)
        if not table.row_count:
            return
        serial = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        plan = self.state.service.mfa.plan_remove_device(self.user, serial)
        lines = [
            *(f"• {s.description}" for s in plan.steps),
            f"{self.user} will sign in without MFA until a new device is added.",
        ]
        harm = selfguard.remove_mfa(await self.state.whoami(), self.user, serial)
        if not await self.app.push_screen_wait(confirm_screen("Remove MFA device?", lines, harm)):
            return
        await self.app.push_screen_wait(PlanScreen("Removing MFA device", plan))
        self._load()
