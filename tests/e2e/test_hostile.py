"""Hostile and odd AWS text: shown literally, layout intact, nothing executed, nothing lost.

The promise (README "Hostile data and lifecycle"): text from AWS is never markup and never
reaches the terminal as a control sequence. C0 controls and DEL show as their control
pictures (␛ ␀ ␍ …), C1 controls and bidi/line-separator characters as ``\\x9b``/``\\u202e``
escapes; everything else, emoji and right-to-left scripts included, shows as it is.

Data comes from a seeded moto_server, plus control characters injected into the app's own
botocore responses (see tests/support/hostile.py for why and how). Each screen is checked as the
bytes a terminal would receive in a full redraw.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.table import Table
from rich.text import Text
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import DataTable, Input, Static
from textual.widgets._toast import Toast

from tests.support import hostile as h
from tests.support.app import make_app, make_service
from tests.support.pilot import loaded, plain, wait_for_screen, wait_until
from tests.support.tmux import Tmux, terminal_env
from tui.app import AcctApp
from tui.panes import TablePane
from tui.panes.base import literal
from tui.screens.dialogs.confirm import ConfirmScreen
from tui.screens.dialogs.details import DetailsScreen
from tui.screens.forms.tags import TagRow, TagsScreen
from tui.screens.group import GroupScreen
from tui.screens.policy_document import PolicyDocumentScreen
from tui.screens.user import UserScreen
from tui.support.visible import visible
from tui.widgets.rowdata import CellValue

pytestmark = pytest.mark.hostile


# -- the helper, on its own -------------------------------------------------------------------
def test_controls_become_visible_stand_ins() -> None:
    assert visible(h.ESC_USER) == h.ESC_USER_SHOWN
    assert visible(h.OSC52) == h.OSC52_SHOWN
    assert visible(h.CONTROLS) == h.CONTROLS_SHOWN
    assert visible("right\u202eto-left\u2028line") == "right\\u202eto-left\\u2028line"
    assert visible("a\r\nb\tc\nd", multiline=True) == "a\nb\tc\nd"
    assert visible("a\r\nb\tc\nd") == "a␍␊b␉c␊d"


PRINTABLE = (*h.MARKUP_NAMES, h.UNICODE_NAME, h.TAG_VALUE.split("\u2028")[0], "日本 ok")


@pytest.mark.parametrize("text", PRINTABLE)
def test_printable_text_is_untouched(text: str) -> None:
    assert visible(text) == text
    cell = literal(text)
    assert cell.plain == text and not cell.spans and not cell.style


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_nothing_a_terminal_obeys_survives(text: str) -> None:
    for multiline in (False, True):
        shown = visible(text, multiline=multiline)
        allowed = {"\n", "\t"} if multiline else set()
        bad = [
            ch
            for ch in shown
            if ch not in allowed
            and (ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F or ch in "\u2028\u2029\u202e\u2066")
        ]
        assert not bad, (text, shown)
        assert visible(shown, multiline=multiline) == shown, "idempotent"
    # one stand-in cell per C0 control: columns after it stay where they were
    if all(ord(ch) < 0x7F for ch in text):
        assert len(visible(text)) == len(text)


# -- the app over moto --------------------------------------------------------------------------
def hostile_app(endpoint_url: str) -> AcctApp:
    service = make_service(endpoint_url)
    h.inject(service)
    return make_app(service)


@pytest.fixture
def hostile_url(moto_reset: str) -> str:
    h.seed(moto_reset)
    return moto_reset


def table_cells(app: AcctApp, pane_id: str, column: int = 0) -> dict[str, CellValue]:
    table = app.query_one(f"#{pane_id}", TablePane).table
    return {key: table.get_row(key)[column] for key in table.rows}


def details_cells(screen: DetailsScreen | UserScreen) -> dict[str, str]:
    """Label → value of a details screen's grid (a user workspace: its summary)."""
    body = "#user-summary" if isinstance(screen, UserScreen) else "#details-body"
    grid = screen.query_one(body, Static).content
    assert isinstance(grid, Table)
    labels, values = (list(column.cells) for column in grid.columns)
    return {str(label): value.plain for label, value in zip(labels, values, strict=True)}


def table_rows(screen: UserScreen, table_id: str) -> list[list[str]]:
    """The cells of one workspace section, as plain text."""
    table: DataTable[Any] = screen.query_one(f"#{table_id}", DataTable)
    return [
        [getattr(c, "plain", str(c)) for c in table.get_row_at(i)] for i in range(table.row_count)
    ]


async def open_row(app: AcctApp, pilot: Any, pane: str, key: str) -> Any:
    table = app.query_one(f"#{pane}", TablePane).table
    table.move_cursor(row=table.get_row_index(key))
    table.focus()
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(app.screen, DetailsScreen | UserScreen))
    await pilot.pause(0.1)
    return app.screen


