"""Helpers for Pilot tests of the app over the demo account (see the ``demo`` fixture)."""

from __future__ import annotations

import io
import urllib.request
from typing import Any

import boto3
from rich.console import Console
from rich.text import Text
from textual.content import Content
from textual.widgets import Static

from tui.app import AcctApp
from tui.demo import DemoEndpoint


def reset_auth(url: str, count: int) -> None:
    """Make moto_server check IAM policies after ``count`` more calls (``0``: from now on).

    Needs a server started with INITIAL_NO_AUTH_ACTION_COUNT (docs/ARCHITECTURE.md, moto facts).
    """
    request = urllib.request.Request(
        f"{url}/moto-api/reset-auth",
        data=str(count).encode(),
        method="POST",
        headers={"Content-Type": "text/plain"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.status == 200


def iam(where: DemoEndpoint | str) -> Any:
    """A plain boto3 IAM client on the demo server (or a moto_server's URL, signed with
    moto's test key), to check what the app did."""
    url, key, secret = (
        (where, "testing", "testing")
        if isinstance(where, str)
        else (where.endpoint_url, where.access_key_id, where.secret_access_key)
    )
    return boto3.client(
        "iam",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id=key,
        aws_secret_access_key=secret,
    )


async def loaded(app: AcctApp, pilot: Any) -> None:
    """Wait (bounded) for the first refresh to finish."""
    # Not workers.wait_for_complete(): Regions in transit are polled by workers that
    # live until those Regions settle.
    for _ in range(300):
        await pilot.pause(0.05)
        if app.generation and not app.refreshing:
            return
    raise AssertionError("the refresh did not finish in 15 s")


async def wait_for_screen(app: AcctApp, pilot: Any, kind: type, seconds: float = 20.0) -> Any:
    # A pushed screen is app.screen before its compose has run; it is usable (its widgets
    # queryable) once mounted, which Textual marks after Compose and Mount are handled.
    for _ in range(int(seconds / 0.05)):
        if isinstance(app.screen, kind) and app.screen.is_mounted:
            return app.screen
        await pilot.pause(0.05)
    raise AssertionError(f"{kind.__name__} did not open in {seconds} s; screen is {app.screen!r}")


async def wait_until(pilot: Any, predicate: Any, seconds: float = 20.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if predicate():
            return
        await pilot.pause(0.05)
    raise AssertionError("condition not met in time")


def plain(widget: Static) -> str:
    """The text a Static shows, whatever it holds (str, Text, Content, or a Rich table)."""
    content = widget.content
    if isinstance(content, str):
        return content
    if isinstance(content, Text | Content):
        return content.plain
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(content)
    return console.export_text()


def recorded_notifications(app: AcctApp) -> list[str]:
    """Every notification the app shows from now on, as "title: message".

    (``App._notifications`` drops a notification when it times out, so it cannot count.)
    """
    seen: list[str] = []
    notify = app.notify

    def recording(message: str, **options: Any) -> None:
        seen.append(f"{options.get('title', '')}: {message}")
        notify(message, **options)

    app.notify = recording  # type: ignore[method-assign]
    return seen


def deleting_old(app: AcctApp) -> bool:
    """A key rotation's last question is on screen: delete the old key?"""
    from tui.screens.dialogs.confirm import ConfirmScreen

    screen = app.screen
    return isinstance(screen, ConfirmScreen) and screen.title_text.startswith("Delete the old")
