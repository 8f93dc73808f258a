"""Concurrency and lifecycle: refresh storms, double submits, quitting mid-work, tiny terminals.

Pilot tests run over moto_server; quitting is checked in a real terminal (tmux).
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import boto3
import pytest
from keyring.backends import fail

from tests.pilot import loaded, wait_until
from tui.app import AcctApp
from tui.aws.service import AccountService
from tui.aws.session import Settings
from tui.panes import TablePane
from tui.vault import Vault

pytestmark = [pytest.mark.lifecycle, pytest.mark.server]

USERS = [f"user-{n:02d}" for n in range(12)]


def server_app(endpoint_url: str) -> AcctApp:
    settings = Settings(
        region="us-east-1",
        endpoint_url=endpoint_url,
        access_key_id="testing",
        secret_access_key="testing",
    )
    return AcctApp(AccountService(settings, report_poll_interval=0.1), vault=Vault(fail.Keyring()))


def iam(endpoint_url: str) -> Any:
    return boto3.client(
        "iam",
        endpoint_url=endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


@pytest.fixture
def account(moto_reset: str) -> str:
    client = iam(moto_reset)
    for name in USERS:
        client.create_user(UserName=name)
    return moto_reset


class Wire:
    """Hooks on every client of the app: calls in flight, and a gate that holds them.

    While the gate is shut, calls wait just before they are sent.
    """

    def __init__(self, app: AcctApp) -> None:
        self.gate = threading.Event()
        self.gate.set()
        self._lock = threading.Lock()
        self.in_flight = 0
        session = app.service.session
        for client in (session.iam(), session.sts(), session.ec2(), session.account()):
            events = client.meta.events
            events.register("before-call", self._started)
            events.register("after-call", self._ended)
            events.register("after-call-error", self._ended)
            events.register("before-send", self._hold)

    def _started(self, **_: Any) -> None:
        with self._lock:
            self.in_flight += 1

    def _ended(self, **_: Any) -> None:
        with self._lock:
            self.in_flight -= 1

    def _hold(self, **_: Any) -> None:
        self.gate.wait(60)


async def settled(app: AcctApp, pilot: Any, wire: Wire) -> Counter[str]:
    """Wait until the refresh is over and no AWS call is still running; the calls so far."""
    await loaded(app, pilot)
    await wait_until(pilot, lambda: wire.in_flight == 0, seconds=60)
    return app.service.counter.calls()


async def test_hammering_r_ends_in_one_state_at_a_bounded_cost(account: str) -> None:
    app = server_app(account)
    wire = Wire(app)
    async with app.run_test(size=(80, 24)) as pilot:
        start = await settled(app, pilot, wire)
        await pilot.press("r")
        after_one = await settled(app, pilot, wire)
        one = after_one - start

        # 20 presses while the first of them is still reading (its calls held at the gate).
        wire.gate.clear()
        await pilot.press("2", *"r" * 20)
        assert app.refreshing
        iam(account).create_user(UserName="late-user")
        wire.gate.set()
        after_storm = await settled(app, pilot, wire)
        storm = after_storm - after_one
        print(f"one refresh: {sum(one.values())} calls; 20 presses: {sum(storm.values())} calls")
        # The reads in flight, then one more of each: never one per press.
        assert sum(storm.values()) <= 2 * sum(one.values()), (one, storm)
        for action in one:
            assert storm[action] <= 2 * one[action], action

        users = app.query_one("#users", TablePane)
        keys = users.visible_keys()
        assert len(keys) == len(set(keys)), "no duplicate rows"
        assert sorted(keys) == sorted([*USERS, "late-user"])
        assert not app.refreshing and app.generation == 22
        errors = [n for n in app._notifications if n.severity == "error"]
        assert not errors, [n.message for n in errors]
        for pane_id in ("users", "groups", "recommendations", "alias"):
            assert not app.pane(pane_id).query_one("#status").display, pane_id
