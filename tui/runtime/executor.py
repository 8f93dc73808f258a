"""The event loop's default executor: one daemon thread per job, never waited for on exit.

Textual's thread workers run in the loop's default executor. asyncio's default (a
``ThreadPoolExecutor``) joins its threads when the loop closes, and again at interpreter
exit, so quitting while an AWS call hangs on the network waited for botocore's timeouts
and retries (about a minute with a 20 s read timeout and 3 attempts). A blocked read
holds nothing that must be saved: its worker is already cancelled and its result would be
dropped, so the process may end under it.

One thread per job also means a slow job (a Region poll that sleeps between checks, the
credential report that waits to be generated) never makes the refresh queue behind it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


class DaemonExecutor(ThreadPoolExecutor):
    """Runs each submitted call in a new daemon thread; :meth:`shutdown` returns at once.

    A ``ThreadPoolExecutor`` only because ``loop.set_default_executor`` insists on one
    (Python 3.11); none of its pool machinery is used.
    """

    def __init__(self, name: str = "acct-tui-worker") -> None:
        super().__init__(max_workers=1, thread_name_prefix=name)
        self._name = name

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        future: Future[T] = Future()

        def run() -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                result = fn(*args, **kwargs)
            except BaseException as exc:  # noqa: BLE001 - handed to whoever awaits it
                future.set_exception(exc)
            else:
                future.set_result(result)

        threading.Thread(target=run, name=self._name, daemon=True).start()
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Nothing to wait for: the threads are daemons and their results are unwanted."""
