"""Blocking work off the event loop: ``in_thread`` for screens and flows, ``failure_text``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from textual.app import App
from textual.dom import DOMNode
from textual.worker import WorkerFailed

from tui.aws.redact import redact
from tui.support.visible import visible

T = TypeVar("T")

FLOW_IO = "flow-io"
"""The worker group of :func:`in_thread`: its errors go to the caller, not to a toast."""


async def in_thread(node: DOMNode, fn: Callable[[], T], description: str) -> T:
    """Run blocking ``fn`` (an AWS or keyring call) in a thread worker and await it.

    The worker belongs to the app, not to ``node``: closing the screen that asked does
    not cancel a call that may already have reached AWS.
    """
    worker = node.app.run_worker(
        fn, thread=True, exit_on_error=False, group=FLOW_IO, description=description
    )
    try:
        await worker.wait()
    except WorkerFailed as failed:
        # The caller handles the function's own exception (AwsFailure, ExportError…).
        raise failed.error from None
    result: T = worker.result  # type: ignore[assignment]
    return result


def failure_text(exc: BaseException) -> str:
    """What went wrong, for the screen (AWS's text with its control characters visible,
    secret fields masked)."""
    error = getattr(exc, "error", None)
    if error is not None and hasattr(error, "summary"):
        return visible(redact(error.summary()), multiline=True)
    return visible(redact(f"{type(exc).__name__}: {exc}"), multiline=True)


def in_background(app: App[Any], fn: Callable[[], None], name: str, description: str) -> None:
    """Run blocking ``fn`` in a thread worker of its own group ``name``: a new one with the
    same name cancels the one before (whose result is then ignored)."""
    app.run_worker(
        fn,
        name=name,
        group=name,
        description=description,
        exit_on_error=False,
        exclusive=True,
        thread=True,
    )
