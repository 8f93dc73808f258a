"""``run_bounded``: call a function on each item, at most ``bound`` at a time, in daemon threads.

A ``ThreadPoolExecutor``'s threads are joined at interpreter exit, so quitting the app while
an account or a part was being read waited for botocore's timeouts and retries (a minute
with the default read timeout). These threads are never waited for on exit: what they read
is dropped with the process, as the app's own workers' (tui/runtime/executor.py).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def run_bounded(fn: Callable[[T], R], items: Sequence[T], bound: int, name: str) -> list[R]:
    """``[fn(item) for item in items]``, at most ``bound`` calls at once; ``fn`` must not
    raise (each caller turns its failures into data)."""
    results: list[R | None] = [None] * len(items)
    order = iter(enumerate(items))
    lock = threading.Lock()

    def work() -> None:
        while True:
            with lock:
                step = next(order, None)
            if step is None:
                return
            index, item = step
            results[index] = fn(item)

    threads = [
        threading.Thread(target=work, name=f"{name}-{n}", daemon=True)
        for n in range(max(1, min(bound, len(items))))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    missing = [i for i, r in enumerate(results) if r is None]
    if missing:  # a call raised (its thread printed why): not a silent gap in the results
        raise RuntimeError(f"{name}: {len(missing)} of {len(items)} calls did not return")
    return [r for r in results if r is not None]
