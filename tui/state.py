"""AccountState: the one object screens, panes and flows receive (never the app itself).

It holds what they share: the :class:`AccountService`, the posture on screen and the
signal published when it changes, the managed-policy cache, the keyring, the --read-only
and --demo flags. It also carries what they may ask of the app: show a posture they
changed, read the account again, watch a Region in transit, run a flow, copy to the
clipboard, notify. The app (tui/app.py) wires those to its runtime (tui/runtime/).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Coroutine
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.notifications import SeverityLevel
from textual.signal import Signal
from textual.worker import Worker

from tui.aws.errors import AwsError
from tui.aws.models import Posture
from tui.runtime import read_only
from tui.runtime.workers import in_thread

if TYPE_CHECKING:
    # Imported where used: they pull in boto3, which the first frame does not need.
    from tui.aws.iam import ManagedPolicy
    from tui.aws.plan import Plan
    from tui.aws.selfguard import Identity
    from tui.aws.service import AccountService
    from tui.demo.sandbox import DemoSandbox
    from tui.panes.rows import GuideView
    from tui.runtime.org import OrgSession
    from tui.runtime.regions import RegionTimes, RegionWatcher
    from tui.support.vault import Vault


def _nothing(*_args: object) -> None:
    """What a hook does before the app connects it (a state used without an app)."""


class AccountState:
    """The account as the app shows it, and what the screens may ask of the app."""

    def __init__(
        self,
        app: App[Any],
        service: AccountService,
        *,
        demo: bool = False,
        vault: Vault | None = None,
        sandbox: DemoSandbox | None = None,
    ) -> None:
        self._app = app
        self.service = service
        self.demo = demo
        # --demo: a throw-away keyring and AWS config file instead of the person's.
        self.sandbox = sandbox
        self._vault = sandbox.vault if sandbox is not None and vault is None else vault
        self.posture = Posture()
        self.posture_changed: Signal[Posture] = Signal(app, "posture-changed")
        """Published with the new posture whenever the app shows one (the guide follows)."""
        self._policies: tuple[ManagedPolicy, ...] | None = None
        self._policies_lock = threading.Lock()
        self.guide_views: GuideView | None = None
        """"Getting started" built off the UI thread for a large account (see guide_view)."""
        self._show: Callable[[Posture], None] = _nothing
        self._refresh: Callable[[], None] = _nothing
        self._regions: RegionWatcher | None = None
        self.org: OrgSession | None = None
        """The organization's accounts, and whose console is open (set by the app)."""

    def connect(
        self,
        *,
        show: Callable[[Posture], None],
        refresh: Callable[[], None],
        regions: RegionWatcher,
    ) -> None:
        """The app's runtime behind :meth:`apply_posture`, :meth:`refresh` and the Regions."""
        self._show, self._refresh, self._regions = show, refresh, regions

    # -- the account -----------------------------------------------------------------------
    @property
    def read_only(self) -> bool:
        """--read-only: nothing may change the account."""
        return self.service.read_only

    @property
    def vault(self) -> Vault:
        """Where credentials are kept (the OS keyring unless a test brings its own)."""
        if self._vault is None:
            from tui.support.vault import Vault

            self._vault = Vault()
        return self._vault

    def account(self) -> tuple[str, str | None]:
        """(account id or "unknown", alias) of the posture on screen."""
        caller = self.posture.caller.value
        return (caller.account_id if caller else "unknown"), self.posture.alias

    def apply_posture(self, posture: Posture) -> None:
        """Show ``posture`` everywhere (after a change acct-tui made itself)."""
        self.posture = posture
        self._show(posture)

    def refresh(self) -> None:
        """Read every part of the account again."""
        self._refresh()

    def refresh_if_changed(self, plan: Plan) -> None:
        """After a plan that failed part-way (or got no answer), read the account again:
        the panes must not show what was there before as if it still were."""
        if plan.changed:
            self.refresh()

    def refresh_if_unknown(self, exc: BaseException) -> None:
        """After a change that got no answer (it may have been made), read the account again."""
        error = getattr(exc, "error", None)
        if isinstance(error, AwsError) and error.outcome_unknown:
            self.refresh()

    def use_service(self, service: AccountService, *, fresh: Posture | None = None) -> None:
        """Act through ``service`` from now on (another identity) and read everything again.

        ``fresh``: another account, whose posture starts from nothing (``Posture()``)
        instead of the one on screen."""
        self.service = service
        with self._policies_lock:
            self._policies = None
        if fresh is not None:
            self.posture = fresh
            self._show(fresh)
        self.refresh()

    def guide_view(self, posture: Posture) -> GuideView | None:
        """(guide steps, findings by id) already built for ``posture`` off the UI thread."""
        view = self.guide_views
        return view if view is not None and view.posture is posture else None

    async def whoami(self) -> Identity:
        """Who acct-tui runs as: the caller read at refresh, and the key it signs with now."""
        from tui.aws.selfguard import Identity

        key_id = await in_thread(self._app, self.service.signing_key_id, "signing key")
        sources = await in_thread(self._app, self.service.source_key_ids, "source profile")
        return Identity(self.posture.caller.value, key_id, sources)

    # -- policies ----------------------------------------------------------------------------
    def managed_policies(self) -> tuple[ManagedPolicy, ...]:
        """Managed policies, listed once per session (blocking: call from a thread)."""
        with self._policies_lock:
            if self._policies is None:
                self._policies = self.service.writer.list_managed_policies()
            return self._policies

    def cached_policies(self) -> tuple[ManagedPolicy, ...]:
        return self._policies or ()

    # -- Regions in transit ------------------------------------------------------------------
    def watch_region(self, code: str) -> None:
        """Poll ``code`` (ENABLING/DISABLING) in the background until it settles."""
        if self._regions is not None:
            self._regions.watch(code)

    def region_times(self) -> RegionTimes:
        """Since when each Region in transit has moved, and whose watch failed (a copy)."""
        from tui.runtime.regions import RegionTimes

        return self._regions.times() if self._regions is not None else RegionTimes()

    # -- flows -------------------------------------------------------------------------------
    def run_flow(
        self, flow: Coroutine[Any, Any, None], description: str, *, mutating: bool = True
    ) -> Worker[None] | None:
        """Run ``flow`` as the app's one flow worker (returned, so a screen can wait for it
        to end); refused (None) when it changes the account under --read-only."""
        if mutating and self.read_only:
            flow.close()
            self.notify(read_only.NOTICE, severity="warning")
            return None
        return self._app.run_worker(
            flow, group="flow", exclusive=True, exit_on_error=False, description=description
        )

    # -- notifications and clipboard ----------------------------------------------------------
    def notify(
        self, message: str, title: str = "", severity: SeverityLevel = "information"
    ) -> None:
        """A toast (shown literally: see ``AcctApp.notify``)."""
        self._app.notify(message, title=title, severity=severity)

    def copy_text(self, text: str, what: str) -> None:
        """Copy ``text`` by OSC 52 and, where one exists, the native clipboard.

        The notification names ``what`` was copied and how, never the text itself.
        """
        self._app.copy_to_clipboard(text)
        self._app.run_worker(
            partial(self._copy_native, text, what),
            thread=True,
            exclusive=True,
            exit_on_error=False,
            group="clipboard",
            description="copy",
        )

    def _copy_native(self, text: str, what: str) -> None:
        from tui.support import clipboard

        native = clipboard.copy_native(text)
        self.notify(clipboard.describe(what, native, in_tmux=bool(os.environ.get("TMUX"))))

    def forget_clipboard(self, secrets: set[str]) -> None:
        """Drop our own copy of a secret once its screen closes.

        Textual keeps the last copied text in ``App._clipboard`` (read back through
        ``App.clipboard``); the terminal's clipboard is the user's and is left alone.
        """
        if self._app.clipboard and self._app.clipboard in secrets:
            self._app._clipboard = ""
