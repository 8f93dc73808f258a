"""What the app says back, at 80×24: a refresh's progress and age, results that name what
changed, the policy picker's keys and ranking, the demo's ids, the root sign-in page.

Reads are real (the demo account over HTTP); a :class:`Gate` only holds one part's read
back until the test lets it go, and the app's clock is moved by the test, so "read N s
ago" is exact however busy the machine.
"""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from textual.widgets import SelectionList, Static

import tui.aws.clock as clock_module
from tests.support.app import make_app
from tests.support.gates import Gate
from tests.support.pilot import iam, loaded, plain, wait_for_screen, wait_until
from tests.support.render import cells_text, screen_cells
from tui.app import AcctApp
from tui.demo import DemoEndpoint
from tui.flows.access import attach_policies
from tui.panes.base import TablePane
from tui.screens.access_keys import AccessKeysScreen
from tui.screens.dialogs.confirm import ConfirmScreen
from tui.screens.dialogs.review import ReviewScreen
from tui.screens.forms.attach_policies import AttachPoliciesScreen
from tui.screens.root_mfa import RootMfaScreen


class ManualClock:
    """The app's clock (:func:`tui.aws.clock.monotonic`), moved only by the test."""

    def __init__(self) -> None:
        self.now = time.monotonic()

    def __call__(self) -> float:
        return self.now


def screen_text(app: AcctApp) -> str:
    return cells_text(screen_cells(app))


# -- refresh: progress, then age ----------------------------------------------------------------
async def test_r_shows_progress_at_once_then_how_old_the_read_is(
    demo: DemoEndpoint, gates: list[Gate], monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = ManualClock()
    monkeypatch.setattr(clock_module, "_monotonic", clock)
    app = make_app(demo, read_only=True)
    app.reads.AGE_TICK = 0.05
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await wait_until(pilot, lambda: "recommendations · read just now" in screen_text(app))
        gates.append(gate := Gate(app, "regions"))
        await pilot.press("r")
        # At once, before any part is back, the pane's title says reading has started...
        assert re.search(r"reading \d+/15 parts…", screen_text(app))
        # ...and counts the parts in while the slow one is held.
        await wait_until(pilot, lambda: "reading 14/15 parts…" in screen_text(app))
        assert gate.waiting.is_set() and app.refreshing
        gate.open()
        await wait_until(pilot, lambda: "read just now" in screen_text(app))
        # The age grows on its own timer; the tables are not redrawn for it.
        users = app.query_one("#users", TablePane)
        redraws: list[int] = []
        set_rows = users.set_rows
        monkeypatch.setattr(users, "set_rows", lambda rows: (redraws.append(1), set_rows(rows)))
        clock.now += 12
        await wait_until(pilot, lambda: "read 10 s ago" in screen_text(app))
        clock.now += 120
        await wait_until(pilot, lambda: "read 2 min ago" in screen_text(app))
        assert redraws == []


async def test_the_first_read_says_how_far_it_is(demo: DemoEndpoint, gates: list[Gate]) -> None:
    app = make_app(demo, read_only=True)
    gates.append(gate := Gate(app, "regions"))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: "reading 14/15 parts…" in screen_text(app))
        gate.open()
        await loaded(app, pilot)
        await wait_until(pilot, lambda: "read just now" in screen_text(app))
        assert "reading" not in screen_text(app)


# -- results name what changed --------------------------------------------------------------
async def test_access_key_results_name_the_key_and_the_change(demo: DemoEndpoint) -> None:
    client = iam(demo)
    client.create_user(UserName="key-holder")
    made = client.create_access_key(UserName="key-holder")["AccessKey"]
    key_id, secret = made["AccessKeyId"], made["SecretAccessKey"]
    short = f"{key_id[:4]}…{key_id[-4:]}"
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        writer = app.state.service.writer
        app.push_screen(
            AccessKeysScreen(app.state, "key-holder", writer.list_access_keys("key-holder"))
        )
        screen = await wait_for_screen(app, pilot, AccessKeysScreen)
        note = screen.query_one("#keys-note", Static)
        for action, said in (
            ("toggle_key", f"Key {short} deactivated."),
            ("toggle_key", f"Key {short} activated."),
            ("delete", f"Key {short} deleted."),
        ):
            await screen.run_action(action)
            await wait_for_screen(app, pilot, ConfirmScreen)
            await pilot.press("y")
            await wait_until(pilot, lambda said=said: plain(note) == said)
            assert said in screen_text(app)
            assert secret not in screen_text(app)
    assert client.list_access_keys(UserName="key-holder")["AccessKeyMetadata"] == []


