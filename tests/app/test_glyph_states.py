"""Every state a glyph can carry is in the characters, not only in the colours.

Each screen and form listed by tui/keys.py (the same list help and the README key table
read, so a new screen is covered as soon as it has keys) is opened in the real app over the
demo account at 80×24, with NO_COLOR as Textual applies it: the Monochrome filter (every
colour a grey: a colour theme) and the NoColor filter (no colour at all: an ANSI theme).
On the rendered cells (``tests/support/render.py``) it asserts that

- a ticked and an unticked box, a chosen and an unchosen radio button, differ in their
  characters (``[x]``/``[ ]``, ``(•)``/``( )``), in every Checkbox, RadioButton and
  SelectionList row;
- the focused widget differs in characters from the same widget unfocused, for every
  widget that can take the focus on a screen with more than one;
- each status and severity on the main panes is a word or a symbol of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.filter import Monochrome, NoColor
from textual.geometry import Region
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Checkbox, RadioButton, SelectionList

from tests.support.app import make_app
from tests.support.pilot import loaded, wait_until
from tests.support.render import cells_text, screen_cells
from tui import keys
from tui.app import AcctApp
from tui.aws.checks import Status, evaluate
from tui.aws.iam import UserCredentials
from tui.aws.mfa import VirtualMfa, otpauth_uri
from tui.aws.models import PasswordPolicy
from tui.demo import DemoEndpoint
from tui.panes import TablePane

pytestmark = pytest.mark.server

SIZE = (80, 24)
SEED = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _no_plan(_request: object) -> Any:
    raise AssertionError("the form was not meant to be submitted here")


def openers(app: AcctApp) -> dict[str, Callable[[], Screen[Any]]]:
    """How to build each screen with demo data, by class name."""
    from tui.screens.access_keys import AccessKeysScreen
    from tui.screens.credentials import CredentialsScreen
    from tui.screens.dialogs.choose import ChooseScreen
    from tui.screens.dialogs.confirm import ConfirmScreen
    from tui.screens.dialogs.details import DetailsScreen
    from tui.screens.dialogs.help import HelpScreen
    from tui.screens.dialogs.mfa_token import MfaTokenScreen
    from tui.screens.dialogs.pick_many import PickManyScreen
    from tui.screens.dialogs.prompt import PromptScreen
    from tui.screens.dialogs.review import ReviewScreen
    from tui.screens.forms.alias import AliasScreen
    from tui.screens.forms.attach_policies import AttachPoliciesScreen
    from tui.screens.forms.create_group import CreateGroupScreen
    from tui.screens.forms.create_user import CreateUserScreen
    from tui.screens.forms.password import PasswordScreen
    from tui.screens.forms.password_policy import PasswordPolicyScreen
    from tui.screens.forms.security_contact import SecurityContactScreen
    from tui.screens.forms.support_role import SupportRoleScreen
    from tui.screens.forms.tags import TagsScreen
    from tui.screens.group import GroupScreen
    from tui.screens.guide import GuideScreen
    from tui.screens.mfa import MfaScreen
    from tui.screens.org import OrgScreen
    from tui.screens.plan import PlanScreen
    from tui.screens.policy_document import PolicyDocumentScreen
    from tui.screens.root_mfa import RootMfaScreen
    from tui.screens.user import UserScreen

    state = app.state
    account = app.posture.caller.value.account_id if app.posture.caller.value else "123456789012"
    policy = app.posture.password_policy.value or PasswordPolicy()
    details = app.posture.details.value
    groups = [g.name for g in details.groups] if details else []
    users = [u.name for u in details.users] if details else []
    writer = state.service.writer
    same_tags = (("team", "demo"),)

    def plan() -> Any:
        return writer.plan_edit_tags("bob", (), (("glyph-check", "yes"),))

    device = VirtualMfa(
        serial=f"arn:aws:iam::{account}:mfa/bob",
        user_name="bob",
        seed=SEED,
        uri=otpauth_uri(SEED, account, "bob"),
    )
    credentials = UserCredentials(account, "glyph-user", "https://example.com/console")
    return {
        GuideScreen.__name__: lambda: GuideScreen(state),
        CreateUserScreen.__name__: lambda: CreateUserScreen(
            existing=users, groups=groups, policy=policy, planner=_no_plan
        ),
        CreateGroupScreen.__name__: lambda: CreateGroupScreen(
            existing=groups, load_policies=state.managed_policies, planner=_no_plan
        ),
        PasswordPolicyScreen.__name__: lambda: PasswordPolicyScreen(state, policy),
        AliasScreen.__name__: lambda: AliasScreen(state, account, None),
        PasswordScreen.__name__: lambda: PasswordScreen(
            user="bob",
            title="Console password of bob",
            review_title="Set it?",
            policy=policy,
            planner=_no_plan,
        ),
        SecurityContactScreen.__name__: lambda: SecurityContactScreen(planner=_no_plan),
        SupportRoleScreen.__name__: lambda: SupportRoleScreen(account_id=account, planner=_no_plan),
        ReviewScreen.__name__: lambda: ReviewScreen("Tag bob?", plan()),
        PlanScreen.__name__: lambda: PlanScreen("Tagging bob", plan()),
        CredentialsScreen.__name__: lambda: CredentialsScreen(state, credentials),
        MfaScreen.__name__: lambda: MfaScreen(state, device),
        RootMfaScreen.__name__: lambda: RootMfaScreen(state),
        OrgScreen.__name__: lambda: OrgScreen(state, app.org),
        DetailsScreen.__name__: lambda: DetailsScreen("Details", [("User", "bob")]),
        UserScreen.__name__: lambda: UserScreen(state, "bob"),
        AccessKeysScreen.__name__: lambda: AccessKeysScreen(state, "bob", ()),
        GroupScreen.__name__: lambda: GroupScreen(state, "developers"),
        PolicyDocumentScreen.__name__: lambda: PolicyDocumentScreen(
            "Policy", "about", '{"Version": "2012-10-17", "Statement": []}'
        ),
        AttachPoliciesScreen.__name__: lambda: AttachPoliciesScreen(
            "Attach policies to user bob",
            attached=[],
            load_policies=state.managed_policies,
            planner=_no_plan,
        ),
        TagsScreen.__name__: lambda: TagsScreen("bob", same_tags, planner=_no_plan),
        PickManyScreen.__name__: lambda: PickManyScreen(
            "Add bob to groups", "Groups:", groups or ["developers", "readonly"]
        ),
        ConfirmScreen.__name__: lambda: ConfirmScreen(
            "Delete user carol?", ["carol"], option="Also remove the keyring entry"
        ),
        ChooseScreen.__name__: lambda: ChooseScreen("Which user?", "Which?", ["bob", "carol"]),
        PromptScreen.__name__: lambda: PromptScreen("New group", "Group name"),
        MfaTokenScreen.__name__: lambda: MfaTokenScreen("Code from the MFA app of bob"),
        HelpScreen.__name__: lambda: HelpScreen(keys.entries()),
    }


def listed_screens() -> list[type[Screen[Any]]]:
    """Every screen tui/keys.py lists (panes and table sections are widgets, not screens)."""
    found: list[type[Screen[Any]]] = []
    for _title, cls in keys._screens():
        # (The main screen is the one under all others: drawn in every check already.)
        main = cls.__name__ == "MainScreen"
        if isinstance(cls, type) and issubclass(cls, Screen) and cls not in found and not main:
            found.append(cls)
    return found


# ------------------------------------------------------------------------------ rendering
def set_filter(app: AcctApp, mode: str) -> None:
    """NO_COLOR as Textual applies it: Monochrome for a colour theme, NoColor for ANSI."""
    filters = app._filters
    index = next(i for i, f in enumerate(filters) if isinstance(f, Monochrome | NoColor))
    filters[index] = NoColor() if mode == "nocolor" else Monochrome()


def text_in(app: AcctApp, region: Region) -> str:
    cells = screen_cells(app)
    rows = cells[region.y : region.bottom]
    return cells_text([row[region.x : region.right] for row in rows])


def frame(app: AcctApp, widget: Widget) -> Region:
    """The widget's cells and one cell around them (a border drawn by its container)."""
    return widget.region.grow((1, 1, 1, 1)).intersection(Region(0, 0, *SIZE))


