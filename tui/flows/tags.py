"""Tag flow: edit a user's tags (form → review → TagUser / UntagUser plan)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from textual.app import App

from tui.aws.models import IamUser
from tui.screens.forms.tags import TagsScreen
from tui.screens.plan import PlanScreen

if TYPE_CHECKING:
    from tui.state import AccountState


def _user(state: AccountState, name: str) -> IamUser | None:
    details = state.posture.details.value
    return next((u for u in details.users if u.name == name), None) if details else None


async def edit_tags(state: AccountState, screens: App[Any], user: str) -> None:
    """The user's tags as the last refresh read them, one row each; the changes go as
    TagUser (added and changed) and UntagUser (removed)."""
    found = _user(state, user)
    if found is None:
        state.notify(f"{user} is not in the account as last read.", severity="warning")
        return
    old = found.tags
    writer = state.service.writer
    form = TagsScreen(
        user,
        old,
        planner=lambda tags: writer.plan_edit_tags(user, old, tags),
        copy=state.copy_text,
    )
    tags = await screens.push_screen_wait(form)
    if tags is None:
        return
    plan = writer.plan_edit_tags(user, old, tags)
    outcome = await screens.push_screen_wait(PlanScreen(f"Tagging {user}", plan))
    if outcome.succeeded:
        state.apply_posture(state.posture.with_user(replace(found, tags=tags), None))
        state.notify(f"Tags of {user} saved.", title="Tags")
    else:
        state.refresh_if_changed(plan)
