"""UserScreen: one user's workspace — its summary and a section per kind of credential and
permission (console password, MFA devices, access keys, groups, policies, tags), each a
table with its own keys (shown in the footer while it has the focus, and in ``?``).

The summary and the groups, policies and tags come from the last refresh; the MFA devices,
the access keys and when each key was last used are read when the screen opens (never by
the refresh: that would be calls per user). Every change runs as a flow on top of this
screen; when it ends, the workspace reads the user again.
"""

from __future__ import annotations

import contextlib
from collections.abc import Coroutine
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, Static

import tui.panes.format as fmt
from tui.aws import selfguard
from tui.aws.iam import AccessKey
from tui.aws.mfa import MfaDevice
from tui.aws.models import CredentialRow, IamUser
from tui.runtime.workers import failure_text, in_thread
from tui.screens.dialogs.confirm import confirm_screen
from tui.screens.own_footer import OwnFooter
from tui.screens.plan import PlanScreen
from tui.screens.user_sections import (
    ConsoleSection,
    GroupsSection,
    KeysSection,
    MfaSection,
    PoliciesSection,
    PolicyRow,
    Section,
    TagsSection,
)
from tui.support.visible import visible
from tui.widgets.colours import ERROR, MUTED, SUCCESS, WARNING

if TYPE_CHECKING:
    from tui.aws.iam import KeyLastUsed
    from tui.state import AccountState

UNKNOWN = "unknown"


