"""Every AWS operation acct-tui makes, failing, through the real app.

The real AcctApp (Pilot, 80×24) talks to the demo server (moto_server plus the Account API's
Region stand-in) through :class:`tests.support.faultproxy.FaultProxy`. Each cell arms one fault on
one operation, drives the screen that makes the call, and checks the promises of issue 7:

- **responsive**: no AWS call is made on the UI thread (checked at the wire, from botocore's
  before-send event). While the faulted call is in flight (its retries included), the
  longest the UI thread works without letting a 10 ms timer tick (its CPU time) and the
  wall-clock gaps are recorded and reported in the summary, not asserted: a time bound
  fails on a loaded machine (speed targets live in benchmarks/);
- **retries** and **bounded**: as in tests/wire/test_faults_wire.py, seen at the proxy;
- **says what failed**: the pane status, notification, form or plan on screen names the
  action (``iam:CreateUser``), and says "denied" for AccessDenied;
- **true panes**: what a pane shows afterwards matches the account (read back directly from
  the server), or is marked as out of date;
- **plans**: each "what exists now" line on screen, after the run and after a rollback, is
  true of the account, and no step after the failed one was sent;
- **secrets**: a console password that is (or may be) in force after a failure is shown on
  the credentials screen and saved to the keyring.

- **unreadable answers**: an answer botocore cannot parse is reported as unreadable, and
  neither the secrets it carried nor botocore's parser message (which quotes the body)
  reach a screen or a notification; the plan reads the account again and says exactly
  what happened to the console password and the access key
  (:func:`test_unreadable_answers_leave_no_secret_behind` follows the secrets into
  screenshots and the ``--log`` file too).

Each operation meets AccessDenied (an answer), no answer ("slow") and an unreadable answer
here; every fault meets every operation at the AWS layer (tests/wire/test_faults_wire.py).
``ACCT_TUI_FAULTS_APP=all`` runs every fault through the app too (several minutes).

Timing knobs (tests/support/faultmatrix.py): a 0.5 s read timeout (Settings.read_timeout; the app's
default is 20 s), a 50 ms throttling back-off base instead of 1 s, and 50 ms Region polls.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import itertools
import logging
import os
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

import pytest
from textual.widgets import Input, Static

from tests.support.app import make_app, make_service
from tests.support.faultmatrix import (
    ALIAS_OPS,
    ATTEMPTS,
    BASE_ALIAS,
    CERT_KEY,
    CERT_OPS,
    CONTACT_OPS,
    CONTROL_FINDINGS,
    CREATE_GROUP_OPS,
    CREATE_USER_OPS,
    DELETE_GROUP_OPS,
    DELETE_USER_OPTIONAL,
    DELETE_USER_READS,
    DELETE_USER_STEPS,
    DOCUMENT_OPS,
    EXISTING_USER_OPS,
    GAVE_UP,
    KEY_OPS,
    LAST_USED_OPS,
    MFA_OPS,
    PARSER_TEXT,
    POLICY_OPS,
    READ_PARTS,
    READ_TIMEOUT,
    READ_TIMEOUTS,
    READONLY_ARN,
    ROLE_LOST,
    ROLE_OPS,
    SECRET_LOST,
    SITES,
    SSC_DELETE,
    SSC_LIST,
    TAG_OPS,
    OwnLog,
    Upstream,
    certificate,
    certificate_exists,
    check_exists_now,
    check_secrets,
    current_alias,
    make_full_group,
    make_full_user,
    own_log,
    proxy,
    purge_role,
    region_status,
    regions_moving,
    role_has,
    security_contact_name,
    short_waits,
)
from tests.support.faultproxy import FAULTS, FaultProxy
from tests.support.faults_table import RESULTS, CellResult
from tests.support.keyrings import MemoryKeyring
from tests.support.pilot import plain
from tui import flows
from tui.app import AcctApp
from tui.aws.iam import NewGroup, NewUser, StepState
from tui.aws.service import AccountService
from tui.aws.session import CallCounter, Settings
from tui.demo import DemoEndpoint
from tui.flows import control_fixes
from tui.panes import TablePane
from tui.screens.access_keys import AccessKeysScreen
from tui.screens.credentials import CredentialField, CredentialsScreen
from tui.screens.dialogs.confirm import ConfirmScreen
from tui.screens.dialogs.review import ReviewScreen
from tui.screens.forms.alias import AliasScreen
from tui.screens.forms.create_group import CreateGroupScreen
from tui.screens.forms.create_user import CreateUserScreen
from tui.screens.forms.discard import DISCARD_TITLE
from tui.screens.forms.password import PasswordScreen
from tui.screens.forms.password_policy import PasswordPolicyScreen
from tui.screens.forms.security_contact import SecurityContactScreen
from tui.screens.forms.support_role import SupportRoleScreen
from tui.screens.forms.tags import TagsScreen
from tui.screens.mfa import MfaScreen
from tui.screens.plan import PlanScreen
from tui.support.vault import Vault
from tui.widgets.fields import Field

pytestmark = [pytest.mark.faults, pytest.mark.server]
__all__ = ["proxy", "short_waits"]  # fixtures, imported for pytest

DEMO_REGION_DELAY = 1.0  # read by the demo fixture: ENABLING/DISABLING settle after 1 s
STALE = "out of date"  # how a pane marks what it could not read again
# The faults each operation meets through the app: one the app hears back about (AccessDenied),
# one it does not (no answer), and one it cannot read. Every fault is covered at the AWS layer, by
# tests/wire/test_faults_wire.py; ACCT_TUI_FAULTS_APP=all runs them all through the app too.
APP_FAULTS = (
    FAULTS if os.environ.get("ACCT_TUI_FAULTS_APP") == "all" else ("denied", "slow", "unreadable")
)


# -- waiting and counting ----------------------------------------------------------------------
async def wait_until(pilot: Any, predicate: Callable[[], object], seconds: float = 20.0) -> None:
    """Poll every 10 ms (the Pilot helper's 50 ms is too slow for 300 cells)."""
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            caller = sys._getframe(1)  # noqa: SLF001 - which wait it was, for the report
            where = f"{caller.f_code.co_name}, line {caller.f_lineno}"
            raise AssertionError(f"condition not met in {seconds:g} s ({where})")
        await pilot.pause(0.01)


async def wait_for_screen(app: AcctApp, pilot: Any, kind: type, seconds: float = 20.0) -> Any:
    """The screen once it is on top and mounted (composed, so its widgets can be queried)."""
    await wait_until(pilot, lambda: isinstance(app.screen, kind) and app.screen.is_mounted, seconds)
    return app.screen


class GuardedCounter(CallCounter):
    """The session's call counter, also noting attempts made on the UI thread."""

    def __init__(self) -> None:
        super().__init__()
        self.on_ui_thread: list[str] = []

    def record_attempt(self, action: str) -> None:
        if threading.current_thread() is threading.main_thread():
            self.on_ui_thread.append(action)
        super().record_attempt(action)


@dataclass
class Cell:
    """One operation under one fault, while it is being driven."""

    action: str
    fault: str
    result: CellResult
    shown: str = ""  # the text where the app reports the failure
    no_error_because: str = ""  # set when the app verified the call took effect after all
    max_calls: int = 1

    @property
    def problems(self) -> list[str]:
        return self.result.problems

    def check(self, ok: bool, problem: str) -> None:
        if not ok:
            self.problems.append(problem)


class Harness(Upstream):
    """The app, its pilot, the proxy, and direct clients on the demo server (no proxy)."""

    names = itertools.count(1)

    def __init__(self, app: AcctApp, pilot: Any, proxy: FaultProxy, demo: DemoEndpoint) -> None:
        super().__init__(demo)
        self.app = app
        self.pilot = pilot
        self.proxy = proxy
        self.log: OwnLog | None = None  # acct-tui's log records, while the cells run
        self.ticks: list[tuple[float, float]] = []  # (wall clock, UI-thread CPU time)
        self.collections: list[tuple[float, float, float]] = []  # (start, end, CPU time)
        self._gc_started: tuple[float, float] | None = None
        # Every plan screen mounted, in order: one that succeeds closes itself at once, often
        # before a poll of ``app.screen`` could see it.
        self.plans: list[PlanScreen] = []
        self.plans_taken = 0

    @classmethod
    def name(cls, prefix: str) -> str:
        return f"{prefix}-{next(cls.names)}"

    def settings(self, read_timeout: float = READ_TIMEOUT) -> Settings:
        return Settings(
            region=self.demo.region,
            endpoint_url=self.proxy.url,
            access_key_id=self.demo.access_key_id,
            secret_access_key=self.demo.secret_access_key,
            demo=True,
            read_timeout=read_timeout,
        )

    def fresh_service(self, read_timeout: float = READ_TIMEOUT) -> AccountService:
        """A new session for each cell: new clients, so botocore's retry quota (a circuit
        breaker per client) starts full, as in a fresh acct-tui."""
        service = AccountService(self.settings(read_timeout), report_poll_interval=0.05)
        service.session.counter = GuardedCounter()
        return service

    def start_ticks(self) -> None:
        """A 10 ms timer on the UI thread; each tick notes the time and the UI thread's CPU
        time (which does not advance while the process waits for a CPU on a busy machine).
        Garbage collections on the UI thread are noted too (see :meth:`stall_ms`)."""
        self.app.set_interval(
            0.01, lambda: self.ticks.append((time.monotonic(), time.thread_time()))
        )
        gc.callbacks.append(self._gc_watch)

    def stop_ticks(self) -> None:
        gc.callbacks.remove(self._gc_watch)

    def _gc_watch(self, phase: str, info: dict[str, int]) -> None:
        if threading.current_thread() is not threading.main_thread():
            return
        if phase == "start":
            self._gc_started = (time.monotonic(), time.thread_time())
        elif self._gc_started is not None:
            wall, cpu = self._gc_started
            self.collections.append((wall, time.monotonic(), time.thread_time() - cpu))
            self._gc_started = None

    def stall_ms(self, start: float, end: float) -> tuple[float, float, float]:
        """Over the gaps between ticks that overlap [start, end]: the longest (wall clock);
        the most CPU time the UI thread spent within one of them on the app's work; and
        the longest garbage collection it ran then (the test process's heap is far bigger
        than acct-tui's, so its collections are too)."""
        gaps = []
        for a, b in itertools.pairwise(self.ticks):
            if b[0] < start or a[0] > end:
                continue
            collected = sum(c for s, e, c in self.collections if s >= a[0] and e <= b[0])
            gaps.append((b[0] - a[0], b[1] - a[1] - collected))
        pauses = [
            min(e, end) - max(s, start) for s, e, _ in self.collections if e >= start and s <= end
        ]
        return (
            1000 * max((w for w, _ in gaps), default=0.0),
            1000 * max((c for _, c in gaps), default=0.0),
            1000 * max(pauses, default=0.0),
        )

    async def refresh(self) -> None:
        generation = self.app.generation
        self.app.action_refresh()
        await wait_until(
            self.pilot,
            lambda: self.app.generation > generation and not self.app.refreshing,
            30,
        )

    def flow(self, coroutine: Awaitable[None], description: str) -> None:
        """Start a flow as the app's own keys do (AcctApp._run_flow)."""
        self.app.run_worker(
            coroutine, group="flow", exclusive=True, exit_on_error=False, description=description
        )

    def flows_running(self) -> bool:
        return any(w.group == "flow" and not w.is_finished for w in self.app.workers)

    async def settle(self, cell: Cell) -> None:
        """Back to the main screen with no flow running (the app is still usable)."""
        for _ in range(20):
            if len(self.app.screen_stack) == 1 and not self.flows_running():
                break
            below = self.app.screen_stack[-2] if len(self.app.screen_stack) > 1 else None
            if isinstance(self.app.screen, ConfirmScreen):
                # Closing the credentials screen asks first, and so does a form the cell
                # typed into ("Discard the form?"): yes. Any other question: no.
                discard = self.app.screen.title_text == DISCARD_TITLE
                yes = discard or isinstance(below, CredentialsScreen)
                await self.pilot.press("y" if yes else "n")
            else:
                await self.pilot.press("escape")
            await self.pilot.pause(0.05)
        cell.check(
            len(self.app.screen_stack) == 1 and not self.flows_running(),
            f"the app did not get back to its main screen ({self.app.screen!r})",
        )
        await wait_until(self.pilot, lambda: not self.app.refreshing, 30)
        # A Region left in transit is polled with this cell's session until it settles (1 s
        # in the demo): its calls must not land in the next cell's counts.
        await wait_until(self.pilot, lambda: not self.regions_polled(), 30)

    async def escape(self) -> None:
        """``escape``, as a user backing out: a form the cell typed into asks "Discard the
        form?" (whether it does depends on whether the cell's typing landed before the
        form noted what it opened with): yes."""
        await self.pilot.press("escape")
        screen = self.app.screen
        if isinstance(screen, ConfirmScreen) and screen.title_text == DISCARD_TITLE:
            await self.pilot.press("y")

    def regions_polled(self) -> bool:
        return any(w.group.startswith("region-") and not w.is_finished for w in self.app.workers)

    def notes(self) -> str:
        return "\n".join(f"{n.title}: {n.message}" for n in self.app._notifications)

    async def notification(self, needle: str, seconds: float = 20) -> str:
        await wait_until(self.pilot, lambda: needle in self.notes(), seconds)
        return self.notes()

    def arm(self, *cells: Cell, background: dict[str, str] | None = None) -> None:
        """Count from now, and fault each cell's operation (plus ``background`` faults)."""
        self.plans_taken = len(self.plans)
        self.proxy.reset_counts()
        self.app.service.counter.reset()
        for action, fault in (background or {}).items():
            self.proxy.inject(action, fault)
        for cell in cells:
            self.proxy.inject(cell.action, cell.fault)


# -- running cells --------------------------------------------------------------------------------
Drive = Callable[[Harness, Cell], Awaitable[None]]
BatchDrive = Callable[[Harness, list[Cell]], Awaitable[None]]


async def run_cell(h: Harness, action: str, fault: str, drive: Drive) -> None:
    async def one(h: Harness, cells: list[Cell]) -> None:
        await drive(h, cells[0])

    await run_batch(h, [(action, fault)], one)


async def run_batch(h: Harness, pairs: list[tuple[str, str]], drive: BatchDrive) -> None:
    """Run cells that share one drive (one refresh faulting several parts at once)."""
    cells = [Cell(a, f, CellResult(a, f, SITES[a])) for a, f in pairs]
    for cell in cells:
        if cell.action == "access-analyzer:ListAnalyzers":
            cell.max_calls = PER_REGION_CALLS  # once per enabled Region, by design
        elif cell.action in READ_TWICE:
            cell.max_calls = 2
    service = h.fresh_service(READ_TIMEOUTS.get(pairs[0][1], READ_TIMEOUT))
    h.app.service = service
    h.app.clear_notifications()
    began = time.monotonic()
    try:
        await drive(h, cells)
    except Exception as exc:  # noqa: BLE001 - a broken cell is a failed cell, not a crash
        for cell in cells:
            cell.problems.append(f"could not drive the cell: {type(exc).__name__}: {exc}")
    finally:
        h.proxy.clear()
        await h.settle(cells[0])
        for cell in cells[1:]:
            cell.problems.extend(p for p in cells[0].problems if p.startswith("the app did not"))
    ended = time.monotonic()
    counter = service.session.counter
    assert isinstance(counter, GuardedCounter)
    for cell in cells:
        cell.result.seconds = (ended - began) / len(cells)
        cell.result.cell_stall_ms = h.stall_ms(began, ended)[0]
        check_cell(h, cell, counter)
        RESULTS.append(cell.result)


# At most this many calls of a per-Region read in one refresh (more than any partition has).
PER_REGION_CALLS = 64
# Reads two parts make in one refresh: the Regions (for the Regions pane, and for the
# Access Analyzer part's enabled Regions), the authorization details (users and groups;
# customer managed policies).
READ_TWICE = frozenset(
    {"account:ListRegions", "ec2:DescribeRegions", "iam:GetAccountAuthorizationDetails"}
)


def check_cell(h: Harness, cell: Cell, counter: GuardedCounter) -> None:
    action, fault, result = cell.action, cell.fault, cell.result
    # retries: what reached the wire, per call the app made
    calls = counter.calls()[action]
    attempts = h.proxy.count(action)
    result.calls, result.attempts = calls, attempts
    expected = ATTEMPTS.get(fault, 3)
    cell.check(calls >= 1, "the faulted operation was never called")
    cell.check(
        attempts == expected * calls,
        f"{attempts} attempts reached the wire for {calls} call(s); expected {expected} each",
    )
    cell.check(counter.attempts()[action] == attempts, "the client and the wire disagree")
    cell.check(
        calls <= cell.max_calls, f"the app called it {calls} times (at most {cell.max_calls})"
    )
    faulted = [r for r in h.proxy.handled(action) if r.fault]
    if faulted:
        # bounded: each held answer was given up at the read timeout, not waited for
        cell.check(all(r.abandoned for r in faulted if r.fault == "slow"), GAVE_UP)
        # responsive: while the faulted call was in flight (its retries included), how long
        # the UI thread worked without letting the 10 ms timer tick (its CPU time), and the
        # wall-clock gaps, which also measure how long this process waited for a CPU.
        start = faulted[0].started
        end = max(
            (r.started + READ_TIMEOUT) if r.fault == "slow" else (r.ended or time.monotonic())
            for r in faulted
        )
        # Recorded and reported (the summary line), not asserted: a time bound in a test
        # fails on a loaded machine (speed targets live in benchmarks/).
        result.stall_ms, result.busy_ms, result.gc_ms = h.stall_ms(start, end)
    cell.check(not counter.on_ui_thread, f"AWS called on the UI thread: {counter.on_ui_thread}")
    # says what failed
    if not cell.no_error_because:
        cell.check(
            action in cell.shown, f"no error naming {action} was shown: {cell.shown[:300]!r}"
        )
        if fault == "denied":
            cell.check("denied" in cell.shown.lower(), "the error does not say access was denied")
        if fault == "unreadable":
            cell.check(
                "unreadable" in cell.shown.lower(),
                f"the error does not say it was unreadable: {cell.shown[-300:]!r}",
            )
    check_secrets(cell.problems, cell.shown + "\n" + h.notes(), h.proxy.secrets())
    if h.log is not None:
        leaks = h.log.leaks(h.proxy.secrets())
        cell.check(not leaks, f"acct-tui logged an unreadable body or its secret: {leaks[:2]}")
    cell.check(h.app.is_running, "the app stopped")


async def plan_outcome(h: Harness, cell: Cell) -> PlanScreen:
    """Wait for the cell's next plan screen to finish; its steps and summary are what is shown."""
    await wait_until(h.pilot, lambda: len(h.plans) > h.plans_taken, 30)
    screen = h.plans[h.plans_taken]
    h.plans_taken += 1
    await wait_until(h.pilot, lambda: screen.result is not None and not screen.running, 30)
    assert screen.result is not None
    if screen.result.ok:
        return screen  # it went through after all (a listing it can do without failed)
    cell.shown = plain(screen.query_one("#plan-steps", Static)) + plain(
        screen.query_one("#plan-summary", Static)
    )
    assert screen.result is not None
    for line in screen.result.exists_now:
        cell.check(line in cell.shown, f"'exists now' line not on screen: {line!r}")
    # nothing after the failed step was sent
    steps = [r.step.action for r in screen.result.reports]
    if cell.action in steps:
        index = steps.index(cell.action)
        later = set(steps[index + 1 :]) - set(steps[: index + 1])
        sent = {a for a in later if h.proxy.count(a)}
        cell.check(not sent, f"steps after the failure were sent: {sorted(sent)}")
    return screen


async def rollback(
    h: Harness, cell: Cell, screen: PlanScreen, has: Callable[[str], bool | None]
) -> None:
    await h.pilot.press("b")
    await wait_until(h.pilot, lambda: screen.rollback_result is not None and not screen.running, 30)
    assert screen.rollback_result is not None
    check_exists_now(cell.problems, screen.rollback_result.exists_now, has)
    await h.pilot.press("enter")


# -- the read path: a refresh ---------------------------------------------------------------------
def pane_text(app: AcctApp) -> str:
    texts = [plain(app.query_one("#account-header", Static))]
    for pane in app.query(".pane"):
        texts.append(plain(pane.query_one("#status", Static)))
    texts.append(plain(app.query_one("#alias-body", Static)))
    return "\n".join(texts)


def table_true(cell: Cell, app: AcctApp, pane_id: str) -> None:
    """A table that could not be read again is empty or marked as out of date."""
    pane = app.query_one(f"#{pane_id}", TablePane)
    status = plain(pane.query_one("#status", Static))
    fresh = pane.table.row_count == 0 or STALE in status
    cell.check(fresh, f"the {pane_id} pane shows {pane.table.row_count} old rows as current")


def finding_unknown(cell: Cell, app: AcctApp, finding: str) -> None:
    recs = app.query_one("#recommendations", TablePane)
    status = recs.table.get_row(finding)[0].plain
    cell.check(status.startswith("?"), f"the {finding} check shows {status!r} from old data")


async def drive_refresh(h: Harness, cells: list[Cell]) -> None:
    """One refresh with a fault on each cell's operation (each feeds another part)."""
    parts = {READ_PARTS[c.action] for c in cells}
    if not all(getattr(h.app.posture, p).value for p in parts):
        await h.refresh()  # the panes must hold good data before the faulted refresh
    describe = any(c.action == "ec2:DescribeRegions" for c in cells)
    h.arm(*cells, background={"account:ListRegions": "denied"} if describe else None)
    await h.refresh()
    app = h.app
    shown = pane_text(app)
    for cell in cells:
        cell.shown = shown
        part = READ_PARTS[cell.action]
        if part == "caller":
            header = plain(app.query_one("#account-header", Static))
            cell.check("caller unknown" in header, f"the header still shows {header!r}")
            body = plain(app.query_one("#alias-body", Static))
            cell.check("Sign-in" not in body, "the alias pane still shows the sign-in URL")
        elif part == "summary":
            finding_unknown(cell, app, "root-mfa")
        elif part == "details":
            table_true(cell, app, "users")
            table_true(cell, app, "groups")
            finding_unknown(cell, app, "admin-group")
        elif part == "report":
            users = app.query_one("#users", TablePane)
            mfa = {users.table.get_row(k)[2].plain for k in users.visible_keys()}
            stale = STALE in plain(users.query_one("#status", Static))
            cell.check(mfa <= {"?"} or stale, f"the MFA column still shows {mfa}")
        elif part == "aliases":
            body = plain(app.query_one("#alias-body", Static))
            cell.check(BASE_ALIAS not in body, "the alias pane still shows the alias")
            header = plain(app.query_one("#account-header", Static))
            cell.check(BASE_ALIAS not in header, "the header still shows the alias")
        elif part == "password_policy":
            finding_unknown(cell, app, "password-policy")
        elif part in CONTROL_FINDINGS:
            finding_unknown(cell, app, CONTROL_FINDINGS[part])
        elif part == "mfa_devices":
            # root-hardware-mfa fails on the demo's root having no MFA at all: the pane's
            # status line must still say the read failed.
            status = plain(
                app.query_one("#recommendations", TablePane).query_one("#status", Static)
            )
            cell.check(cell.action in status, f"the failed read is not named: {status!r}")
        elif cell.action == "account:ListRegions":
            regions = app.query_one("#regions", TablePane)
            cell.check(getattr(regions, "source", "") == "ec2", "no fallback to EC2")
        else:
            table_true(cell, app, "regions")


# -- create user ------------------------------------------------------------------------------
async def drive_create_user(h: Harness, cell: Cell) -> None:
    name = h.name("fu")
    request = NewUser(
        name=name,
        console=True,
        require_reset=True,
        access_key=True,
        groups=("billing",),
        tags=(("cell", "faults"),),
    )
    h.arm(cell)
    h.flow(flows.create_user(h.app.state, h.app, request), "create user")
    await wait_for_screen(h.app, h.pilot, CreateUserScreen)
    await h.pilot.press("ctrl+s")
    await wait_for_screen(h.app, h.pilot, ReviewScreen)
    await h.pilot.press("ctrl+s")
    screen = await plan_outcome(h, cell)
    assert screen.result is not None

    def has(what: str) -> bool | None:
        return h.user_has(name, what)

    check_exists_now(cell.problems, screen.result.exists_now, has)
    password_made = h.user_exists(name) and h.user_has(name, "console password")
    if password_made:
        # The console password exists: it must not be lost. Keep the user, see the secret.
        await h.pilot.press("k")
        await wait_until(
            h.pilot, lambda: isinstance(h.app.screen, CredentialsScreen | CreateUserScreen), 10
        )
        if not isinstance(h.app.screen, CredentialsScreen):
            cell.problems.append("a console password is in force, and it was never shown")
            await h.escape()
            h.purge_user(name)
            return
        creds = await wait_for_screen(h.app, h.pilot, CredentialsScreen, 10)
        field = creds.query("#cred-password")
        cell.check(bool(field), "the credentials screen has no password")
        password = creds.credentials.password
        if field:
            shown = field.first(CredentialField).value
            cell.check(bool(password) and shown == password, "the password field is empty")
        await wait_until(h.pilot, lambda: creds.saved, 10)
        entry = h.app.state.vault.get(h.demo.account_id, name)
        cell.check(
            entry is not None and entry.password == password, "the password is not in the keyring"
        )
        await h.escape()
        await wait_for_screen(h.app, h.pilot, CreateUserScreen, 10)
        await h.escape()
    else:
        await rollback(h, cell, screen, has)
        cell.check(not h.user_exists(name), "the rollback left the user behind")
        await wait_for_screen(h.app, h.pilot, CreateUserScreen, 10)
        await h.escape()
    await wait_until(h.pilot, lambda: not h.flows_running(), 10)
    await wait_until(h.pilot, lambda: not h.app.refreshing, 30)
    listed = name in h.app.query_one("#users", TablePane).visible_keys()
    cell.check(
        listed == h.user_exists(name), f"Users pane lists {name}: {listed}, exists: {not listed}"
    )
    h.purge_user(name)


# -- create group -----------------------------------------------------------------------------
async def drive_create_group(h: Harness, cell: Cell) -> None:
    if cell.action == "iam:ListPolicies":
        h.arm(cell)
        writer = h.app.service.writer
        form = CreateGroupScreen(
            existing=[],
            load_policies=writer.list_managed_policies,
            planner=writer.plan_create_group,
        )
        h.app.push_screen(form)
        await wait_until(h.pilot, lambda: form.is_mounted)
        picked = form.query_one(".picked", Static)
        await wait_until(h.pilot, lambda: "Loading" not in plain(picked), 30)
        cell.shown = plain(picked)
        cell.check(form.query_one("#policy-list").option_count == 0, "policies listed anyway")
        await h.escape()
        return
    name = h.name("fg")
    h.arm(cell)
    h.flow(
        flows.create_group(h.app.state, h.app, NewGroup(name, policy_arns=(READONLY_ARN,))), "group"
    )
    await wait_for_screen(h.app, h.pilot, CreateGroupScreen)
    await h.pilot.press("ctrl+s")
    await wait_for_screen(h.app, h.pilot, ReviewScreen)
    await h.pilot.press("ctrl+s")
    screen = await plan_outcome(h, cell)
    assert screen.result is not None

    def has(what: str) -> bool | None:
        return h.group_has(name, what)

    check_exists_now(cell.problems, screen.result.exists_now, has)
    await rollback(h, cell, screen, has)
    cell.check(not h.group_exists(name), "the rollback left the group behind")
    await wait_for_screen(h.app, h.pilot, CreateGroupScreen, 10)
    await h.escape()
    await wait_until(h.pilot, lambda: not h.flows_running(), 10)
    await wait_until(h.pilot, lambda: not h.app.refreshing, 30)
    listed = name in h.app.query_one("#groups", TablePane).visible_keys()
    cell.check(listed == h.group_exists(name), f"Groups pane lists {name}: {listed}")
    if h.group_exists(name):
        for p in h.iam.list_attached_group_policies(GroupName=name)["AttachedPolicies"]:
            h.iam.detach_group_policy(GroupName=name, PolicyArn=p["PolicyArn"])
        h.iam.delete_group(GroupName=name)


# -- delete user / delete group -----------------------------------------------------------------
def drive_delete(kind: str, names: Iterator[str]) -> Drive:
    async def drive(h: Harness, cell: Cell) -> None:
        name = next(names)
        user = kind == "user"
        if user:
            h.proxy.stub("iam:ListServiceSpecificCredentials", SSC_LIST.format(user=name))
        h.arm(cell)
        if user:
            h.flow(flows.delete_user(h.app.state, h.app, name), "delete user")
        else:
            h.flow(flows.delete_group(h.app.state, h.app, name), "delete group")
        title = f"Cannot delete {name}"
        await wait_until(
            h.pilot,
            lambda: isinstance(h.app.screen, ConfirmScreen) or title in h.notes(),
            30,
        )
        if not isinstance(h.app.screen, ConfirmScreen):
            cell.shown = h.notes()  # a read the plan needs failed: nothing was changed
        else:
            confirm = await wait_for_screen(h.app, h.pilot, ConfirmScreen)
            text = plain(confirm.query_one("#confirm-lines").query_one(Static))
            await h.pilot.press("y")
            screen = await plan_outcome(h, cell)
            cell.shown = text + "\n" + cell.shown
            assert screen.result is not None

            def has(what: str) -> bool | None:
                return h.user_has(name, what) if user else h.group_has(name, what)

            check_exists_now(cell.problems, screen.result.exists_now, has)
            if not screen.result.ok:
                await h.pilot.press("k")
        await wait_until(h.pilot, lambda: not h.flows_running(), 10)
        await wait_until(h.pilot, lambda: not h.app.refreshing, 30)
        pane = h.app.query_one("#users" if user else "#groups", TablePane)
        exists = h.user_exists(name) if user else h.group_exists(name)
        listed = name in pane.visible_keys()
        cell.check(listed == exists, f"the pane lists {name}: {listed}; it exists: {exists}")

    return drive


# -- access keys ----------------------------------------------------------------------------------
def drive_keys(names: Iterator[str]) -> Drive:
    async def drive(h: Harness, cell: Cell) -> None:
        name = next(names)
        h.arm(cell)
        h.flow(flows.access_keys(h.app.state, h.app, name), "keys")
        title = f"Access keys of {name}"
        await wait_until(
            h.pilot,
            lambda: isinstance(h.app.screen, AccessKeysScreen) or title in h.notes(),
            30,
        )
        if not isinstance(h.app.screen, AccessKeysScreen):
            cell.shown = h.notes()
            return
        screen = h.app.screen
        await h.pilot.press("d" if cell.action == "iam:UpdateAccessKey" else "ctrl+d")
        await wait_for_screen(h.app, h.pilot, ConfirmScreen)
        await h.pilot.press("y")
        note = screen.query_one("#keys-note", Static)
        await wait_until(h.pilot, lambda: cell.action in plain(note), 30)
        actual = {
            k["AccessKeyId"]: k["Status"]
            for k in h.iam.list_access_keys(UserName=name)["AccessKeyMetadata"]
        }

        def shown() -> dict[str, str]:
            return {k.key_id: ("Active" if k.active else "Inactive") for k in screen.keys}

        with contextlib.suppress(AssertionError):  # (a wrong screen fails the check below)
            await wait_until(h.pilot, lambda: shown() == actual, 10)
        cell.shown = plain(note)
        cell.check(shown() == actual, f"the keys screen shows {shown()}; AWS has {actual}")
        await h.escape()

    return drive


# -- MFA ------------------------------------------------------------------------------------------
def drive_mfa(names: Iterator[str]) -> Drive:
    async def drive(h: Harness, cell: Cell) -> None:
        from tui.aws.totp import totp

        name = next(names)
        if cell.action == "iam:CreateVirtualMFADevice":
            h.arm(cell)
        h.flow(flows.enroll_mfa(h.app.state, h.app, name), "mfa")
        title = f"MFA for {name}"
        await wait_until(
            h.pilot, lambda: isinstance(h.app.screen, MfaScreen) or title in h.notes(), 30
        )
        if cell.action == "iam:CreateVirtualMFADevice":
            cell.shown = h.notes()
        elif cell.action == "iam:DeleteVirtualMFADevice":
            screen = await wait_for_screen(h.app, h.pilot, MfaScreen)
            h.arm(cell)
            await h.escape()  # cancel: the unassigned device must go
            await h.notification("could not be removed", 30)
            cell.shown = h.notes()
        else:
            screen = await wait_for_screen(h.app, h.pilot, MfaScreen)
            h.arm(cell)
            seed, now = screen.device.seed, time.time()
            code1, code2 = totp(seed, now - 30), totp(seed, now)
            screen.query_one("#code1", Input).value = code1
            screen.query_one("#code2", Input).value = code2
            message = screen.query_one("#mfa-message", Static)  # before it may close
            await h.pilot.press("ctrl+s")
            await wait_until(
                h.pilot,
                lambda: not screen.is_attached or "iam:" in plain(message),
                30,
            )
            cell.shown = plain(message) if screen.is_attached else ""
            if not screen.is_attached:
                cell.no_error_because = "EnableMFADevice took effect; the app checked and says so"
        await wait_until(
            h.pilot, lambda: not h.flows_running() or isinstance(h.app.screen, MfaScreen), 30
        )
        if isinstance(h.app.screen, MfaScreen):
            await h.escape()
        await wait_until(h.pilot, lambda: not h.flows_running(), 30)
        devices = h.iam.list_mfa_devices(UserName=name)["MFADevices"]
        assigned = bool(devices)
        row = h.app.query_one("#users", TablePane).table.get_row(name)
        cell.check(
            (row[2].plain == "✓ yes") == assigned,
            f"Users pane MFA for {name}: {row[2].plain!r}; assigned: {assigned}",
        )
        loose = [
            d["SerialNumber"]
            for d in h.iam.list_virtual_mfa_devices(AssignmentStatus="Unassigned")[
                "VirtualMFADevices"
            ]
            if d["SerialNumber"].endswith(f"/{name}") or f"/{name}-" in d["SerialNumber"]
        ]
        if (
            loose
            and cell.fault not in ("reset", "slow")
            and cell.action != "iam:DeleteVirtualMFADevice"
        ):
            cell.problems.append(f"unassigned devices left behind: {loose}")
        if loose:
            said = cell.shown + h.notes()
            cell.check(
                "may" in said or loose[0] in said,
                f"an unassigned device is left ({loose}) and the app does not say so",
            )
        for serial in loose:
            h.iam.delete_virtual_mfa_device(SerialNumber=serial)
        for d in devices:
            h.iam.deactivate_mfa_device(UserName=name, SerialNumber=d["SerialNumber"])
            h.iam.delete_virtual_mfa_device(SerialNumber=d["SerialNumber"])

    return drive


# -- alias, password policy ---------------------------------------------------------------------
async def drive_alias(h: Harness, cell: Cell) -> None:
    if current_alias(h) != BASE_ALIAS:
        h.iam.create_account_alias(AccountAlias=BASE_ALIAS)
    if h.app.posture.alias != BASE_ALIAS:
        await h.refresh()
    h.arm(cell)
    if cell.action == "iam:CreateAccountAlias":
        new = h.name("faults-alias")
        h.flow(flows.set_alias(h.app.state, h.app), "alias")
        form = await wait_for_screen(h.app, h.pilot, AliasScreen)
        form.query_one("#alias", Field).input.value = new
        await h.pilot.press("ctrl+s")
        field = form.query_one("#alias", Field)
        error = field.query_one(".field-error", Static)
        try:
            await wait_until(h.pilot, lambda: cell.action in plain(error), 30)
        except AssertionError:
            busy = "busy" if form.busy else "idle"
            raise AssertionError(f"the field says {plain(error)!r} (form {busy})") from None
        cell.shown = plain(field.query_one(".field-error", Static))
        await h.escape()
    else:
        h.flow(flows.delete_alias(h.app.state, h.app), "alias")
        await wait_for_screen(h.app, h.pilot, ConfirmScreen)
        await h.pilot.press("y")
        cell.shown = await h.notification(cell.action, 30)
    await wait_until(h.pilot, lambda: not h.flows_running(), 30)
    await wait_until(h.pilot, lambda: not h.app.refreshing, 30)
    actual = current_alias(h)
    cell.check(
        h.app.posture.alias == actual,
        f"the app shows alias {h.app.posture.alias!r}; AWS has {actual!r}",
    )


async def drive_policy(h: Harness, cell: Cell) -> None:
    before = h.iam.get_account_password_policy()["PasswordPolicy"]
    h.arm(cell)
    h.flow(flows.password_policy(h.app.state, h.app), "password policy")
    screen = await wait_for_screen(h.app, h.pilot, PasswordPolicyScreen)
    await h.pilot.press("ctrl+s")
    message = screen.query_one("#policy-message", Static)
    await wait_until(h.pilot, lambda: cell.action in plain(message), 30)
    cell.shown = plain(message)
    changed = h.iam.get_account_password_policy()["PasswordPolicy"] != before
    said_unchanged = "Not changed" in cell.shown
    cell.check(not (changed and said_unchanged), "the screen says 'Not changed', but it changed")
    await h.escape()
    await wait_until(h.pilot, lambda: not h.flows_running(), 30)
    await wait_until(h.pilot, lambda: not h.app.refreshing, 30)
    shown = h.app.posture.password_policy.value
    actual = h.iam.get_account_password_policy()["PasswordPolicy"]
    if shown is not None:
        cell.check(
            shown.minimum_length == actual["MinimumPasswordLength"],
            f"the app shows a policy of length {shown.minimum_length}; AWS has "
            f"{actual['MinimumPasswordLength']}",
        )
    keys = (
        "MinimumPasswordLength",
        "RequireSymbols",
        "RequireNumbers",
        "RequireUppercaseCharacters",
        "RequireLowercaseCharacters",
        "AllowUsersToChangePassword",
        "HardExpiry",
    )
    h.iam.update_account_password_policy(**{k: before[k] for k in keys if k in before})


# -- Regions -------------------------------------------------------------------------------------
def drive_region(codes: Iterator[str]) -> Drive:
    async def drive(h: Harness, cell: Cell) -> None:
        code = next(codes)
        if cell.action == "account:DisableRegion":
            # The GetRegionOptStatus cell enabled it: wait until AWS says so, then read it.
            await wait_until(h.pilot, lambda: region_status(h, code) == "ENABLED", 10)
            await h.refresh()
        listing = h.app.posture.regions.value
        assert listing is not None
        label = next(r.name for r in listing.regions if r.code == code)
        h.arm(cell)
        h.flow(flows.change_region(h.app.state, h.app, code), "region")
        await wait_for_screen(h.app, h.pilot, ConfirmScreen)
        await h.pilot.press("y")
        cell.shown = await h.notification(cell.action, 30)
        await wait_until(h.pilot, lambda: not h.flows_running(), 30)
        await wait_until(h.pilot, lambda: not h.app.refreshing, 30)
        if cell.action == "account:GetRegionOptStatus":
            h.proxy.clear()
        # AWS settles the Region (1 s here), and the app stops polling it (done, or given
        # up): a pane still saying ENABLING while its poll is due is late, not wrong.
        await wait_until(h.pilot, lambda: not regions_moving(h) and not h.regions_polled(), 60)
        actual = region_status(h, code)
        regions = h.app.query_one("#regions", TablePane)
        cell_text = regions.table.get_row(code)[1].plain
        shown = cell_text.split(" ")[0]
        truthful = shown == actual or STALE in cell_text
        cell.check(truthful, f"{label}: the pane shows {cell_text!r}; AWS has {actual}")

    return drive


# -- the tests: one app per group of sites ---------------------------------------------------------
async def matrix(
    proxy: FaultProxy,
    demo: DemoEndpoint,
    cells: list[tuple[str, str, Drive]],
    *,
    prepare: Callable[[Harness], Awaitable[None]] | None = None,
    batches: list[tuple[list[tuple[str, str]], BatchDrive]] | None = None,
) -> None:
    vault = Vault(MemoryKeyring())
    start = make_service(replace(demo, endpoint_url=proxy.url), poll=0.05)
    app = make_app(start, vault=vault, open_guide=True)
    first = len(RESULTS)
    with recording_plans() as plans:
        async with app.run_test(size=(80, 24)) as pilot:
            h = Harness(app, pilot, proxy, demo)
            h.plans = plans
            await wait_until(pilot, lambda: app.generation and not app.refreshing, 30)
            await asyncio.to_thread(app.state.managed_policies)  # the picker's list, read once
            h.warm_ec2()  # moto builds its EC2 backend on the first EC2 call: seconds
            if prepare is not None:
                await prepare(h)
            # What exists now stays: collections only scan what the cells make (the test
            # process's heap is far bigger than acct-tui's, and its full collections stall).
            gc.collect()
            gc.freeze()
            h.start_ticks()
            try:
                with own_log() as h.log:
                    for pairs, batch in batches or []:
                        await run_batch(h, pairs, batch)
                    for action, fault, drive in cells:
                        await run_cell(h, action, fault, drive)
            finally:
                h.log = None
                h.stop_ticks()
                gc.unfreeze()
            # still up and responsive to keys, once the last cell's flow has ended (the main
            # screen holds back pane keys while a flow runs, by design)
            # (the cells' own failures are reported first: they say where it began)
            await wait_until(pilot, lambda: not h.flows_running(), 30)
            left_open = app.screen_stack[1:]
            if not left_open:
                await pilot.press("2")
    failed = [r for r in RESULTS[first:] if not r.passed]
    report = "\n".join(f"{r.action} × {r.fault}: {'; '.join(r.problems)}" for r in failed)
    assert not failed, f"{len(failed)} of {len(RESULTS) - first} cells failed:\n{report}"
    assert not left_open, f"left open after the last cell: {left_open!r}"
    assert app.active_pane == "users"


@contextlib.contextmanager
def recording_plans() -> Iterator[list[PlanScreen]]:
    """Note each PlanScreen as it mounts (its own on_mount still runs)."""
    plans: list[PlanScreen] = []
    original = PlanScreen.on_mount

    def on_mount(screen: PlanScreen) -> None:
        plans.append(screen)
        original(screen)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(PlanScreen, "on_mount", on_mount)
        yield plans


def column_major(
    actions: tuple[str, ...], drive: Drive, faults: tuple[str, ...] = APP_FAULTS
) -> list[tuple[str, str, Drive]]:
    return [(a, f, drive) for f in faults for a in actions]


async def test_faults_on_the_read_path(proxy: FaultProxy, demo: DemoEndpoint) -> None:
    # One refresh faults seven parts at once; the two operations that share a part with
    # one of those (the credential report's fetch, the EC2 fallback) get a second refresh.
    first = (
        "account:ListRegions",
        "sts:GetCallerIdentity",
        "iam:GenerateCredentialReport",
        "iam:GetAccountSummary",
        "iam:GetAccountAuthorizationDetails",
        "iam:ListAccountAliases",
        "iam:GetAccountPasswordPolicy",
    )
    # (sso:ListInstances comes after the other federation reads: faulted apart from them)
    second = ("ec2:DescribeRegions", "iam:GetCredentialReport", "sso:ListInstances")
    # The CIS controls: seven parts at once; then the one call that shares a part.
    third = (
        "account:GetAlternateContact",
        "iam:ListVirtualMFADevices",
        "iam:ListServerCertificates",
        "access-analyzer:ListAnalyzers",
        "iam:ListEntitiesForPolicy",
        "iam:ListOrganizationsFeatures",
        "iam:ListSAMLProviders",
    )
    fourth = ("iam:ListOpenIDConnectProviders",)
    assert set(first + second + third + fourth) == set(READ_PARTS)

    async def prepare(h: Harness) -> None:
        if current_alias(h) != BASE_ALIAS:
            h.iam.create_account_alias(AccountAlias=BASE_ALIAS)
        await h.refresh()

    batches: list[tuple[list[tuple[str, str]], BatchDrive]] = [
        ([(a, f) for a in group], drive_refresh)
        for f in APP_FAULTS
        for group in (first, second, third, fourth)
    ]
    await matrix(proxy, demo, [], prepare=prepare, batches=batches)


async def test_faults_creating_users_and_groups(proxy: FaultProxy, demo: DemoEndpoint) -> None:
    cells = column_major(CREATE_USER_OPS, drive_create_user) + column_major(
        CREATE_GROUP_OPS, drive_create_group
    )
    await matrix(proxy, demo, cells)


# One test per fault (the longest cells of the matrix): pytest-xdist runs them side by side, and
# each app reads an account with a third of the users.
@pytest.mark.parametrize("fault", APP_FAULTS)
async def test_faults_deleting_users_and_groups(
    proxy: FaultProxy, demo: DemoEndpoint, fault: str
) -> None:
    user_ops = DELETE_USER_READS + DELETE_USER_OPTIONAL + DELETE_USER_STEPS
    users = [Harness.name("du") for _ in user_ops]
    groups = [Harness.name("dg") for _ in DELETE_GROUP_OPS]
    members = [Harness.name("dm") for _ in groups]

    async def prepare(h: Harness) -> None:
        cert = certificate()

        def group_with_member(group: str, member: str) -> None:
            h.iam.create_user(UserName=member)
            make_full_group(h, group, member)

        with ThreadPoolExecutor(max_workers=6) as pool:
            done = [pool.submit(make_full_user, h, name, cert) for name in users]
            done += [
                pool.submit(group_with_member, *pair) for pair in zip(groups, members, strict=True)
            ]
            for future in done:
                future.result()
        h.proxy.stub("iam:DeleteServiceSpecificCredential", SSC_DELETE)
        await h.refresh()

    cells = column_major(user_ops, drive_delete("user", iter(users)), (fault,)) + column_major(
        DELETE_GROUP_OPS, drive_delete("group", iter(groups)), (fault,)
    )
    await matrix(proxy, demo, cells, prepare=prepare)


async def test_faults_on_keys_mfa_alias_policy_and_regions(
    proxy: FaultProxy, demo: DemoEndpoint
) -> None:
    key_users = [Harness.name("ku") for _ in range(len(KEY_OPS) * len(APP_FAULTS))]
    mfa_users = [Harness.name("mu") for _ in range(len(MFA_OPS) * len(APP_FAULTS))]
    enable: list[str] = []  # EnableRegion cells
    watch: list[str] = []  # GetRegionOptStatus cells, whose Regions the DisableRegion cells reuse

    async def prepare(h: Harness) -> None:
        for name in key_users:
            h.iam.create_user(UserName=name)
            h.iam.create_access_key(UserName=name)
        for name in mfa_users:
            h.iam.create_user(UserName=name)
        if current_alias(h) != BASE_ALIAS:
            h.iam.create_account_alias(AccountAlias=BASE_ALIAS)
        await wait_until(h.pilot, lambda: not regions_moving(h), 60)  # the demo's Regions settle
        listing = h.account.list_regions(MaxResults=50)["Regions"]
        disabled = [r["RegionName"] for r in listing if r["RegionOptStatus"] == "DISABLED"]
        per = len(APP_FAULTS)
        assert len(disabled) >= 2 * per, disabled
        enable.extend(disabled[:per])
        watch.extend(disabled[per : 2 * per])
        await h.refresh()

    cells = (
        column_major(KEY_OPS, drive_keys(iter(key_users)))
        + column_major(MFA_OPS, drive_mfa(iter(mfa_users)))
        + column_major(ALIAS_OPS, drive_alias)
        + column_major(POLICY_OPS, drive_policy)
        + column_major(("account:EnableRegion",), drive_region(iter(enable)))
        + column_major(("account:GetRegionOptStatus",), drive_region(iter(watch)))
        + column_major(("account:DisableRegion",), drive_region(iter(watch)))
    )
    await matrix(proxy, demo, cells, prepare=prepare)


# -- unreadable answers: the secrets they carry go nowhere ----------------------------------------
async def test_unreadable_answers_leave_no_secret_behind(
    proxy: FaultProxy, demo: DemoEndpoint, tmp_path: Any
) -> None:
    """The answers that carry a secret (CreateAccessKey: the secret access key;
    CreateVirtualMFADevice: the seed) come back unreadable, with the secret still in them;
    so does CreateLoginProfile's (the password acct-tui generated is in force).

    The secrets reach no screen (screenshots after every step), no notification and no
    line of the ``--log`` file (DEBUG, as ``acct-tui --log`` writes it); the plan says
    exactly what happened, which the account, read back, confirms: the key whose secret was
    lost is deleted, the console password is shown once and kept, the device whose seed was
    lost is deleted.
    """
    from tests.support.pilot import recorded_notifications
    from tui.support import logfile

    path = tmp_path / "acct-tui.log"
    root = logging.getLogger()
    level = root.level
    handler = logfile.start(path)
    vault = Vault(MemoryKeyring())
    service = make_service(replace(demo, endpoint_url=proxy.url), poll=0.05)
    app = make_app(service, vault=vault, open_guide=True)
    notes = recorded_notifications(app)
    shots: list[str] = []
    up = Upstream(demo)
    proxy.reset_counts()

    def shot() -> None:
        shots.append(app.export_screenshot().replace("&#160;", " "))

    async def create(name: str, action: str) -> PlanScreen:
        proxy.inject(action, "unreadable", times=1)
        request = NewUser(name=name, console=True, require_reset=True, access_key=True)
        app.run_worker(
            flows.create_user(app.state, app, request), group="flow", exit_on_error=False
        )
        await wait_for_screen(app, pilot, CreateUserScreen)
        await pilot.press("ctrl+s")
        await wait_for_screen(app, pilot, ReviewScreen)
        await pilot.press("ctrl+s")
        screen = await wait_for_screen(app, pilot, PlanScreen, 30)
        await wait_until(pilot, lambda: screen.result is not None and not screen.running, 30)
        shot()
        return screen

    async def keep(name: str) -> str:
        """k: keep the user; the credentials screen shows the password once. Its text."""
        await pilot.press("k")
        creds = await wait_for_screen(app, pilot, CredentialsScreen, 10)
        shot()
        await wait_until(pilot, lambda: creds.saved, 10)
        password = creds.credentials.password
        assert password and creds.query_one("#cred-password", CredentialField).value == password
        assert not creds.query("#cred-secret"), "a secret access key field, for a lost key"
        entry = vault.get(demo.account_id, name)
        assert entry is not None and entry.password == password, "not in the keyring"
        await pilot.press("escape")  # saved in the keyring: closes without asking
        await wait_for_screen(app, pilot, CreateUserScreen, 10)
        await pilot.press("escape")
        await wait_until(pilot, lambda: not flowing(), 10)
        return password

    def flowing() -> bool:
        return any(w.group == "flow" and not w.is_finished for w in app.workers)

    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_until(pilot, lambda: app.generation and not app.refreshing, 30)

            # CreateAccessKey: the key is made, its secret lost with the answer: deleted.
            name = Harness.name("unr-key")
            screen = await create(name, "iam:CreateAccessKey")
            text = plain(screen.query_one("#plan-steps", Static)) + plain(
                screen.query_one("#plan-summary", Static)
            )
            assert "iam:CreateAccessKey failed (UnreadableAnswer)" in text, text
            assert "the endpoint sent an unreadable answer" in text
            assert screen.result is not None
            lines = screen.result.exists_now
            assert lines[0] == f"user {name} exists, without access key", lines
            assert "with console password (to be changed at first sign-in)" in lines, lines
            assert lines[-1].startswith("access key AKIA") and lines[-1].endswith(SECRET_LOST)
            assert all(line in text for line in lines), "'exists now' is on screen"
            assert up.iam.list_access_keys(UserName=name)["AccessKeyMetadata"] == []
            assert up.user_has(name, "console password")
            await keep(name)
            assert up.user_has(name, "console password"), "kept"

            # CreateLoginProfile: the password acct-tui generated is in force: shown, kept.
            name = Harness.name("unr-login")
            screen = await create(name, "iam:CreateLoginProfile")
            assert screen.result is not None
            lines = screen.result.exists_now
            assert lines[0].startswith(f"user {name} exists, without "), lines
            assert "with console password (to be changed at first sign-in)" in lines, lines
            assert up.user_has(name, "console password")
            password = await keep(name)
            up.iam.get_login_profile(UserName=name)  # in force: the password shown is the one
            assert password not in "\n".join(shots), "the password is masked on screen"

            # CreateVirtualMFADevice: the device is made, its seed lost: deleted.
            name = Harness.name("unr-mfa")
            up.iam.create_user(UserName=name)
            proxy.inject("iam:CreateVirtualMFADevice", "unreadable", times=1)
            app.run_worker(
                flows.enroll_mfa(app.state, app, name), group="flow", exit_on_error=False
            )
            await wait_until(pilot, lambda: any(f"MFA for {name}" in n for n in notes), 30)
            shot()
            said = next(n for n in notes if f"MFA for {name}" in n)
            assert "the endpoint sent an unreadable answer" in said, said
            assert f"virtual MFA device {name}, but its seed was lost" in said, said
            assert "the device was deleted" in said, said
            devices = up.iam.list_virtual_mfa_devices()["VirtualMFADevices"]
            assert not [d for d in devices if d["SerialNumber"].endswith(f"/{name}")]
    finally:
        proxy.clear()
        logfile.stop(handler)
        root.setLevel(level)

    secrets = proxy.secrets()
    assert len(secrets) >= 3, "the key's secret, and the device's seed (as sent and as text)"
    log = path.read_text()
    assert "iam:CreateAccessKey" in log, "the log file was written"
    for where, text in (("screen", "\n".join(shots)), ("notification", "\n".join(notes))):
        for secret in secrets:
            assert secret not in text, f"a secret from an unreadable answer is on a {where}"
        for parser in PARSER_TEXT:
            assert parser not in text, f"botocore's parser message is on a {where}"
    for line in log.splitlines():
        assert not any(secret in line for secret in secrets), f"a secret in the log: {line}"
        assert not any(p in line for p in PARSER_TEXT), f"the unreadable body, logged: {line}"


# -- policy documents and user tags (issue 15) -----------------------------------------------------
INLINE_DOC = (
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'
)


async def drive_document(h: Harness, cell: Cell) -> None:
    """v on a policy: the document read fails; the notification names the action."""
    owner = h.name("doc")
    if cell.action == "iam:GetUserPolicy":
        flow = flows.view_policy(h.app.state, h.app, "user", owner, "p", True)
        h.iam.create_user(UserName=owner)
        h.iam.put_user_policy(UserName=owner, PolicyName="p", PolicyDocument=INLINE_DOC)
    elif cell.action == "iam:GetGroupPolicy":
        flow = flows.view_policy(h.app.state, h.app, "group", owner, "p", True)
        h.iam.create_group(GroupName=owner)
        h.iam.put_group_policy(GroupName=owner, PolicyName="p", PolicyDocument=INLINE_DOC)
    else:
        flow = flows.view_policy(h.app.state, h.app, "group", owner, READONLY_ARN, False)
    h.arm(cell)
    h.flow(flow, "document")
    cell.shown = await h.notification(cell.action, 30)
    await wait_until(h.pilot, lambda: not h.flows_running(), 30)
    h.purge_user(owner)
    h.purge_group(owner)


def drive_tags(names: Iterator[str]) -> Drive:
    async def drive(h: Harness, cell: Cell) -> None:
        name = next(names)
        h.arm(cell)
        h.flow(flows.edit_tags(h.app.state, h.app, name), "tags")
        form = await wait_for_screen(h.app, h.pilot, TagsScreen)
        await wait_until(h.pilot, lambda: len(form.query(Input)) == 4)
        rows = form.rows
        rows[0].query_one(".tag-value", Input).focus()
        await h.pilot.press("end", "backspace", "b")
        rows[1].query_one(".tag-key", Input).focus()
        await h.pilot.press("ctrl+r")
        await wait_until(h.pilot, lambda: len(form.rows) == 1)
        await h.pilot.press("ctrl+s")
        await wait_for_screen(h.app, h.pilot, ReviewScreen)
        await h.pilot.press("ctrl+s")
        screen = await plan_outcome(h, cell)

        def has(what: str) -> bool | None:
            now = {t["Key"]: t["Value"] for t in h.iam.list_user_tags(UserName=name)["Tags"]}
            if what == f"tags team of {name}":
                return now.get("team") == "b"
            if what == f"tags gone removed from {name}":
                return "gone" not in now
            return None

        if screen.is_attached and screen.result is not None and not screen.result.ok:
            # Rolling back a TagUser that may have happened puts the old value back: a
            # second TagUser, met by the same fault.
            cell.max_calls = 2 if cell.action == "iam:TagUser" and cell.fault != "denied" else 1
            check_exists_now(cell.problems, screen.result.exists_now, has)
            await rollback(h, cell, screen, has)
        h.purge_user(name)

    return drive


# -- day two: console passwords and new keys of existing users ------------------------------------
async def password_form_then_plan(h: Harness, cell: Cell) -> PlanScreen:
    await wait_for_screen(h.app, h.pilot, PasswordScreen)
    await h.pilot.press("ctrl+s")
    await wait_for_screen(h.app, h.pilot, ReviewScreen)
    await h.pilot.press("ctrl+s")
    return await plan_outcome(h, cell)


async def kept_password_is_shown(h: Harness, cell: Cell, name: str) -> None:
    """After ``k`` on a failed password plan whose password is (or may be) in force: the
    credentials screen shows it and the keyring holds it."""
    await h.pilot.press("k")
    await wait_until(
        h.pilot, lambda: isinstance(h.app.screen, CredentialsScreen | PasswordScreen), 10
    )
    if not isinstance(h.app.screen, CredentialsScreen):
        cell.problems.append("a console password may be in force, and it was never shown")
        return
    creds = h.app.screen
    password = creds.credentials.password
    field = creds.query("#cred-password")
    cell.check(bool(field) and bool(password), "the credentials screen has no password")
    await wait_until(h.pilot, lambda: creds.saved, 10)
    entry = h.app.state.vault.get(h.demo.account_id, name)
    cell.check(entry is not None and entry.password == password, "the password is not kept")
    await h.escape()
    await wait_for_screen(h.app, h.pilot, PasswordScreen, 10)


def drive_existing(names: Iterator[str]) -> Drive:
    async def drive(h: Harness, cell: Cell) -> None:
        name = next(names)
        state, action = h.app.state, cell.action

        def has(what: str) -> bool | None:
            return h.user_has(name, what)

        before = [
            k["AccessKeyId"] for k in h.iam.list_access_keys(UserName=name)["AccessKeyMetadata"]
        ]
        h.arm(cell)
        if action == "iam:CreateAccessKey":
            h.flow(flows.create_access_key(state, h.app, name), "new key")
            await wait_for_screen(h.app, h.pilot, ReviewScreen)
            await h.pilot.press("ctrl+s")
            screen = await plan_outcome(h, cell)
            assert screen.result is not None
            check_exists_now(cell.problems, screen.result.exists_now, has)
            keys = [
                k["AccessKeyId"] for k in h.iam.list_access_keys(UserName=name)["AccessKeyMetadata"]
            ]
            cell.check(set(before) <= set(keys), "a key the user had before was deleted")
            if cell.fault == "unreadable":
                cell.check(keys == before, f"a key whose secret was lost is left: {keys}")
            if not screen.result.ok:
                await h.pilot.press("k")
            return
        if action == "iam:DeleteLoginProfile":
            h.flow(flows.remove_password(state, h.app, name), "remove password")
            await wait_for_screen(h.app, h.pilot, ConfirmScreen)
            await h.pilot.press("y")
            screen = await plan_outcome(h, cell)
            assert screen.result is not None
            check_exists_now(cell.problems, screen.result.exists_now, has)
            if not screen.result.ok:
                await h.pilot.press("k")
            return
        reset = action == "iam:UpdateLoginProfile"
        flow = flows.reset_password if reset else flows.add_password
        h.flow(flow(state, h.app, name), "password")
        if action == "iam:GetLoginProfile":
            title = f"Console password of {name}"
            await wait_until(h.pilot, lambda: title in h.notes(), 30)
            cell.shown = h.notes()
            cell.check(
                not isinstance(h.app.screen, PasswordScreen), "a form opened without knowing"
            )
            return
        screen = await password_form_then_plan(h, cell)
        assert screen.result is not None
        check_exists_now(cell.problems, screen.result.exists_now, has)
        if screen.result.ok:
            return
        first = screen.result.reports[0].state
        if first in (StepState.DONE, StepState.UNKNOWN):
            await kept_password_is_shown(h, cell, name)
        else:
            await h.pilot.press("k")
            await wait_for_screen(h.app, h.pilot, PasswordScreen, 10)
            cell.check(not isinstance(h.app.screen, CredentialsScreen), "a refused password shown")
        await h.escape()

    return drive


async def test_faults_viewing_documents_and_editing_tags(
    proxy: FaultProxy, demo: DemoEndpoint
) -> None:
    tag_users = [Harness.name("tu") for _ in range(len(TAG_OPS) * len(APP_FAULTS))]

    async def prepare(h: Harness) -> None:
        for name in tag_users:
            tags = [{"Key": "team", "Value": "a"}, {"Key": "gone", "Value": "x"}]
            h.iam.create_user(UserName=name, Tags=tags)
        await h.refresh()

    cells = column_major(DOCUMENT_OPS, drive_document) + column_major(
        TAG_OPS, drive_tags(iter(tag_users))
    )
    await matrix(proxy, demo, cells, prepare=prepare)


def drive_last_used(names: Iterator[str]) -> Drive:
    async def drive(h: Harness, cell: Cell) -> None:
        name = next(names)
        key_id = h.iam.list_access_keys(UserName=name)["AccessKeyMetadata"][0]["AccessKeyId"]
        h.arm(cell)
        h.flow(flows.access_keys(h.app.state, h.app, name), "keys")
        screen = await wait_for_screen(h.app, h.pilot, AccessKeysScreen)
        note = screen.query_one("#keys-note", Static)
        await wait_until(h.pilot, lambda: cell.action in plain(note), 30)
        cell.shown = plain(note)
        row = screen.query_one("#keys-table").get_row(key_id)
        cell.check(str(row[3]) == "…", f"a last use it could not read is shown: {row[3:]}")
        await h.escape()

    return drive


async def test_faults_on_credentials_of_existing_users(
    proxy: FaultProxy, demo: DemoEndpoint
) -> None:
    ops = tuple(EXISTING_USER_OPS)
    users = {a: [Harness.name("xu") for _ in APP_FAULTS] for a in (*ops, *LAST_USED_OPS)}

    async def prepare(h: Harness) -> None:
        for action, names in users.items():
            for name in names:
                h.iam.create_user(UserName=name)
                h.iam.create_access_key(UserName=name)
                if action in ("iam:UpdateLoginProfile", "iam:DeleteLoginProfile"):
                    h.iam.create_login_profile(UserName=name, Password="Faults-pass-2026!")
        await h.refresh()

    cells = [
        (a, f, drive_existing(iter(users[a][n : n + 1])))
        for n, f in enumerate(APP_FAULTS)
        for a in ops
    ] + [
        (a, f, drive_last_used(iter(users[a][n : n + 1])))
        for n, f in enumerate(APP_FAULTS)
        for a in LAST_USED_OPS
    ]
    first = len(RESULTS)
    try:
        await matrix(proxy, demo, cells, prepare=prepare)
    finally:
        for result in RESULTS[first:]:
            result.site = EXISTING_USER_OPS.get(result.action, result.site)


# -- CIS control fixes: security contact, support role, expired certificates --------------------
# Operations only a rollback reaches (or only a lost answer): the step before them is faulted
# in the background so the plan gets there.
FIX_BACKGROUND = {
    "account:DeleteAlternateContact": {"account:PutAlternateContact": "reset"},
    "iam:GetRole": ROLE_LOST,
    "iam:DetachRolePolicy": {"iam:AttachRolePolicy": "reset"},
    "iam:DeleteRole": {"iam:AttachRolePolicy": "denied"},
}
ROLLED_BACK = ("account:DeleteAlternateContact", "iam:DetachRolePolicy", "iam:DeleteRole")


async def fix_plan(h: Harness, cell: Cell, has: Callable[[str], bool | None]) -> None:
    """The cell's plan fails; a rollback follows (its text is what is shown when the cell's
    operation is one only a rollback makes); then back to the form, or out."""
    screen = await plan_outcome(h, cell)
    if cell.action in ROLLED_BACK:
        await h.pilot.press("b")
        await wait_until(h.pilot, lambda: screen.rollback_result is not None, 30)
        await wait_until(h.pilot, lambda: not screen.running, 30)
        cell.shown = plain(screen.query_one("#plan-steps", Static)) + plain(
            screen.query_one("#plan-summary", Static)
        )
        assert screen.rollback_result is not None
        check_exists_now(cell.problems, screen.rollback_result.exists_now, has)
        await h.pilot.press("enter")
    elif screen.result is not None and not screen.result.ok:
        check_exists_now(cell.problems, screen.result.exists_now, has)
        await h.pilot.press("k")


async def drive_contact(h: Harness, cell: Cell) -> None:
    with contextlib.suppress(h.account.exceptions.ResourceNotFoundException):
        h.account.delete_alternate_contact(AlternateContactType="SECURITY")
    await h.refresh()
    h.arm(cell, background=FIX_BACKGROUND.get(cell.action))
    h.flow(control_fixes.security_contact(h.app.state, h.app), "security contact")
    form = await wait_for_screen(h.app, h.pilot, SecurityContactScreen)
    for field_id, value in (
        ("contact-name", "Faults Team"),
        ("contact-title", "Security"),
        ("contact-email", "sec@example.com"),
        ("contact-phone", "+1 555 0100"),
    ):
        form.query_one(f"#{field_id}", Field).input.value = value
    await h.pilot.press("ctrl+s")
    await wait_for_screen(h.app, h.pilot, ReviewScreen)
    await h.pilot.press("ctrl+s")

    def has(what: str) -> bool | None:
        return security_contact_name(h) == what.removeprefix("security contact ")

    await fix_plan(h, cell, has)
    with contextlib.suppress(h.account.exceptions.ResourceNotFoundException):
        h.account.delete_alternate_contact(AlternateContactType="SECURITY")


async def drive_role(h: Harness, cell: Cell) -> None:
    name = Harness.name("fr")
    h.arm(cell, background=FIX_BACKGROUND.get(cell.action))
    h.flow(control_fixes.support_role(h.app.state, h.app), "support role")
    form = await wait_for_screen(h.app, h.pilot, SupportRoleScreen)
    form.query_one("#role-name", Field).input.value = name
    await h.pilot.press("ctrl+s")
    await wait_for_screen(h.app, h.pilot, ReviewScreen)
    await h.pilot.press("ctrl+s")
    await fix_plan(h, cell, lambda what: role_has(h, name, what))
    purge_role(h, name)


async def drive_certificate(h: Harness, cell: Cell) -> None:
    name = Harness.name("fc")
    h.iam.upload_server_certificate(
        ServerCertificateName=name, CertificateBody=certificate(), PrivateKey=CERT_KEY
    )
    await h.refresh()
    h.arm(cell)
    h.flow(control_fixes.delete_certificates(h.app.state, h.app, (name,)), "certificates")
    await wait_for_screen(h.app, h.pilot, ConfirmScreen)
    await h.pilot.press("y")
    await fix_plan(h, cell, lambda what: certificate_exists(h, what.removeprefix("certificate ")))
    with contextlib.suppress(h.iam.exceptions.NoSuchEntityException):
        h.iam.delete_server_certificate(ServerCertificateName=name)


async def test_faults_on_control_fixes(proxy: FaultProxy, demo: DemoEndpoint) -> None:
    cells = (
        column_major(CONTACT_OPS, drive_contact)
        + column_major(ROLE_OPS, drive_role)
        + column_major(CERT_OPS, drive_certificate)
    )
    await matrix(proxy, demo, cells)
