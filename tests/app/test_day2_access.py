"""Pilot tests of the day-two access flows over the demo account (moto_server child):
memberships, policies (attach, detach, view, move to a group) and tags, each checked
with boto3 afterwards."""

from __future__ import annotations

import json
from typing import Any

import pytest
from textual.widgets import DataTable, Input, SelectionList, Static

from tests.support.app import make_app
from tests.support.pilot import iam, loaded, plain, wait_for_screen, wait_until
from tui.app import AcctApp
from tui.demo import DemoEndpoint
from tui.flows import (
    add_to_groups,
    attach_policies,
    edit_tags,
    move_policies_to_group,
    remove_from_group,
    view_policy,
)
from tui.panes import TablePane
from tui.screens.dialogs.choose import ChooseScreen
from tui.screens.dialogs.confirm import ConfirmScreen
from tui.screens.dialogs.pick_many import PickManyScreen
from tui.screens.dialogs.prompt import PromptScreen
from tui.screens.dialogs.review import ReviewScreen
from tui.screens.forms.attach_policies import AttachPoliciesScreen
from tui.screens.forms.tags import TagRow, TagsScreen
from tui.screens.group import GroupScreen
from tui.screens.plan import PlanScreen
from tui.screens.policy_document import PolicyDocumentScreen

pytestmark = pytest.mark.server

READONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"
DOC = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:username": "[b]bold[/b]"}},
        }
    ],
}


def groups_of(client: Any, user: str) -> list[str]:
    return sorted(g["GroupName"] for g in client.list_groups_for_user(UserName=user)["Groups"])


def attached(client: Any, kind: str, name: str) -> list[str]:
    if kind == "user":
        listing = client.list_attached_user_policies(UserName=name)
    else:
        listing = client.list_attached_group_policies(GroupName=name)
    return sorted(p["PolicyArn"] for p in listing["AttachedPolicies"])


async def confirm_and_run(app: AcctApp, pilot: Any) -> str:
    """Say yes to the confirmation, wait for the plan, close it; the confirmation's text."""
    confirm = await wait_for_screen(app, pilot, ConfirmScreen)
    text = plain(confirm.query_one("#confirm-lines").query_one(Static))
    await pilot.press("y")
    await finish_plan(app, pilot)
    return text


def flow_running(app: AcctApp) -> bool:
    return any(w.group == "flow" and not w.is_finished for w in app.workers)


async def finish_plan(app: AcctApp, pilot: Any) -> None:
    """The plan runs, and its screen closes by itself when every step went through."""
    await wait_until(pilot, lambda: isinstance(app.screen, PlanScreen) or not flow_running(app))
    await wait_until(
        pilot,
        lambda: (
            not flow_running(app)
            or (isinstance(app.screen, PlanScreen) and app.screen.result is not None)
        ),
    )
    screen = app.screen
    if isinstance(screen, PlanScreen):
        raise AssertionError(f"the plan did not go through: {screen.result}")


async def pick_policy(app: AcctApp, pilot: Any, name: str) -> None:
    """In the attach form: search ``name``, choose the first hit, review, go."""
    form = await wait_for_screen(app, pilot, AttachPoliciesScreen)
    await pilot.press(*name)
    box = form.query_one("#policy-list", SelectionList)
    await wait_until(pilot, lambda: box.option_count > 0)
    await pilot.press("tab", "space", "ctrl+s")
    review = await wait_for_screen(app, pilot, ReviewScreen)
    assert "attach-" in plain(review.query_one(Static))
    await pilot.press("ctrl+s")
    await finish_plan(app, pilot)


async def test_add_a_user_to_groups_and_remove_it(demo: DemoEndpoint) -> None:
    client = iam(demo)
    client.create_user(UserName="joiner")
    for g in ("team-a", "team-b"):
        client.create_group(GroupName=g)
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        app.state.run_flow(add_to_groups(app.state, app, "joiner"), "groups")
        pick = await wait_for_screen(app, pilot, PickManyScreen)
        box = pick.query_one(SelectionList)
        box.select("team-a")
        box.select("team-b")
        await pilot.press("ctrl+s")
        text = await confirm_and_run(app, pilot)
        assert "aws iam add-user-to-group --group-name team-a --user-name joiner" in text
        assert groups_of(client, "joiner") == ["team-a", "team-b"]
        app.state.run_flow(remove_from_group(app.state, app, "joiner", "team-a"), "remove")
        text = await confirm_and_run(app, pilot)
        assert "remove-user-from-group" in text
    assert groups_of(client, "joiner") == ["team-b"]


