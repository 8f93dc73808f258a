"""Group flows: create a group (form → review → plan), delete one (confirm → plan)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import App

from tui.aws import selfguard
from tui.aws.iam import NewGroup
from tui.aws.models import ADMIN_POLICY_ARN, IamGroup, PolicyRef, utcnow
from tui.flows.common import error_line, form_then_plan
from tui.runtime.workers import failure_text, in_thread
from tui.screens.dialogs.confirm import confirm_screen
from tui.screens.forms.create_group import CreateGroupScreen
from tui.screens.plan import PlanScreen

if TYPE_CHECKING:
    from tui.state import AccountState


def administrators() -> NewGroup:
    """The tutorial's administrators group, with AdministratorAccess."""
    return NewGroup("administrators", policy_arns=(ADMIN_POLICY_ARN,))


async def create_group(
    state: AccountState, screens: App[Any], prefill: NewGroup | None = None
) -> None:
    writer = state.service.writer
    errors: dict[str, str] = {}
    while True:
        details = state.posture.details.value
        form = CreateGroupScreen(
            existing=[g.name for g in details.groups] if details else [],
            load_policies=state.managed_policies,
            planner=writer.plan_create_group,
            prefill=prefill,
            errors=errors,
            copy=state.copy_text,
        )
        done = await form_then_plan(screens, form, writer.plan_create_group, "Creating group")
        if done is None:
            return
        request, plan, outcome = done
        if outcome.succeeded:
            account, _ = state.account()
            names = {p.arn: p.name for p in state.cached_policies()}
            group = IamGroup(
                name=request.name,
                arn=f"arn:aws:iam::{account}:group{request.path}{request.name}",
                path=request.path,
                created=utcnow(),
                attached_policies=tuple(
                    PolicyRef(names.get(a, a.rsplit("/", 1)[-1]), a) for a in request.policy_arns
                ),
            )
            state.apply_posture(state.posture.with_group(group))
            state.notify(f"Group {request.name} created.", title="Groups")
            return
        state.refresh_if_changed(plan)
        prefill = request
        errors = {outcome.field or "name": error_line(outcome)}


async def delete_group(state: AccountState, screens: App[Any], name: str) -> None:
    writer = state.service.writer
    try:
        plan = await in_thread(screens, lambda: writer.plan_delete_group(name), f"inspect {name}")
    except Exception as exc:  # noqa: BLE001
        state.notify(failure_text(exc), title=f"Cannot delete {name}", severity="error")
        return
    harm = selfguard.delete_group(await state.whoami(), state.posture.details.value, name)
    confirm = confirm_screen(
        f"Delete group {name}?",
        ["These steps will run, in order:", *(f"  • {s.description}" for s in plan.steps)],
        harm,
    )
    if not await screens.push_screen_wait(confirm):
        return
    outcome = await screens.push_screen_wait(PlanScreen(f"Deleting group {name}", plan))
    if outcome.succeeded:
        state.apply_posture(state.posture.without_group(name))
        state.notify(f"Group {name} deleted.", title="Groups")
    else:
        state.refresh_if_changed(plan)
