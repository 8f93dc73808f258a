"""AccessKeysScreen: one user's access keys, when each was last used (service, Region);
create one, deactivate, activate or delete one."""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from functools import partial
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
from tui.aws.iam import AccessKey, KeyLastUsed
from tui.runtime.workers import failure_text, in_thread
from tui.screens.dialogs.confirm import confirm_screen
from tui.support.visible import visible
from tui.widgets.colours import ERROR, MUTED, SUCCESS

if TYPE_CHECKING:
    from tui.aws.models import Posture
    from tui.state import AccountState

LAST_USED_COLUMNS = ("Last used", "Service", "Region")


class LastUsedCache:
    """What GetAccessKeyLastUsed said of each key, until the posture on screen changes (the
    next refresh, or a change acct-tui made): a detail read only when a key list opens,
    never by the refresh itself."""

    def __init__(self) -> None:
        self._posture: weakref.ref[Posture] | None = None
        self._seen: dict[str, KeyLastUsed] = {}

    def get(self, posture: Posture, key_id: str) -> KeyLastUsed | None:
        if self._posture is None or self._posture() is not posture:
            return None
        return self._seen.get(key_id)

    def put(self, posture: Posture, key_id: str, used: KeyLastUsed) -> None:
        if self._posture is None or self._posture() is not posture:
            self._posture, self._seen = weakref.ref(posture), {}
        self._seen[key_id] = used


LAST_USED = LastUsedCache()


class AccessKeysScreen(ModalScreen[bool]):
    """Returns True when a key changed (so the caller can update its view)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new_key", "New key", id="keys.new"),
        Binding("d", "toggle_key", "Deactivate/activate", id="keys.toggle"),
        Binding("ctrl+d", "delete", "Delete", id="keys.delete"),
        Binding("c", "copy", "Copy key id", id="keys.copy"),
        Binding("escape", "close", "Close", id="keys.close"),
    ]
    # Hidden (and refused) under --read-only.
    MUTATING: ClassVar[frozenset[str]] = frozenset({"new_key", "toggle_key", "delete"})

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
                else "n new · d (de)activate · ctrl+d delete · c copy id · escape close"
            )
            table: DataTable[Text | Content] = DataTable(cursor_type="row", id="keys-table")
            table.add_column("Access key ID")
            # Sized for its longest word: a key turned inactive later is not cut to "Inacti".
            table.add_column("Status", width=fmt.KEY_STATUS_WIDTH)
            table.add_columns("Created", *LAST_USED_COLUMNS)
            yield table
            yield Static("", id="keys-note", markup=False)

    def on_mount(self) -> None:
        self._fill()
        self.query_one(DataTable).focus()

    def _fill(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        posture = self.state.posture
        for key in self.keys:
            table.add_row(
                Text(visible(key.key_id)),
                Content.styled("Active", SUCCESS)
                if key.active
                else Content.styled("Inactive", MUTED),
                Text(fmt.date(key.created)),
                *_last_used_cells(LAST_USED.get(posture, key.key_id)),
                key=key.key_id,
            )
        self.query_one("#keys-note", Static).update(
            "" if self.keys else "This user has no access keys."
        )
        self._load_last_used()

    @work(exclusive=True, exit_on_error=False, group="keys-last-used")
    async def _load_last_used(self) -> None:
        """GetAccessKeyLastUsed for each key not read since the posture on screen came."""
        posture = self.state.posture
        writer = self.state.service.writer
        table = self.query_one(DataTable)
        for key in self.keys:
            if LAST_USED.get(posture, key.key_id) is not None:
                continue
            try:
                used = await in_thread(
                    self, partial(writer.access_key_last_used, key.key_id), "key last used"
                )
            except Exception as exc:  # noqa: BLE001 - the key list stands without it
                self._note(exc)
                return
            LAST_USED.put(posture, key.key_id, used)
            if key.key_id in table.rows:
                for column, cell in zip(
                    table.ordered_columns[3:], _last_used_cells(used), strict=True
                ):
                    table.update_cell(key.key_id, column.key, cell, update_width=True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "new_key":
            return not self.state.read_only
        if action in self.MUTATING:
            return not self.state.read_only and bool(self.keys)
        return True

    @work(exclusive=True, exit_on_error=False, group="keys")
    async def action_new_key(self) -> None:
        """Create a key for this user (the flow says why not at the two-key limit)."""
        from tui.flows.keys import create_access_key

        if self.state.read_only:  # a binding check_action refused can still be called
            return
        await create_access_key(self.state, self.app, self.user)
        await self._reload(done="")

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
        await self._reload(fmt.key_result(key.key_id, "deactivated" if key.active else "activated"))

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
        await self._reload(fmt.key_result(key.key_id, "deleted"))

    async def _failed(self, exc: BaseException) -> None:
        """Say what failed; when AWS did not answer, list the keys again to show the truth."""
        if getattr(getattr(exc, "error", None), "outcome_unknown", False):
            await self._reload(done="")
        self._note(exc)

    async def _reload(self, done: str) -> None:
        """List the keys again; ``done`` says what changed (empty: nothing to say)."""
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


def _last_used_cells(used: KeyLastUsed | None) -> tuple[Text, Text, Text]:
    """Last used (date), service, Region: "…" until read, "never" for an unused key."""
    if used is None:
        return Text("…"), Text(""), Text("")
    if used.date is None:
        return Text("never"), Text(visible(used.service or "")), Text(visible(used.region or ""))
    return (
        Text(fmt.date(used.date)),
        Text(visible(used.service or "—")),
        Text(visible(used.region or "—")),
    )
