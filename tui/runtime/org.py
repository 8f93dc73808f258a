"""The organization behind the Accounts view: its accounts, their reads, and which account's
console is open.

:class:`OrgSession` lists the organization and reads every member account in one thread
worker (:class:`tui.aws.org.OrgScan`: bounded, each account failing alone), keeps what the
view shows of each (the summary, never the whole posture), and publishes
:attr:`OrgSession.changed` on the UI thread, at most every REDRAW seconds while reads pour
in. :meth:`OrgSession.open` turns the five-pane console to a member account (a session
through the role, ``--read-only`` kept); :meth:`OrgSession.back` turns it back to the
caller's own account and reads that member again, so its row shows what was just fixed.

Turning the console to another account (:func:`switch_console`) forgets everything shown of
the one before: the posture, the managed-policy list, the Regions being polled (their
pollers hold the other account's session), the panes' rows.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from dataclasses import dataclass, replace
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.signal import Signal

from tui.aws.org import MemberAccount, MemberRead, Organization
from tui.aws.org_permissions import DEFAULT_CONCURRENCY, DEFAULT_ROLE

if TYPE_CHECKING:
    from tui.aws.errors import AwsError
    from tui.aws.org import OrgScan
    from tui.aws.service import AccountService
    from tui.state import AccountState

REDRAW = 0.2  # seconds between two redraws of the Accounts view while reads arrive


@dataclass(frozen=True)
class OrgOptions:
    """How to reach member accounts (``--org-role``, ``--org-external-id``,
    ``--org-concurrency``, or config.toml's ``[organization]``)."""

    role: str = DEFAULT_ROLE
    external_id: str | None = None
    concurrency: int = DEFAULT_CONCURRENCY
    open_at_start: bool = False  # --org: the Accounts view is the first screen


class OrgSession:
    """The organization as the Accounts view shows it (see the module's docstring)."""

    def __init__(self, app: App[Any], state: AccountState, options: OrgOptions) -> None:
        self._app = app
        self._state = state
        self.options = options
        self.changed: Signal[OrgSession] = Signal(app, "org-changed")
        self.management: AccountService | None = None
        """The caller's own service (the console's when the view first opened)."""
        self.organization: Organization | None = None
        self.error: AwsError | None = None  # the organization could not be listed
        self.reads: dict[str, MemberRead] = {}
        self.reading: set[str] = set()  # accounts with a read running
        self.listing = False
        self.member: MemberAccount | None = None  # whose console is open (None: the caller's)
        self.caller_account: str | None = None
        """The caller's own account (read with its own credentials, never through the role:
        the management account, or a delegated administrator's)."""
        self._stop = threading.Event()
        self._redraw_due = False
        # Reads are numbered as they start: one that ends after a newer one of the same
        # account (a scan's, after the account was read again) is dropped, never shown.
        self._started = 0
        self._scan_number = 0
        self._read_number: dict[str, int] = {}
        self._loop: asyncio.AbstractEventLoop | None = None

    # -- what the view shows ------------------------------------------------------------------
    @property
    def accounts(self) -> tuple[MemberAccount, ...]:
        return self.organization.accounts if self.organization else ()

    def progress(self) -> tuple[int, int]:
        """(accounts read, accounts in the organization)."""
        total = len(self.accounts)
        return total - len(self.reading & {a.id for a in self.accounts}), total

    @property
    def busy(self) -> bool:
        return self.listing or bool(self.reading)

    # -- reading ------------------------------------------------------------------------------
    def start(self) -> None:
        """List the organization and read every account (again), in a thread worker."""
        if self.member is None:
            self.management = self._state.service  # the console's identity now
        self._stop.set()  # a scan still running skips the accounts it has not started
        self._stop = threading.Event()
        self._loop = asyncio.get_running_loop()
        self._started += 1
        self._scan_number = number = self._started
        self.listing, self.error = True, None
        self._publish()
        stop = self._stop
        self._app.run_worker(
            lambda: self._list_and_scan(stop, number),
            name="org-scan",
            group="org-scan",
            description="Read the organization's accounts",
            exit_on_error=False,
            exclusive=True,
            thread=True,
        )

    def read_again(self, account_id: str) -> None:
        """Read one account again (after its console was open), in a thread worker."""
        account = next((a for a in self.accounts if a.id == account_id), None)
        if account is None:
            return
        self.reading.add(account_id)
        self._loop = asyncio.get_running_loop()
        self._started += 1
        self._read_number[account_id] = number = self._started
        self._publish()
        scan = self._scan()

        def read() -> None:
            try:
                self._arrived(scan.read(account), number)
            finally:
                self._call(self._read_ended, account_id, number)

        self._app.run_worker(
            read,
            name=f"org-{account_id}",
            group=f"org-{account_id}",
            description=f"Read account {account_id}",
            exit_on_error=False,
            exclusive=True,
            thread=True,
        )

    def _scan(self) -> OrgScan:
        from tui.aws.org import OrgScan

        assert self.management is not None
        options = self.options
        return OrgScan(
            self.management,
            role=options.role,
            external_id=options.external_id,
            concurrency=options.concurrency,
            caller_account=self.caller_account,
        )

    def _list_and_scan(self, stop: threading.Event, number: int) -> None:
        """(In a thread worker.) Who the caller is, the organization, then each account as
        it is read."""
        from tui.aws.org import OrgReader, OrgUnavailable

        assert self.management is not None
        caller = self.management.read_part("caller")
        if caller.value is None:
            assert caller.error is not None
            self._call(self._listed, None, caller.error, stop)
            return
        self.caller_account = caller.value.account_id
        try:
            organization = OrgReader(self.management.session).read()
        except OrgUnavailable as exc:
            self._call(self._listed, None, exc.error, stop)
            return
        self._call(self._listed, organization, None, stop)
        try:
            if not stop.is_set():
                arrived = partial(self._arrived, number=number)
                self._scan().scan(organization.accounts, arrived, stop)
        finally:
            self._call(self._scan_ended, stop)

    def _scan_ended(self, stop: threading.Event) -> None:
        """The scan is over, whole or not: an account it did not read is "not read" (never
        "reading…" forever, which would also hold back the idle collection)."""
        if stop is self._stop:
            self.reading.clear()
            self._publish()
        self._collect()

    def _read_ended(self, account_id: str, number: int) -> None:
        latest = self._read_number.get(account_id) == number
        if latest and account_id in self.reading:  # (it raised: never "reading…" forever)
            self.reading.discard(account_id)
            self._publish()
        self._collect()

    def _collect(self) -> None:
        """Reading accounts leaves reference cycles (botocore's clients): a full collection
        falls due, as after a refresh (tui/runtime/idle.py: once nothing happens)."""
        idle = getattr(self._app, "idle_gc", None)
        if idle is not None:
            idle.due()

    def _call(self, fn: Any, *args: Any) -> None:
        """(From a worker thread.) Run ``fn`` on the app's thread, without waiting for it
        (``call_from_thread`` waits: a read ending as the app closes would wait forever)."""
        loop = self._loop
        if loop is None or loop.is_closed() or not self._app.is_running:
            return
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
            loop.call_soon_threadsafe(self._app.call_later, fn, *args)

    def _listed(
        self, organization: Organization | None, error: AwsError | None, stop: threading.Event
    ) -> None:
        if stop is not self._stop:
            return  # a later start() took over
        self.listing = False
        self.error = error
        if organization is None:
            self.reading.clear()  # (a scan this one stopped left some: not read)
        else:
            self.organization = organization
            known = {a.id for a in organization.accounts}
            self.reads = {k: v for k, v in self.reads.items() if k in known}
            self.reading = set(known)
        self._publish()

    def _arrived(self, read: MemberRead, number: int) -> None:
        """(From a worker thread.) One account read: kept without its posture."""
        self._call(self._keep, replace(read, posture=None), number)

    def _keep(self, read: MemberRead, number: int) -> None:
        account = read.account.id
        if number < max(self._scan_number, self._read_number.get(account, 0)):
            return  # a newer read of this account started after this one: it will tell
        self.reads[account] = read
        self.reading.discard(account)
        self._publish()

    def _publish(self) -> None:
        """Tell the view, at most every REDRAW seconds (reads of 100 accounts pour in)."""
        if self._redraw_due:
            return
        self._redraw_due = True
        self._app.set_timer(REDRAW, self._redraw)

    def _redraw(self) -> None:
        self._redraw_due = False
        self.changed.publish(self)

    def stop(self) -> None:
        """No new account reads start (the app is closing)."""
        self._stop.set()

    # -- one key away --------------------------------------------------------------------------
    def open(self, account_id: str) -> MemberAccount | None:
        """Turn the console to ``account_id`` (through the role; the caller's own account
        with its own credentials). The account, or None when it cannot be opened."""
        account = next((a for a in self.accounts if a.id == account_id), None)
        if account is None or self.management is None:
            return None
        if self.member is None:
            # The console's identity now (it may have switched to a keyring key since the
            # organization was read): the one to come back to.
            self.management = self._state.service
        if account.id == self.caller_account:
            if self.member is not None:
                switch_console(self._app, self._state, self.management, None)
            self.member = None
            return account
        service = self._scan().service_for(account.id)
        switch_console(self._app, self._state, service, account.name or account.id)
        self.member = account
        return account

    def back(self) -> MemberAccount | None:
        """Turn the console back to the caller's own account; the member that was open
        (read again, so its row shows what changed)."""
        member, self.member = self.member, None
        if member is not None and self.management is not None:
            switch_console(self._app, self._state, self.management, None)
            self.read_again(member.id)
        return member


def switch_console(
    app: App[Any], state: AccountState, service: AccountService, member: str | None
) -> None:
    """Show the five panes for the account ``service`` acts in, read from scratch; the
    header names the ``member`` account (None: the caller's own)."""
    from tui.aws.models import Posture

    for worker in app.workers:
        if worker.group.startswith("region-"):
            worker.cancel()  # a poller holds the other account's session
    console: Any = app
    moving = console.region_watch.changing()
    if moving:
        state.notify(
            f"{', '.join(moving)} still changing: acct-tui stops watching it here (AWS goes "
            "on); that account's console shows where it is.",
            title="Regions",
        )
    console.region_watch.forget()
    console.main.header.member = member
    state.use_service(service, fresh=Posture())
    console.main.reset_panes()
