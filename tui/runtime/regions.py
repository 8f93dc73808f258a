"""RegionWatcher: polls the Regions being enabled or disabled until they settle."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.worker import get_current_worker

from tui.aws import clock
from tui.aws.models import RegionList, RegionStatus
from tui.runtime.messages import RegionPolled
from tui.runtime.workers import failure_text, in_background

if TYPE_CHECKING:
    from tui.state import AccountState


@dataclass(frozen=True)
class RegionTimes:
    """A copy of what the watcher knows, for rows built off the UI thread."""

    since: Mapping[str, float] = field(default_factory=dict)
    """Regions in transit → when acct-tui started watching them (clock.monotonic)."""
    unwatched: frozenset[str] = frozenset()
    """Regions whose watch stopped on an error: their status may be out of date."""


class RegionWatcher:
    """One thread worker per Region in transit; each poll arrives as a :class:`RegionPolled`."""

    def __init__(self, app: App[Any], state: AccountState, redraw: Callable[[], None]) -> None:
        self._app = app
        self._state = state
        self._redraw = redraw  # the Regions pane, from the posture on screen
        self._since: dict[str, float] = {}
        self._unwatched: set[str] = set()
        self.epoch = 0  # bumped when the console turns to another account

    def times(self) -> RegionTimes:
        return RegionTimes(dict(self._since), frozenset(self._unwatched))

    def moving(self) -> bool:
        """Whether some Region is being watched (its elapsed time ticks on screen)."""
        return bool(self._since)

    def forget(self) -> None:
        """Stop watching every Region (the console turned to another account)."""
        self.epoch += 1
        self._since.clear()
        self._unwatched.clear()

    def watch(self, code: str) -> None:
        """Poll ``code`` (ENABLING/DISABLING) in the background until it settles."""
        self._since.setdefault(code, clock.monotonic())
        poll = partial(self._poll, code)
        in_background(self._app, poll, f"region-{code}", f"Poll the opt-in status of {code}")

    def read(self, listing: RegionList | None) -> None:
        """The Regions part was read: watch every Region it shows in transit."""
        if listing is None:
            return
        self._unwatched.clear()
        if listing.source != "account":
            return
        moving = (RegionStatus.ENABLING, RegionStatus.DISABLING)
        for region in listing.regions:
            if region.status in moving and region.code not in self._since:
                self.watch(region.code)

    def _poll(self, code: str) -> None:
        from tui.aws.regions import poll_delays, settled

        worker = get_current_worker()
        epoch = self.epoch
        writer = self._state.service.regions_writer
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
                    failed = RegionPolled(code, "", True, failure_text(exc), epoch)
                    self._app.post_message(failed)
                return
            if worker.is_cancelled:
                return
            done = settled(status)
            self._app.post_message(RegionPolled(code, status.value, done, epoch=epoch))
            if done:
                return

    def polled(self, message: RegionPolled) -> None:
        """Show what a poll found (on the UI thread)."""
        from tui.panes.format import elapsed

        state = self._state
        if message.epoch != self.epoch:
            return  # polled in the account the console showed before
        if message.error is not None:
            self._since.pop(message.code, None)
            self._unwatched.add(message.code)
            self._redraw()
            state.notify(message.error, title=f"Region {message.code}", severity="error")
            return
        self._unwatched.discard(message.code)
        status = RegionStatus(message.status)
        state.apply_posture(state.posture.with_region_status(message.code, status))
        if message.settled:
            since = self._since.pop(message.code, None)
            took = f" after {elapsed(clock.monotonic() - since)}" if since else ""
            state.notify(f"{message.code} is now {message.status}{took}.", title="Regions")
