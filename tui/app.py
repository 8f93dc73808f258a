"""AcctApp: global keys, config, start and end; it owns the state and runtime, shows MainScreen.

Screens, panes and flows receive :class:`~tui.state.AccountState`, never the app. The
refresh cycle, the display pipeline, Region polling and idle GC live in tui/runtime/; the
panes in :class:`~tui.screens.main.MainScreen`; the palette's entries in tui/commands.py.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar

from textual import events, on
from textual.app import SystemCommand
from textual.binding import BindingType
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from tui import commands
from tui.aws.models import Posture
from tui.runtime import read_only
from tui.runtime.appconfig import apply_config
from tui.runtime.display import Display
from tui.runtime.executor import DaemonExecutor
from tui.runtime.grammar import KEYS_DURING_FLOWS, KeyGrammarApp, UserRegionWatcher
from tui.runtime.idle import IdleCollector
from tui.runtime.messages import PartLoaded, RegionPolled, ViewsPrepared
from tui.runtime.org import OrgOptions, OrgSession
from tui.runtime.refresh import Reads
from tui.runtime.workers import FLOW_IO
from tui.screens.main import APP_BINDINGS, MainScreen
from tui.state import AccountState
from tui.support.config import Config
from tui.support.visible import visible
from tui.widgets.colours import readable_variables
from tui.widgets.toastline import route

if TYPE_CHECKING:
    # Imported where used: they pull in boto3, which the first frame does not need.
    from tui.aws.service import AccountService
    from tui.demo.sandbox import DemoSandbox
    from tui.support.vault import Vault


class AcctApp(KeyGrammarApp):
    """The acct-tui console. It receives its :class:`AccountService`; tests pass their own."""

    CSS_PATH = "app.tcss"
    TITLE = "acct-tui"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS: ClassVar[list[BindingType]] = APP_BINDINGS

    def __init__(
        self,
        service: AccountService,
        *,
        demo: bool = False,
        vault: Vault | None = None,
        open_guide: bool = True,
        config: Config | None = None,
        sandbox: DemoSandbox | None = None,
        org: OrgOptions | None = None,
    ) -> None:
        super().__init__()
        # The user's config.toml (theme, keymap); the CLI loads it, tests pass their own.
        self.config = config or Config()
        self.keymap: dict[str, str] = {}
        self._held_keys: list[events.Key] = []  # typed before the top screen was made
        # Open "Getting started" by itself once the first read shows the account needs it.
        self.open_guide = open_guide
        self._guide_decided = False
        self.state = AccountState(self, service, demo=demo, vault=vault, sandbox=sandbox)
        self.main = MainScreen(self.state, insecure=self._insecure_host() is not None)
        self.idle_gc = IdleCollector(self, busy=self._busy)
        self.pipeline = Display(
            self, self.state, self.main, shown=self._maybe_open_guide, settled=self._finished
        )
        self.region_watch = UserRegionWatcher(
            self, self.state, lambda: self.pipeline.redraw("regions")
        )
        self.reads = Reads(self, self.state, self.pipeline, self.region_watch, self.idle_gc)
        self.state.connect(
            show=self.reads.show_all, refresh=self.reads.refresh, regions=self.region_watch
        )
        # The organization's accounts (the Accounts view: o, or --org at start).
        self.org = self.state.org = OrgSession(self, self.state, org or OrgOptions())

    # -- what tests and the benchmark read ---------------------------------------------------
    @property
    def service(self) -> AccountService:
        return self.state.service

    @service.setter
    def service(self, service: AccountService) -> None:
        self.state.service = service

    @property
    def posture(self) -> Posture:
        return self.state.posture

    @property
    def generation(self) -> int:
        """The latest refresh (1 for the first read)."""
        return self.reads.generation

    @property
    def refreshing(self) -> bool:
        return self.reads.refreshing

    @property
    def active_pane(self) -> str:
        return self.main.active_pane

    # -- start and end -------------------------------------------------------------------------
    def get_css_variables(self) -> dict[str, str]:
        """The theme's variables plus ``$readable-*`` (see :mod:`tui.widgets.colours`)."""
        variables = super().get_css_variables()
        return {**variables, **readable_variables(variables)}

    def get_default_screen(self) -> Screen[None]:
        return self.main

    def _insecure_host(self) -> str | None:
        from tui.support import transport

        return transport.insecure_host(self.state.service.settings.endpoint_url)

    def on_mount(self) -> None:
        apply_config(self)
        host = self._insecure_host()
        if host is not None:
            from tui.support import transport

            self.notify(transport.warning(host), title="Plain http", severity="warning", timeout=20)
        # Quitting must not wait for an AWS call stuck on the network (see tui/runtime/executor.py).
        asyncio.get_running_loop().set_default_executor(DaemonExecutor())

    def on_ready(self) -> None:
        # Read the account once the first frame is up: the workers import boto3, which
        # would otherwise compete with that frame for the interpreter.
        from tui.runtime.memory import limit_arenas

        limit_arenas()  # before the first worker thread (see tui/runtime/memory.py)
        self.action_refresh()
        self.main.check_size(self.size)
        if self.org.options.open_at_start:
            self.main.action_organization()

    def on_unmount(self) -> None:
        self.idle_gc.restore()  # (tests run many apps in one process)
        self.org.stop()

    # -- keys ----------------------------------------------------------------------------------
    def on_resize(self, event: events.Resize) -> None:
        self.main.check_size(event.size)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent):
            self.idle_gc.input_seen()
        if isinstance(event, events.Key) and (self._held_keys or not self.screen.is_mounted):
            # The top screen is not made yet: keys typed ahead wait for it, in order.
            event.stop()
            self._held_keys.append(events.Key(event.key, event.character))
            if len(self._held_keys) == 1:
                self.set_timer(0.01, self._replay_keys)
            return
        # A flow is a conversation in modals; between two of them (and while it waits on
        # AWS) the main screen shows for a moment. A key meant for the modal, such as the
        # second of a double enter, must not open or start something behind it.
        if (
            isinstance(event, events.Key)
            and len(self.screen_stack) == 1
            and event.key not in KEYS_DURING_FLOWS
            and any(w.group == "flow" and w.is_running for w in self.workers)
        ):
            event.stop()
            return
        await super().on_event(event)

    def _replay_keys(self) -> None:
        if not self.screen.is_mounted:
            self.set_timer(0.01, self._replay_keys)
            return
        keys, self._held_keys = self._held_keys, []
        for key in keys:
            self.post_message(key)

    def on_key(self, event: events.Key) -> None:
        # Under --read-only the keys that change things are hidden and do nothing: say why.
        if self.state.read_only:
            refused = read_only.refused_binding(self.focused or self.screen, event.key)
            if refused is not None:
                self.notify(f"{refused.description}: {read_only.NOTICE}", severity="warning")

    def action_show_pane(self, pane_id: str) -> None:
        """Show (in narrow layouts) and focus the pane ``pane_id``."""
        self.main.show_pane(pane_id)

    def action_next_pane(self) -> None:
        self.main.step_pane(1)

    def action_previous_pane(self) -> None:
        self.main.step_pane(-1)

    def action_help(self) -> None:
        from tui.keys import entries
        from tui.screens.dialogs.help import HelpScreen

        self.push_screen(HelpScreen(entries(self.keymap)))

    def action_getting_started(self) -> None:
        """Open the guided set-up (unless it is already open)."""
        from tui.screens.guide import GuideScreen

        if not any(isinstance(s, GuideScreen) for s in self.screen_stack):
            self.push_screen(GuideScreen(self.state))

    def action_refresh(self) -> None:
        """Read every part of the account again (see :class:`tui.runtime.refresh.Reads`)."""
        self.reads.refresh()

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield from commands.system_commands(self.main, self.state, self.keymap)

    # -- the runtime's messages ------------------------------------------------------------
    @on(PartLoaded)
    def _part_loaded(self, message: PartLoaded) -> None:
        self.reads.part_loaded(message)

    @on(ViewsPrepared)
    def _views_prepared(self, message: ViewsPrepared) -> None:
        self.pipeline.views_prepared(message)

    @on(RegionPolled)
    def _region_polled(self, message: RegionPolled) -> None:
        if self.is_running:
            self.region_watch.polled(message)

    def _busy(self) -> bool:
        """A read (the account's or the organization's) or a row build is running (not
        while the refresh waits for an MFA code)."""
        reads = self.reads
        reading = (reads.refreshing and not reads.asking_mfa) or self.org.busy
        return reading or self.pipeline.deriving

    def _finished(self) -> None:
        self.reads.maybe_finish()

    def _maybe_open_guide(self) -> None:
        # Decided once, on the first read, and never over another screen. Not under
        # --read-only, where the steps that change the account cannot run.
        from tui.aws.guide import should_open

        if self._guide_decided:
            return
        decision = should_open(self.state.posture)
        if decision is None:
            return
        self._guide_decided = True
        main_on_top = len(self.screen_stack) == 1
        if decision and self.open_guide and not self.state.read_only and main_on_top:
            self.action_getting_started()

    @on(Worker.StateChanged)
    def _flow_failed(self, event: Worker.StateChanged) -> None:
        # Flows run with exit_on_error=False; a bug must still be seen, not swallowed.
        # (In-thread calls' errors are re-raised to the flow that awaits them.)
        if event.state is WorkerState.ERROR and event.worker.group != FLOW_IO:
            error = event.worker.error
            self.notify(
                f"{event.worker.description} stopped: {type(error).__name__}: {error}",
                title="Internal error",
                severity="error",
            )

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
        text, heading = visible(message, multiline=True), visible(title)
        seconds = timeout or self.NOTIFICATION_TIMEOUT
        loop = self._loop  # noqa: SLF001 - Textual's own event loop
        if loop is not None and self._thread_id != threading.get_ident():  # noqa: SLF001
            # From a thread worker (a copy's note): the status line is a widget, touched
            # only on the app's thread. Textual's own notify below is thread-safe.
            loop.call_soon_threadsafe(route, self, text, heading, severity, seconds)
        else:
            route(self, text, heading, severity, seconds)
        super().notify(text, title=heading, severity=severity, timeout=timeout, markup=False)
