"""AcctApp: pane layout, global bindings, the refresh cycle. Thin on purpose."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Coroutine, Iterable
from functools import partial
from typing import Any, ClassVar

from textual import getters, on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Container
from textual.notifications import SeverityLevel
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Tab, Tabs
from textual.worker import Worker, WorkerState, get_current_worker

from tui import clipboard, flows
from tui.aws.checks import Finding
from tui.aws.iam import ManagedPolicy
from tui.aws.models import PART_NAMES, Part, Posture
from tui.aws.service import AccountService
from tui.messages import PartLoaded, RefreshFinished, RegionPolled
from tui.panes import AliasPane, GroupsPane, Pane, RecommendationsPane, RegionsPane, UsersPane
from tui.vault import Vault
from tui.widgets import AccountHeader

# Pane ids in key order: 1..5 focus these.
PANE_IDS: tuple[str, ...] = ("recommendations", "users", "groups", "alias", "regions")
PANE_LABELS: dict[str, str] = {
    "recommendations": "Recommendations",
    "users": "Users",
    "groups": "Groups",
    "alias": "Alias",
    "regions": "Regions",
}


class AcctApp(App[None]):
    """The acct-tui console. It receives its :class:`AccountService`; tests pass their own."""

    CSS_PATH = "app.tcss"
    TITLE = "acct-tui"
    ENABLE_COMMAND_PALETTE = True
    # Below 120×35 one pane shows at a time (tabs); above, all five side by side.
    HORIZONTAL_BREAKPOINTS = [
        (0, "-narrow"),
        (120, "-wide"),
    ]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (35, "-tall")]
    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(
                str(n),
                f"show_pane('{pane}')",
                PANE_LABELS[pane],
                show=False,
                id=f"app.pane.{pane}",
                tooltip=f"Focus the {PANE_LABELS[pane]} pane",
            )
            for n, pane in enumerate(PANE_IDS, start=1)
        ),
        Binding("r", "refresh", "Refresh", id="app.refresh", tooltip="Read the account again"),
        Binding("question_mark", "help", "Help", id="app.help", tooltip="Show every key"),
        Binding("q", "quit", "Quit", id="app.quit", tooltip="Quit acct-tui"),
    ]

    active_pane: reactive[str] = reactive("recommendations")
    """The pane that has focus (and, below 120×35, the only one shown)."""

    header = getters.query_one("#account-header", AccountHeader)
    tabs = getters.query_one("#tabs", Tabs)

    def __init__(
        self, service: AccountService, *, demo: bool = False, vault: Vault | None = None
    ) -> None:
        super().__init__()
        self.service = service
        self.demo = demo
        self.vault = vault or Vault()
        self._policies: tuple[ManagedPolicy, ...] | None = None
        # Regions being enabled/disabled → when we started watching them (monotonic).
        self.region_since: dict[str, float] = {}
        # Regions whose watch stopped on an error: their status may be out of date.
        self.region_unwatched: set[str] = set()
        self._policies_lock = threading.Lock()
        self.posture = Posture()
        self.generation = 0
        self.refreshing = False
        self.last_refresh_seconds: float | None = None
        self._refresh_started = 0.0
        self._pending: set[str] = set()
        self._asking_mfa = False

    # -- layout --------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield AccountHeader(read_only=self.service.read_only, demo=self.demo)
        yield Tabs(*(Tab(PANE_LABELS[p], id=f"tab-{p}") for p in PANE_IDS), id="tabs")
        with Container(id="panes"):
            yield RecommendationsPane(id="recommendations")
            yield UsersPane(id="users")
            yield GroupsPane(id="groups")
            yield AliasPane(id="alias")
            yield RegionsPane(id="regions")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#recommendations", Pane).add_class("-active")
        self.call_after_refresh(self.action_show_pane, "recommendations")
        self.action_refresh()

    def pane(self, pane_id: str) -> Pane:
        return self.query_one(f"#{pane_id}", Pane)

    def watch_active_pane(self, old: str, new: str) -> None:
        self.pane(old).remove_class("-active")
        self.pane(new).add_class("-active")
        if self.tabs.active != f"tab-{new}":
            self.tabs.active = f"tab-{new}"

    # -- actions -------------------------------------------------------------------------
    def action_show_pane(self, pane_id: str) -> None:
        """Show (in narrow layouts) and focus the pane ``pane_id``."""
        self.active_pane = pane_id
        self.pane(pane_id).focus_body()

    def _step_pane(self, step: int) -> None:
        index = (PANE_IDS.index(self.active_pane) + step) % len(PANE_IDS)
        self.action_show_pane(PANE_IDS[index])

    def action_next_pane(self) -> None:
        self._step_pane(1)

    def action_previous_pane(self) -> None:
        self._step_pane(-1)

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        self.push_screen(HelpScreen())

    @on(Tabs.TabActivated, "#tabs")
    def _tab_activated(self, event: Tabs.TabActivated) -> None:
        pane_id = event.tab.id.removeprefix("tab-") if event.tab.id else ""
        if pane_id in PANE_IDS and pane_id != self.active_pane:
            self.action_show_pane(pane_id)

    def on_descendant_focus(self) -> None:
        # Keep the active pane in step with focus moved by mouse or by Textual itself.
        focused = self.focused
        for pane_id in PANE_IDS:
            pane = self.pane(pane_id)
            if focused is not None and (focused is pane or pane in focused.ancestors):
                self.active_pane = pane_id
                return

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for n, pane_id in enumerate(PANE_IDS, start=1):
            label = PANE_LABELS[pane_id].lower()
            yield SystemCommand(
                f"{label}: show",
                f"Focus the {PANE_LABELS[pane_id]} pane (key {n})",
                partial(self.action_show_pane, pane_id),
            )
        yield SystemCommand("app: refresh", "Read the whole account again (r)", self.action_refresh)
        yield SystemCommand("app: help", "Show every key (?)", self.action_help)
        if not self.service.read_only:
            yield SystemCommand(
                "users: create user", "New IAM user (n in Users)", self.action_create_user
            )
            yield SystemCommand(
                "groups: create group", "New IAM group (n in Groups)", self.action_create_group
            )
            yield SystemCommand(
                "groups: create administrators group",
                "The tutorial's administrators group with AdministratorAccess",
                self.action_create_admin_group,
            )
            me = self._caller_without_mfa()
            if me is not None:
                yield SystemCommand(
                    "users: add MFA for yourself",
                    f"Enroll a virtual MFA device for {me}, the user acct-tui runs as",
                    partial(self.action_enroll_mfa, me),
                )

    def _caller_without_mfa(self) -> str | None:
        caller = self.posture.caller.value
        name = caller.user_name if caller else None
        report = self.posture.report.value
        row = report.row(name) if report and name else None
        return name if row is not None and not row.mfa_active else None

    # -- flows ---------------------------------------------------------------------------
    def _run_flow(
        self, flow: Coroutine[Any, Any, None], description: str, *, mutating: bool = True
    ) -> None:
        if mutating and self.service.read_only:
            flow.close()
            self.notify(
                "acct-tui runs with --read-only: nothing can be changed.", severity="warning"
            )
            return
        self.run_worker(
            flow, group="flow", exclusive=True, exit_on_error=False, description=description
        )

    def action_create_user(self) -> None:
        self._run_flow(flows.create_user(self), "create user")

    def action_create_group(self) -> None:
        self._run_flow(flows.create_group(self), "create group")

    def action_create_admin_group(self) -> None:
        from tui.aws.iam import NewGroup
        from tui.aws.models import ADMIN_POLICY_ARN

        prefill = NewGroup(name="administrators", policy_arns=(ADMIN_POLICY_ARN,))
        self._run_flow(flows.create_group(self, prefill), "create administrators group")

    # Fix actions that only guide (no AWS change): allowed under --read-only.
    _GUIDES = frozenset({"root_mfa_guide"})

    def action_fix(self, finding: Finding) -> bool:
        """Start the fix of ``finding``; False when it cannot run here (read-only)."""
        action = finding.fix.action if finding.fix else None
        if action is None:
            return False
        mutating = action not in self._GUIDES
        if mutating and self.service.read_only:
            return False
        self._run_flow(flows.fix(self, finding), f"fix {finding.id}", mutating=mutating)
        return True

    def action_enroll_mfa(self, name: str) -> None:
        self._run_flow(flows.enroll_mfa(self, name), f"MFA for {name}")

    def action_set_alias(self) -> None:
        self._run_flow(flows.set_alias(self), "set alias")

    def action_delete_alias(self) -> None:
        self._run_flow(flows.delete_alias(self), "delete alias")

    def action_change_region(self, code: str) -> None:
        self._run_flow(flows.change_region(self, code), f"change {code}")

    # -- Regions in transit ----------------------------------------------------------------
    def watch_region(self, code: str) -> None:
        """Poll ``code`` (ENABLING/DISABLING) in the background until it settles."""
        self.region_since.setdefault(code, time.monotonic())
        self.run_worker(
            partial(self._poll_region, code),
            name=f"poll {code}",
            group=f"region-{code}",
            description=f"Poll the opt-in status of {code}",
            exit_on_error=False,
            exclusive=True,
            thread=True,
        )

    def _poll_region(self, code: str) -> None:
        from tui.aws.regions import poll_delays, settled

        worker = get_current_worker()
        writer = self.service.regions_writer
        for delay in poll_delays():
            # Sleep in slices so quitting (which cancels workers) is never held up.
            deadline = time.monotonic() + delay
            while time.monotonic() < deadline:
                if worker.is_cancelled:
                    return
                time.sleep(min(0.2, max(0.0, deadline - time.monotonic())))
            try:
                status = writer.status(code)
            except Exception as exc:  # noqa: BLE001 - shown, and polling stops
                if not worker.is_cancelled:
                    self.post_message(RegionPolled(code, "", True, flows.failure_text(exc)))
                return
            if worker.is_cancelled:
                return
            done = settled(status)
            self.post_message(RegionPolled(code, status.value, done))
            if done:
                return

    @on(RegionPolled)
    def _region_polled(self, message: RegionPolled) -> None:
        from tui.aws.models import RegionStatus

        if message.error is not None:
            self.region_since.pop(message.code, None)
            self.region_unwatched.add(message.code)
            self.pane("regions").update_from(self.posture)
            self.notify(message.error, title=f"Region {message.code}", severity="error")
            return
        self.region_unwatched.discard(message.code)
        self.apply_posture(
            self.posture.with_region_status(message.code, RegionStatus(message.status))
        )
        if message.settled:
            since = self.region_since.pop(message.code, None)
            took = f" after {flows.elapsed(time.monotonic() - since)}" if since else ""
            self.notify(f"{message.code} is now {message.status}{took}.", title="Regions")

    def action_delete_user(self, name: str) -> None:
        self._run_flow(flows.delete_user(self, name), f"delete user {name}")

    def action_delete_group(self, name: str) -> None:
        self._run_flow(flows.delete_group(self, name), f"delete group {name}")

    def action_access_keys(self, name: str) -> None:
        self._run_flow(flows.access_keys(self, name), f"access keys of {name}", mutating=False)

    @on(Worker.StateChanged)
    def _flow_failed(self, event: Worker.StateChanged) -> None:
        # Flows run with exit_on_error=False; a bug must still be seen, not swallowed.
        # ("flow-io" errors are re-raised to the flow that awaits them.)
        if event.state is WorkerState.ERROR and event.worker.group != "flow-io":
            error = event.worker.error
            self.notify(
                f"{event.worker.description} stopped: {type(error).__name__}: {error}",
                title="Internal error",
                severity="error",
            )

    def apply_posture(self, posture: Posture) -> None:
        """Show ``posture`` everywhere (after a change the app made itself)."""
        self.posture = posture
        self.header.show(posture)
        for pane_id in PANE_IDS:
            self.pane(pane_id).update_from(posture)

    def managed_policies(self) -> tuple[ManagedPolicy, ...]:
        """Managed policies, listed once per session (blocking: call from a thread)."""
        with self._policies_lock:
            if self._policies is None:
                self._policies = self.service.writer.list_managed_policies()
            return self._policies

    def cached_policies(self) -> tuple[ManagedPolicy, ...]:
        return self._policies or ()

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Notifications carry AWS names and error messages: never parse them as markup."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    # -- clipboard -----------------------------------------------------------------------
    def copy_text(self, text: str, what: str) -> None:
        """Copy ``text`` by OSC 52 and, where one exists, the native clipboard.

        The notification names ``what`` was copied and how, never the text itself.
        """
        self.copy_to_clipboard(text)
        self._copy_native(text, what)

    @work(thread=True, exclusive=True, exit_on_error=False, group="clipboard", description="copy")
    def _copy_native(self, text: str, what: str) -> None:
        native = clipboard.copy_native(text)
        self.notify(clipboard.describe(what, native, in_tmux=bool(os.environ.get("TMUX"))))

    def forget_clipboard(self, secrets: set[str]) -> None:
        """Drop our own copy of a secret once its screen closes.

        Textual keeps the last copied text in ``App._clipboard`` (read back through
        ``App.clipboard``); the terminal's clipboard is the user's and is left alone.
        """
        if self._clipboard and self._clipboard in secrets:
            self._clipboard = ""

    # -- refresh -------------------------------------------------------------------------
    def action_refresh(self) -> None:
        """Read every part of the posture again, each in its own thread worker."""
        self.generation += 1
        self.refreshing = True
        self._refresh_started = time.monotonic()
        self._pending = set(PART_NAMES)
        if self.generation == 1:
            # Later refreshes keep the old data on screen until the new data arrives.
            for pane_id in PANE_IDS:
                self.pane(pane_id).loading = True
        for name in PART_NAMES:
            self.run_worker(
                partial(self._read_part, name, self.generation),
                name=f"read {name}",
                group=f"part-{name}",
                description=f"Read the {name} part of the account posture",
                exit_on_error=False,
                exclusive=True,
                thread=True,
            )

    def _read_part(self, name: str, generation: int) -> None:
        part = self.service.read_part(name)
        if not get_current_worker().is_cancelled:
            self.post_message(PartLoaded(name, part, generation))

    @on(PartLoaded)
    def _part_loaded(self, message: PartLoaded) -> None:
        if message.generation != self.generation:
            return  # an older refresh finished late
        error = message.part.error
        if error is not None and error.code == "MfaTokenRequired":
            self._ask_mfa_token(error.message)
            return
        self.posture = self.posture.with_part(message.name, message.part)
        if message.name == "regions":
            if message.part.value is not None:
                self.region_unwatched.clear()
            self._watch_moving_regions()
        self.header.show(self.posture)
        for pane_id in PANE_IDS:
            pane = self.pane(pane_id)
            if message.name in pane.PARTS:
                pane.update_from(self.posture)
                if self._parts_done(pane):
                    pane.loading = False
        self._pending.discard(message.name)
        if not self._pending:
            self.refreshing = False
            self.last_refresh_seconds = time.monotonic() - self._refresh_started
            self.post_message(RefreshFinished(message.generation, self.last_refresh_seconds))

    def _watch_moving_regions(self) -> None:
        from tui.aws.models import RegionStatus

        listing = self.posture.regions.value
        if listing is None or listing.source != "account":
            return
        moving = (RegionStatus.ENABLING, RegionStatus.DISABLING)
        for region in listing.regions:
            if region.status in moving and region.code not in self.region_since:
                self.watch_region(region.code)

    def _parts_done(self, pane: Pane) -> bool:
        # A pane stops showing "loading" once its first part is in; the Users pane,
        # for instance, lists users before the (slower) credential report arrives.
        return any(getattr(self.posture, p).loaded for p in pane.PARTS)

    def _ask_mfa_token(self, prompt: str) -> None:
        if self._asking_mfa:
            return
        self._asking_mfa = True
        from tui.screens.mfa_token import MfaTokenScreen

        def answered(token: str | None) -> None:
            self._asking_mfa = False
            if token:
                self.service.set_mfa_token(token)
                self.action_refresh()
            else:
                self.notify("No MFA code: acct-tui cannot read the account.", severity="error")

        self.push_screen(MfaTokenScreen(prompt), answered)

    def part(self, name: str) -> Part[object]:
        """The current value of posture part ``name`` (for tests and the benchmark)."""
        part: Part[object] = getattr(self.posture, name)
        return part
