"""The user workspace (enter on a user): every section with the user's data, its own keys in
the footer, and the changes started from it shown when they end. Over the demo account
(moto_server child); what the app claims is checked against the account with boto3."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import DataTable, SelectionList, Static

from tests.support.app import make_app
from tests.support.keyrings import MemoryKeyring
from tests.support.pilot import deleting_old, iam, loaded, plain, wait_for_screen, wait_until
from tui.app import AcctApp
from tui.demo import DemoEndpoint
from tui.panes import TablePane
from tui.screens.dialogs.choose import ChooseScreen
from tui.screens.dialogs.confirm import ConfirmScreen
from tui.screens.dialogs.pick_many import PickManyScreen
from tui.screens.policy_document import PolicyDocumentScreen
from tui.screens.user import UserScreen
from tui.support.vault import Vault

pytestmark = pytest.mark.server

READONLY_ARN = "arn:aws:iam::aws:policy/ReadOnlyAccess"
BILLING_ARN = "arn:aws:iam::aws:policy/job-function/Billing"


def footer_keys(app: AcctApp) -> dict[str, str]:
    """What the footer offers now: description → key (enabled bindings only)."""
    return {
        b.binding.description: key
        for key, b in app.screen.active_bindings.items()
        if b.enabled and b.binding.show
    }


def rows(screen: UserScreen, table_id: str) -> list[list[str]]:
    table: DataTable[Any] = screen.query_one(f"#{table_id}", DataTable)
    return [
        [str(getattr(c, "plain", c)) for c in table.get_row_at(i)] for i in range(table.row_count)
    ]


async def open_user(app: AcctApp, pilot: Any, name: str) -> UserScreen:
    await pilot.press("2", "slash", *name, "enter", "enter")
    screen: UserScreen = await wait_for_screen(app, pilot, UserScreen)
    await wait_until(pilot, lambda: screen.loaded, 30)
    return screen


async def test_workspace_shows_every_section_with_its_own_keys(demo: DemoEndpoint) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        ws = await open_user(app, pilot, "bob")
        summary = plain(ws.query_one("#user-summary", Static))
        assert f"arn:aws:iam::{demo.account_id}:user/bob" in summary
        assert rows(ws, "user-console")[0][0] == "yes"
        assert rows(ws, "user-groups") == [["developers"]]
        assert ["department", "engineering"] in rows(ws, "user-tags")
        # The key, with when/where it was last used (GetAccessKeyLastUsed, read on open).
        key_id = iam(demo).list_access_keys(UserName="bob")["AccessKeyMetadata"][0]["AccessKeyId"]
        [key] = rows(ws, "user-keys")
        assert key[0] == key_id and key[1] == "Active"
        assert key[3].split()[1:] == ["s3", "eu-west-1"], key
        # Each section's keys show in the footer while it has the focus.
        assert "Set password" in footer_keys(app)
        assert "Add MFA" not in footer_keys(app)
        await pilot.press("tab")
        assert "Add MFA" in footer_keys(app) and "Set password" not in footer_keys(app)
        await pilot.press("tab")
        assert {"New access key", "Rotate key"} <= set(footer_keys(app))
        await pilot.press("tab")
        assert "Add to groups" in footer_keys(app)
        await pilot.press("tab")
        assert {"Attach", "View", "To a group"} <= set(footer_keys(app))
        await pilot.press("tab")
        assert "Edit tags" in footer_keys(app)
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, UserScreen))


async def test_read_only_workspace_offers_no_change(demo: DemoEndpoint) -> None:
    app = make_app(demo, read_only=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        ws = await open_user(app, pilot, "deploy-bot")
        changes = {
            "Set password",
            "Remove console access",
            "Add MFA",
            "New access key",
            "Rotate key",
            "Add to groups",
            "Attach",
            "Detach",
            "To a group",
            "Edit tags",
        }
        seen: set[str] = set()
        for _ in range(6):
            seen |= set(footer_keys(app))
            await pilot.press("tab")
        assert not (seen & changes), seen & changes
        assert "View" in seen  # reading stays possible
        before = iam(demo).list_attached_user_policies(UserName="deploy-bot")
        ws.query_one("#user-policies", DataTable).focus()
        await pilot.press("ctrl+d", "a", "g")
        await pilot.pause(0.2)
        assert isinstance(app.screen, UserScreen)
        after = iam(demo).list_attached_user_policies(UserName="deploy-bot")
        assert after["AttachedPolicies"] == before["AttachedPolicies"]


async def test_changes_started_here_show_when_they_end(demo: DemoEndpoint) -> None:
    client = iam(demo)
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        ws = await open_user(app, pilot, "bob")
        # Groups: a, choose billing, confirm: the section lists it once the plan ends.
        ws.query_one("#user-groups", DataTable).focus()
        await pilot.press("a")
        pick = await wait_for_screen(app, pilot, PickManyScreen)
        pick.query_one(SelectionList).select("billing")
        await pilot.press("ctrl+s")
        await wait_for_screen(app, pilot, ConfirmScreen)
        await pilot.press("y")
        await wait_until(pilot, lambda: ["billing"] in rows(ws, "user-groups"), 30)
        assert isinstance(app.screen, UserScreen)
        listed = client.list_groups_for_user(UserName="bob")["Groups"]
        assert sorted(g["GroupName"] for g in listed) == ["billing", "developers"]
        # Policies: two attached; the cursor stays on the second through a flow (viewing its
        # document), so a ctrl+d after it would name that one, not the first row.
        for arn in (READONLY_ARN, BILLING_ARN):
            client.attach_user_policy(UserName="bob", PolicyArn=arn)
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, UserScreen))
        generation = app.generation
        await pilot.press("r")
        await wait_until(pilot, lambda: app.generation > generation and not app.refreshing, 30)
        ws = await open_user(app, pilot, "bob")
        policies = ws.query_one("#user-policies", DataTable)
        # the two, and AWSCloudShellFullAccess (the demo's CIS 1.21 failure)
        assert len(rows(ws, "user-policies")) == 3
        policies.focus()
        await pilot.press("down")
        second = rows(ws, "user-policies")[1][0]
        await pilot.press("v")
        viewer = await wait_for_screen(app, pilot, PolicyDocumentScreen)
        assert second in plain(viewer.query_one("#policy-about", Static))
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, UserScreen) and ws.loaded, 30)
        assert policies.cursor_row == 1, "the cursor went back to the first policy"


async def test_the_old_keys_finding_rotates_the_old_key(demo: DemoEndpoint) -> None:
    """enter on "Access keys rotated within 90 days" → which user → the rotation of that
    user's old key: a new key in the keyring, the old one deleted."""
    client = iam(demo)
    [old] = client.list_access_keys(UserName="grafana-reader")["AccessKeyMetadata"]
    vault = Vault(MemoryKeyring())
    app = make_app(demo, vault=vault)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        recs = app.query_one("#recommendations", TablePane)
        await pilot.press("1")
        recs.table.move_cursor(row=recs.table.get_row_index("old-keys"))
        await pilot.press("enter")
        choose = await wait_for_screen(app, pilot, ChooseScreen)
        choose.query_one("OptionList").highlighted = choose.items.index("grafana-reader")
        await pilot.press("enter")
        confirm = await wait_for_screen(app, pilot, ConfirmScreen)
        assert old["AccessKeyId"] in confirm.title_text
        await pilot.press("y")
        await wait_until(pilot, lambda: deleting_old(app), 60)
        await pilot.press("y")
        await wait_until(pilot, lambda: len(app.screen_stack) == 1, 30)
    [new] = client.list_access_keys(UserName="grafana-reader")["AccessKeyMetadata"]
    assert new["AccessKeyId"] != old["AccessKeyId"] and new["Status"] == "Active"
    entry = vault.get(demo.account_id, "grafana-reader")
    assert entry is not None and entry.access_key_id == new["AccessKeyId"]
