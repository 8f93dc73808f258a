"""How a refresh reaches the screen, and what the app does with memory afterwards.

- the first read shows each part as it arrives (a still "Reading the account…" until then);
- a later refresh keeps the account on screen until the whole new posture is in, then shows
  it at once (at most ``HOLD_DISPLAY`` seconds later, if a part is slow);
- full garbage collections wait until nothing happens; the C allocator's free memory goes
  back to the system.

Reads are real (the demo account over HTTP); a :class:`Gate` only holds one part's read
back until the test lets it go.
"""

from __future__ import annotations

import gc
import threading
import time
from types import SimpleNamespace

import pytest

import tui.runtime.idle as idle_module
from tests.support.app import make_app
from tests.support.gates import Gate
from tests.support.pilot import iam, loaded, wait_until
from tests.support.render import cells_text, screen_cells
from tui.app import AcctApp
from tui.demo import DemoEndpoint
from tui.panes.base import TablePane
from tui.runtime import memory
from tui.runtime.memory import limit_arenas, release_free_memory


def users_shown(app: AcctApp) -> list[str]:
    return app.query_one("#users", TablePane).visible_keys()


def settled_but_for(app: AcctApp, part: str) -> bool:
    """Nothing the app started is still running but the gated read of ``part`` (and the
    polls of Regions in transit, which live until those Regions settle)."""
    return all(
        w.is_finished or w.group == f"part-{part}" or w.group.startswith("region-")
        for w in app.workers
    )


def users_read(app: AcctApp) -> set[str]:
    details = app.posture.details.value
    return {user.name for user in details.users} if details is not None else set()


async def test_first_read_shows_parts_as_they_arrive(demo: DemoEndpoint, gates: list[Gate]) -> None:
    app = make_app(demo, read_only=True)
    gates.append(gate := Gate(app, "regions"))
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_until(pilot, lambda: users_shown(app) != [], 20)
        # Users are on screen while the Regions read is held back; the Regions pane says
        # why it is empty, in still text (no animation streaming redraws over SSH).
        assert app.refreshing and gate.waiting.is_set()
        assert "bob" in users_shown(app)
        text = cells_text(screen_cells(app))
        assert "Reading the account…" in text
        gate.open()
        await loaded(app, pilot)
        assert "Reading the account…" not in cells_text(screen_cells(app))


@pytest.mark.parametrize("large", [False, True], ids=["small", "large"])
async def test_a_refresh_shows_the_new_posture_at_once(
    demo: DemoEndpoint, gates: list[Gate], large: bool
) -> None:
    app = make_app(demo, read_only=True)
    app.reads.HOLD_DISPLAY = 60.0  # (however slow this machine, the hold is not what ends here)
    if large:
        # The path of a 5,000-user account: rows built in a worker, shown with the rest.
        app.pipeline.threshold = 0
    user = f"arrived-together-{'large' if large else 'small'}"
    async with app.run_test(size=(160, 50)) as pilot:
        await loaded(app, pilot)
        iam(demo).create_user(UserName=user)
        gates.append(gate := Gate(app, "regions"))
        await pilot.press("r")
        # The new user has been read, but the Regions part is still out: the screen
        # keeps the previous posture whole.
        await wait_until(
            pilot, lambda: user in users_read(app) and settled_but_for(app, "regions"), 20
        )
        await pilot.pause()
        assert app.refreshing
        assert user not in users_shown(app)
        gate.open()
        await wait_until(pilot, lambda: not app.refreshing, 20)
        assert user in users_shown(app)


async def test_a_slow_part_holds_the_rest_back_only_so_long(
    demo: DemoEndpoint, gates: list[Gate]
) -> None:
    app = make_app(demo, read_only=True)
    app.reads.HOLD_DISPLAY = 1.0
    # At each end of a hold: was the new user on screen already? (The hold ends on a timer
    # the app sets; its handler is wrapped to look at the screen just before it runs.)
    shown_at_expiry: list[bool] = []
    hold_expired = app.reads._hold_expired

    def expiring(generation: int) -> None:
        shown_at_expiry.append("shown-after-the-hold" in users_shown(app))
        hold_expired(generation)

    app.reads._hold_expired = expiring  # type: ignore[method-assign]
    async with app.run_test(size=(160, 50)) as pilot:
        await loaded(app, pilot)
        iam(demo).create_user(UserName="shown-after-the-hold")
        gates.append(gate := Gate(app, "regions"))
        await pilot.press("r")
        await wait_until(pilot, lambda: "shown-after-the-hold" in users_shown(app), 20)
        # Shown when the hold ended, not before, with the Regions read still out.
        assert shown_at_expiry == [False]
        assert app.refreshing and not gate.released.is_set()
        gate.open()
        await wait_until(pilot, lambda: not app.refreshing, 20)
        assert "shown-after-the-hold" in users_shown(app)


