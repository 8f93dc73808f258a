"""AccessKeysScreen: one user's access keys; deactivate, activate or delete one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

import tui.panes.format as fmt
from tui.aws import selfguard
from tui.aws.iam import AccessKey
from tui.runtime.workers import failure_text, in_thread
from tui.screens.dialogs.confirm import confirm_screen
from tui.support.visible import visible
from tui.widgets.colours import ERROR, MUTED, SUCCESS

if TYPE_CHECKING:
    from tui.state import AccountState


class AccessKeysScreen(ModalScreen[bool]):
    """Returns True when a key changed (so the caller can update its view)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "toggle_key", "Deactivate/activate", id="keys.toggle"),
        Binding("ctrl+d", "delete", "Delete", id="keys.delete"),
        Binding("c", "copy", "Copy key id", id="keys.copy"),
        Binding("escape", "close", "Close", id="keys.close"),
    ]
    # Hidden (and refused) under --read-only.
    MUTATING: ClassVar[frozenset[str]] = frozenset({"toggle_key", "delete"})

    def __init__(self, state: AccountState, user: str, keys: Sequence[AccessKey]) -> None:
        super().__init__()
        self.state = state
        self.user = user
        self.keys = keys
        self.changed = False

    def compose(self) -> ComposeResult:
        with Vertical(id="access-keys") as box:
            box.border_title = Text(f"Access keys of {visible(self.user)}")
            box.border_subtitle = (
                "read-only · c copy id · escape close"
                if self.state.read_only
                else "d (de)activate · ctrl+d delete · c copy id · escape close"
            )
            table: DataTable[Text | Content] = DataTable(cursor_type="row", id="keys-table")
            table.add_columns("Access key ID", "Status", "Created")
            yield table
            yield Static("", id="keys-note", markup=False)

    def on_mount(self) -> None:
        self._fill()
        self.query_one(DataTable).focus()

    def _fill(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        for key in self.keys:
            table.add_row(
                Text(visible(key.key_id)),
                Content.styled("Active", SUCCESS)
                if key.active
                else Content.styled("Inactive", MUTED),
                Text(fmt.date(key.created)),
                key=key.key_id,
            )
        if not self.keys:
            self.query_one("#keys-note", Static).update("This user has no access keys.")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.MUTATING:
            return not self.state.read_only and bool(self.keys)
        return True

    def _selected(self) -> AccessKey | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key_id = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((k for k in self.keys if k.key_id == key_id), None)

    def action_copy(self) -> None:
        key = self._selected()
        if key is not None:
            self.state.copy_text(key.key_id, "the access key id")

    @work(exclusive=True, exit_on_error=False, group="keys")
    async def action_toggle_key(self) -> None:
        key = self._selected()
        if key is None:
            return
        verb = "Deactivate" if key.active else "Activate"
        lines = [f"{verb} {key.key_id} of {self.user}."]
        harm = None
        if key.active:
            lines.append("Programs using this key stop working until it is activated again.")
            harm = selfguard.change_key(
                await self.state.whoami(), self.user, key.key_id, delete=False
            )
        confirm = confirm_screen(
            f"{verb} access key?", lines, harm, confirm_label=verb, danger=key.active
        )
        if not await self.app.push_screen_wait(confirm):
            return
        writer = self.state.service.writer
        try:
            await in_thread(
                self,
                lambda: writer.set_access_key_status(self.user, key.key_id, not key.active),
                "access key status",
            )
        except Exception as exc:  # noqa: BLE001
            await self._failed(exc)
            return
        await self._reload()

    @work(exclusive=True, exit_on_error=False, group="keys")
    async def action_delete(self) -> None:
        key = self._selected()
        if key is None:
            return
        lines = [
            f"Delete {key.key_id} of {self.user}. This cannot be undone.",
            "Deactivating first (d) is safer: it can be reversed.",
        ]
        harm = selfguard.change_key(await self.state.whoami(), self.user, key.key_id, delete=True)
        if not await self.app.push_screen_wait(confirm_screen("Delete access key?", lines, harm)):
            return
        writer = self.state.service.writer
        try:
            await in_thread(
                self, lambda: writer.delete_access_key(self.user, key.key_id), "delete key"
            )
        except Exception as exc:  # noqa: BLE001
            await self._failed(exc)
            return
        await self._reload()

    async def _failed(self, exc: BaseException) -> None:
        """Say what failed; when AWS did not answer, list the keys again to show the truth."""
        if getattr(getattr(exc, "error", None), "outcome_unknown", False):
            await self._reload(done="")
        self._note(exc)

    async def _reload(self, done: str = "Done.") -> None:
        self.changed = True
        writer = self.state.service.writer
        try:
            self.keys = await in_thread(
                self, lambda: writer.list_access_keys(self.user), "list keys"
            )
        except Exception as exc:  # noqa: BLE001
            self._note(exc)
            return
        self._fill()
        if done:
            self.query_one("#keys-note", Static).update(done)

    def _note(self, exc: BaseException) -> None:
        self.query_one("#keys-note", Static).update(Content.styled(failure_text(exc), ERROR))

    def action_close(self) -> None:
        self.dismiss(self.changed)
