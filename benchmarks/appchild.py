"""The app side of the benchmark, run by ``benchmarks/bench.py`` in its own process.

Each measurement that concerns a process as a whole (peak RSS, start-up) runs in a fresh
interpreter, so the numbers are the app's own and not the benchmark driver's.

Modes (one JSON object per line on stdout):

``app --endpoint-url URL``
    Runs the real :class:`tui.app.AcctApp` headless (``run_test``, 160×50: all five panes
    side by side) against the benchmark server, with a 10 ms ``set_interval`` timer on the
    UI thread whose tick times give the event loop's stalls. Prints ``{"event": "ready",
    ...}`` once the first refresh (started by the app on mount) has finished, then answers
    one line per command read from stdin:

    - ``refresh``: resets the app's call counter, calls ``action_refresh()`` (what ``r``
      does) and waits for the app's :class:`tui.runtime.messages.RefreshFinished` message (all parts
      in, all panes populated); answers the wall time, the app's own ``last_refresh_seconds``,
      the calls by operation and the timer gaps over the refresh;
    - ``filter``: focuses the Users pane (``2``), opens its filter (``/``) and types
      ``user-4`` key by key with ``pilot.press`` (30 ms apart, a fast typist), then clears it
      (``escape``); answers the timer gaps while typing and while clearing;
    - ``quit``: answers the peak RSS of this process (``ru_maxrss``) and the length of
      every full garbage collection since start (ms; the app runs them when idle, outside
      the windows above), and exits.

``org --endpoint-url URL [--concurrency 8]``
    The same app over an organization's management account (``benchmarks/orgbench.py``).
    Prints ``{"event": "ready", ...}`` (with the peak RSS) once the first refresh has
    finished, then per ``scan`` line: resumes the 10 ms timer, starts the organization's
    read (``OrgSession.start()``; the first time it also opens the Accounts view, as ``o``
    does, later ones are what ``r`` does there), waits for the view's ``changed`` signal
    that comes once every account's row is in (its redraws are throttled to one per
    0.2 s), lets that frame render, and answers the wall time, the
    timer gaps, the UI thread's CPU time over that window (``time.thread_time()`` on the
    event loop's thread), the rows read and failed, the peak RSS and the RSS left after a
    full collection. ``quit`` as above.

``firstframe --kind acct|minimal [--endpoint-url URL]``
    Starts AcctApp (or a minimal Textual app: one Label) and prints
    ``time.monotonic()`` when Textual posts ``events.Ready`` ("the DOM is ready and the
    first frame has been displayed"). CLOCK_MONOTONIC is system-wide on Linux, so the
    parent subtracts the time it spawned this process: interpreter start and imports count.

``bare [--clients]``
    A minimal Textual app (one Label) in a process that also imports boto3 (and, with
    ``--clients``, builds the STS, IAM and Account clients the app builds); prints its peak
    RSS once the first frame is up: the baseline for the app's memory.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import resource
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

# The app is built by the tests' own factory (tests/support/app.py).
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SIZE = (160, 50)
TICK = 0.010
FILTER_TEXT = "user-4"
KEY_GAP = 0.030
REFRESH_TIMEOUT = 600.0


def emit(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def rss_kept_mb() -> float:
    """The resident set once the app's idle collection has run (tui/runtime/idle.py: a
    full collection, then free memory back to the system)."""
    from tui.runtime.memory import release_free_memory

    gc.collect()
    release_free_memory()
    return rss_mb()


def rss_mb() -> float:
    """The current resident set (Linux), after a full collection."""
    gc.collect()
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024


def peak_rss_mb() -> float:
    # Linux reports ru_maxrss in KiB.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def gap_stats(ticks: Sequence[float], start: float, end: float) -> dict[str, Any]:
    """Largest and 99th-percentile gap (ms) between ticks in [start, end], edges included.

    A free event loop shows gaps of ~10 ms (the timer's period); anything longer is the
    loop being busy (or the GIL held by another thread).
    """
    points = [start, *(t for t in ticks if start < t < end), end]
    spans = [((a - start) * 1000, (b - a) * 1000) for a, b in zip(points, points[1:], strict=False)]
    gaps = sorted(gap for _, gap in spans)
    if not gaps:
        return {"max_ms": 0.0, "p99_ms": 0.0, "ticks": 0, "window_ms": 0.0, "largest": []}
    p99 = gaps[min(len(gaps) - 1, max(0, round(0.99 * len(gaps)) - 1))]
    largest = sorted(spans, key=lambda span: span[1], reverse=True)[:3]
    return {
        "max_ms": round(gaps[-1], 2),
        "p99_ms": round(p99, 2),
        "ticks": len(points) - 2,
        "window_ms": round((end - start) * 1000, 1),
        # The three longest gaps as [ms into the window when it began, its length in ms].
        "largest": [[round(at, 1), round(gap, 1)] for at, gap in largest],
    }


def _settings(args: argparse.Namespace) -> Any:
    from tui.aws.session import Settings

    return Settings(
        region="us-east-1",
        endpoint_url=args.endpoint_url,
        access_key_id="testing",
        secret_access_key="testing",
    )


# -------------------------------------------------------------------------------- app mode
async def run_app(args: argparse.Namespace) -> None:
    from textual import events
    from textual.timer import Timer

    from tests.support.app import make_app
    from tui.aws.service import AccountService
    from tui.runtime.messages import RefreshFinished

    ticks: list[float] = []
    # Full collections (generation 2) and how long each held the interpreter: the app runs
    # them when idle (tui/runtime/idle.py), outside the stall windows; reported so.
    full_collections: list[tuple[float, float]] = []  # (when it ended, ms)
    collection_started: list[float] = []

    def watch_gc(phase: str, info: dict[str, int]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            collection_started[:] = [time.perf_counter()]
        elif collection_started:
            ms = (time.perf_counter() - collection_started.pop()) * 1000
            full_collections.append((time.perf_counter(), ms))

    gc.callbacks.append(watch_gc)

    finished: dict[int, float] = {}
    waiting: dict[int, asyncio.Event] = {}

    ticker: list[Timer] = []

    def hook(message: object) -> None:
        # The stall timer starts as soon as the app mounts (its first Mount message).
        if isinstance(message, events.Mount) and not ticker:
            ticker.append(app.set_interval(TICK, lambda: ticks.append(time.perf_counter())))
        if isinstance(message, RefreshFinished):
            finished[message.generation] = time.perf_counter()
            event = waiting.get(message.generation)
            if event is not None:
                event.set()

    async def wait_for(generation: int) -> float:
        event = waiting.setdefault(generation, asyncio.Event())
        if generation not in finished:
            async with asyncio.timeout(REFRESH_TIMEOUT):
                await event.wait()
        return finished[generation]

    async def settle() -> float:
        # Let Textual render the last frame on its own schedule (pilot.pause() would force
        # a synchronous screen update), leaving a few idle ticks at the end of the window.
        await asyncio.sleep(0.1)
        return time.perf_counter()

    service = AccountService(_settings(args))
    app = make_app(service, vault=None, open_guide=True)
    started = time.perf_counter()
    async with app.run_test(size=SIZE, message_hook=hook) as pilot:
        cold_end = await wait_for(1)
        cold_settled = await settle()
        ticker[0].pause()
        users = app.posture.details.value
        emit(
            {
                "event": "ready",
                "cold_seconds": round(cold_end - started, 4),
                "cold_reported_seconds": app.reads.last_refresh_seconds,
                # From the app's mount (its first tick), so start-up is not counted.
                "cold_stall": gap_stats(ticks, ticks[0] if ticks else started, cold_settled),
                "users": len(users.users) if users is not None else None,
                "errors": {
                    name: getattr(app.posture, name).error.code
                    for name in ("caller", "summary", "details", "report", "aliases")
                    + ("password_policy", "regions")
                    if getattr(app.posture, name).error is not None
                },
            }
        )
        while True:
            line = await asyncio.to_thread(sys.stdin.readline)
            command = line.strip()
            if command in ("", "quit"):
                break
            if command == "refresh":
                service.counter.reset()
                ticker[0].resume()
                await asyncio.sleep(0.03)  # a few idle ticks before the start
                generation = app.generation + 1
                t0 = time.perf_counter()
                app.action_refresh()
                t1 = await wait_for(generation)
                t_settled = await settle()
                ticker[0].pause()
                calls = service.counter.calls()
                emit(
                    {
                        "event": "refresh",
                        "seconds": round(t1 - t0, 4),
                        "reported_seconds": app.reads.last_refresh_seconds,
                        "calls": dict(sorted(calls.items())),
                        "calls_total": sum(calls.values()),
                        "attempts_total": sum(service.counter.attempts().values()),
                        "stall": gap_stats(ticks, t0, t_settled),
                    }
                )
            elif command == "filter":
                await pilot.press("2")
                await pilot.pause()
                ticker[0].resume()
                await asyncio.sleep(0.03)
                t0 = time.perf_counter()
                await pilot.press("slash")
                for key in FILTER_TEXT:
                    await asyncio.sleep(KEY_GAP)
                    await pilot.press(key)
                t1 = await settle()
                shown = len(app.main.users.visible_keys())
                t2 = time.perf_counter()
                await pilot.press("escape")
                t3 = await settle()
                ticker[0].pause()
                emit(
                    {
                        "event": "filter",
                        "text": FILTER_TEXT,
                        "matches": shown,
                        "seconds": round(t1 - t0, 4),
                        "stall": gap_stats(ticks, t0, t1),
                        "clear_stall": gap_stats(ticks, t2, t3),
                    }
                )
            else:
                emit({"event": "error", "message": f"unknown command {command!r}"})
        emit(
            {
                "event": "quit",
                "peak_rss_mb": round(peak_rss_mb(), 1),
                # Each full collection's length in ms, in order, from the end of the
                # first refresh (those before are automatic ones during start-up); the
                # first of them also freezes what start-up loaded, later ones walk less.
                "full_collections_ms": [
                    round(ms, 1) for at, ms in full_collections if at >= cold_end
                ],
            }
        )
        app.exit()
    # Worker threads still reading would hold up interpreter shutdown; nothing to flush.
    sys.stdout.flush()
    os._exit(0)


# -------------------------------------------------------------------------------- org mode
ORG_SETTLE = 0.35  # the Accounts view redraws at most every 0.2 s (tui/runtime/org.py)


async def run_org(args: argparse.Namespace) -> None:
    from textual import events
    from textual.timer import Timer

    from tests.support.app import make_app
    from tui.aws.service import AccountService
    from tui.runtime.messages import RefreshFinished
    from tui.runtime.org import OrgOptions
    from tui.screens.org import OrgScreen

    ticks: list[float] = []
    ticker: list[Timer] = []
    refreshed = asyncio.Event()

    def hook(message: object) -> None:
        if isinstance(message, events.Mount) and not ticker:
            ticker.append(app.set_interval(TICK, lambda: ticks.append(time.perf_counter())))
        if isinstance(message, RefreshFinished):
            refreshed.set()

    service = AccountService(_settings(args))
    app = make_app(service, vault=None)
    app.org.options = OrgOptions(concurrency=args.concurrency)
    started = time.perf_counter()
    async with app.run_test(size=SIZE, message_hook=hook) as pilot:
        async with asyncio.timeout(REFRESH_TIMEOUT):
            await refreshed.wait()
        await asyncio.sleep(0.5)  # the first refresh's last frames
        ticker[0].pause()
        emit(
            {
                "event": "ready",
                "cold_seconds": round(time.perf_counter() - started, 4),
                "peak_rss_mb": round(peak_rss_mb(), 1),
                "rss_mb": round(rss_kept_mb(), 1),
                "errors": {
                    name: getattr(app.posture, name).error.code
                    for name in ("caller", "summary", "details", "report", "aliases")
                    if getattr(app.posture, name).error is not None
                },
            }
        )
        org = app.org
        shown = asyncio.Event()  # the view told of every row (its last redraw)

        def changed(_org: object) -> None:
            if org.organization is not None and not org.busy:
                shown.set()

        org.changed.subscribe(app, changed, immediate=True)
        while True:
            line = await asyncio.to_thread(sys.stdin.readline)
            command = line.strip()
            if command in ("", "quit"):
                break
            if command != "scan":
                emit({"event": "error", "message": f"unknown command {command!r}"})
                continue
            ticker[0].resume()
            await asyncio.sleep(0.03)  # a few idle ticks before the start
            t0 = time.perf_counter()
            cpu0 = time.thread_time()
            shown.clear()
            org.start()
            if not isinstance(app.screen, OrgScreen):
                app.main.action_organization()  # o: the view (it sees the read running)
            async with asyncio.timeout(REFRESH_TIMEOUT):
                await shown.wait()
            t1 = time.perf_counter()
            await asyncio.sleep(ORG_SETTLE)
            t_settled = time.perf_counter()
            cpu1 = time.thread_time()
            ticker[0].pause()
            await pilot.pause()
            emit(
                {
                    "event": "scan",
                    "seconds": round(t1 - t0, 4),
                    "stall": gap_stats(ticks, t0, t_settled),
                    "ui_cpu_ms": round((cpu1 - cpu0) * 1000, 1),
                    "window_ms": round((t_settled - t0) * 1000, 1),
                    "accounts": len(org.accounts),
                    "reads": len(org.reads),
                    "failed": sum(r.error is not None for r in org.reads.values()),
                    "error": org.error.code if org.error is not None else None,
                    "rows": app.screen.pane.table.row_count
                    if isinstance(app.screen, OrgScreen)
                    else None,
                    "peak_rss_mb": round(peak_rss_mb(), 1),
                    "rss_mb": round(rss_kept_mb(), 1),  # after the window: what stays
                }
            )
        emit({"event": "quit", "peak_rss_mb": round(peak_rss_mb(), 1)})
        app.exit()
    sys.stdout.flush()
    os._exit(0)


# ------------------------------------------------------------------------- first-frame mode
async def run_first_frame(args: argparse.Namespace) -> None:
    from textual import events
    from textual.app import App, ComposeResult

    imported = time.monotonic()
    ready: dict[str, float] = {}

    def hook(message: object) -> None:
        if isinstance(message, events.Ready) and "at" not in ready:
            ready["at"] = time.monotonic()

    app: App[None]
    if args.kind == "acct":
        # What `acct-tui --endpoint-url URL` does with keys in the environment: the same
        # imports, Settings, credentials check (tui.cli.main.credentials_problem) and app.
        from tests.support.app import make_app
        from tui.aws.service import AccountService
        from tui.aws.session import Settings
        from tui.cli.main import credentials_problem

        os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
        os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
        service = AccountService(Settings(region="us-east-1", endpoint_url=args.endpoint_url))
        problem = credentials_problem(service)
        if problem is not None:
            raise SystemExit(problem)
        imported = time.monotonic()
        app = make_app(service, vault=None, open_guide=True)  # as the command line
    else:
        from textual.widgets import Label

        class Minimal(App[None]):
            def compose(self) -> ComposeResult:
                yield Label("hello")

        app = Minimal()
    async with app.run_test(size=SIZE, message_hook=hook) as pilot:
        for _ in range(1000):
            if "at" in ready:
                break
            await pilot.pause(0.005)
        emit(
            {
                "event": "first_frame",
                "kind": args.kind,
                "ready_at": ready.get("at"),
                "imported_at": imported,
            }
        )
    sys.stdout.flush()
    os._exit(0)


# -------------------------------------------------------------------------------- bare mode
async def run_bare(args: argparse.Namespace) -> None:
    import boto3
    from textual.app import App, ComposeResult
    from textual.widgets import Label

    if args.clients:
        session = boto3.Session(
            aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
        )
        clients = [session.client(name) for name in ("sts", "iam", "account")]
        assert clients

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Label("hello")

    async with Bare().run_test(size=SIZE) as pilot:
        await pilot.pause(0.2)
        emit({"event": "bare", "clients": args.clients, "peak_rss_mb": round(peak_rss_mb(), 1)})
    sys.stdout.flush()
    os._exit(0)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python benchmarks/appchild.py")
    sub = parser.add_subparsers(dest="mode", required=True)
    app = sub.add_parser("app")
    app.add_argument("--endpoint-url", required=True)
    org = sub.add_parser("org")
    org.add_argument("--endpoint-url", required=True)
    org.add_argument("--concurrency", type=int, default=8)
    first = sub.add_parser("firstframe")
    first.add_argument("--kind", choices=("acct", "minimal"), required=True)
    first.add_argument("--endpoint-url", default="http://127.0.0.1:9")
    bare = sub.add_parser("bare")
    bare.add_argument("--clients", action="store_true")
    args = parser.parse_args(argv)
    runner = {"app": run_app, "org": run_org, "firstframe": run_first_frame, "bare": run_bare}[
        args.mode
    ]
    asyncio.run(runner(args))


if __name__ == "__main__":
    main()
