"""A new access key for an existing user.

ListAccessKeys first: at AWS's limit of two keys (inactive ones count), the flow says so
and offers to deactivate or delete one of them first. Then the review with the ``aws iam
create-access-key`` command, the plan, and the key on the shown-once credentials screen
(keyring, CSV, CLI profile as for a new user; a password already in the user's keyring entry
is kept). A key whose answer, and secret, was lost is deleted by the plan, which says so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import App

import tui.panes.format as fmt
from tui.aws import selfguard
from tui.aws.iam import MAX_ACCESS_KEYS_PER_USER, AccessKey
from tui.aws.models import utcnow
from tui.runtime.workers import failure_text, in_thread
from tui.screens.credentials import CredentialsScreen
from tui.screens.dialogs.choose import ChooseScreen
from tui.screens.dialogs.confirm import confirm_screen
from tui.screens.dialogs.review import ReviewScreen
from tui.screens.plan import PlanScreen

if TYPE_CHECKING:
    from tui.state import AccountState

TITLE = "Access keys"


async def create_access_key(state: AccountState, screens: App[Any], user: str) -> None:
    """Create an access key for ``user``; at the two-key limit, make room first."""
    writer = state.service.writer
    while True:
        try:
            keys = await in_thread(screens, lambda: writer.list_access_keys(user), "keys")
        except Exception as exc:  # noqa: BLE001 - AwsFailure or a network error
            state.notify(failure_text(exc), title=f"{TITLE} of {user}", severity="error")
            return
        if len(keys) < MAX_ACCESS_KEYS_PER_USER:
            break
        if not await _make_room(state, screens, user, keys):
            return
    account, alias = state.account()
    plan = writer.plan_create_access_key(
        user, account_id=account, alias=alias, before=[k.key_id for k in keys]
    )
    review = ReviewScreen(f"Create an access key for {user}?", plan, copy=state.copy_text)
    if not await screens.push_screen_wait(review):
        return
    outcome = await screens.push_screen_wait(PlanScreen(f"Creating an access key for {user}", plan))
    kept = plan.credentials
    new_key = kept.access_key_id if kept is not None else None
    if kept is not None and kept.has_access_key:
        screen = CredentialsScreen(state, kept, merge=True)
        del kept  # the screen is now the only holder
        await screens.push_screen_wait(screen)
    if not outcome.succeeded:
        state.refresh_if_changed(plan)
        return
    pairs = [(k.active, k.created) for k in keys] + [(True, utcnow())]
    state.apply_posture(state.posture.with_user_keys(user, pairs))
    made = f"Key {fmt.short_key_id(new_key)} created" if new_key else "New access key created"
    state.notify(f"{made} for {user}.", title=TITLE)


def _choices(keys: tuple[AccessKey, ...]) -> dict[str, tuple[AccessKey, bool]]:
    """What the user can do to make room, as lines that fit the chooser at 80 columns:
    (key, True to delete / False to deactivate), by line."""
    choices: dict[str, tuple[AccessKey, bool]] = {}
    for key in keys:
        made = fmt.date(key.created)
        if key.active:
            choices[f"Deactivate {key.key_id} (made {made})"] = (key, False)
        status = "active" if key.active else "inactive"
        choices[f"Delete {key.key_id} ({status}, {made})"] = (key, True)
    return choices


async def _make_room(
    state: AccountState, screens: App[Any], user: str, keys: tuple[AccessKey, ...]
) -> bool:
    """At the limit: the user picks a key to deactivate or delete. True once one changed
    (the caller lists the keys again), False when cancelled or refused."""
    choices = _choices(keys)
    chooser = ChooseScreen(
        f"{user} already has {len(keys)} access keys",
        f"AWS allows {MAX_ACCESS_KEYS_PER_USER} per user, inactive ones too. Make room:",
        list(choices),
    )
    chosen = await screens.push_screen_wait(chooser)
    if chosen is None:
        return False
    key, delete = choices[chosen]
    harm = selfguard.change_key(await state.whoami(), user, key.key_id, delete=delete)
    verb = "Delete" if delete else "Deactivate"
    lines = [
        f"{verb} {key.key_id} of {user}." + (" This cannot be undone." if delete else ""),
        "Programs using this key stop working.",
    ]
    confirm = confirm_screen(f"{verb} access key?", lines, harm, confirm_label=verb)
    if not await screens.push_screen_wait(confirm):
        return False
    writer = state.service.writer
    try:
        if delete:
            await in_thread(screens, lambda: writer.delete_access_key(user, key.key_id), "delete")
        else:
            await in_thread(
                screens, lambda: writer.set_access_key_status(user, key.key_id, False), "status"
            )
    except Exception as exc:  # noqa: BLE001
        state.notify(failure_text(exc), title=f"{TITLE} of {user}", severity="error")
        state.refresh_if_unknown(exc)
        return False
    state.notify(fmt.key_result(key.key_id, f"{verb.lower()}d"), title=TITLE)
    return True