async def settle(pilot: Any) -> None:
    await pilot.pause(0.15)


# ------------------------------------------------------------------------------ checks
async def ticks_differ(app: AcctApp, pilot: Any, screen: Screen[Any]) -> int:
    """Every tick box, radio button and list row on screen says ticked or not in characters:
    flip each and the characters change, with the mark the state asks for."""
    seen = 0
    for box in screen.query("Checkbox"):
        assert isinstance(box, Checkbox)
        if not box.region:
            continue
        for _ in range(2):
            shown = text_in(app, box.region)
            assert ("[x]" if box.value else "[ ]") in shown, (type(screen).__name__, shown)
            box.value = not box.value
            await settle(pilot)
            assert text_in(app, box.region) != shown
        seen += 1
    for radio in screen.query("RadioButton"):
        assert isinstance(radio, RadioButton)
        if not radio.region:
            continue
        shown = text_in(app, radio.region)
        assert ("(•)" if radio.value else "( )") in shown, (type(screen).__name__, shown)
        seen += 1
    for picks in screen.query("SelectionList"):
        assert isinstance(picks, SelectionList)
        if not picks.region or not picks.option_count:
            continue
        first = picks.get_option_at_index(0)
        row = Region(picks.region.x, picks.region.y, picks.region.width, 1)
        for _ in range(2):
            shown = text_in(app, row)
            ticked = first.value in picks.selected
            assert ("[x]" if ticked else "[ ]") in shown, (type(screen).__name__, shown)
            picks.toggle(first.value)
            await settle(pilot)
            assert text_in(app, row) != shown
        seen += 1
    return seen


