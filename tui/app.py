"""AcctApp: pane layout, global bindings, the refresh cycle. Thin on purpose."""

from __future__ import annotations

import asyncio
import gc
import os
import threading
import time
from collections.abc import Coroutine, Iterable
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, getters, on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Container
from textual.geometry import Size
from textual.notifications import SeverityLevel
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Tab, Tabs
from textual.worker import Worker, WorkerState, get_current_worker

from tui.aws import clock
from tui.aws.checks import Finding
from tui.aws.models import PART_NAMES, Part, Posture
from tui.panes import (
    AliasPane,
    GroupsPane,
    Pane,
    RecommendationsPane,
    RegionsPane,
    TablePane,
    UsersPane,
)
from tui.panes.format import elapsed
from tui.runtime import read_only
from tui.runtime.executor import DaemonExecutor
from tui.runtime.messages import PartLoaded, RefreshFinished, RegionPolled, ViewsPrepared
from tui.support.config import Config
from tui.support.visible import visible
from tui.widgets.colours import readable_variables
from tui.widgets.header import AccountHeader

if TYPE_CHECKING:
    # Imported where used: they pull in boto3, which the first frame does not need.
    from tui.aws.iam import ManagedPolicy, NewUser
    from tui.aws.service import AccountService
    from tui.demo.sandbox import DemoSandbox
    from tui.support.vault import Vault

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
        Binding(
            "g",
            "getting_started",
            "Getting started",
            id="app.getting_started",
            tooltip="The guided set-up: the tutorial's steps with their live status",
        ),
        Binding("question_mark", "help", "Help", id="app.help", tooltip="Show every key"),
        Binding("q", "quit", "Quit", id="app.quit", tooltip="Quit acct-tui"),
    ]

    active_pane: reactive[str] = reactive("recommendations")
    """The pane that has focus (and, below 120×35, the only one shown)."""

    header = getters.query_one("#account-header", AccountHeader)
    tabs = getters.query_one("#tabs", Tabs)

    def __init__(
        self,
        service: AccountService,
        *,
        demo: bool = False,
        vault: Vault | None = None,
        open_guide: bool = True,
        config: Config | None = None,
        sandbox: DemoSandbox | None = None,
    ) -> None:
        super().__init__()
        from textual.signal import Signal

        self.service = service
        # The user's config.toml (theme, keymap); the CLI loads it, tests pass their own.
        self.config = config or Config()
        self.keymap: dict[str, str] = {}
        self.demo = demo
        # --demo: a throw-away keyring and AWS config file instead of the person's.
        self.sandbox = sandbox
        self._vault = sandbox.vault if sandbox is not None and vault is None else vault
        # Open "Getting started" by itself once the first read shows the account needs it.
        self.open_guide = open_guide
        self._guide_decided = False
        self.posture_changed: Signal[Posture] = Signal(self, "posture-changed")
        """Published with the new posture whenever the app shows one (the guide follows)."""
        self._policies: tuple[ManagedPolicy, ...] | None = None
        # Regions being enabled/disabled → when we started watching them (clock.monotonic).
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
        self._reading: set[str] = set()  # parts with a read running
        self._reread: set[str] = set()  # parts to read again once that read returns
        self._asking_mfa = False
        # Above this many IAM users the table panes' rows are built in a thread worker, so
        # the event loop never stalls on a large account (tests set 0 to use that path).
        self.derive_threshold = 300
        self._deriving = False
        self._derive_again = False
        self._derive_input: tuple[Posture, dict[str, TablePane]] = (Posture(), {})
        self._guide_view: tuple[Posture, Any, Any] | None = None
        self._holding = False  # parts arriving now wait for the others (_display_held)
        self._held: set[str] = set()
        self._with_views: set[str] = set()  # parts shown once the tables' rows are built

    @property
    def vault(self) -> Vault:
        """Where credentials are kept (the OS keyring unless a test brings its own)."""
        if self._vault is None:
            from tui.support.vault import Vault

            self._vault = Vault()
        return self._vault

    def get_css_variables(self) -> dict[str, str]:
        """The theme's variables plus ``$readable-*`` (see :mod:`tui.widgets.colours`)."""
        variables = super().get_css_variables()
        return {**variables, **readable_variables(variables)}

    # -- layout --------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield AccountHeader(
            read_only=self.service.read_only, demo=self.demo, insecure=bool(self._insecure_host)
        )
        yield Tabs(*(Tab(PANE_LABELS[p], id=f"tab-{p}") for p in PANE_IDS), id="tabs")
        with Container(id="panes"):
            yield RecommendationsPane(id="recommendations")
            yield UsersPane(id="users")
            yield GroupsPane(id="groups")
            yield AliasPane(id="alias")
            yield RegionsPane(id="regions")
        yield Footer()

    @property
    def _insecure_host(self) -> str | None:
        from tui.support import transport

        return transport.insecure_host(self.service.settings.endpoint_url)

    def on_mount(self) -> None:
        self._apply_config()
        host = self._insecure_host
        if host is not None:
            from tui.support import transport

            self.notify(transport.warning(host), title="Plain http", severity="warning", timeout=20)
        # Quitting must not wait for an AWS call stuck on the network (see tui/runtime/executor.py).
        asyncio.get_running_loop().set_default_executor(DaemonExecutor())
        self.query_one("#recommendations", Pane).add_class("-active")
        self.call_after_refresh(self.action_show_pane, "recommendations")
        for pane_id in PANE_IDS:
            self.pane(pane_id).loading = True

    def on_ready(self) -> None:
        # Read the account once the first frame is up: the workers import boto3, which
        # would otherwise compete with that frame for the interpreter.
        from tui.runtime.memory import limit_arenas

        limit_arenas()  # before the first worker thread (see tui/runtime/memory.py)
        self.action_refresh()
        self._check_size(self.size)

    # -- terminal size -------------------------------------------------------------------
    def on_resize(self, event: events.Resize) -> None:
        self._check_size(event.size)

    def _check_size(self, size: Size) -> None:
        """Cover everything with a notice below the minimum size; uncover once it fits."""
        from tui.screens.dialogs.too_small import TooSmallScreen, too_small

        showing = isinstance(self.screen, TooSmallScreen)
        if too_small(size) and not showing:
            self.push_screen(TooSmallScreen())
        elif not too_small(size) and showing:
            self.screen.dismiss(None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        from tui.screens.dialogs.too_small import TooSmallScreen

        # Behind the too-small notice only quitting works (no palette, help or refresh).
        return action == "quit" or not isinstance(self.screen, TooSmallScreen)

    def pane(self, pane_id: str) -> Pane:
        return self.query_one(f"#{pane_id}", Pane)

    def watch_active_pane(self, old: str, new: str) -> None:
        self.pane(old).remove_class("-active")
        self.pane(new).add_class("-active")
        if self.tabs.active != f"tab-{new}":
            self.tabs.active = f"tab-{new}"

    # Keys the main screen still takes while a flow runs.
    _KEYS_DURING_FLOWS = frozenset({"q", "ctrl+c", "ctrl+q"})

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent):
            self._last_input = time.monotonic()  # (see _collect_when_idle)
        # A flow is a conversation in modals; between two of them (and while it waits on
        # AWS) the main screen shows for a moment. A key meant for the modal, such as the
        # second of a double enter, must not open or start something behind it.
        if (
            isinstance(event, events.Key)
            and len(self.screen_stack) == 1
            and event.key not in self._KEYS_DURING_FLOWS
            and any(w.group == "flow" and w.is_running for w in self.workers)
        ):
            event.stop()
            return
        await super().on_event(event)

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
        from tui.screens.dialogs.help import HelpScreen

        self.push_screen(HelpScreen(self.keymap))

    def _apply_config(self) -> None:
        """Use config.toml's theme and keymap; say what was ignored, and why."""
        from tui.keys import entries

        config = self.config
        problems = list(config.problems)
        where = config.path or "config.toml"
        if config.theme is not None:
            if config.theme in self.available_themes:
                self.theme = config.theme
            else:
                known = ", ".join(sorted(self.available_themes))
                problems.append(f"{where}: no theme {config.theme!r} (known: {known}).")
        if config.keymap:
            # (Reading every screen's bindings imports them all: only with a keymap.)
            known_ids = {e.binding_id for e in entries() if e.binding_id}
            self.keymap = {k: v for k, v in config.keymap.items() if k in known_ids}
            for binding_id in sorted(set(config.keymap) - known_ids):
                problems.append(f"{where}: no key binding with id {binding_id!r} (see ? for ids).")
            if self.keymap:
                self.set_keymap(self.keymap)
        if problems:
            self.notify("\n".join(problems), title="config.toml", severity="warning", timeout=15)

    def action_getting_started(self) -> None:
        """Open the guided set-up (unless it is already open)."""
        from tui.screens.guide import GuideScreen

        if not any(isinstance(s, GuideScreen) for s in self.screen_stack):
            self.push_screen(GuideScreen(self))

    def _maybe_open_guide(self) -> None:
        # Decided once, on the first read, and never over another screen. Not under
        # --read-only, where the steps that change the account cannot run.
        from tui.aws.guide import should_open

        decision = should_open(self.posture)
        if decision is None:
            return
        self._guide_decided = True
        main_on_top = len(self.screen_stack) == 1
        if decision and self.open_guide and not self.service.read_only and main_on_top:
            self.action_getting_started()

    def on_key(self, event: events.Key) -> None:
        # Under --read-only the keys that change things are hidden and do nothing: say why.
        if self.service.read_only:
            refused = read_only.refused_binding(self.focused or self.screen, event.key)
            if refused is not None:
                self.notify(f"{refused.description}: {read_only.NOTICE}", severity="warning")

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
        yield from self._pane_commands()
        yield SystemCommand(
            "app: getting started",
            "The guided set-up: the tutorial's steps with their live status (g)",
            self.action_getting_started,
        )
        if not self.service.read_only:
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

    def _pane_commands(self) -> Iterable[SystemCommand]:
        """ "pane: verb" for every key of every pane, read from the panes' bindings.

        Each runs on the pane's highlighted row, as its key would; actions hidden under
        --read-only are left out.
        """
        from tui.keys import entries

        titles = {PANE_LABELS[p]: p for p in PANE_IDS}
        titles["Account alias"] = "alias"
        for entry in entries(self.keymap):
            pane_id = titles.get(entry.section)
            if pane_id is None:
                continue
            pane = self.pane(pane_id)
            if not pane.check_action(entry.action, ()):
                continue
            verb = entry.description[:1].lower() + entry.description[1:]
            yield SystemCommand(
                f"{PANE_LABELS[pane_id].lower()}: {verb}",
                f"{entry.description} (key {entry.keys} in {PANE_LABELS[pane_id]})",
                partial(self._run_pane_action, pane_id, entry.action),
            )
        for pane_id in PANE_IDS:
            pane = self.pane(pane_id)
            if isinstance(pane, TablePane):
                label = PANE_LABELS[pane_id].lower()
                yield SystemCommand(
                    f"{label}: open the highlighted row",
                    f"What enter does in {PANE_LABELS[pane_id]}",
                    partial(self._run_pane_action, pane_id, "open_selected"),
                )
                yield SystemCommand(
                    f"{label}: filter the table",
                    f"Type to filter {PANE_LABELS[pane_id]} (/)",
                    partial(self._run_pane_action, pane_id, "filter"),
                )

    async def _run_pane_action(self, pane_id: str, action: str) -> None:
        self.action_show_pane(pane_id)
        await self.pane(pane_id).run_action(action)

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
            self.notify(read_only.NOTICE, severity="warning")
            return
        self.run_worker(
            flow, group="flow", exclusive=True, exit_on_error=False, description=description
        )

    def action_create_user(self, prefill: NewUser | None = None) -> None:
        from tui import flows

        self._run_flow(flows.create_user(self, prefill), "create user")

    def action_create_group(self) -> None:
        from tui import flows

        self._run_flow(flows.create_group(self), "create group")

    def action_create_admin_group(self) -> None:
        from tui.aws.iam import NewGroup
        from tui.aws.models import ADMIN_POLICY_ARN

        prefill = NewGroup(name="administrators", policy_arns=(ADMIN_POLICY_ARN,))
        from tui import flows

        self._run_flow(flows.create_group(self, prefill), "create administrators group")

    # Fix actions that only guide (no AWS change): allowed under --read-only.
    _GUIDES = frozenset({"root_mfa_guide"})

    def is_guide(self, action: str) -> bool:
        """True when the fix ``action`` only guides (no AWS change)."""
        return action in self._GUIDES

    def action_fix(self, finding: Finding) -> bool:
        """Start the fix of ``finding``; False when it cannot run here (read-only)."""
        action = finding.fix.action if finding.fix else None
        if action is None:
            return False
        mutating = not self.is_guide(action)
        if mutating and self.service.read_only:
            return False
        from tui import flows

        self._run_flow(flows.fix(self, finding), f"fix {finding.id}", mutating=mutating)
        return True

    def action_enroll_mfa(self, name: str) -> None:
        from tui import flows

        self._run_flow(flows.enroll_mfa(self, name), f"MFA for {name}")

    def action_set_alias(self) -> None:
        from tui import flows

        self._run_flow(flows.set_alias(self), "set alias")

    def action_switch_identity(self) -> None:
        from tui.flows.identity import switch_identity

        # Changes who acct-tui signs as, not the account: allowed under --read-only.
        self._run_flow(switch_identity(self), "switch identity", mutating=False)

    def use_service(self, service: AccountService) -> None:
        """Act through ``service`` from now on (another identity) and read everything again."""
        self.service = service
        with self._policies_lock:
            self._policies = None
        self.action_refresh()

    def action_delete_alias(self) -> None:
        from tui import flows

        self._run_flow(flows.delete_alias(self), "delete alias")

    def action_change_region(self, code: str) -> None:
        from tui import flows

        self._run_flow(flows.change_region(self, code), f"change {code}")

    # -- Regions in transit ----------------------------------------------------------------
    def watch_region(self, code: str) -> None:
        """Poll ``code`` (ENABLING/DISABLING) in the background until it settles."""
        self.region_since.setdefault(code, clock.monotonic())
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
                    from tui.flows import failure_text

                    self.post_message(RegionPolled(code, "", True, failure_text(exc)))
                return
            if worker.is_cancelled:
                return
            done = settled(status)
            self.post_message(RegionPolled(code, status.value, done))
            if done:
                return

    @on(RegionPolled)
    def _region_polled(self, message: RegionPolled) -> None:
        if not self.is_running:
            return
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
            took = f" after {elapsed(clock.monotonic() - since)}" if since else ""
            self.notify(f"{message.code} is now {message.status}{took}.", title="Regions")

    def action_delete_user(self, name: str) -> None:
        from tui import flows

        self._run_flow(flows.delete_user(self, name), f"delete user {name}")

    def action_delete_group(self, name: str) -> None:
        from tui import flows

        self._run_flow(flows.delete_group(self, name), f"delete group {name}")

    def action_access_keys(self, name: str) -> None:
        from tui import flows

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
        self._show_posture(PANE_IDS)

    def _show_posture(self, pane_ids: Iterable[str]) -> None:
        """Update the panes ``pane_ids`` from :attr:`posture`.

        Small accounts are shown at once. Above :attr:`derive_threshold` users, the table
        panes' rows are built in one thread worker at a time (:meth:`_derive`); postures
        that arrive meanwhile are coalesced into one more run with the latest posture.
        """
        large = self._user_count() > self.derive_threshold
        for pane_id in pane_ids:
            pane = self.pane(pane_id)
            if large and isinstance(pane, TablePane):
                pane.show_status(self.posture)
            else:
                pane.update_from(self.posture)
        if not large:
            self.posture_changed.publish(self.posture)
            return
        self._derive_tables()

    def _derive_tables(self) -> None:
        """Build the table panes' rows for :attr:`posture` in a thread worker."""
        if self._deriving:
            self._derive_again = True
            return
        self._deriving = True
        self._derive_again = False
        # The worker takes its input from this slot rather than from its arguments: finished
        # workers linger until a full garbage collection, and so would 5,000 users with them.
        self._derive_input = (
            self.posture,
            {p: pane for p in PANE_IDS if isinstance(pane := self.pane(p), TablePane)},
        )
        self.run_worker(
            self._derive,
            name="derive",
            group="derive",
            description="Build the table rows of a large account",
            exit_on_error=False,
            thread=True,
        )

    def guide_view(self, posture: Posture) -> tuple[Any, Any] | None:
        """(guide steps, findings by id) already built for ``posture`` off the UI thread."""
        view = self._guide_view
        if view is not None and view[0] is posture:
            return view[1], view[2]
        return None

    def _user_count(self) -> int:
        details, report = self.posture.details.value, self.posture.report.value
        return max(
            len(details.users) if details is not None else 0,
            len(report.rows) if report is not None else 0,
        )

    def _derive(self) -> None:
        posture, panes = self._derive_input
        self._derive_input = (Posture(), {})
        from tui.aws.guide import guide_steps

        try:
            prepared = {pane_id: pane.prepare(posture) for pane_id, pane in panes.items()}
            # What "Getting started" shows, so it need not evaluate 5,000 users on the UI
            # thread either (see guide_view).
            recommendations = prepared.get("recommendations")
            findings = recommendations.data if recommendations is not None else None
            guide = (guide_steps(posture), findings) if findings is not None else None
        except Exception as exc:  # noqa: BLE001 - a bug: reported by _views_prepared
            self.post_message(ViewsPrepared(posture, {}, exc))
            return
        self.post_message(ViewsPrepared(posture, prepared, guide=guide))

    @on(ViewsPrepared)
    def _views_prepared(self, message: ViewsPrepared) -> None:
        self._deriving = False
        if not self.is_running:
            return
        if message.error is not None:
            error = message.error
            self.notify(
                f"Building the tables failed: {type(error).__name__}: {error}",
                title="Internal error",
                severity="error",
            )
        for pane_id, prepared in message.prepared.items():
            pane = self.pane(pane_id)
            assert isinstance(pane, TablePane)
            pane.show(message.posture, prepared)
        if self._with_views:
            # The rest of what arrived with these rows (see _display_held), same frame.
            names, self._with_views = self._with_views, set()
            self._display_parts(names, rows_shown=True)
        if message.guide is not None:
            self._guide_view = (message.posture, *message.guide)
            self.posture_changed.publish(message.posture)
        if self._derive_again:
            self._show_posture([p for p in PANE_IDS if isinstance(self.pane(p), TablePane)])
        else:
            self._maybe_finish()

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
        """Notifications carry AWS names and error messages: never markup, never controls."""
        super().notify(
            visible(message, multiline=True),
            title=visible(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    # -- clipboard -----------------------------------------------------------------------
    def copy_text(self, text: str, what: str) -> None:
        """Copy ``text`` by OSC 52 and, where one exists, the native clipboard.

        The notification names ``what`` was copied and how, never the text itself.
        """
        self.copy_to_clipboard(text)
        self._copy_native(text, what)

    @work(thread=True, exclusive=True, exit_on_error=False, group="clipboard", description="copy")
    def _copy_native(self, text: str, what: str) -> None:
        from tui.support import clipboard

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
        """Read every part of the posture again, each in its own thread worker.

        A part whose read is still running is not read twice at once: it is read once
        more when that read returns. So a burst of ``r`` costs at most two reads per part
        (a running thread cannot be stopped, only its result ignored).
        """
        self.generation += 1
        self.refreshing = True
        self._refresh_started = time.monotonic()
        self._own_full_collections()
        self._pending = set(PART_NAMES)
        if all(getattr(self.posture, name).loaded for name in PART_NAMES):
            self._holding = True  # the whole posture is on screen: swap it at once
            self.set_timer(self.HOLD_DISPLAY, partial(self._hold_expired, self.generation))
        # (Panes show "loading" from mount until their first part arrives; later
        # refreshes keep the old data on screen until the new data arrives.)
        for name in PART_NAMES:
            if name in self._reading:
                self._reread.add(name)
            else:
                self._read(name)

    def _read(self, name: str) -> None:
        self._reading.add(name)
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
        self._reading.discard(message.name)
        if message.name in self._reread:
            # Read before the latest refresh began: read it again and show that instead.
            self._reread.discard(message.name)
            self._read(message.name)
            return
        if message.generation != self.generation or not self.is_running:
            return  # an older refresh finished late, or the app is shutting down
        error = message.part.error
        if error is not None and error.code == "MfaTokenRequired":
            self._ask_mfa_token(error.message)
            return
        self.posture = self.posture.with_part(message.name, message.part)
        if message.name == "regions":
            if message.part.value is not None:
                self.region_unwatched.clear()
            self._watch_moving_regions()
        self._pending.discard(message.name)
        self._held.add(message.name)
        if not self._holding or not self._pending:
            self._display_held()
        self._maybe_finish()

    # -- one display per refresh -----------------------------------------------------------
    # Once a whole posture is on screen, a refresh keeps it there until every part of the
    # new one is in (at most HOLD_DISPLAY seconds), then shows it all at once; for a large
    # account, once the tables' rows are built too. Showing each part as it arrives would
    # redraw every pane several times while the other reads are still parsing in worker
    # threads, and each redraw would wait for the interpreter behind them (a 40 ms frame
    # took 100–150 ms at 5,000 users). A snapshot at once also never shows this refresh's
    # users beside the last refresh's credential report. (The first read still shows each
    # part as it arrives: there is nothing older to keep on screen.)
    HOLD_DISPLAY = 5.0

    def _display_held(self) -> None:
        """Show the parts that arrived and are not on screen yet."""
        self._holding = False
        names, self._held = self._held, set()
        if not names:
            return
        if self._user_count() > self.derive_threshold:
            # The tables' rows are built in a worker first; everything else is shown with
            # them (in _views_prepared), so the screen changes once, in one frame.
            self._with_views |= names
            self._derive_tables()
            return
        self._display_parts(names)

    def _display_parts(self, names: set[str], *, rows_shown: bool = False) -> None:
        """Show the parts ``names`` of :attr:`posture` in the header and their panes.

        ``rows_shown``: the table panes have just been given their rows (_views_prepared);
        only the other panes are left to update.
        """
        self.header.show(self.posture)
        affected = [p for p in PANE_IDS if names & set(self.pane(p).PARTS)]
        if rows_shown:
            for pane_id in affected:
                if not isinstance(pane := self.pane(pane_id), TablePane):
                    pane.update_from(self.posture)
        else:
            self._show_posture(affected)
        for pane_id in affected:
            pane = self.pane(pane_id)
            if self._parts_done(pane):
                pane.loading = False
        if not self._guide_decided:
            self._maybe_open_guide()

    def _hold_expired(self, generation: int) -> None:
        if generation == self.generation and self._holding:
            self._display_held()
            self._maybe_finish()

    # -- garbage collection ---------------------------------------------------------------
    # While a large account is parsed, hundreds of thousands of short-lived objects (XML
    # elements, response dicts) are alive at once, and a 5,000-user posture is a few
    # hundred thousand more that live until the next refresh. An automatic full collection
    # walks them all: 70–100 ms with the interpreter held, at whatever moment an allocation
    # crosses the threshold, typically mid-frame, right as the new rows are drawn. Those
    # objects are freed by reference counting anyway; only reference cycles need a full
    # collection. So from the first refresh on, full collections are never automatic: one
    # falls due when a refresh ends, and runs once nothing has happened for IDLE_COLLECT
    # seconds (no key, no mouse, no refresh ending: the user is reading, nothing moves) and
    # nothing is being read; at the latest COLLECT_WITHIN seconds after it fell due, so
    # memory stays bounded for a user who never pauses. Young collections still run. What
    # the collection and the refresh freed then goes back to the system (tui/runtime/memory.py).
    # The first one freezes what was loaded to get there (modules, botocore's service
    # models, the widgets), out of every later collection's way.
    IDLE_COLLECT = 2.0
    COLLECT_WITHIN = 60.0
    _gc_thresholds: tuple[int, int, int] | None = None
    _gc_frozen = False
    _gc_due_since: float | None = None
    _gc_quiet_from = 0.0
    _last_input = 0.0
    last_collect_seconds: float | None = None
    """How long the last idle full collection took (the benchmark reports it)."""

    def _own_full_collections(self) -> None:
        """From now on, full collections run only in _collect_when_idle."""
        if self._gc_thresholds is None:
            self._gc_thresholds = gc.get_threshold()
            first, second, _ = self._gc_thresholds
            gc.set_threshold(first, second, 1_000_000_000)
            self.set_interval(self.IDLE_COLLECT / 4, self._collect_when_idle, name="gc")

    def _collection_due(self) -> None:
        """A refresh is over (or waits for the user): a full collection is due."""
        now = time.monotonic()
        self._gc_quiet_from = now
        if self._gc_due_since is None:
            self._gc_due_since = now

    def _collect_when_idle(self) -> None:
        due = self._gc_due_since
        if due is None or (self.refreshing and not self._asking_mfa) or self._deriving:
            return
        now = time.monotonic()
        quiet = now - max(self._last_input, self._gc_quiet_from) >= self.IDLE_COLLECT
        if not quiet and now - due < self.COLLECT_WITHIN:
            return
        self._gc_due_since = None
        started = time.perf_counter()
        gc.collect()
        if not self._gc_frozen:
            # Once. (A screen open now, such as Getting started, is frozen with the rest:
            # once closed, its cycles are never collected, a one-off ~3,000 objects and
            # ~400 KB for the guide. Not freezing, every later collection walked botocore's
            # models and all the modules again: 150–180 ms at any account size.)
            self._gc_frozen = True
            gc.freeze()
        from tui.runtime.memory import release_free_memory

        release_free_memory()
        self.last_collect_seconds = time.perf_counter() - started

    def on_unmount(self) -> None:
        # Leave the collector as found: its thresholds back, and nothing of this app kept
        # frozen (tests run many apps in one process).
        if self._gc_thresholds is not None:
            gc.set_threshold(*self._gc_thresholds)
            self._gc_thresholds = None
        if self._gc_frozen:
            gc.unfreeze()

    def _maybe_finish(self) -> None:
        """Post :class:`RefreshFinished` once every part is in and every pane shows it."""
        if self.refreshing and not self._pending and not self._deriving:
            self.refreshing = False
            self.last_refresh_seconds = time.monotonic() - self._refresh_started
            self.post_message(RefreshFinished(self.generation, self.last_refresh_seconds))
            self._collection_due()

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
        self._collection_due()  # the refresh waits for the user, for however long
        if self._asking_mfa:
            return
        self._asking_mfa = True
        from tui.screens.dialogs.mfa_token import MfaTokenScreen

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