async def box_text(app: AcctApp, pilot: Any, box: VerticalScroll) -> str:
    """Every line the details box shows from top to bottom, scrolling page by page, with
    spaces removed (folded values then read as one run)."""
    region = box.content_region
    lines: list[str] = []
    box.scroll_home(animate=False)
    await pilot.pause(0.05)
    new_rows = region.height
    for _ in range(50):
        shot = await h.drawn(app, pilot)
        h.assert_terminal_safe(shot)
        page = [
            "".join(shot.grid[y][region.x : region.right]) for y in range(region.y, region.bottom)
        ]
        lines += page[region.height - new_rows :]
        if box.scroll_y >= box.max_scroll_y:
            return "".join(lines).replace(" ", "")
        before = box.scroll_y
        box.scroll_to(y=before + region.height, animate=False)
        await pilot.pause(0.05)
        new_rows = round(box.scroll_y - before)
    raise AssertionError("the details box never reached its end")


@pytest.mark.server
@pytest.mark.parametrize("size", [(80, 24), (160, 50)], ids=["80x24", "160x50"])
async def test_every_pane_shows_hostile_text_literally(
    hostile_url: str, size: tuple[int, int]
) -> None:
    app = hostile_app(hostile_url)
    async with app.run_test(size=size) as pilot:
        await loaded(app, pilot)
        for key in "12345":
            await pilot.press(key)
            await pilot.pause(0.1)
            shot = await h.drawn(app, pilot)
            h.assert_terminal_safe(shot)
            for pane_id in ("recommendations", "users", "groups", "alias", "regions"):
                pane = app.main.panes[pane_id]
                if pane.display and pane.region.area:
                    h.assert_box_intact(shot, pane)

        users = table_cells(app, "users")
        expected = {name: name for name in h.SEEDED_USERS} | {h.ESC_USER: h.ESC_USER_SHOWN}
        for name, shown in expected.items():
            cell = users[name]
            assert cell.plain == shown, name
            styled = cell.style or (isinstance(cell, Text) and bool(cell.spans))
            assert not styled, f"{name!r} was styled: markup ran"
        groups = table_cells(app, "groups")
        assert set(h.SEEDED_GROUPS) <= set(groups)
        assert groups[h.MARKUP_GROUP].plain == h.MARKUP_GROUP
        member_of = table_cells(app, "users", column=4)
        assert member_of[h.ESC_USER].plain == h.MARKUP_GROUP

        await pilot.press("2")
        await pilot.pause(0.1)
        shot = await h.drawn(app, pilot)
        for name in h.MARKUP_NAMES:
            assert name in shot.text, f"{name!r} is not on screen as typed"
        if size == (160, 50):
            # Columns line up: each user's Console cell starts under the Console header.
            table = app.query_one("#users", TablePane).table
            top = table.region.y
            x = shot.column(top, "Console")
            assert x > 0
            for y in range(top + 1, top + 1 + min(table.row_count, table.region.height - 1)):
                assert shot.at(x, y) in {"y", "n", "?"}, shot.lines[y]