async def focus_shows(app: AcctApp, pilot: Any, screen: Screen[Any]) -> list[str]:
    """Widgets whose focus is told by colour alone: their cells are the same characters
    focused and unfocused (another widget of the screen focused)."""
    chain = [w for w in screen.focus_chain if w.region]
    if len(chain) < 2:
        return []
    bare = []
    for n, widget in enumerate(chain[:8]):
        other = chain[(n + 1) % len(chain)]
        widget.focus()
        await settle(pilot)
        for _ in range(20):  # scrolled into view
            if widget.region.intersection(Region(0, 0, *SIZE)).area:
                break
            await settle(pilot)
        where = frame(app, widget)
        if not widget.region.intersection(Region(0, 0, *SIZE)).area:
            continue  # not on screen even focused (nothing to compare)
        focused = text_in(app, where)
        other.focus(scroll_visible=False)
        await settle(pilot)
        if text_in(app, where) == focused:
            bare.append(f"{type(widget).__name__}#{widget.id}: {focused!r}")
    return bare


async def show(app: AcctApp, pilot: Any, build: Callable[[], Screen[Any]]) -> Screen[Any] | None:
    """Push the screen and wait until it is drawn; None if it closed by itself (a plan
    that finished: it was opened, and has nothing left to focus or tick)."""
    screen = build()
    opened: list[bool] = []
    screen.call_after_refresh(lambda: opened.append(True))
    app.push_screen(screen)
    await wait_until(pilot, lambda: bool(opened))
    await pilot.pause(0.5)
    return screen if app.screen is screen else None


@pytest.mark.parametrize("mode", ["monochrome", "nocolor"])
async def test_every_screen_tells_state_and_focus_in_characters(
    mode: str, demo: DemoEndpoint, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        set_filter(app, mode)
        await loaded(app, pilot)
        build = openers(app)
        missing = [cls.__name__ for cls in listed_screens() if cls.__name__ not in build]
        assert not missing, f"screens with no opener here (add one): {missing}"
        ticks = 0
        colour_only: dict[str, list[str]] = {}
        for cls in listed_screens():
            screen = await show(app, pilot, build[cls.__name__])
            if screen is None:
                continue
            ticks += await ticks_differ(app, pilot, screen)
            bare = await focus_shows(app, pilot, screen)
            if bare:
                colour_only[cls.__name__] = bare
            app.pop_screen()
            await wait_until(pilot, lambda s=screen: app.screen is not s)
        assert ticks >= 8  # the forms' boxes and lists were there to check
        assert not colour_only, f"focus shown by colour alone ({mode}): {colour_only}"
        # the panes of the main screen: a focused pane is framed differently
        bare = await focus_shows(app, pilot, app.screen)
        assert not bare, f"main screen ({mode}): {bare}"
        # each status on the recommendations pane is its own word and symbol
        recs = app.query_one("#recommendations", TablePane)
        column = list(recs.COLUMNS).index("Status") if "Status" in recs.COLUMNS else 0
        labels: dict[Status, set[str]] = {}
        for finding in evaluate(app.posture):
            cell = recs.table.get_row(finding.id)[column]
            labels.setdefault(finding.status, set()).add(getattr(cell, "plain", str(cell)))
        assert all(len(texts) == 1 for texts in labels.values()), labels
        assert len({next(iter(t)) for t in labels.values()}) == len(labels), labels
