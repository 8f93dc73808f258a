"""``acct-tui --read-only`` started as a user starts it, every write key pressed, the wire watched.

The installed ``acct-tui --read-only --endpoint-url URL`` runs in a private tmux server
(fake keys in its environment, HOME a temporary directory). URL is a recording proxy
(tests/support/faultproxy.py) in front of the seeded demo account (moto_server with the Account
API's Region calls), so every request that leaves the program is named by its action.

The test presses every key that would change the account: each binding that a pane or
screen lists in ``MUTATING`` (found from the classes, so a new one fails the test until it
is pressed here), enter on every finding whose fix changes the account, enter on an
enabled and a disabled opt-in Region, and enter on every Getting started step that would
change the account. Each one must say read-only on screen, and afterwards every request
the proxy saw must be on the read allow-list (tui/aws/permissions.py's read list).

The control test starts the same program the same way without ``--read-only``, presses
one of the same keys and finishes what it opens: a mutating request arrives, and the same
check reports it. So dropping the flag in tui/cli/main.py fails the first test.

Every wait polls the screen, bounded by ``WAIT`` seconds; a failure shows the screen.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from textual.binding import Binding
from textual.dom import DOMNode

from tests.support.faultproxy import FaultProxy
from tests.support.tmux import Tmux, acct_tui, acct_tui_env
from tui.aws.checks import Status, evaluate
from tui.aws.guide import guide_steps
from tui.aws.models import Posture, RegionStatus
from tui.aws.service import AccountService
from tui.aws.session import READ_ONLY_ALLOWED, Settings
from tui.demo import DemoEndpoint, DemoServer
from tui.screens.guide import READ_ONLY_REFUSAL

pytestmark = [pytest.mark.tmux, pytest.mark.privilege, pytest.mark.server]

WAIT = 60.0
ALIAS = "acme-control"


# ------------------------------------------------------------------ what changes the account
def _ui_modules() -> Iterator[str]:
    for package in ("tui.panes", "tui.screens", "tui.screens.forms"):
        module = importlib.import_module(package)
        for info in pkgutil.iter_modules(module.__path__, f"{package}."):
            yield info.name
    yield "tui.app"


def write_bindings() -> dict[str, Binding]:
    """Every binding, by id, whose action a pane or screen lists in ``MUTATING``."""
    found: dict[str, Binding] = {}
    for name in _ui_modules():
        for cls in vars(importlib.import_module(name)).values():
            if not (isinstance(cls, type) and issubclass(cls, DOMNode)):
                continue
            mutating: frozenset[str] = getattr(cls, "MUTATING", frozenset())
            for base in cls.__mro__:
                for binding in Binding.make_bindings(base.__dict__.get("BINDINGS", [])):
                    if binding.action in mutating:
                        assert binding.id, f"{cls.__name__}: {binding.action} has no id"
                        found[binding.id] = binding
    return found


def tmux_key(key: str) -> str:
    """A Textual key name as tmux's send-keys spells it (``ctrl+d`` → ``C-d``)."""
    return f"C-{key.removeprefix('ctrl+')}" if key.startswith("ctrl+") else key


@dataclass(frozen=True)
class Plan:
    """What the read-only session will meet, from a read of the account beforehand."""

    fixes: tuple[str, ...]  # titles of failing findings whose fix changes the account
    regions: tuple[str, ...]  # an ENABLED and a DISABLED opt-in Region
    steps: tuple[tuple[int, str], ...]  # Getting started steps that change the account


def plan_for(endpoint: DemoEndpoint) -> Plan:
    service = AccountService(
        Settings(
            region=endpoint.region,
            endpoint_url=endpoint.endpoint_url,
            read_only=True,
            access_key_id=endpoint.access_key_id,
            secret_access_key=endpoint.secret_access_key,
        ),
        report_poll_interval=0.1,
    )
    posture: Posture = service.reader.read_all()
    fixes = tuple(
        f.title
        for f in evaluate(posture)
        if f.status is Status.FAIL and f.fix and f.fix.action and f.fix.action != "root_mfa_guide"
    )
    listing = posture.regions.value
    assert listing is not None and listing.source == "account", "the demo has the Region API"
    regions = tuple(
        next(r.code for r in listing.regions if r.status is status)
        for status in (RegionStatus.ENABLED, RegionStatus.DISABLED)
    )
    steps = tuple((s.number, s.title) for s in guide_steps(posture) if s.mutating)
    return Plan(fixes, regions, steps)


# ----------------------------------------------------------------------------- the session
@pytest.fixture
def account() -> Iterator[DemoEndpoint]:
    """A fresh seeded demo account; its Regions stay where they are."""
    server = DemoServer()
    try:
        yield server.start(region_delay=600.0)
    finally:
        server.stop()


@pytest.fixture
def proxy(account: DemoEndpoint) -> Iterator[FaultProxy]:
    with FaultProxy(account.endpoint_url) as recording:
        yield recording