@pytest.mark.server
async def test_details_show_every_character_and_lose_none(hostile_url: str) -> None:
    app = hostile_app(hostile_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await pilot.press("2")

        screen = await open_row(app, pilot, "users", h.ESC_USER)
        assert isinstance(screen, UserScreen)
        box = screen.query_one("#workspace", VerticalScroll)
        assert screen.query_one("#workspace")._border_title.plain == f"User {h.ESC_USER_SHOWN}"
        cells = details_cells(screen)
        assert cells["Path"] == h.ESC_PATH_SHOWN
        assert cells["ARN"] == f"arn:aws:iam::{h.ACCOUNT}:user{h.ESC_PATH_SHOWN}{h.ESC_USER_SHOWN}"
        assert table_rows(screen, "user-tags") == [
            ["osc52", h.OSC52_SHOWN],
            ["ctl", h.CONTROLS_SHOWN],
        ]
        assert ["inline␛[8m", "inline"] in table_rows(screen, "user-policies")
        note = screen.query_one("#mfa-note", Static)
        await wait_until(pilot, lambda: "Loading" not in str(note.render()))
        shot = await h.drawn(app, pilot)
        h.assert_terminal_safe(shot)
        h.assert_box_intact(shot, box)
        await pilot.press("escape")

        screen = await open_row(app, pilot, "users", h.PATH_USER)
        cells = details_cells(screen)
        assert cells["Path"] == h.MARKUP_PATH
        assert [h.TAG_KEY, h.TAG_VALUE_SHOWN] in table_rows(screen, "user-tags")
        # Folded over several lines, but all of it is there to read.
        seen = await box_text(app, pilot, screen.query_one("#workspace", VerticalScroll))
        assert f"Path{h.MARKUP_PATH}" in seen
        await pilot.press("escape")

        screen = await open_row(app, pilot, "users", h.LONG_PATH_USER)
        assert details_cells(screen)["Path"] == h.LONG_PATH
        seen = await box_text(app, pilot, screen.query_one("#workspace", VerticalScroll))
        assert f"Path{h.LONG_PATH}" in seen, "the 512-character path is shown in full"
        await pilot.press("escape")

        await pilot.press("3")
        table = app.query_one("#groups", TablePane).table
        table.move_cursor(row=table.get_row_index(h.MARKUP_GROUP))
        table.focus()
        await pilot.press("enter")
        screen = await wait_for_screen(app, pilot, GroupScreen)
        assert screen.query_one("#group")._border_title.plain == f"Group {h.MARKUP_GROUP}"
        members = screen.query_one("#group-members", DataTable)
        await wait_until(pilot, lambda: members.row_count == 2)
        shown = {members.get_row_at(n)[0].plain for n in range(members.row_count)}
        assert shown == {h.MARKUP_NAMES[0], h.ESC_USER_SHOWN}
        h.assert_terminal_safe(await h.drawn(app, pilot))


@pytest.mark.server
async def test_aws_errors_show_literally_in_panes_and_notifications(hostile_url: str) -> None:
    app = hostile_app(hostile_url)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await loaded(app, pilot)
        await pilot.press("4")
        status = app.query_one("#alias #status", Static)
        assert isinstance(status.content, (Text, Content))
        assert status.content.plain.startswith("iam:ListAccountAliases denied — ")
        assert h.DENIED_MESSAGE_SHOWN in status.content.plain
        shot = await h.drawn(app, pilot)
        h.assert_terminal_safe(shot)
        assert "[link=https://evil.example]click[/link]" in shot.text

        await pilot.press("2")
        users = app.query_one("#users", TablePane).table
        users.move_cursor(row=users.get_row_index(h.THROTTLED_USER))
        await pilot.press("a")  # access keys
        await wait_until(pilot, lambda: bool(app._notifications))
        note = list(app._notifications)[-1]
        assert not note.markup
        assert f"iam:ListAccessKeys failed: {h.THROTTLE_CODE_SHOWN}" in note.message
        assert h.DENIED_MESSAGE_SHOWN in note.message
        await wait_until(pilot, lambda: any(t.region.area for t in app.screen.query(Toast)))
        await pilot.pause(0.1)
        shot = await h.drawn(app, pilot)
        h.assert_terminal_safe(shot)
        assert "Throttling␛[5m" in shot.text, "the toast is on screen"


@pytest.mark.server
async def test_modal_titles_and_plans_carry_names_literally(hostile_url: str) -> None:
    """A title given as a str is Textual markup: names must not become styles or links."""
    app = hostile_app(hostile_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await pilot.press("2")
        users = app.query_one("#users", TablePane).table
        users.move_cursor(row=users.get_row_index(h.MARKUP_NAMES[0]))
        users.focus()
        await pilot.press("ctrl+d")
        confirm = await wait_for_screen(app, pilot, ConfirmScreen)
        title = confirm.query_one("#confirm")._border_title
        assert title.plain == f"Delete user {h.MARKUP_NAMES[0]}?"
        assert not title.spans, "no style from the name"
        lines = plain(confirm.query_one("#confirm-lines Static", Static))
        assert h.MARKUP_POLICY in lines and h.MARKUP_GROUP in lines
        # A just-pushed screen is drawn once it has been laid out: wait for that, not a time.
        await wait_until(pilot, lambda: confirm.query_one("#confirm").region.area > 0)
        await pilot.pause()
        h.assert_terminal_safe(await h.drawn(app, pilot))
        await pilot.press("n")
        await wait_until(pilot, lambda: not isinstance(app.screen, ConfirmScreen))
    names = {u["UserName"] for u in h.iam_client(hostile_url).list_users()["Users"]}
    assert h.MARKUP_NAMES[0] in names, "cancelled: nothing deleted"


@pytest.mark.tmux
@pytest.mark.server
def test_a_real_terminal_gets_no_clipboard_title_or_colour_from_aws_text(
    hostile_url: str, tmp_path: Path
) -> None:
    """tmux obeys OSC 52 (``set-clipboard on``) and OSC 0: had the tag's bytes reached it,
    its paste buffer would hold "pwned" and the pane would be titled "pwned"."""
    term = Tmux(tmp_path, 100, 30)
    try:
        env = terminal_env(tmp_path)
        env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])
        term.start([sys.executable, "-m", "tests.support.hostile", hostile_url], env)
        term.wait_for("Security recommendations")
        title = term.tmux("display-message", "-p", "-t", "t", "#{pane_title}").strip()
        term.wait_for("account 123456789012")
        term.send("2")
        term.wait_for(h.MARKUP_NAMES[4])  # the users are listed
        term.send("/")
        term.wait_for("filter…")
        term.send("-l", "ansi")
        term.send("Enter")
        term.wait_for("1 of ")
        term.send("Enter")  # the workspace of the user whose tags hold OSC 52 and controls
        screen = term.wait_for(h.ESC_PATH_SHOWN)
        assert f"User {h.ESC_USER_SHOWN}" in screen
        box = [line for line in screen.splitlines() if "│ ARN" in line or "│ Path" in line]
        # The tags section is last: tab through the sections to it (it scrolls into view),
        # one section at a time, each once the footer shows it has the focus.
        for section_key in ("Add MFA", "New access key", "Add to groups", "Attach", "Edit tags"):
            term.send("Tab")
            term.wait_footer(has=section_key)
        # (the workspace scrolls there: wait for both rows, not just the first to show)
        term.wait_line("ctl", "nul␀ cr␍ bs␈ tab␉ del␡")
        screen = term.wait_for(h.OSC52_SHOWN)
        buffers = subprocess.run(
            ["tmux", "-L", term.socket, "list-buffers", "-F", "#{buffer_sample}"],
            capture_output=True,
            text=True,
            timeout=20,
        ).stdout
        assert "pwned" not in buffers, "OSC 52 reached the terminal and set its clipboard"
        assert term.tmux("display-message", "-p", "-t", "t", "#{pane_title}").strip() == title
        # Every line still ends with its box's right edge: nothing moved the cursor.
        box += [line for line in screen.splitlines() if "│ " in line and "osc52" in line]
        top = next(line for line in screen.splitlines() if f"User {h.ESC_USER_SHOWN}" in line)
        edge = top.index("╮")  # the workspace's right edge
        assert len(box) == 3 and all(line[edge] == "│" for line in box), screen
        term.send("Escape")
        for _ in range(100):  # q on the details would only close them
            if "User ansi" not in term.screen():
                break
            time.sleep(0.1)
        term.send("q")
        assert term.exit_status() == 0
    finally:
        term.close()


