"""Concurrency and lifecycle: refresh storms, double submits, quitting mid-work, tiny terminals.

Pilot tests run over moto_server; quitting is checked in a real terminal (tmux).
"""

from __future__ import annotations

import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from textual import events
from textual.widgets import Checkbox, Input, Static

from tests.support.app import make_app
from tests.support.hostile import assert_terminal_safe, frame
from tests.support.pilot import loaded, plain, wait_for_screen, wait_until
from tests.support.processes import alive, demo_child_of
from tests.support.tmux import Tmux, acct_tui, acct_tui_env, terminal_env
from tui.app import AcctApp
from tui.aws.models import PART_NAMES
from tui.panes import TablePane
from tui.screens.credentials import CredentialsScreen
from tui.screens.dialogs.confirm import ConfirmScreen
from tui.screens.dialogs.review import ReviewScreen
from tui.screens.dialogs.too_small import TooSmallScreen
from tui.screens.forms.alias import AliasScreen
from tui.screens.forms.create_user import CreateUserScreen
from tui.screens.forms.password_policy import PasswordPolicyScreen

pytestmark = [pytest.mark.lifecycle, pytest.mark.server]

USERS = [f"user-{n:02d}" for n in range(12)]


# What stock moto_server lacks (the demo server's stand-ins answer them).
STOCK_MOTO_LACKS = ("iam:ListOrganizationsFeatures", "access-analyzer:ListAnalyzers")


def server_app(endpoint_url: str) -> AcctApp:
    return make_app(endpoint_url)


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
        for pane_id in ("users", "groups", "alias"):
            assert not app.main.panes[pane_id].query_one("#status").display, pane_id
        # Recommendations names only the reads stock moto_server cannot answer (the demo
        # server's stand-ins do): nothing else failed under the hammering.
        status = app.main.panes["recommendations"].query_one("#status", Static)
        failed = plain(status).removeprefix("Could not read: ").split(". Checks")[0]
        for read in failed.split("; "):
            assert read.startswith(STOCK_MOTO_LACKS), failed


def burst(app: AcctApp, *keys: str) -> None:
    """Keys that arrive together, as a terminal delivers a fast double press: all queued
    before the app handles the first (``pilot.press`` waits for idle after each key)."""
    assert app._driver is not None
    for key in keys:
        event = events.Key(key, "\r" if key == "enter" else None)
        event.set_sender(app)
        app._driver.send_message(event)


@pytest.mark.parametrize("keys", [("ctrl+s", "ctrl+s"), ("enter", "enter"), ("ctrl+s", "enter")])
async def test_submitting_twice_creates_one_user(account: str, keys: tuple[str, str]) -> None:
    app = server_app(account)
    pushed: list[str] = []
    push_screen = app.push_screen

    def record(screen: Any, *args: Any, **kwargs: Any) -> Any:
        pushed.append(type(screen).__name__)
        return push_screen(screen, *args, **kwargs)

    app.push_screen = record  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await pilot.press("2", "n")
        form = await wait_for_screen(app, pilot, CreateUserScreen)
        form.query_one("#access-key", Checkbox).value = True
        await pilot.press(*"twice", "ctrl+s")
        await wait_for_screen(app, pilot, ReviewScreen)
        burst(app, *keys)
        await wait_for_screen(app, pilot, CredentialsScreen)
        await pilot.press("escape")  # no keyring: it asks before dropping the secrets
        await wait_for_screen(app, pilot, ConfirmScreen)
        await pilot.press("y")
        await wait_until(pilot, lambda: len(app.screen_stack) == 1)
    assert app.service.counter.calls()["iam:CreateUser"] == 1
    # One review, one plan, and nothing opened behind them by the second key.
    assert pushed == [
        "CreateUserScreen",
        "ReviewScreen",
        "PlanScreen",
        "CredentialsScreen",
        "ConfirmScreen",
    ]
    names = [u["UserName"] for u in iam(account).list_users()["Users"]]
    assert names.count("twice") == 1