# -- the policy picker ----------------------------------------------------------------------
async def open_picker(app: AcctApp, pilot: Any, user: str) -> AttachPoliciesScreen:
    app.state.run_flow(attach_policies(app.state, app, "user", user), "attach")
    form: AttachPoliciesScreen = await wait_for_screen(app, pilot, AttachPoliciesScreen)
    return form


def hits(form: AttachPoliciesScreen) -> list[str]:
    box: SelectionList[str] = form.query_one("#policy-list", SelectionList)
    return [str(box.get_option_at_index(i).prompt) for i in range(box.option_count)]


def chosen(form: AttachPoliciesScreen) -> str:
    return plain(form.query_one(".picked", Static))


async def test_policy_picker_ranks_a_word_match_for_people_first(demo: DemoEndpoint) -> None:
    iam(demo).create_user(UserName="picker-rank")
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        form = await open_picker(app, pilot, "picker-rank")
        await pilot.press("s", "3")
        await wait_until(pilot, lambda: "AmazonS3FullAccess" in hits(form), 30)
        shown = hits(form)
        # A word of the name starts with "s3" in all three; the root-task policy, which
        # no user or group can use, comes after those for people.
        assert shown[:2] == ["AmazonS3FullAccess", "AmazonS3ReadOnlyAccess"]
        assert shown.index("S3UnlockBucketPolicy") > 1


async def test_policy_picker_first_space_chooses_and_enter_reviews(demo: DemoEndpoint) -> None:
    iam(demo).create_user(UserName="picker-user")
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        form = await open_picker(app, pilot, "picker-user")
        await pilot.press(*"ReadOnlyAccess")
        await wait_until(pilot, lambda: hits(form)[:1] == ["ReadOnlyAccess"], 30)
        # tab into the list: the first space chooses the highlighted (first) row.
        await pilot.press("tab", "space")
        await wait_until(pilot, lambda: chosen(form) == "Chosen: ReadOnlyAccess")
        # enter does not toggle it off: it reviews what is chosen.
        await pilot.press("enter")
        review = await wait_for_screen(app, pilot, ReviewScreen)
        assert chosen(form) == "Chosen: ReadOnlyAccess"
        assert "ReadOnlyAccess" in plain(review.query_one(Static))


async def test_policy_picker_down_leaves_the_search_box(demo: DemoEndpoint) -> None:
    iam(demo).create_user(UserName="picker-down")
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        form = await open_picker(app, pilot, "picker-down")
        await pilot.press(*"administratoraccess")
        await wait_until(pilot, lambda: hits(form)[:1] == ["AdministratorAccess"], 30)
        await pilot.press("down")
        assert app.focused is form.query_one("#policy-list", SelectionList)
        await pilot.press("space")
        await wait_until(pilot, lambda: chosen(form) == "Chosen: AdministratorAccess")
        # The hint says what enter does here.
        assert "↓ list · space choose · enter review" in screen_text(app)


# -- the demo's ids -------------------------------------------------------------------------
def test_demo_ids_are_shaped_like_iams(demo: DemoEndpoint) -> None:
    client = iam(demo)
    users = client.list_users()["Users"]
    groups = client.list_groups()["Groups"]
    policies = client.list_policies(Scope="Local")["Policies"]
    assert users and groups and policies
    for user in users:
        assert re.fullmatch(r"AIDA[A-Z2-7]{17}", user["UserId"]), user
        for key in client.list_access_keys(UserName=user["UserName"])["AccessKeyMetadata"]:
            assert re.fullmatch(r"AKIA[A-Z0-9]{16}", key["AccessKeyId"]), key
    for group in groups:
        assert re.fullmatch(r"AGPA[A-Z2-7]{17}", group["GroupId"]), group
    for policy in policies:
        assert re.fullmatch(r"ANPA[A-Z2-7]{17}", policy["PolicyId"]), policy
    for role in client.list_roles()["Roles"]:
        assert re.fullmatch(r"AROA[A-Z0-9]{17}", role["RoleId"]), role


# -- root MFA: the root sign-in page ----------------------------------------------------------
async def test_root_mfa_guide_links_to_the_root_sign_in_page(demo: DemoEndpoint) -> None:
    app = make_app(demo, read_only=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        recs = app.query_one("#recommendations", TablePane)
        recs.table.move_cursor(row=recs.table.get_row_index("root-mfa"))
        await pilot.press("1", "enter")
        screen = await wait_for_screen(app, pilot, RootMfaScreen)
        steps = plain(screen.query_one(Static))
        assert "Open https://console.aws.amazon.com/ in a browser" in steps
        assert "signin.aws.amazon.com" not in steps
        assert "https://console.aws.amazon.com/" in screen_text(app)
        await pilot.press("c")
        assert app.clipboard == "https://console.aws.amazon.com/"
