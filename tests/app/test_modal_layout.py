"""Every modal is centred, fits 80×24 and grows at 200×50; dialog text wraps whole."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.geometry import Region
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Static

from tests.support.app import OFFLINE_URL, make_app
from tests.support.render import cells_text, screen_cells
from tui.aws.models import PasswordPolicy
from tui.aws.plan import Operation, Plan, Step
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

ACCOUNT = "123456789012"


def _never(*_: object) -> Any:
    raise AssertionError("not reviewed in this test")


def _plan() -> Plan:
    step = Step(
        "1", "iam:CreateUser", "Create the user alice", "aws iam create-user --user-name alice"
    )
    op = Operation(step, _never, "user alice")
    return Plan("create user alice", [op], kind="create", sleep=_never, retry_delays=())


def _help(app: Any) -> ModalScreen[Any]:
    from tui.keys import entries

    return HelpScreen(entries())


MODALS: dict[str, Callable[[Any], ModalScreen[Any]]] = {
    "choose": lambda app: ChooseScreen("Pick one", "Which key?", ["AKIA1", "AKIA2"]),
    "confirm": lambda app: ConfirmScreen("Delete alice?", ["The user alice is deleted."]),
    "details": lambda app: DetailsScreen("A finding", [("Status", "✗ fix"), ("Why", "x " * 40)]),
    "help": _help,
    "mfa token": lambda app: MfaTokenScreen("Code from alice's device:"),
    "pick many": lambda app: PickManyScreen("Pick", "Which groups?", ["a", "b", "c"]),
    "prompt": lambda app: PromptScreen("AWS CLI profile", "Profile name:", "alice"),
    "review": lambda app: ReviewScreen("Create user alice?", _plan()),
    "alias": lambda app: AliasScreen(app.state, ACCOUNT, None),
    "attach policies": lambda app: AttachPoliciesScreen(
        "Attach policies to alice", attached=(), load_policies=list, planner=_never
    ),
    "new group": lambda app: CreateGroupScreen(existing=(), load_policies=list, planner=_never),
    "new user": lambda app: CreateUserScreen(
        existing=(), groups=("admins",), policy=PasswordPolicy(), planner=_never
    ),
    "password": lambda app: PasswordScreen(
        user="alice",
        title="Console password of alice",
        review_title="Set it?",
        policy=PasswordPolicy(),
        planner=_never,
    ),
    "password policy": lambda app: PasswordPolicyScreen(app.state, PasswordPolicy()),
    "security contact": lambda app: SecurityContactScreen(planner=_never),
    "support role": lambda app: SupportRoleScreen(account_id=ACCOUNT, planner=_never),
    "tags": lambda app: TagsScreen("alice", [("team", "ops")], planner=_never),
}


def frame(screen: ModalScreen[Any]) -> Widget:
    """The modal's box: its first visible child (what the user sees as the dialog)."""
    return next(child for child in screen.children if child.display)


@pytest.mark.parametrize("size", [(80, 24), (200, 50)], ids=["80x24", "200x50"])
@pytest.mark.parametrize("name", list(MODALS))
async def test_every_modal_is_centred_and_fits(name: str, size: tuple[int, int]) -> None:
    app = make_app(OFFLINE_URL)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        screen = MODALS[name](app)
        await app.push_screen(screen)
        await pilot.pause(0.2)
        box = frame(screen).region
        width, height = size
        assert box.x >= 0 and box.y >= 0, box
        assert box.right <= width and box.bottom <= height, f"{name} does not fit {size}: {box}"
        left, right = box.x, width - box.right
        assert abs(left - right) <= 1, f"{name} is not centred at {size}: {box}"
        top, bottom = box.y, height - box.bottom
        assert abs(top - bottom) <= 1, f"{name} is not centred vertically at {size}: {box}"
        if width >= 200:
            assert box.width <= 110, f"{name} stretches across {box.width} columns"


async def test_confirm_paragraphs_wrap_and_the_option_label_is_whole() -> None:
    from tui.aws.models import Caller
    from tui.flows.identity import _confirm

    caller = Caller(ACCOUNT, f"arn:aws:iam::{ACCOUNT}:user/admin", "AIDAEXAMPLE")
    user = "a-rather-long-user-name-for-the-deploy-pipeline"
    app = make_app(OFFLINE_URL)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = _confirm(caller, user, "AKIAEXAMPLEEXAMPLE12")
        await app.push_screen(screen)
        await pilot.pause(0.2)
        text = cells_text(screen_cells(app))
        assert screen.option_label and screen.option_label in text, text
        # The paragraphs wrap between words (the dialog scrolls them when they are long).
        body = screen.query_one("#confirm-lines > Static", Static)
        shown = body.render_lines(Region(0, 0, body.size.width, body.size.height))
        words = " ".join(strip.text for strip in shown).split()
        assert words == " ".join(screen.lines).split(), shown
        assert body.size.height > len([line for line in screen.lines if line]), "it wraps"
        # One paragraph per sentence: no line of the dialog ends mid-sentence by hand.
        assert not any(line and line[-1].isalpha() for line in screen.lines), screen.lines
