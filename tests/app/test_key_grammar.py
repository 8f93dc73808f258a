"""One key grammar at 80×24 (README "Key grammar"): escape backs out of every screen, q quits
only from the main screen (asking first while a change runs), j/k move in lists, / filters
help, ctrl+c says how to quit in plain text, and the footer offers only keys that act."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import Any

import pytest
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Static

import tui.screens
from tests.support.app import make_app
from tests.support.pilot import loaded, plain, wait_for_screen, wait_until
from tests.support.render import cells_text, screen_cells
from tui.app import AcctApp
from tui.aws.iam.models import UserCredentials
from tui.aws.mfa.models import VirtualMfa
from tui.aws.models import AWS_DEFAULT_PASSWORD_POLICY
from tui.demo import DemoEndpoint
from tui.keys import entries
from tui.panes import TablePane
from tui.screens.dialogs.confirm import ConfirmScreen
from tui.screens.dialogs.help import HelpScreen
from tui.screens.guide import GuideScreen
from tui.screens.main import MainScreen
from tui.screens.user import UserScreen

pytestmark = pytest.mark.server

SIZE = (80, 24)


def _all_screens() -> set[type[Screen[Any]]]:
    """Every screen class defined under tui/screens (imported, then found by subclassing)."""
    for module in pkgutil.walk_packages(tui.screens.__path__, "tui.screens."):
        importlib.import_module(module.name)
    found: set[type[Screen[Any]]] = set()
    todo: list[type[Screen[Any]]] = [Screen]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub.__module__.startswith("tui.screens."):
                found.add(sub)
            todo.append(sub)
    return found


def _plan(app: AcctApp) -> Any:
    # A plan that fails at once (no such group): nothing in the account changes.
    return app.service.writer.plan_add_members("no-such-group", ["nobody"])


def _factories(app: AcctApp) -> dict[str, Callable[[], Screen[Any]]]:
    """How to build each screen, by class name (a new screen fails the test until added)."""
    from tui.screens.access_keys import AccessKeysScreen
    from tui.screens.credentials import CredentialsScreen
    from tui.screens.dialogs.choose import ChooseScreen
    from tui.screens.dialogs.details import DetailsScreen
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
    from tui.screens.mfa import MfaScreen
    from tui.screens.plan import PlanScreen
    from tui.screens.policy_document import PolicyDocumentScreen
    from tui.screens.root_mfa import RootMfaScreen

    state = app.state
    plan = _plan(app)
    account = "123456789012"
    never: Callable[..., Any] = lambda *_: plan  # noqa: E731 - a planner never called here
    device = VirtualMfa(
        "arn:aws:iam::123456789012:mfa/bob", "bob", "JBSWY3DPEHPK3PXP", "otpauth://x"
    )
    creds = UserCredentials(account, "bob", "https://example.invalid")
    return {
        "GuideScreen": lambda: GuideScreen(state),
        "HelpScreen": lambda: HelpScreen(entries()),
        "UserScreen": lambda: UserScreen(state, "bob"),
        "AccessKeysScreen": lambda: AccessKeysScreen(state, "bob", ()),
        "GroupScreen": lambda: GroupScreen(state, "developers"),
        "PolicyDocumentScreen": lambda: PolicyDocumentScreen("Policy", "about", "{}"),
        "RootMfaScreen": lambda: RootMfaScreen(state),
        "MfaScreen": lambda: MfaScreen(state, device),
        "CredentialsScreen": lambda: CredentialsScreen(state, creds),
        "PlanScreen": lambda: PlanScreen("Adding members", _plan(app)),
        "ReviewScreen": lambda: ReviewScreen("Review", plan),
        "ConfirmScreen": lambda: ConfirmScreen("Sure?", ["a line"]),
        "ChooseScreen": lambda: ChooseScreen("Choose", "one of", ["a", "b"]),
        "PickManyScreen": lambda: PickManyScreen("Pick", "some of", ["a", "b"]),
        "PromptScreen": lambda: PromptScreen("Prompt", "Name"),
        "MfaTokenScreen": lambda: MfaTokenScreen("Code"),
        "DetailsScreen": lambda: DetailsScreen("Details", [("a", "b")]),
        "AliasScreen": lambda: AliasScreen(state, account, None),
        "PasswordPolicyScreen": lambda: PasswordPolicyScreen(state, AWS_DEFAULT_PASSWORD_POLICY),
        "CreateUserScreen": lambda: CreateUserScreen(
            existing=(), groups=(), policy=AWS_DEFAULT_PASSWORD_POLICY, planner=never
        ),
        "CreateGroupScreen": lambda: CreateGroupScreen(
            existing=(), load_policies=lambda: (), planner=never
        ),
        "PasswordScreen": lambda: PasswordScreen(
            user="bob",
            title="Password",
            review_title="Review",
            policy=AWS_DEFAULT_PASSWORD_POLICY,
            planner=never,
        ),
        "AttachPoliciesScreen": lambda: AttachPoliciesScreen(
            "Attach", attached=(), load_policies=lambda: (), planner=never
        ),
        "TagsScreen": lambda: TagsScreen("bob", (), planner=never),
        "SecurityContactScreen": lambda: SecurityContactScreen(planner=never),
        "SupportRoleScreen": lambda: SupportRoleScreen(account_id=account, planner=never),
    }


# Not pushed by the user: it covers everything below the minimum size and goes by itself
# when the terminal grows (only ctrl+q and q work behind it).
# The Accounts view is a top-level screen like the main one: q quits there, escape goes to
# the console (tests/app/test_org_view.py).
NOT_BACKED_OUT = {"MainScreen", "TooSmallScreen", "OrgScreen"}


async def test_escape_backs_out_of_every_screen_and_q_never_quits_there(
    demo: DemoEndpoint,
) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        factories = _factories(app)
        names = {cls.__name__ for cls in _all_screens()} - NOT_BACKED_OUT
        assert names - set(factories) == set(), "add the new screen to _factories"
        for name in sorted(names):
            screen = factories[name]()
            assert isinstance(screen, ModalScreen), name
            app.push_screen(screen)
            await wait_for_screen(app, pilot, type(screen))
            if name == "PlanScreen":  # a plan cannot be left while its calls run
                await wait_until(pilot, lambda s=screen: not s.running)
            await pilot.pause(0.1)
            await pilot.press("q")  # nothing: no quitting, no closing (or a "q" typed)
            await pilot.pause(0.2)
            assert app.is_running and app.screen is screen, f"q left {name}"
            for _ in range(3):  # escape (a field may hold the focus: escape leaves it first)
                await pilot.press("escape")
                await pilot.pause(0.2)
                if isinstance(app.screen, ConfirmScreen) and app.screen is not screen:
                    await pilot.press("y")  # "close without keeping the credentials?"
                    await pilot.pause(0.2)
                if screen not in app.screen_stack:
                    break
            assert screen not in app.screen_stack, f"escape did not back out of {name}"
            assert app.is_running and isinstance(app.screen, MainScreen), name
        # A failed plan rolled back: escape closes it too (before, it kept what was done).
        from tui.screens.plan import PlanScreen

        plan_screen = PlanScreen("Adding members", _plan(app))
        app.push_screen(plan_screen)
        await wait_until(pilot, lambda: plan_screen.is_mounted and not plan_screen.running)
        await pilot.press("b")
        await wait_until(pilot, lambda: plan_screen.rollback_result is not None)
        await wait_until(pilot, lambda: not plan_screen.running)
        await pilot.press("escape")
        await wait_until(pilot, lambda: plan_screen not in app.screen_stack)


async def test_q_quits_from_the_main_screen(demo: DemoEndpoint) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        await pilot.press("g")
        await wait_for_screen(app, pilot, GuideScreen)
        await pilot.press("q")
        await pilot.pause(0.3)
        assert app.is_running and isinstance(app.screen, GuideScreen), "q in the guide"
        await pilot.press("escape", "q")
        await wait_until(pilot, lambda: not app.is_running, 10)


async def test_q_asks_first_while_a_region_change_runs(demo: DemoEndpoint) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        # Regions the refresh found in transit are AWS's business: q quits at once... (below)
        # A Region the user enables here: q asks first, n stays, y quits.
        app.state.watch_region("af-south-1")
        await pilot.press("q")
        question = await wait_for_screen(app, pilot, ConfirmScreen)
        text = plain(question.query_one("#confirm-lines Static", Static))
        assert "A Region change is still running: af-south-1" in text
        assert question.title_text == "Quit acct-tui?"
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
        assert app.is_running
        await pilot.press("q")
        await wait_for_screen(app, pilot, ConfirmScreen)
        await pilot.press("y")
        await wait_until(pilot, lambda: not app.is_running, 10)


async def test_q_asks_first_while_a_flow_runs(demo: DemoEndpoint) -> None:
    import asyncio

    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        assert app.region_watch.moving(), "the demo has Regions in transit from the start"
        release = asyncio.Event()

        async def flow() -> None:  # a flow waiting on AWS between two of its screens
            await release.wait()

        app.state.run_flow(flow(), "create user", mutating=False)
        await pilot.press("q")
        question = await wait_for_screen(app, pilot, ConfirmScreen)
        text = plain(question.query_one("#confirm-lines Static", Static))
        assert "A flow is still running: create user." in text
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
        release.set()
        await wait_until(pilot, lambda: not any(w.group == "flow" for w in app.workers))
        await pilot.press("q")  # nothing of the user's runs (Regions in transit do not count)
        await wait_until(pilot, lambda: not app.is_running, 10)


async def test_ctrl_c_says_how_to_quit_in_plain_text(demo: DemoEndpoint) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await loaded(app, pilot)
        await pilot.press("ctrl+c")
        await wait_until(pilot, lambda: bool(app._notifications))
        toasts = ""
        for _ in range(40):  # the toast is drawn a frame or two after it is posted
            toasts = " ".join(cells_text(screen_cells(app)).split())
            if "ctrl+q" in toasts:
                break
            await pilot.pause(0.05)
        assert "Press ctrl+q to quit the app" in toasts, toasts
        assert "[b]" not in toasts and "[/b]" not in toasts
        assert app.is_running


async def test_j_and_k_move_in_panes_workspace_and_guide_and_scroll_help(
    demo: DemoEndpoint,
) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        await pilot.press("2")
        users = app.query_one("#users", TablePane)
        await wait_until(pilot, lambda: users.table.row_count > 2)
        start = users.table.cursor_row
        await pilot.press("j", "j")
        assert users.table.cursor_row == start + 2
        await pilot.press("k")
        assert users.table.cursor_row == start + 1
        # the access keys moved from k to a
        await pilot.press("a")
        keys_screen = await wait_for_screen(app, pilot, ModalScreen)
        assert type(keys_screen).__name__ == "AccessKeysScreen"
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
        # the guide's steps
        await pilot.press("g")
        guide = await wait_for_screen(app, pilot, GuideScreen)
        steps = guide.query_one("#guide-steps", DataTable)
        before = steps.cursor_row
        await pilot.press("j" if before == 0 else "k")
        assert steps.cursor_row != before
        await pilot.press("escape")
        # the workspace's sections
        await pilot.press("2", "enter")
        ws = await wait_for_screen(app, pilot, UserScreen)
        await wait_until(pilot, lambda: ws.loaded, 30)
        ws.query_one("#user-policies", DataTable).focus()
        policies = ws.query_one("#user-policies", DataTable)
        if policies.row_count > 1:
            policies.move_cursor(row=0)
            await pilot.press("j")
            assert policies.cursor_row == 1
        await pilot.press("escape")
        # pick lists (one and several)
        from textual.widgets import OptionList, SelectionList

        from tui.screens.dialogs.choose import ChooseScreen
        from tui.screens.dialogs.pick_many import PickManyScreen

        for dialog, kind in (
            (ChooseScreen("Choose", "one of", ["a", "b", "c"]), OptionList),
            (PickManyScreen("Pick", "some of", ["a", "b", "c"]), SelectionList),
        ):
            app.push_screen(dialog)
            await wait_for_screen(app, pilot, type(dialog))
            options = dialog.query_one(kind)
            await wait_until(pilot, lambda o=options: o.has_focus)
            await pilot.press("j", "j")
            assert options.highlighted in (1, 2), type(dialog).__name__
            moved = options.highlighted
            await pilot.press("k")
            assert options.highlighted == moved - 1
            await pilot.press("escape")
            await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
        # help scrolls
        await pilot.press("question_mark")
        help_screen = await wait_for_screen(app, pilot, HelpScreen)
        scroll = help_screen.query_one("#help")
        assert scroll.scroll_y == 0
        await pilot.press("j", "j", "j")
        await wait_until(pilot, lambda: scroll.scroll_y > 0)
        await pilot.press("k", "k", "k")
        await wait_until(pilot, lambda: scroll.scroll_y == 0)


async def test_slash_filters_help_and_escape_clears_then_closes(demo: DemoEndpoint) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        await pilot.press("question_mark")
        help_screen = await wait_for_screen(app, pilot, HelpScreen)
        keys = help_screen.query_one("#help-keys", Static)
        assert "users.new" in plain(keys) and "app.refresh" in plain(keys)
        await pilot.press("slash", *"arn")
        await wait_until(pilot, lambda: "users.new" not in plain(keys))
        text = plain(keys)
        assert "users.copy" in text and "user.copy_arn" in text and "app.refresh" not in text
        await pilot.press(*"zzz")
        await wait_until(pilot, lambda: "No key matches 'arnzzz'." in plain(keys))
        await pilot.press("escape")  # clears the search, help stays
        await wait_until(pilot, lambda: "users.new" in plain(keys))
        assert app.screen is help_screen
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))


# ------------------------------------------------------------------------------ footer truth
def shown_keys(app: AcctApp) -> list[str]:
    """The keys a footer on screen offers now (none when the screen has no footer)."""
    if not [f for f in app.screen.query(Footer) if f.display]:
        return []
    return [
        key
        for key, b in app.screen.active_bindings.items()
        if b.enabled and b.binding.show and key != "q"  # q: test_q_quits_…
    ]


def fingerprint(app: AcctApp) -> tuple[object, ...]:
    focused = app.focused
    row = getattr(focused, "cursor_row", None)
    return (
        tuple(id(s) for s in app.screen_stack),
        id(focused),
        row,
        len(SAID),  # every notification asked for (toasts also expire by themselves)
        app.clipboard,
        app.generation,
        app.refreshing,
        sum(1 for w in app.workers if w.group == "flow"),
    )


async def press_and_see(app: AcctApp, pilot: Any, key: str, where: str) -> None:
    """Press ``key`` and wait for something to happen; then back to the screen it was on."""
    PRESSED.append(f"{where}: {key}")
    depth, focused = len(app.screen_stack), app.focused
    before = fingerprint(app)
    await pilot.press(key)
    await wait_until(pilot, lambda: fingerprint(app) != before, 15)
    for _ in range(100):  # back out of whatever it opened, and let its flow end
        if len(app.screen_stack) > depth:
            await pilot.press("escape")
        elif not any(w.group == "flow" and w.is_running for w in app.workers):
            break
        await pilot.pause(0.1)
    assert len(app.screen_stack) == depth, f"{where}: {key} left a screen open"
    if app.refreshing:
        await wait_until(pilot, lambda: not app.refreshing, 30)
    if focused is not None and focused.is_attached and app.focused is not focused:
        focused.focus()
        await pilot.pause(0.1)


PRESSED: list[str] = []
SAID: list[str] = []


def record_notifications(app: AcctApp) -> None:
    shown = app.notify

    def notify(message: str, **kwargs: Any) -> None:
        SAID.append(message)
        shown(message, **kwargs)

    app.notify = notify  # type: ignore[method-assign]


async def test_every_footer_key_does_something(demo: DemoEndpoint) -> None:
    PRESSED.clear()
    app = make_app(demo)
    record_notifications(app)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        for pane in "12345":
            await pilot.press(pane)
            await pilot.pause(0.2)
            for key in shown_keys(app):
                if key in ("slash", "g"):  # a filter box / the guide: escape backs out
                    await press_and_see(app, pilot, key, f"pane {pane}")
                    if key == "slash":
                        await pilot.press("escape")
                    continue
                await press_and_see(app, pilot, key, f"pane {pane}")
        # Getting started: its own footer, not the panes' (no "/ Filter", no "n New user")
        await pilot.press("g")
        guide = await wait_for_screen(app, pilot, GuideScreen)
        await pilot.pause(0.2)
        main_footer = app.main.query_one(Footer)
        assert not main_footer.display, "the panes' footer shows under the guide"
        offered = shown_keys(app)
        assert "slash" not in offered and "r" in offered and "escape" in offered
        for key in offered:
            if key not in ("escape", "g"):
                await press_and_see(app, pilot, key, "guide")
        assert app.screen is guide
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen) and main_footer.display)
        # the user workspace, section by section (each with its own keys)
        await pilot.press("2", "enter")
        ws = await wait_for_screen(app, pilot, UserScreen)
        await wait_until(pilot, lambda: ws.loaded, 30)
        for table in ws.query(DataTable):
            table.focus()
            await pilot.pause(0.1)
            offered = shown_keys(app)
            assert "a" not in offered or table.id in ("user-groups", "user-policies")
            for key in offered:
                if key != "escape":
                    await press_and_see(app, pilot, key, f"workspace {table.id}")
                    await wait_until(pilot, lambda: ws.loaded, 30)
        assert app.screen is ws
    # (the five panes, the guide and the six sections offer these at least)
    assert len(PRESSED) >= 25, PRESSED