class ManualClock:
    """The app's ``time.monotonic``, moved only by the test: "quiet for N seconds" is then
    exact, however busy the machine."""

    def __init__(self) -> None:
        self.now = time.monotonic()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


async def test_full_collections_wait_for_a_quiet_moment(
    demo: DemoEndpoint, monkeypatch: pytest.MonkeyPatch
) -> None:
    full: list[int] = []

    def watch(phase: str, info: dict[str, int]) -> None:
        if phase == "stop" and info["generation"] == 2:
            full.append(2)

    clock = ManualClock()
    fake_time = SimpleNamespace(monotonic=clock, perf_counter=time.perf_counter, sleep=time.sleep)
    monkeypatch.setattr(idle_module, "time", fake_time)
    app = make_app(demo, read_only=True)
    app.idle_gc.IDLE_COLLECT = 0.6
    # Each run of the idle check (a timer every IDLE_COLLECT / 4), counted.
    checks = [0]
    collect_when_idle = app.idle_gc._collect_when_idle

    def counted() -> None:
        collect_when_idle()
        checks[0] += 1

    app.idle_gc._collect_when_idle = counted  # type: ignore[method-assign]

    async def checked(times: int = 2) -> None:
        """Until the idle check has run ``times`` more times."""
        target = checks[0] + times
        await wait_until(pilot, lambda: checks[0] >= target, 20)

    gc.callbacks.append(watch)
    try:
        async with app.run_test(size=(160, 50)) as pilot:
            await loaded(app, pilot)
            # Not by themselves: the threshold of the oldest generation is out of reach.
            assert gc.get_threshold()[2] >= 1_000_000
            # (A little more than IDLE_COLLECT: adding exactly that to the clock's reading can
            # round to a hair less, and then no collection is due yet.)
            clock.advance(app.idle_gc.IDLE_COLLECT * 1.1)
            await wait_until(pilot, lambda: app.idle_gc.last_collect_seconds is not None, 10)
            # A refresh makes one due; keys keep arriving, so it waits for them to stop.
            app.idle_gc.last_collect_seconds = None
            full.clear()
            await pilot.press("r")
            await wait_until(pilot, lambda: not app.refreshing, 20)
            for _ in range(6):  # a key every half IDLE_COLLECT, each seen by the check
                clock.advance(app.idle_gc.IDLE_COLLECT / 2)
                await pilot.press("down")
                await checked()
            assert full == [], "a full collection ran while keys were arriving"
            clock.advance(app.idle_gc.IDLE_COLLECT * 0.9)  # quiet, not yet long enough
            await checked()
            assert full == [], "a full collection ran before IDLE_COLLECT of quiet"
            clock.advance(app.idle_gc.IDLE_COLLECT * 0.2)
            await wait_until(pilot, lambda: app.idle_gc.last_collect_seconds is not None, 10)
            assert len(full) == 1
    finally:
        gc.callbacks.remove(watch)
    # The app leaves the collector as it found it.
    assert gc.get_threshold()[2] < 1_000_000
    assert gc.get_freeze_count() == 0


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096 / 2**20


@pytest.mark.skipif(not memory.available(), reason="needs glibc's mallopt and malloc_trim")
def test_freed_memory_goes_back_to_the_system() -> None:
    limit_arenas()
    survivors: list[bytes] = []

    # What a worker thread does during a refresh: many objects too large for Python's own
    # allocator (1 KiB each, 200 MiB in all), freed but for a few that outlive the refresh
    # (one in 64, scattered: the heap cannot simply shrink from its end).
    def churn() -> None:
        blocks = [bytes(1024) + bytes([i % 256]) for i in range(200 * 1024)]
        survivors.extend(blocks[::64])
        del blocks

    before = _rss_mb()
    thread = threading.Thread(target=churn)
    thread.start()
    thread.join()
    kept = _rss_mb()
    release_free_memory()
    after = _rss_mb()
    # glibc keeps most of it for later; after the trim the process is back near its size.
    assert kept - after > 100, (before, kept, after)
    assert after - before < 50, (before, kept, after)