class UserScreen(OwnFooter, ModalScreen[None]):
    """The workspace of one user. ``tab`` moves between sections; ``escape`` closes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Close", id="user.close"),
        Binding("c", "copy_arn", "Copy ARN", id="user.copy_arn"),
    ]

    def __init__(self, state: AccountState, user: str) -> None:
        super().__init__()
        self.state = state
        self.user = user
        self.devices: tuple[MfaDevice, ...] = ()
        self.devices_read = False
        self.keys: tuple[AccessKey, ...] = ()
        self.last_used: dict[str, KeyLastUsed | None] = {}
        self.policy_rows: tuple[PolicyRow, ...] = ()
        self.console: bool | None = None
        self.loaded = False  # the reads made when it opened (or after a change) are done

    # -- layout ----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with VerticalScroll(id="workspace") as box:
            box.border_title = Text(f"User {visible(self.user)}")
            box.border_subtitle = "tab next section · escape close" + (
                " · read-only" if self.state.read_only else ""
            )
            yield Static(id="user-summary", markup=False)
            yield from self._section("Console access", ConsoleSection(self, id="user-console"))
            yield from self._section("MFA devices", MfaSection(self, id="mfa-devices"))
            yield Static("Loading…", id="mfa-note", markup=False)
            yield from self._section("Access keys", KeysSection(self, id="user-keys"))
            yield Static("Loading…", id="keys-note", markup=False)
            yield from self._section("Groups", GroupsSection(self, id="user-groups"))
            yield from self._section("Policies", PoliciesSection(self, id="user-policies"))
            yield from self._section("Tags", TagsSection(self, id="user-tags"))
        yield Footer()

    @staticmethod
    def _section(title: str, table: Section) -> ComposeResult:
        yield Label(Text(title, style="bold"), classes="section-title")
        yield table

    def on_mount(self) -> None:
        self.query_one("#user-console", Section).add_columns("Console password", "Last used")
        self.query_one("#mfa-devices", Section).add_columns("Serial", "Kind", "Enabled")
        keys = self.query_one("#user-keys", Section)
        keys.add_column("Access key ID")
        keys.add_column("Status", width=fmt.KEY_STATUS_WIDTH)  # "Inactive" whole, always
        keys.add_columns("Created", "Last used, where")
        self.query_one("#user-groups", Section).add_columns("Group")
        self.query_one("#user-policies", Section).add_columns("Policy", "Kind")
        self.query_one("#user-tags", Section).add_columns("Key", "Value")
        self.query_one("#user-console", Section).focus()
        self._show_posture()
        self.reload()

    # -- what the last refresh knows ---------------------------------------------------------
    def _known(self) -> tuple[IamUser | None, CredentialRow | None]:
        posture = self.state.posture
        details = posture.details.value
        user = next((u for u in details.users if u.name == self.user), None) if details else None
        report = posture.report.value
        return user, report.row(self.user) if report else None

    def _show_posture(self) -> None:
        user, row = self._known()
        self._show_summary()
        console = self.query_one("#user-console", Section)
        console.clear()
        self.console = None if row is None else row.password_enabled
        if self.console is None:
            console.add_row(
                Content.styled(UNKNOWN, WARNING), Text("no credential report"), key="console"
            )
        elif self.console:
            console.add_row(
                Content.styled("yes", SUCCESS),
                Text(fmt.ago(row.password_last_used if row else None)),
                key="console",
            )
        else:
            console.add_row(Content.styled("no", MUTED), Text("—"), key="console")
        self._fill_groups(user)
        self._fill_policies(user)
        self._fill_tags(user)

    def _show_summary(self) -> None:
        """ARN, id, path, created, and whether MFA is on (as last read)."""
        user, row = self._known()
        summary: list[tuple[str, str]] = []
        if user is not None:
            summary += [
                ("ARN", visible(user.arn)),
                ("User id", visible(user.user_id) or "—"),
                ("Path", visible(user.path)),
                ("Created", fmt.date(user.created)),
            ]
        else:
            summary.append(("User", "not in the last refresh"))
        if self.devices_read:  # ListMFADevices answered: the devices themselves say
            mfa = "yes" if self.devices else "no"
        else:
            mfa = "unknown" if row is None else "yes" if row.mfa_active else "no"
        summary.append(("MFA", mfa))
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column(overflow="fold")
        for label, value in summary:
            grid.add_row(Text(label), Text(value))
        self.query_one("#user-summary", Static).update(grid)

    def _fill_groups(self, user: IamUser | None) -> None:
        table = self.query_one("#user-groups", Section)
        kept = table.refill()
        for group in user.groups if user else ():
            table.add_row(Text(visible(group)), key=group)
        table.restore(kept)

    def _fill_policies(self, user: IamUser | None) -> None:
        table = self.query_one("#user-policies", Section)
        kept = table.refill()
        rows = [PolicyRow(p.name, p.arn) for p in user.attached_policies] if user else []
        rows += [PolicyRow(name, None) for name in user.inline_policies] if user else []
        self.policy_rows = tuple(rows)
        for row in self.policy_rows:
            kind = "inline" if row.arn is None else _managed_kind(row.arn)
            table.add_row(Text(visible(row.name)), Text(kind), key=row.key)
        table.restore(kept)

    def _fill_tags(self, user: IamUser | None) -> None:
        table = self.query_one("#user-tags", Section)
        kept = table.refill()
        for key, value in user.tags if user else ():
            table.add_row(Text(visible(key)), Text(visible(value)), key=key)
        table.restore(kept)

    # -- what is read when the workspace opens ----------------------------------------------------
    @work(exclusive=True, exit_on_error=False, group="user-reads")
    async def reload(self) -> None:
        """Read the MFA devices, the access keys and their last use, then show them."""
        self.loaded = False
        await self._load_devices()
        await self._load_keys()
        self.loaded = True

    async def _load_devices(self) -> None:
        note = self.query_one("#mfa-note", Static)
        mfa = self.state.service.mfa
        try:
            self.devices = await in_thread(
                self, lambda: mfa.list_devices(self.user), "ListMFADevices"
            )
        except Exception as exc:  # noqa: BLE001
            _say(note, Content.styled(failure_text(exc), ERROR))
            return
        table = self.query_one("#mfa-devices", Section)
        kept = table.refill()
        for d in self.devices:
            table.add_row(
                Text(visible(d.serial)), Text(d.kind), Text(fmt.date(d.enabled)), key=d.serial
            )
        table.restore(kept)
        _say(note, "" if self.devices else Content.styled("No MFA device.", WARNING))
        self.devices_read = True
        self.state.apply_posture(
            self.state.posture.with_row(self.user, mfa_active=bool(self.devices))
        )
        self._show_summary()

    async def _load_keys(self) -> None:
        note = self.query_one("#keys-note", Static)
        writer = self.state.service.writer
        try:
            self.keys = await in_thread(
                self, lambda: writer.list_access_keys(self.user), "ListAccessKeys"
            )
        except Exception as exc:  # noqa: BLE001
            _say(note, Content.styled(failure_text(exc), ERROR))
            return
        self._fill_keys()
        _say(note, "" if self.keys else Content.styled("No access key.", MUTED))
        problems: list[str] = []
        for key in self.keys:
            if key.key_id in self.last_used:
                continue  # read since the workspace opened: it changes only when used
            try:
                self.last_used[key.key_id] = await in_thread(
                    self,
                    partial(writer.access_key_last_used, key.key_id),
                    "GetAccessKeyLastUsed",
                )
            except Exception as exc:  # noqa: BLE001 - shown per key as unknown
                self.last_used[key.key_id] = None
                problems.append(failure_text(exc))
            self._fill_keys()
        if problems:
            _say(note, Content.styled(f"Last use unknown: {problems[0]}", ERROR))

    def _fill_keys(self) -> None:
        table = self.query_one("#user-keys", Section)
        kept = table.refill()
        for key in self.keys:
            table.add_row(
                Text(visible(key.key_id)),
                Content.styled("Active", SUCCESS)
                if key.active
                else Content.styled("Inactive", MUTED),
                Text(fmt.date(key.created)),
                Text(self._last_use(key.key_id)),
                key=key.key_id,
            )
        table.restore(kept)

    def _last_use(self, key_id: str) -> str:
        """ "2026-08-28 s3 eu-west-1", "never", "?" (could not be read) or "…" (reading)."""
        if key_id not in self.last_used:
            return "…"
        used = self.last_used[key_id]
        if used is None:
            return "?"
        if used.date is None:
            return "never"
        where = " ".join(visible(part) for part in (used.service, used.region) if part)
        return f"{fmt.date(used.date)} {where}".rstrip()

    # -- changes ---------------------------------------------------------------------------
    def run(
        self, flow: Coroutine[Any, Any, None], description: str, *, mutating: bool = True
    ) -> None:
        """Run ``flow`` on top of the workspace; read the user again when it ends."""
        worker = self.state.run_flow(flow, description, mutating=mutating)
        if worker is not None:
            self._after(worker.wait())

    @work(exit_on_error=False, group="user-after")
    async def _after(self, done: Coroutine[Any, Any, Any]) -> None:
        with contextlib.suppress(Exception):  # the flow reported its own failure
            await done
        if self not in self.app.screen_stack:
            return
        user, _ = self._known()
        if user is None and self.state.posture.details.value is not None:
            self.dismiss(None)  # deleted
            return
        self._show_posture()
        self.reload()

    def action_copy_arn(self) -> None:
        user, _ = self._known()
        if user is not None:
            self.state.copy_text(user.arn, f"the ARN of {self.user}")

    @work(exclusive=True, exit_on_error=False, group="user-mfa")
    async def remove_mfa(self, serial: str) -> None:
        plan = self.state.service.mfa.plan_remove_device(self.user, serial)
        lines = [
            *(f"• {s.description}" for s in plan.steps),
            f"{self.user} will sign in without MFA until a new device is added.",
        ]
        harm = selfguard.remove_mfa(await self.state.whoami(), self.user, serial)
        if not await self.app.push_screen_wait(confirm_screen("Remove MFA device?", lines, harm)):
            return
        await self.app.push_screen_wait(PlanScreen("Removing MFA device", plan))
        self.reload()


def _say(note: Static, content: str | Content) -> None:
    """Show ``content`` under a section; an empty note takes no line."""
    note.update(content)
    note.display = bool(content)


def _managed_kind(arn: str) -> str:
    return "AWS managed" if arn.split(":")[4:5] == ["aws"] else "customer managed"