def start(term: Tmux, proxy: FaultProxy, account: DemoEndpoint, *flags: str) -> None:
    env = acct_tui_env(term.tmp / "home", account.access_key_id, account.secret_access_key)
    (term.tmp / "home").mkdir(exist_ok=True)
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    command = [*acct_tui(), *flags, "--endpoint-url", proxy.url, "--region", account.region]
    term.start(command, env)


def not_allowed(proxy: FaultProxy) -> list[str]:
    """Requests that reached the server and are not on the read allow-list."""
    return [r.action for r in proxy.requests() if r.action not in READ_ONLY_ALLOWED]


def quit_cleanly(term: Tmux) -> None:
    term.send("q")
    status = term.exit_status(WAIT)
    after = term.screen(history=True)
    assert status == 0, after
    assert "Traceback" not in after, after


def framed(text: str) -> str:
    """A pattern for ``text``, where a leading ``╭─ `` matches a round frame's corner or the
    heavy one a focused pane or screen has."""
    if text.startswith("╭─ "):
        return "[╭┏][─━] " + re.escape(text[3:])
    return re.escape(text)


class Session:
    """Keys into the read-only app; each write key must be refused on screen."""

    def __init__(self, term: Tmux) -> None:
        self.term = term
        self.pressed: set[str] = set()

    def toast(self, text: str) -> str:
        """A pattern for a notification's first line starting with ``text``."""
        return rf"▌ {re.escape(text)}"

    def wait_no_toast(self, pattern: str) -> None:
        self.term.wait_until(lambda s: not re.search(pattern, s), f"no {pattern!r}", WAIT)

    def refuse(self, binding: Binding) -> None:
        """Press ``binding``'s key; a notice names it and says --read-only."""
        pattern = self.toast(f"{binding.description}: acct-tui")
        self.wait_no_toast(pattern)  # an earlier notice of the same key has gone
        self.term.send(tmux_key(binding.key.split(",")[0]))
        self.term.wait_until(lambda s: bool(re.search(pattern, s)), pattern, WAIT)
        assert binding.id is not None
        self.pressed.add(binding.id)

    def pane(self, number: str, title: str) -> None:
        self.term.send(number)
        self.wait_frame(f"╭─ {number} {title}")

    def wait_frame(self, text: str) -> None:
        pattern = framed(text)
        self.term.wait_until(lambda s: bool(re.search(pattern, s)), repr(text), WAIT)

    def filter(self, text: str) -> None:
        self.term.send("/")
        self.term.wait_for("filter…", WAIT)
        self.term.wait_footer(has="Filter", lacks="Refresh")  # the filter field has focus
        self.term.type(text)
        self.term.wait_for(" match", WAIT)
        self.term.send("Enter")
        # Back on the table before the next key: an enter sent while the field still has focus
        # submits the filter again instead of opening the row. (A text field takes `r`, so the
        # footer offers Refresh only once the table has focus; `q Quit` may be cut at 80 columns.)
        self.term.wait_footer(has="Refresh")

    def clear_filter(self, text: str) -> None:
        """Escape on the table: the filter row (``text`` alone at the pane's top) goes.

        Waiting for that before the next key matters: escape followed at once by a key
        reads as alt+key.
        """
        row = re.compile(rf"^[│┃] {re.escape(text)}\s*(▌|│|┃|$)", re.MULTILINE)
        self.term.send("Escape")
        self.term.wait_until(lambda s: not row.search(s), f"the filter {text!r} cleared", WAIT)

    def close(self, text: str) -> None:
        """Escape; ``text`` goes (``╭─ Title``: a frame's title, round or heavy)."""
        pattern = framed(text)
        self.term.send("Escape")
        self.term.wait_until(lambda s: not re.search(pattern, s), f"{text!r} gone", WAIT)


