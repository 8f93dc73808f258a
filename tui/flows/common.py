"""What the create flows share: the form, then its plan; the one-line reason a plan failed."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from textual.app import App
from textual.screen import Screen

from tui.screens.plan import PlanOutcome, PlanScreen

if TYPE_CHECKING:
    from tui.aws.plan import Plan


class Request(Protocol):
    """What a create form returns (NewUser, NewGroup)."""

    @property
    def name(self) -> str: ...


R = TypeVar("R", bound=Request)


async def form_then_plan(
    screens: App[Any], form: Screen[R | None], planner: Callable[[R], Plan], doing: str
) -> tuple[R, Plan, PlanOutcome] | None:
    """Show ``form`` (it reviews the plan itself); once submitted, run the plan on the plan
    screen. None when the form was cancelled."""
    request = await screens.push_screen_wait(form)
    if request is None:
        return None
    plan = planner(request)
    outcome = await screens.push_screen_wait(PlanScreen(f"{doing} {request.name}", plan))
    return request, plan, outcome


def error_line(outcome: PlanOutcome) -> str:
    """Why a plan did not succeed, for the form it returns to."""
    error = outcome.error
    if error is None:
        return "The plan failed; see the report."
    text = f"{error.headline()}: {error.message}" if error.message else error.headline()
    if outcome.rolled_back:
        text += " (rolled back)"
    return text
