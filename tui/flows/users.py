"""User flows: create a user (form → review → plan → credentials), delete one, its keys."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from textual.app import App

from tui.aws import selfguard
from tui.aws.iam import (
    NewUser,
    UserCredentials,
    needs_change_password_policy,
    self_service_groups,
)
from tui.aws.models import (
    AWS_DEFAULT_PASSWORD_POLICY,
    CredentialRow,
    IamUser,
    KeyInfo,
    PolicyRef,
    Posture,
    utcnow,
)
from tui.flows.common import error_line, form_then_plan
from tui.runtime.workers import failure_text, in_thread
from tui.screens.access_keys import AccessKeysScreen
from tui.screens.credentials import CredentialsScreen
from tui.screens.dialogs.confirm import confirm_screen
from tui.screens.forms.create_user import CreateUserScreen
from tui.screens.plan import PlanScreen

if TYPE_CHECKING:
    from tui.state import AccountState


async def create_user(
    state: AccountState, screens: App[Any], prefill: NewUser | None = None
) -> None:
    writer = state.service.writer
    errors: dict[str, str] = {}
    while True:
        account, alias = state.account()
        policy = state.posture.password_policy.value or AWS_DEFAULT_PASSWORD_POLICY
        details = state.posture.details.value
        self_service = self_service_groups(details.groups) if details else frozenset()
        planner = partial(
            writer.plan_create_user,
            account_id=account,
            alias=alias,
            policy=policy,
            self_service=self_service,
        )
        form = CreateUserScreen(
            existing=[u.name for u in details.users] if details else [],
            groups=[g.name for g in details.groups] if details else [],
            policy=policy,
            self_service=self_service,
            planner=planner,
            prefill=prefill,
            errors=errors,
            copy=state.copy_text,
        )
        done = await form_then_plan(screens, form, planner, "Creating user")
        if done is None:
            return
        request, plan, outcome = done
        if outcome.succeeded:
            credentials: UserCredentials | None = outcome.result.credentials
            state.apply_posture(_with_new_user(state, request, self_service))
            if credentials is not None and (credentials.password or credentials.secret_access_key):
                screen = CredentialsScreen(state, credentials)
                del plan, credentials, outcome  # the screen is now the only holder
                await screens.push_screen_wait(screen)
            state.notify(f"User {request.name} created.", title="Users")
            return
        # Failed, kept or rolled back: a password that is (or may be) in force now must be
        # shown and kept, or it is lost.
        kept = plan.credentials
        if kept is not None and (kept.password or kept.secret_access_key):
            screen = CredentialsScreen(state, kept)
            del kept
            await screens.push_screen_wait(screen)
        state.refresh_if_changed(plan)
        prefill = request
        errors = {outcome.field or "name": error_line(outcome)}


def _with_new_user(state: AccountState, request: NewUser, self_service: frozenset[str]) -> Posture:
    account, _ = state.account()
    now = utcnow()
    policies = []
    if request.console:
        policy = state.posture.password_policy.value or AWS_DEFAULT_PASSWORD_POLICY
        reset = request.require_reset
        if needs_change_password_policy(policy, reset, request.groups, self_service):
            policies.append(
                PolicyRef("IAMUserChangePassword", "arn:aws:iam::aws:policy/IAMUserChangePassword")
            )
    user = IamUser(
        name=request.name,
        arn=f"arn:aws:iam::{account}:user{request.path}{request.name}",
        user_id="",
        path=request.path,
        created=now,
        groups=request.groups,
        attached_policies=tuple(policies),
        tags=request.tags,
    )
    keys = (KeyInfo(1, True, now, None),) if request.access_key else ()
    row = CredentialRow(
        user=request.name,
        arn=user.arn,
        created=now,
        password_enabled=request.console,
        password_last_used=None,
        mfa_active=False,
        keys=keys,
    )
    return state.posture.with_user(user, row)


async def delete_user(state: AccountState, screens: App[Any], name: str) -> None:
    writer = state.service.writer
    try:
        plan = await in_thread(screens, lambda: writer.plan_delete_user(name), f"inspect {name}")
    except Exception as exc:  # noqa: BLE001 - AwsFailure or a network error
        state.notify(failure_text(exc), title=f"Cannot delete {name}", severity="error")
        return
    account, _ = state.account()
    entry = await in_thread(screens, lambda: _vault_has(state, account, name), "keyring lookup")
    me = await state.whoami()
    keys: list[str] = []
    if me.source_key_ids:  # an assume-role profile: is one of its source keys this user's?
        try:
            listed = await in_thread(screens, lambda: writer.list_access_keys(name), "keys")
            keys = [k.key_id for k in listed]
        except Exception:  # noqa: BLE001 - cannot tell: guard as if it were
            keys = list(me.source_key_ids)
    confirm = confirm_screen(
        f"Delete user {name}?",
        [
            "These steps will run, in order:",
            *(f"  • {s.description}" for s in plan.steps),
            *(f"Note: {note}" for note in plan.notes),
        ],
        selfguard.delete_user(me, name, keys),
        option="Also remove its entry from the OS keyring" if entry else None,
    )
    if not await screens.push_screen_wait(confirm):
        return
    outcome = await screens.push_screen_wait(PlanScreen(f"Deleting user {name}", plan))
    if not outcome.succeeded:
        state.refresh_if_changed(plan)
        return
    state.apply_posture(state.posture.without_user(name))
    message = f"User {name} deleted."
    if confirm.option:
        removed = await in_thread(screens, lambda: state.vault.delete(account, name), "keyring")
        message += " Keyring entry removed." if removed else " No keyring entry was found."
    state.notify(message, title="Users")


def _vault_has(state: AccountState, account: str, name: str) -> bool:
    try:
        return state.vault.get(account, name) is not None
    except Exception:  # noqa: BLE001 - no usable keyring: nothing to remove
        return False


async def access_keys(state: AccountState, screens: App[Any], name: str) -> None:
    writer = state.service.writer
    try:
        keys = await in_thread(screens, lambda: writer.list_access_keys(name), f"keys of {name}")
    except Exception as exc:  # noqa: BLE001
        state.notify(failure_text(exc), title=f"Access keys of {name}", severity="error")
        return
    screen = AccessKeysScreen(state, name, keys)
    if await screens.push_screen_wait(screen):
        pairs = [(k.active, k.created) for k in screen.keys]
        state.apply_posture(state.posture.with_user_keys(name, pairs))