def test_read_only_sends_nothing_but_reads_whatever_is_pressed(
    account: DemoEndpoint, proxy: FaultProxy, tmp_path: Path
) -> None:
    plan = plan_for(account)
    assert len(plan.fixes) >= 5 and len(plan.steps) >= 3, plan
    bindings = write_bindings()
    by_id = bindings.__getitem__
    proxy.reset_counts()
    term = Tmux(tmp_path, 80, 24)
    s = Session(term)
    try:
        start(term, proxy, account, "--read-only")
        term.wait_for("READ-ONLY", WAIT)
        term.wait_for(" to fix ", WAIT)  # (24 checks: each row is filtered for below)

        # 1 Recommendations: enter on every finding whose fix changes the account
        for title in plan.fixes:
            s.filter(title)
            term.wait_line("✗ fix", title, timeout=WAIT)
            term.send("Enter")
            term.wait_for("the fix below changes the account", WAIT)
            s.close("the fix below changes the account")
            s.clear_filter(title)

        # 2 Users: the pane's keys, then bob's access keys and bob's details
        s.pane("2", "Users")
        for binding_id in ("users.new", "users.delete", "users.mfa"):
            s.refuse(by_id(binding_id))
        s.filter("bob")
        term.wait_line("bob", "developers", timeout=WAIT)
        term.send("a")  # access keys
        term.wait_for("Access keys of bob", WAIT)
        term.wait_line("AKIA", "Active", timeout=WAIT)  # d and ctrl+d need a key
        s.refuse(by_id("keys.new"))
        s.refuse(by_id("keys.toggle"))
        s.refuse(by_id("keys.delete"))
        s.close("Access keys of bob")
        term.send("Enter")
        term.wait_for("No MFA device.", WAIT)  # ListMFADevices answered
        # The workspace: each section (tab moves on) and its own keys.
        sections = (
            ("user.password", "user.remove_password"),
            ("user.mfa", "user.remove_mfa"),
            ("user.new_key", "user.rotate_key"),
            ("user.add_groups", "user.leave_group"),
            ("user.attach", "user.detach", "user.move_policies"),
            ("user.tags",),
        )
        for number, ids in enumerate(sections):
            if number:
                term.send("Tab")
            for binding_id in ids:
                s.refuse(by_id(binding_id))
        s.close("╭─ User bob")
        s.clear_filter("bob")

        # 3 Groups, 4 Account alias
        s.pane("3", "Groups")
        s.refuse(by_id("groups.new"))
        s.refuse(by_id("groups.delete"))
        s.filter("developers")
        term.wait_line("developers", timeout=WAIT)
        term.send("Enter")
        s.wait_frame("╭─ Group developers")
        for binding_id in ("group.add_members", "group.attach", "group.remove"):
            s.refuse(by_id(binding_id))
        s.close("╭─ Group developers")
        s.clear_filter("developers")
        s.pane("4", "Account alias")
        s.refuse(by_id("alias.new"))
        s.refuse(by_id("alias.delete"))

        # 5 Regions: enter on an enabled and on a disabled opt-in Region explains instead
        s.pane("5", "Regions")
        for code in plan.regions:
            s.filter(code)
            term.wait_line(code, timeout=WAIT)
            term.send("Enter")
            term.wait_line("Change", "acct-tui runs with --read-only", timeout=WAIT)
            s.close("╭─ Region ")
            s.clear_filter(code)

        # Getting started: enter on every step that would change the account
        term.send("g")
        term.wait_for("Getting started —", WAIT)
        refused = s.toast("acct-tui runs with --read-only: this")
        assert READ_ONLY_REFUSAL.startswith("acct-tui runs with --read-only: this")
        for number, title in plan.steps:
            s.wait_no_toast(refused)
            term.send(*["Up"] * 8, *["Down"] * (number - 1), "Enter")
            term.wait_until(lambda screen: bool(re.search(refused, screen)), refused, WAIT)
            assert "--read-only: this step cannot run here." in term.screen(), title
        s.close("Getting started —")

        term.send("r")  # one more read of everything, then quit
        quit_cleanly(term)
    finally:
        term.close()

    assert s.pressed == set(bindings), f"write keys never pressed: {set(bindings) - s.pressed}"
    assert len(bindings) >= 11
    seen = proxy.counts()
    # What was pressed was read (the screens above waited for their answers)…
    read = {"iam:GetAccountAuthorizationDetails", "iam:ListAccessKeys", "iam:ListMFADevices"}
    assert read <= set(seen), seen
    # …and nothing else reached the server: every request is on the read allow-list.
    assert not_allowed(proxy) == [], seen


def test_control_without_the_flag_the_same_check_sees_the_change(
    account: DemoEndpoint, proxy: FaultProxy, tmp_path: Path
) -> None:
    """The same start, the same write key, no --read-only: the change reaches the server
    and :func:`not_allowed` reports it (the test above can fail)."""
    proxy.reset_counts()
    term = Tmux(tmp_path, 80, 24)
    try:
        start(term, proxy, account)
        # The demo account has no administrators group: Getting started opens by itself.
        term.wait_line("Getting started —", "of 8 done", timeout=WAIT)
        term.send("Escape")
        term.wait_gone("Getting started —", WAIT)
        assert "READ-ONLY" not in term.screen()
        term.send("4")
        Session(term).wait_frame("╭─ 4 Account alias")
        term.send(tmux_key(write_bindings()["alias.new"].key))
        term.wait_for("Set an alias", WAIT)
        term.type(ALIAS)
        term.wait_for(f"https://{ALIAS}.signin.aws.amazon.com/console", WAIT)
        term.send("Enter")
        term.wait_for(f"123456789012 ({ALIAS})", WAIT)
        quit_cleanly(term)
    finally:
        term.close()
    assert "iam:CreateAccountAlias" in not_allowed(proxy), proxy.counts()
