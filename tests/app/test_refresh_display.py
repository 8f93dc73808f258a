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
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.app import make_app
from tests.support.pilot import iam, loaded, wait_until
from tests.support.render import cells_text, screen_cells
from tui.app import AcctApp
from tui.demo import DemoEndpoint
from tui.panes.base import TablePane
from tui.runtime import memory
from tui.runtime.memory import limit_arenas, release_free_memory


class Gate:
    """Holds back the reads of ``part`` until :meth:`open` (or 30 s)."""

    def __init__(self, app: AcctApp, part: str) -> None:
        self.part = part
        self.released = threading.Event()
        self.waiting = threading.Event()
        read = app.service.read_part

        def gated(name: str) -> Any:
            if name == part:
                self.waiting.set()
                self.released.wait(30)
            return read(name)

        app.service.read_part = gated  # type: ignore[method-assign]

    def open(self) -> None:
        self.released.set()


@pytest.fixture
def gates() -> Iterator[list[Gate]]:
    made: list[Gate] = []
    yield made
    for gate in made:  # never leave a worker thread waiting
        gate.open()


def users_shown(app: AcctApp) -> list[str]:
    return app.query_one("#users", TablePane).visible_keys()


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
    app.HOLD_DISPLAY = 60.0  # (however slow this machine, the hold is not what ends here)
    if large:
        # The path of a 5,000-user account: rows built in a worker, shown with the rest.
        app.derive_threshold = 0
    user = f"arrived-together-{'large' if large else 'small'}"
    async with app.run_test(size=(160, 50)) as pilot:
        await loaded(app, pilot)
        iam(demo).create_user(UserName=user)
        gates.append(gate := Gate(app, "regions"))
        await pilot.press("r")
        # The new user has been read, but the Regions part is still out: the screen
        # keeps the previous posture whole.
        await wait_until(pilot, lambda: user in users_read(app), 20)
        await pilot.pause(0.3)
        assert app.refreshing
        assert user not in users_shown(app)
        gate.open()
        await wait_until(pilot, lambda: not app.refreshing, 20)
        assert user in users_shown(app)


async def test_a_slow_part_holds_the_rest_back_only_so_long(
    demo: DemoEndpoint, gates: list[Gate]
) -> None:
    app = make_app(demo, read_only=True)
    app.HOLD_DISPLAY = 1.0
    async with app.run_test(size=(160, 50)) as pilot:
        await loaded(app, pilot)
        iam(demo).create_user(UserName="shown-after-the-hold")
        gates.append(gate := Gate(app, "regions"))
        started = time.monotonic()
        await pilot.press("r")
        await wait_until(pilot, lambda: "shown-after-the-hold" in users_shown(app), 20)
        # Shown by the hold's end, with the Regions read still out.
        assert time.monotonic() - started >= 1.0
        assert app.refreshing and not gate.released.is_set()
        gate.open()
        await wait_until(pilot, lambda: not app.refreshing, 20)
        assert "shown-after-the-hold" in users_shown(app)


async def test_full_collections_wait_for_a_quiet_moment(demo: DemoEndpoint) -> None:
    full: list[float] = []

    def watch(phase: str, info: dict[str, int]) -> None:
        if phase == "stop" and info["generation"] == 2:
            full.append(time.monotonic())

    app = make_app(demo, read_only=True)
    app.IDLE_COLLECT = 0.6
    gc.callbacks.append(watch)
    try:
        async with app.run_test(size=(160, 50)) as pilot:
            await loaded(app, pilot)
            # Not by themselves: the threshold of the oldest generation is out of reach.
            assert gc.get_threshold()[2] >= 1_000_000
            await wait_until(pilot, lambda: app.last_collect_seconds is not None, 10)
            # A refresh makes one due; keys keep arriving, so it waits for them to stop.
            app.last_collect_seconds = None
            full.clear()
            await pilot.press("r")
            await wait_until(pilot, lambda: not app.refreshing, 20)
            typing_until = time.monotonic() + 1.5
            while time.monotonic() < typing_until:
                await pilot.press("down")
                await pilot.pause(0.1)
            assert full == [], "a full collection ran while keys were arriving"
            await wait_until(pilot, lambda: app.last_collect_seconds is not None, 10)
            assert len(full) == 1
            # (A rule, not a speed: it ran no sooner than IDLE_COLLECT after the last key.)
            assert full[0] - app._last_input >= app.IDLE_COLLECT
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
