"""Reads: every part of the posture read in its own thread worker, one generation per ``r``.

Once a whole posture is on screen, a refresh keeps it there until every part of the new
one is in (at most HOLD_DISPLAY seconds), then shows it all at once; for a large account,
once the tables' rows are built too. Showing each part as it arrives would redraw every
pane several times while the other reads are still parsing in worker threads, and each
redraw would wait for the interpreter behind them (a 40 ms frame took 100–150 ms at 5,000
users). A snapshot at once also never shows this refresh's users beside the last
refresh's credential report. (The first read still shows each part as it arrives: there is
nothing older to keep on screen.)

The panes' titles say how far a refresh is ("reading 3/15 parts…") from the moment ``r`` is
pressed, and afterwards how old what they show is ("read 40 s ago", on the app's clock, so
a frozen screenshot says "read just now"): one interval timer every AGE_TICK seconds, which
touches the titles only when their text changes (never the tables).
"""

from __future__ import annotations

import time
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.worker import get_current_worker

from tui.aws import clock
from tui.aws.models import PART_NAMES, Posture
from tui.runtime.messages import PartLoaded, RefreshFinished
from tui.runtime.workers import in_background

if TYPE_CHECKING:
    from tui.runtime.display import Display
    from tui.runtime.idle import IdleCollector
    from tui.runtime.regions import RegionWatcher
    from tui.state import AccountState


class Reads:
    """The refresh cycle: generations, reads in flight, the hold, the end of a refresh."""

    HOLD_DISPLAY = 5.0
    AGE_TICK = 5.0  # how often "read N s ago" is brought up to date

    def __init__(
        self,
        app: App[Any],
        state: AccountState,
        display: Display,
        regions: RegionWatcher,
        idle: IdleCollector,
    ) -> None:
        self._app = app
        self._state = state
        self._display = display
        self._regions = regions
        self._idle = idle
        self.generation = 0
        self.refreshing = False
        self.last_refresh_seconds: float | None = None
        self.asking_mfa = False
        self._started = 0.0
        self._pending: set[str] = set()
        self._reading: set[str] = set()  # parts with a read running
        self._reread: set[str] = set()  # parts to read again once that read returns
        self._holding = False  # parts arriving now wait for the others (_display_held)
        self._held: set[str] = set()
        self._read_at: float | None = None  # when the last refresh finished (clock.monotonic)
        self._ageing = False  # the AGE_TICK timer runs (started once, at the first finish)

    def refresh(self) -> None:
        """Read every part of the posture again, each in its own thread worker.

        A part whose read is still running is not read twice at once: it is read once
        more when that read returns. So a burst of ``r`` costs at most two reads per part
        (a running thread cannot be stopped, only its result ignored).
        """
        self.generation += 1
        self.refreshing = True
        self._started = time.monotonic()
        self._idle.own_full_collections()
        self._pending = set(PART_NAMES)
        self._show_progress()
        # The whole posture is on screen: swap it at once (else, another account or the
        # first read: each part as it arrives).
        self._holding = all(getattr(self._state.posture, name).loaded for name in PART_NAMES)
        if self._holding:
            self._app.set_timer(self.HOLD_DISPLAY, partial(self._hold_expired, self.generation))
        # (Panes show "loading" from mount until their first part arrives; later
        # refreshes keep the old data on screen until the new data arrives.)
        for name in PART_NAMES:
            if name in self._reading:
                self._reread.add(name)
            else:
                self._read(name)

    def _read(self, name: str) -> None:
        self._reading.add(name)
        read = partial(self._read_part, name, self.generation)
        in_background(self._app, read, f"part-{name}", f"Read the {name} part of the posture")

    def _read_part(self, name: str, generation: int) -> None:
        part = self._state.service.read_part(name)
        if not get_current_worker().is_cancelled:
            self._app.post_message(PartLoaded(name, part, generation))

    def part_loaded(self, message: PartLoaded) -> None:
        """A part arrived (on the UI thread): keep it, and show it now or with the rest."""
        self._reading.discard(message.name)
        if message.name in self._reread:
            # Read before the latest refresh began: read it again and show that instead.
            self._reread.discard(message.name)
            self._read(message.name)
            return
        if message.generation != self.generation or not self._app.is_running:
            return  # an older refresh finished late, or the app is shutting down
        error = message.part.error
        if error is not None and error.code == "MfaTokenRequired":
            self._ask_mfa_token(error.message)
            return
        state = self._state
        state.posture = state.posture.with_part(message.name, message.part)
        if message.name == "regions":
            self._regions.read(state.posture.regions.value)
        self._pending.discard(message.name)
        self._show_progress()
        self._held.add(message.name)
        if not self._holding or not self._pending:
            self._display_held()
        self.maybe_finish()

    def show_all(self, posture: Posture) -> None:
        """Show ``posture`` (a change acct-tui made, a Region poll): at once, unless a
        refresh holds the screen, which would then show its parts read so far beside the
        earlier ones; then with the rest of the refresh."""
        if self._holding:
            self._held |= set(PART_NAMES)
            return
        self._display.show_all(posture)

    def _display_held(self) -> None:
        """Show the parts that arrived and are not on screen yet."""
        self._holding = False
        names, self._held = self._held, set()
        if names:
            self._display.show_parts(names)

    def _hold_expired(self, generation: int) -> None:
        if generation == self.generation and self._holding:
            self._display_held()
            self.maybe_finish()

    def maybe_finish(self) -> None:
        """Post :class:`RefreshFinished` once every part is in and every pane shows it."""
        if self.refreshing and not self._pending and not self._display.deriving:
            self.refreshing = False
            self.last_refresh_seconds = time.monotonic() - self._started
            # The age of what is on screen; none when every read failed (AWS was not
            # reached: the panes say why, and nothing shown is "read").
            posture = self._state.posture
            answered = any(getattr(posture, n).error is None for n in PART_NAMES)
            self._read_at = clock.monotonic() if answered else None
            self._show_age()
            if not self._ageing:
                self._ageing = True
                self._app.set_interval(self.AGE_TICK, self._show_age, name="read age")
            self._app.post_message(RefreshFinished(self.generation, self.last_refresh_seconds))
            self._idle.due()

    def _show_progress(self) -> None:
        done = len(PART_NAMES) - len(self._pending)
        self._display.show_freshness(f"reading {done}/{len(PART_NAMES)} parts…")

    def _show_age(self) -> None:
        """How old the posture on screen is, in the panes' titles (unless a refresh is
        running: that shows its progress)."""
        if self.refreshing:
            return
        if self._read_at is None:
            self._display.show_freshness("")
            return
        self._display.show_freshness(age_text(clock.monotonic() - self._read_at))

    def _ask_mfa_token(self, prompt: str) -> None:
        self._idle.due()  # the refresh waits for the user, for however long
        if self.asking_mfa:
            return
        self.asking_mfa = True
        from tui.screens.dialogs.mfa_token import MfaTokenScreen

        def answered(token: str | None) -> None:
            self.asking_mfa = False
            if token:
                self._state.service.set_mfa_token(token)
                self.refresh()
            else:
                self._state.notify(
                    "No MFA code: acct-tui cannot read the account.", severity="error"
                )

        self._app.push_screen(MfaTokenScreen(prompt), answered)


def age_text(seconds: float) -> str:
    """How old a read is, in words that change at most every few seconds."""
    if seconds < 5:
        return "read just now"
    if seconds < 60:
        return f"read {int(seconds) // 5 * 5} s ago"
    if seconds < 3600:
        return f"read {int(seconds // 60)} min ago"
    return f"read {int(seconds // 3600)} h ago"