async def test_group_workspace_documents_and_tags_show_aws_text_literally(
    hostile_url: str,
) -> None:
    """The group workspace, a policy document and the tags form: names, policy text, tag
    keys and values exactly as AWS has them, nothing a terminal would obey."""
    from tui.flows import edit_tags

    client = h.iam_client(hostile_url)
    policy = next(
        p["Arn"]
        for p in client.list_policies(Scope="Local")["Policies"]
        if p["PolicyName"] == h.MARKUP_POLICY
    )
    client.attach_group_policy(GroupName=h.MARKUP_GROUP, PolicyArn=policy)
    document = (
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject",'
        '"Resource":"*","Condition":{"StringEquals":{"aws:username":"[b]x[/b]"}}}]}'
    )
    client.put_group_policy(GroupName=h.MARKUP_GROUP, PolicyName="inline", PolicyDocument=document)
    app = hostile_app(hostile_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await pilot.press("3")
        table = app.query_one("#groups", TablePane).table
        table.move_cursor(row=table.get_row_index(h.MARKUP_GROUP))
        table.focus()
        await pilot.press("enter")
        screen = await wait_for_screen(app, pilot, GroupScreen)
        policies = screen.query_one("#group-policies", DataTable)
        await wait_until(pilot, lambda: policies.row_count == 2)
        names = [policies.get_row_at(n)[0].plain for n in range(2)]
        assert names == [h.MARKUP_POLICY, "inline"]
        h.assert_terminal_safe(await h.drawn(app, pilot))
        policies.focus()
        policies.move_cursor(row=1)
        await pilot.press("v")
        viewer = await wait_for_screen(app, pilot, PolicyDocumentScreen)
        assert '"aws:username": "[b]x[/b]"' in plain(viewer.query_one("#policy-json", Static))
        assert "[b]x[/b]" in app.export_screenshot()
        h.assert_terminal_safe(await h.drawn(app, pilot))
        await pilot.press("escape", "escape")

        app.state.run_flow(edit_tags(app.state, app, h.PATH_USER), "tags")
        form = await wait_for_screen(app, pilot, TagsScreen)
        assert [r.tag for r in form.query(TagRow)] == [(h.TAG_KEY, h.TAG_VALUE), ("team", "مرحبا")]
        h.assert_terminal_safe(await h.drawn(app, pilot))
        await pilot.press("escape")

        app.state.run_flow(edit_tags(app.state, app, h.ESC_USER), "tags")
        form = await wait_for_screen(app, pilot, TagsScreen)
        keys = [r.query_one(".tag-key", Input).value for r in form.query(TagRow)]
        assert keys == ["osc52", "ctl"]
        h.assert_terminal_safe(await h.drawn(app, pilot))