async def test_a_second_enter_while_the_alias_is_being_set_is_ignored(account: str) -> None:
    app = server_app(account)
    wire = Wire(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await pilot.press("4", "n")
        await wait_for_screen(app, pilot, AliasScreen)
        await pilot.press(*"twice-alias")
        wire.gate.clear()  # CreateAccountAlias waits at the wire: the form is busy
        await pilot.press("enter")
        await wait_until(pilot, lambda: wire.in_flight == 1)
        await pilot.press("enter")
        wire.gate.set()
        await wait_until(pilot, lambda: len(app.screen_stack) == 1)
        assert app.posture.alias == "twice-alias"
    assert app.service.counter.calls()["iam:CreateAccountAlias"] == 1
    assert iam(account).list_account_aliases()["AccountAliases"] == ["twice-alias"]


async def test_a_second_ctrl_s_while_the_policy_is_being_applied_is_ignored(account: str) -> None:
    app = server_app(account)
    wire = Wire(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        recs = app.query_one("#recommendations", TablePane).table
        recs.move_cursor(row=recs.get_row_index("password-policy"))
        recs.focus()
        await pilot.press("enter")
        await wait_for_screen(app, pilot, PasswordPolicyScreen)
        wire.gate.clear()
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: wire.in_flight == 1)
        await pilot.press("ctrl+s")
        wire.gate.set()
        await wait_until(pilot, lambda: len(app.screen_stack) == 1)
        policy = app.posture.password_policy.value
        assert policy is not None and policy.minimum_length >= 14
    assert app.service.counter.calls()["iam:UpdateAccountPasswordPolicy"] == 1
    minimum = iam(account).get_account_password_policy()["PasswordPolicy"]["MinimumPasswordLength"]
    assert minimum >= 14


# -- a terminal too small ------------------------------------------------------------------------
async def test_resize_to_40x12_and_back_shows_a_notice_then_works_again(account: str) -> None:
    app = server_app(account)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await pilot.press("2", "n")
        form = await wait_for_screen(app, pilot, CreateUserScreen)
        await pilot.press(*"half-typed")

        await pilot.resize_terminal(40, 12)
        notice = await wait_for_screen(app, pilot, TooSmallScreen)
        text = plain(notice.query_one("#too-small", Static))
        assert "needs at least 60×16" in text and "this one is 40×12" in text
        shot = frame(app)
        assert_terminal_safe(shot)
        assert len(shot.grid) == 12 and len(shot.grid[0]) == 40
        assert "Terminal too small" in shot.text
        generation = app.generation
        await pilot.press("r", "ctrl+p", "question_mark", "escape")  # nothing behind it acts
        assert app.screen is notice and app.generation == generation

        await pilot.resize_terminal(59, 24)  # one column short is still too small
        assert app.screen is notice and "this one is 59×24" in plain(notice.query_one(Static))

        await pilot.resize_terminal(80, 24)
        await wait_until(pilot, lambda: app.screen is form)
        assert form.query_one("#name-input", Input).value == "half-typed", "nothing lost"
        await pilot.press("escape")  # typed into: escape asks before discarding it
        await wait_until(pilot, lambda: app.screen is not form)
        await pilot.press("y")
        await wait_until(pilot, lambda: len(app.screen_stack) == 1)

        await pilot.press("2", "r")  # usable again: panes, keys, a refresh
        await loaded(app, pilot)
        assert app.generation == generation + 1
        assert sorted(app.query_one("#users", TablePane).visible_keys()) == USERS
        assert_terminal_safe(frame(app))


async def test_starting_in_a_tiny_terminal_shows_the_notice_first(account: str) -> None:
    app = server_app(account)
    async with app.run_test(size=(40, 12)) as pilot:
        await wait_for_screen(app, pilot, TooSmallScreen)
        await loaded(app, pilot)  # the account is read meanwhile
        await pilot.resize_terminal(80, 24)
        await wait_until(pilot, lambda: len(app.screen_stack) == 1)
        await pilot.press("2")
        assert sorted(app.query_one("#users", TablePane).visible_keys()) == USERS


# -- quitting in a real terminal -----------------------------------------------------------------
@pytest.fixture
def term(tmp_path: Path) -> Iterator[Tmux]:
    with Tmux(tmp_path, 100, 30) as t:
        yield t


def after_exit(term: Tmux) -> str:
    """What the terminal shows once acct-tui has left its alternate screen."""
    screen = term.screen()
    assert "Traceback" not in screen and "Error" not in screen, screen
    return screen


@pytest.mark.tmux
def test_quit_while_regions_are_polled_is_clean_and_stops_the_demo(
    term: Tmux, tmp_path: Path
) -> None:
    term.start([*acct_tui(), "--demo"], terminal_env(tmp_path))
    term.wait_for("Root user has MFA", timeout=60)
    child = demo_child_of(term.pane_pid())
    assert child is not None and alive(child)
    # The demo account opens Getting started by itself once it is read: wait for it, so
    # the keys below go to the main screen and not to a guide that opens in between.
    term.wait_for("Getting started —", timeout=60)
    term.send("5")  # (in the guide, 5 closes it and shows the Regions pane)
    term.wait_for("af-south-1      DISABLED")
    term.send("Enter")  # enable the first Region: acct-tui then polls it in the background
    term.wait_for("Enable af-south-1?")
    term.send("y")
    term.wait_for("af-south-1      ENABLING ·")  # polled, showing how long it has taken
    term.send("r", "r", "q")  # and a refresh just started
    term.wait_for("Quit acct-tui?")  # the Region change is still running: q asks first
    term.send("y")
    assert term.exit_status() == 0
    after_exit(term)
    for _ in range(100):
        if not alive(child):
            break
        time.sleep(0.1)
    assert not alive(child), f"the demo server (pid {child}) outlived acct-tui"


class BlackHole:
    """A TCP server on 127.0.0.1 that accepts connections and never answers."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.2)
        self.port: int = self.sock.getsockname()[1]
        self.held: list[socket.socket] = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while not self.stopping.is_set():
            try:
                self.held.append(self.sock.accept()[0])
            except TimeoutError:
                continue

    def wait_for(self, connections: int, timeout: float = 60.0) -> None:
        """Until ``connections`` are held (a hang guard, not a speed)."""
        deadline = time.monotonic() + timeout
        while len(self.held) < connections:
            if time.monotonic() > deadline:
                raise AssertionError(f"hung: {len(self.held)} of {connections} connections")
            time.sleep(0.05)

    def close(self) -> None:
        self.stopping.set()
        self.thread.join(5)
        for conn in self.held:
            conn.close()
        self.sock.close()


@pytest.mark.tmux
def test_quit_while_every_call_hangs_exits_at_once(term: Tmux, tmp_path: Path) -> None:
    hole = BlackHole()
    try:
        env = acct_tui_env(tmp_path)
        url = f"http://127.0.0.1:{hole.port}"
        term.start([*acct_tui(), "--endpoint-url", url, "--region", "us-east-1"], env)
        term.wait_for("connecting…")
        hole.wait_for(len(PART_NAMES))  # every part's first call waits on the black hole
        term.send("q")
        # Before tui/runtime/executor.py quitting waited for those calls: botocore's 20 s
        # read timeout, then a second and a third attempt (new connections), ~60 s.
        assert term.exit_status(timeout=180) == 0
        assert len(hole.held) == len(PART_NAMES), (
            f"{len(hole.held) - len(PART_NAMES)} call(s) were tried again before acct-tui "
            "exited: quitting waited out a read timeout"
        )
        after_exit(term)
    finally:
        hole.close()


@pytest.mark.tmux
def test_resize_in_a_real_terminal(account: str, term: Tmux, tmp_path: Path) -> None:
    env = acct_tui_env(tmp_path)
    term.start([*acct_tui(), "--endpoint-url", account, "--region", "us-east-1"], env)
    term.wait_for("Security recommendations")
    term.tmux("resize-window", "-t", "t", "-x", "40", "-y", "12")
    screen = term.wait_for("Terminal too small")
    assert "this one is 40×12" in " ".join(screen.split())
    term.tmux("resize-window", "-t", "t", "-x", "100", "-y", "30")
    term.wait_for("Security recommendations")
    term.send("2")
    term.wait_for(USERS[-1])
    term.send("q")
    assert term.exit_status() == 0
    after_exit(term)
