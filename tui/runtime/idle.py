"""Full garbage collections only when nothing happens, then memory back to the system.

While a large account is parsed, hundreds of thousands of short-lived objects (XML
elements, response dicts) are alive at once, and a 5,000-user posture is a few hundred
thousand more that live until the next refresh. An automatic full collection walks them
all: 70–100 ms with the interpreter held, at whatever moment an allocation crosses the
threshold, typically mid-frame, right as the new rows are drawn. Those objects are freed by
reference counting anyway; only reference cycles need a full collection. So from the first
refresh on, full collections are never automatic: one falls due when a refresh ends, and
runs once nothing has happened for IDLE_COLLECT seconds (no key, no mouse, no refresh
ending: the user is reading, nothing moves) and nothing is being read; at the latest
COLLECT_WITHIN seconds after it fell due, so memory stays bounded for a user who never
pauses. Young collections still run. What the collection and the refresh freed then goes
back to the system (tui/runtime/memory.py). The first one freezes what was loaded to get
there (modules, botocore's service models, the widgets), out of every later collection's way.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import Any

from textual.app import App


class IdleCollector:
    """Owns the collector's oldest generation from the first refresh until the app ends."""

    IDLE_COLLECT = 2.0
    COLLECT_WITHIN = 60.0

    def __init__(self, app: App[Any], busy: Callable[[], bool]) -> None:
        self._app = app
        self._busy = busy  # a read or a row build is running: not now
        self._thresholds: tuple[int, int, int] | None = None
        self._frozen = False
        self._due_since: float | None = None
        self._quiet_from = 0.0
        self.last_input = 0.0
        """When the last key or mouse event arrived (time.monotonic)."""
        self.last_collect_seconds: float | None = None
        """How long the last idle full collection took (the benchmark reports it)."""

    def own_full_collections(self) -> None:
        """From now on, full collections run only in :meth:`_collect_when_idle`."""
        if self._thresholds is None:
            self._thresholds = gc.get_threshold()
            first, second, _ = self._thresholds
            gc.set_threshold(first, second, 1_000_000_000)
            self._app.set_interval(self.IDLE_COLLECT / 4, self._collect_when_idle, name="gc")

    def input_seen(self) -> None:
        self.last_input = time.monotonic()

    def due(self) -> None:
        """A refresh is over (or waits for the user): a full collection is due."""
        now = time.monotonic()
        self._quiet_from = now
        if self._due_since is None:
            self._due_since = now

    def _collect_when_idle(self) -> None:
        due = self._due_since
        if due is None or self._busy():
            return
        now = time.monotonic()
        quiet = now - max(self.last_input, self._quiet_from) >= self.IDLE_COLLECT
        if not quiet and now - due < self.COLLECT_WITHIN:
            return
        self._due_since = None
        started = time.perf_counter()
        gc.collect()
        if not self._frozen:
            # Once. (A screen open now, such as Getting started, is frozen with the rest:
            # once closed, its cycles are never collected, a one-off ~3,000 objects and
            # ~400 KB for the guide. Not freezing, every later collection walked botocore's
            # models and all the modules again: 150–180 ms at any account size.)
            self._frozen = True
            gc.freeze()
        from tui.runtime.memory import release_free_memory

        release_free_memory()
        self.last_collect_seconds = time.perf_counter() - started

    def restore(self) -> None:
        """Leave the collector as found: its thresholds back, and nothing of this app kept
        frozen (tests run many apps in one process)."""
        if self._thresholds is not None:
            gc.set_threshold(*self._thresholds)
            self._thresholds = None
        if self._frozen:
            gc.unfreeze()