async def test_group_workspace_members_and_policies(demo: DemoEndpoint) -> None:
    client = iam(demo)
    client.create_user(UserName="auditor1")
    client.create_group(GroupName="auditors")
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await pilot.press("3", "slash", *"auditors", "enter", "enter")
        screen = await wait_for_screen(app, pilot, GroupScreen)
        # a: add a member
        await pilot.press("a")
        pick = await wait_for_screen(app, pilot, PickManyScreen)
        pick.query_one(SelectionList).select("auditor1")
        await pilot.press("ctrl+s")
        await confirm_and_run(app, pilot)
        assert "auditors" in groups_of(client, "auditor1")
        members = screen.query_one("#group-members", DataTable)
        await wait_until(pilot, lambda: members.row_count == 1)
        # p: attach ReadOnlyAccess
        await pilot.press("p")
        await pick_policy(app, pilot, "ReadOnlyAccess")
        assert attached(client, "group", "auditors") == [READONLY]
        policies = screen.query_one("#group-policies", DataTable)
        await wait_until(pilot, lambda: policies.row_count == 1)
        # v: the managed policy's default version, as JSON
        policies.focus()
        await pilot.press("v")
        viewer = await wait_for_screen(app, pilot, PolicyDocumentScreen)
        body = plain(viewer.query_one("#policy-json", Static))
        assert '"Version"' in body and "Statement" in body
        assert "default version v" in plain(viewer.query_one("#policy-about", Static))
        await pilot.press("c")
        assert json.loads(app.clipboard)["Statement"]
        await pilot.press("escape")
        await wait_for_screen(app, pilot, GroupScreen)
        # x on the policy: detach
        policies.focus()
        await pilot.press("x")
        await confirm_and_run(app, pilot)
        assert attached(client, "group", "auditors") == []
        # x on the member: remove
        members.focus()
        await pilot.press("x")
        await confirm_and_run(app, pilot)
        await wait_until(pilot, lambda: members.row_count == 0)
    assert groups_of(client, "auditor1") == []


async def test_attach_to_a_user_view_inline_and_move_to_a_new_group(demo: DemoEndpoint) -> None:
    client = iam(demo)
    client.create_user(UserName="mover")
    client.put_user_policy(UserName="mover", PolicyName="inl", PolicyDocument=json.dumps(DOC))
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        app.state.run_flow(attach_policies(app.state, app, "user", "mover"), "attach")
        await pick_policy(app, pilot, "ReadOnlyAccess")
        assert attached(client, "user", "mover") == [READONLY]
        # the inline document, shown literally: its [b] is not markup
        flow = view_policy(app.state, app, "user", "mover", "inl", True)
        app.state.run_flow(flow, "view", mutating=False)
        viewer = await wait_for_screen(app, pilot, PolicyDocumentScreen)
        assert "[b]bold[/b]" in plain(viewer.query_one("#policy-json", Static))
        # (a screen pushed a moment ago may not be drawn yet: wait for its first frame)
        await wait_until(pilot, lambda: "[b]bold[/b]" in app.export_screenshot())
        await pilot.press("escape")
        # move the directly attached policy to a new group
        app.state.run_flow(move_policies_to_group(app.state, app, "mover"), "move")
        chooser = await wait_for_screen(app, pilot, ChooseScreen)
        await pilot.press("end", "enter")
        assert chooser.items[-1].startswith("＋")
        prompt = await wait_for_screen(app, pilot, PromptScreen)
        prompt.query_one(Input).value = "movers"
        await pilot.press("enter")
        text = await confirm_and_run(app, pilot)
        assert "Inline policies cannot be moved" in text and "inl" in text
        users = app.query_one("#users", TablePane)
        assert "mover" in users.visible_keys()
    assert attached(client, "user", "mover") == []
    assert attached(client, "group", "movers") == [READONLY]
    assert groups_of(client, "mover") == ["movers"]


async def test_edit_tags_with_an_equals_sign_and_a_removal(demo: DemoEndpoint) -> None:
    client = iam(demo)
    tags = [{"Key": "team", "Value": "a"}, {"Key": "gone", "Value": "x"}]
    client.create_user(UserName="tagged", Tags=tags)
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        app.state.run_flow(edit_tags(app.state, app, "tagged"), "tags")
        form = await wait_for_screen(app, pilot, TagsScreen)
        await wait_until(pilot, lambda: form.is_mounted and len(form.query(Input)) == 4)
        rows = form.query(TagRow)
        assert [r.tag for r in rows] == [("team", "a"), ("gone", "x")]
        rows[0].query_one(".tag-value", Input).focus()
        await pilot.press("end", "backspace", "b")
        assert rows[0].tag == ("team", "b")
        rows[1].query_one(".tag-key", Input).focus()
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: len(form.query(TagRow)) == 1)
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: len(form.query(TagRow)) == 2)
        await pilot.press(*"aws:no")
        await pilot.pause(0.1)
        assert "reserved" in plain(form.query(TagRow)[1].query_one(".tag-error", Static))
        await pilot.press("ctrl+s")
        await pilot.pause(0.1)
        assert isinstance(app.screen, TagsScreen), "a bad key never reaches a review"
        key = form.query(TagRow)[1].query_one(".tag-key", Input)
        key.value = "k=v"
        await pilot.press("tab", *"1=2")
        await pilot.press("ctrl+s")
        review = await wait_for_screen(app, pilot, ReviewScreen)
        text = plain(review.query_one(Static))
        assert "tag-user" in text and "untag-user" in text
        await pilot.press("ctrl+s")
        await finish_plan(app, pilot)
    got = {t["Key"]: t["Value"] for t in client.list_user_tags(UserName="tagged")["Tags"]}
    assert got == {"team": "b", "k=v": "1=2"}


async def test_read_only_group_workspace_offers_no_change(demo: DemoEndpoint) -> None:
    client = iam(demo)
    client.create_group(GroupName="ro-group")
    app = make_app(demo, read_only=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await pilot.press("3", "slash", *"ro-group", "enter", "enter")
        await wait_for_screen(app, pilot, GroupScreen)
        await pilot.press("a", "p")
        await pilot.pause(0.2)
        assert isinstance(app.screen, GroupScreen), "no form opened"
        drawn = lambda: "Group ro-group" in app.export_screenshot().replace("&#160;", " ")  # noqa: E731
        await wait_until(pilot, drawn)
        shot = app.export_screenshot()
        assert "Add members" not in shot and "Attach policy" not in shot
