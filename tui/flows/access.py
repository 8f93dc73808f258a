"""Access flows: group memberships, managed policies (attach, detach, view) and moving a
user's directly attached policies to a group. Each change: a confirmation or a form with
its review, then a reported plan; the posture is updated at once afterwards."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

from textual.app import App

from tui.aws import selfguard
from tui.aws.iam.models import MAX_GROUPS_PER_USER
from tui.aws.iam.steps import short_arn
from tui.aws.models import (
    ADMIN_POLICY_ARN,
    AuthDetails,
    IamGroup,
    IamUser,
    Part,
    PolicyRef,
    utcnow,
)
from tui.aws.validate import group_name_error
from tui.runtime.workers import failure_text, in_thread
from tui.screens.dialogs.choose import ChooseScreen
from tui.screens.dialogs.confirm import confirm_screen
from tui.screens.dialogs.pick_many import PickManyScreen
from tui.screens.dialogs.prompt import PromptScreen
from tui.screens.forms.attach_policies import AttachPoliciesScreen
from tui.screens.plan import PlanScreen
from tui.screens.policy_document import PolicyDocumentScreen

if TYPE_CHECKING:
    from tui.aws.plan import Plan
    from tui.state import AccountState

Kind = Literal["user", "group"]
NEW_GROUP = "＋ a new group…"


# -- the posture, read and changed locally ---------------------------------------------------
def _details(state: AccountState) -> AuthDetails:
    return state.posture.details.value or AuthDetails()


def _user(state: AccountState, name: str) -> IamUser | None:
    return next((u for u in _details(state).users if u.name == name), None)


def _change_user(state: AccountState, name: str, change: Callable[[IamUser], IamUser]) -> None:
    user = _user(state, name)
    if user is not None:
        state.apply_posture(state.posture.with_user(change(user), None))


def _change_group(state: AccountState, name: str, change: Callable[[IamGroup], IamGroup]) -> None:
    group = _details(state).group(name)
    if group is not None:
        state.apply_posture(state.posture.with_group(change(group)))


def _refs(state: AccountState, arns: tuple[str, ...]) -> tuple[PolicyRef, ...]:
    names = {p.arn: p.name for p in state.cached_policies()}
    return tuple(PolicyRef(names.get(a, short_arn(a)), a) for a in arns)


def _commands(plan: Plan) -> list[str]:
    return ["The same with the AWS CLI:", *(f"  {s.cli}" for s in plan.steps)]


async def _run(screens: App[Any], state: AccountState, doing: str, plan: Plan) -> bool:
    """Run ``plan`` on the plan screen; True when every step went through."""
    outcome = await screens.push_screen_wait(PlanScreen(doing, plan))
    if not outcome.succeeded:
        state.refresh_if_changed(plan)
    return bool(outcome.succeeded)


# -- memberships -------------------------------------------------------------------------------
async def add_to_groups(state: AccountState, screens: App[Any], user: str) -> None:
    """Choose groups ``user`` is not in (at most 10 in all), confirm, AddUserToGroup each."""
    member = _user(state, user)
    already = member.groups if member else ()
    choices = [g.name for g in _details(state).groups if g.name not in already]
    if not choices:
        state.notify(f"{user} is already in every group.", title="Groups", severity="warning")
        return
    room = MAX_GROUPS_PER_USER - len(already)
    if room <= 0:
        state.notify(
            f"{user} is in {len(already)} groups, the most AWS allows ({MAX_GROUPS_PER_USER}).",
            title="Groups",
            severity="warning",
        )
        return
    prompt = f"Groups to add {user} to (in {len(already)} of at most {MAX_GROUPS_PER_USER}):"
    groups = await screens.push_screen_wait(
        PickManyScreen(f"Add {user} to groups", prompt, choices, limit=room)
    )
    if not groups:
        return
    plan = state.service.writer.plan_add_to_groups(user, groups, already=already)
    lines = [*(f"• {s.description}" for s in plan.steps), "", *_commands(plan)]
    confirm = confirm_screen(plan.title + "?", lines, None, confirm_label="Add", danger=False)
    if not await screens.push_screen_wait(confirm):
        return
    if await _run(screens, state, f"Adding {user} to groups", plan):
        _change_user(state, user, lambda u: replace(u, groups=(*u.groups, *groups)))
        state.notify(f"{user} added to {', '.join(groups)}.", title="Groups")


def _remove_harm(
    me: selfguard.Identity, details: AuthDetails | None, user: str, group: str
) -> selfguard.SelfHarm | None:
    """Removing acct-tui's own user from the group that is its last way to admin (or
    asking, when who acct-tui runs as could not be read)."""
    if me.caller is not None and me.user != user:
        return None
    return selfguard.lose_admin_path(me, details, f"group:{group}", group)


async def remove_from_group(state: AccountState, screens: App[Any], user: str, group: str) -> None:
    """Confirm (type the name when it cripples acct-tui's identity), RemoveUserFromGroup."""
    plan = state.service.writer.plan_remove_from_group(user, group)
    harm = _remove_harm(await state.whoami(), state.posture.details.value, user, group)
    lines = [
        f"{user} loses the permissions group {group} gives.",
        "",
        *_commands(plan),
    ]
    confirm = confirm_screen(plan.title + "?", lines, harm, confirm_label="Remove")
    if not await screens.push_screen_wait(confirm):
        return
    if await _run(screens, state, f"Removing {user} from {group}", plan):
        _change_user(
            state, user, lambda u: replace(u, groups=tuple(g for g in u.groups if g != group))
        )
        state.notify(f"{user} removed from group {group}.", title="Groups")


async def add_members(state: AccountState, screens: App[Any], group: str) -> None:
    """Choose users not in ``group``, confirm, AddUserToGroup each."""
    details = _details(state)
    members = set(details.members(group))
    choices = [u.name for u in details.users if u.name not in members]
    if not choices:
        state.notify(f"Every user is in {group}.", title="Groups", severity="warning")
        return
    users = await screens.push_screen_wait(
        PickManyScreen(f"Add members to {group}", f"Users to add to group {group}:", choices)
    )
    if not users:
        return
    full = [u for u in users if len(getattr(_user(state, u), "groups", ())) >= MAX_GROUPS_PER_USER]
    if full:
        state.notify(
            f"Already in {MAX_GROUPS_PER_USER} groups (the AWS limit): {', '.join(full)}",
            title="Groups",
            severity="error",
        )
        return
    plan = state.service.writer.plan_add_members(group, users)
    lines = [*(f"• {s.description}" for s in plan.steps), "", *_commands(plan)]
    confirm = confirm_screen(plan.title + "?", lines, None, confirm_label="Add", danger=False)
    if not await screens.push_screen_wait(confirm):
        return
    if await _run(screens, state, f"Adding members to {group}", plan):
        for name in users:
            _change_user(state, name, lambda u: replace(u, groups=(*u.groups, group)))
        state.notify(f"{', '.join(users)} added to group {group}.", title="Groups")


# -- managed policies ------------------------------------------------------------------------
def _attached(state: AccountState, kind: Kind, name: str) -> tuple[PolicyRef, ...]:
    owner = _user(state, name) if kind == "user" else _details(state).group(name)
    return owner.attached_policies if owner else ()


def _apply_policies(
    state: AccountState,
    kind: Kind,
    name: str,
    refs: Callable[[tuple[PolicyRef, ...]], tuple[PolicyRef, ...]],
) -> None:
    if kind == "user":
        _change_user(state, name, lambda u: replace(u, attached_policies=refs(u.attached_policies)))
    else:
        _change_group(
            state, name, lambda g: replace(g, attached_policies=refs(g.attached_policies))
        )


async def attach_policies(state: AccountState, screens: App[Any], kind: Kind, name: str) -> None:
    """The searchable picker → review → AttachUserPolicy / AttachGroupPolicy each."""
    writer = state.service.writer
    form = AttachPoliciesScreen(
        f"Attach policies to {kind} {name}",
        attached=[p.arn for p in _attached(state, kind, name)],
        load_policies=state.managed_policies,
        planner=lambda arns: writer.plan_attach_policies(kind, name, arns),
        copy=state.copy_text,
    )
    arns = await screens.push_screen_wait(form)
    if not arns:
        return
    plan = writer.plan_attach_policies(kind, name, arns)
    if await _run(screens, state, f"Attaching policies to {name}", plan):
        added = _refs(state, arns)
        _apply_policies(state, kind, name, lambda old: (*old, *added))
        state.notify(f"Attached to {kind} {name}: {', '.join(p.name for p in added)}.")


def _detach_harm(
    me: selfguard.Identity, details: AuthDetails | None, kind: Kind, name: str, arn: str
) -> selfguard.SelfHarm | None:
    """Detaching AdministratorAccess from acct-tui's own user, or from a group it is in."""
    if arn != ADMIN_POLICY_ARN:
        return None
    unknown = me.caller is None  # who acct-tui runs as could not be read: ask
    if kind == "user":
        mine = unknown or me.user == name
        return selfguard.lose_admin_path(me, details, "user", name) if mine else None
    in_group = unknown or details is None or me.user in details.members(name)
    return selfguard.lose_admin_path(me, details, f"group:{name}", name) if in_group else None


async def detach_policy(
    state: AccountState, screens: App[Any], kind: Kind, name: str, arn: str
) -> None:
    """Confirm (type the name when it takes acct-tui's admin rights), then detach."""
    plan = state.service.writer.plan_detach_policy(kind, name, arn)
    harm = _detach_harm(await state.whoami(), state.posture.details.value, kind, name, arn)
    lines = [f"{kind} {name} loses what {short_arn(arn)} allows.", "", *_commands(plan)]
    confirm = confirm_screen(plan.title + "?", lines, harm, confirm_label="Detach")
    if not await screens.push_screen_wait(confirm):
        return
    if await _run(screens, state, f"Detaching {short_arn(arn)}", plan):
        _apply_policies(state, kind, name, lambda old: tuple(p for p in old if p.arn != arn))
        state.notify(f"{short_arn(arn)} detached from {kind} {name}.")


# -- policy documents --------------------------------------------------------------------------
@dataclass
class _Documents:
    """Documents read since the last refresh (the details part they go with)."""

    details: Part[AuthDetails] | None = None
    texts: dict[tuple[str, str, str, bool], tuple[str, str]] = field(default_factory=dict)


_DOCUMENTS: weakref.WeakKeyDictionary[AccountState, _Documents] = weakref.WeakKeyDictionary()


def _read_document(
    state: AccountState, kind: Kind, name: str, policy: str, inline: bool
) -> Callable[[], tuple[str, str]]:
    writer = state.service.writer

    def read() -> tuple[str, str]:
        if inline:
            return f"inline policy of {kind} {name}", writer.inline_policy_document(
                kind, name, policy
            )
        version, text = writer.managed_policy_document(policy)
        return f"{policy} · default version {version}", text

    return read


async def view_policy(
    state: AccountState, screens: App[Any], kind: Kind, name: str, policy: str, inline: bool
) -> None:
    """Show a policy document (managed: its default version; inline: the user's or
    group's), read off the UI thread and kept until the next refresh."""
    cache = _DOCUMENTS.setdefault(state, _Documents())
    if cache.details is not state.posture.details:
        cache.details, cache.texts = state.posture.details, {}
    key = (kind, name, policy, inline)
    found = cache.texts.get(key)
    if found is None:
        try:
            found = await in_thread(
                screens, _read_document(state, kind, name, policy, inline), f"policy {policy}"
            )
        except Exception as exc:  # noqa: BLE001
            state.notify(failure_text(exc), title=f"Cannot read {policy}", severity="error")
            return
        cache.texts[key] = found
    about, text = found
    title = policy if inline else short_arn(policy)
    await screens.push_screen_wait(PolicyDocumentScreen(title, about, text, copy=state.copy_text))


# -- permissions from groups, not users ----------------------------------------------------
async def _choose_group(state: AccountState, screens: App[Any], user: str) -> tuple[str, bool]:
    """("", False) when cancelled; else (group name, whether it is to be created)."""
    existing = [g.name for g in _details(state).groups]
    choice = await screens.push_screen_wait(
        ChooseScreen(f"Move {user}'s policies", "To which group?", [*existing, NEW_GROUP])
    )
    if choice is None:
        return "", False
    if choice != NEW_GROUP:
        return choice, False
    name = await screens.push_screen_wait(
        PromptScreen(
            "New group", "Group name:", check=lambda v: group_name_error(v.strip(), existing)
        )
    )
    return (name.strip(), True) if name else ("", False)


def _move_lines(plan: Plan, inline: tuple[str, ...]) -> list[str]:
    lines = [*(f"• {s.description}" for s in plan.steps)]
    if inline:
        lines += [
            "",
            f"Inline policies cannot be moved this way and stay on the user: {', '.join(inline)}",
        ]
    return [*lines, "", *_commands(plan)]


def _apply_move(state: AccountState, user: IamUser, group: str, new: bool) -> None:
    found = _details(state).group(group)
    if found is None and new:
        account, _ = state.account()
        found = IamGroup(group, f"arn:aws:iam::{account}:group/{group}", "/", utcnow())
    if found is not None:
        old = {p.arn for p in found.attached_policies}
        refs = tuple(p for p in user.attached_policies if p.arn not in old)
        state.apply_posture(
            state.posture.with_group(
                replace(found, attached_policies=(*found.attached_policies, *refs))
            )
        )
    groups = user.groups if group in user.groups else (*user.groups, group)
    _change_user(state, user.name, lambda u: replace(u, groups=groups, attached_policies=()))


async def move_policies_to_group(state: AccountState, screens: App[Any], user: str) -> None:
    """The fix of "permissions come from groups, not users": attach the user's managed
    policies to a group (new or existing), add the user to it, detach them from the user."""
    member = _user(state, user)
    if member is None:
        state.notify(f"{user} is not in the account as last read.", severity="warning")
        return
    arns = tuple(p.arn for p in member.attached_policies)
    if not arns:
        note = " Inline policies cannot be moved this way." if member.inline_policies else ""
        state.notify(f"{user} has no directly attached managed policy.{note}", severity="warning")
        return
    group, new = await _choose_group(state, screens, user)
    if not group:
        return
    writer = state.service.writer
    plan = writer.plan_move_policies_to_group(
        user, group, arns, new_group=new, member=group in member.groups
    )
    confirm = confirm_screen(
        plan.title + "?",
        _move_lines(plan, member.inline_policies),
        None,
        confirm_label="Move",
        danger=False,
    )
    if not await screens.push_screen_wait(confirm):
        return
    if await _run(screens, state, f"Moving {user}'s policies to {group}", plan):
        _apply_move(state, member, group, new)
        state.notify(f"{user}'s policies now come from group {group}.", title="Groups")
