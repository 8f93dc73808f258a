"""Console-password flows for an existing user: give one, reset it, remove it.

Give and reset: form (generated or typed, checked as typed) → review with the ``aws iam``
command → plan → the password on the shown-once credentials screen, saved to the user's
keyring entry (an access key already there is kept). A password sent without an answer may
be in force: it is shown too, never dropped. Remove: a confirmation, then DeleteLoginProfile.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.app import App

from tui.aws import selfguard
from tui.aws.iam import CHANGE_PASSWORD_POLICY_ARN, PasswordChange, Plan, self_service_groups
from tui.aws.models import AWS_DEFAULT_PASSWORD_POLICY, PolicyRef, Posture
from tui.flows.common import error_line, form_then_plan
from tui.runtime.workers import failure_text, in_thread
from tui.screens.credentials import CredentialsScreen
from tui.screens.dialogs.confirm import confirm_screen
from tui.screens.forms.password import PasswordScreen
from tui.screens.plan import PlanScreen
from tui.support.vault import VaultEntry

if TYPE_CHECKING:
    from tui.state import AccountState

Planner = Callable[..., Plan]
TITLE = "Console password"


async def add_password(state: AccountState, screens: App[Any], user: str) -> None:
    """Give ``user``, who has no console access, a password (refused when it has one)."""
    has = await _has_password(state, screens, user)
    if has is None:
        return
    if has:
        state.notify(
            f"{user} already has console access: reset its password instead.",
            title=TITLE,
            severity="warning",
        )
        return
    await _password_flow(
        state,
        screens,
        user,
        state.service.writer.plan_add_password,
        form_title=f"Console access for {user}",
        review_title=f"Give {user} console access?",
        doing="Adding a console password for",
        done=f"{user} can now sign in to the console.",
    )


async def reset_password(state: AccountState, screens: App[Any], user: str) -> None:
    """Set a new console password for ``user`` (refused when it has no console access)."""
    has = await _has_password(state, screens, user)
    if has is None:
        return
    if not has:
        state.notify(
            f"{user} has no console access: add a password instead.",
            title=TITLE,
            severity="warning",
        )
        return
    await _password_flow(
        state,
        screens,
        user,
        state.service.writer.plan_reset_password,
        form_title=f"New password for {user}",
        review_title=f"Reset the password of {user}?",
        doing="Resetting the password of",
        done=f"The password of {user} was reset.",
    )


async def remove_password(state: AccountState, screens: App[Any], user: str) -> None:
    """Remove ``user``'s console password (DeleteLoginProfile), after a confirmation."""
    plan = state.service.writer.plan_remove_password(user)
    me = await state.whoami()
    lines = [
        f"{user} will no longer be able to sign in to the AWS console.",
        "Its access keys, and programs using them, keep working.",
        *(f"  • {s.description}" for s in plan.steps),
        *(s.cli for s in plan.steps),
    ]
    account, _ = state.account()
    entry = await in_thread(screens, lambda: _vault_entry(state, account, user), "keyring")
    confirm = confirm_screen(
        f"Remove console access of {user}?",
        lines,
        selfguard.remove_password(me, user),  # the person using acct-tui loses the console
        confirm_label="Remove",
        option="Also forget the password in its keyring entry"
        if entry is not None and entry.password
        else None,
    )
    if not await screens.push_screen_wait(confirm):
        return
    outcome = await screens.push_screen_wait(PlanScreen(f"Removing console access of {user}", plan))
    if not outcome.succeeded:
        state.refresh_if_changed(plan)
        return
    state.apply_posture(state.posture.with_row(user, password_enabled=False))
    message = f"{user} can no longer sign in to the console."
    if confirm.option and entry is not None:
        forgot = await in_thread(screens, lambda: _forget_password(state, entry), "keyring")
        message += " Keyring entry updated." if forgot else " The keyring entry was left as is."
    state.notify(message, title=TITLE)


# -- shared ----------------------------------------------------------------------------------
async def _has_password(state: AccountState, screens: App[Any], user: str) -> bool | None:
    """Whether ``user`` has a console password; None (and a notification) when unknown."""
    writer = state.service.writer
    try:
        return await in_thread(
            screens, lambda: writer.has_login_profile(user), f"console access of {user}"
        )
    except Exception as exc:  # noqa: BLE001 - AwsFailure or a network error
        state.notify(failure_text(exc), title=f"{TITLE} of {user}", severity="error")
        return None


async def _password_flow(
    state: AccountState,
    screens: App[Any],
    user: str,
    plan: Planner,
    *,
    form_title: str,
    review_title: str,
    doing: str,
    done: str,
) -> None:
    """Form → review → plan → credentials; back to the form, with AWS's complaint, after a
    failure (a password that is, or may be, in force is shown first)."""
    errors: dict[str, str] = {}
    prefill: PasswordChange | None = None
    while True:
        account, alias = state.account()
        policy = state.posture.password_policy.value or AWS_DEFAULT_PASSWORD_POLICY
        attached, groups, self_service = _standing(state.posture, user)
        planner = partial(
            plan,
            account_id=account,
            alias=alias,
            policy=policy,
            attached=attached,
            groups=groups,
            self_service=self_service,
        )
        form = PasswordScreen(
            user=user,
            title=form_title,
            review_title=review_title,
            policy=policy,
            planner=planner,
            attached=attached,
            groups=groups,
            self_service=self_service,
            prefill=prefill,
            errors=errors,
            copy=state.copy_text,
        )
        ran = await form_then_plan(screens, form, planner, doing)
        if ran is None:
            return
        request, made, outcome = ran
        kept = made.credentials
        if kept is not None and kept.password:
            screen = CredentialsScreen(state, kept, merge=True)
            del kept  # the screen is now the only holder
            await screens.push_screen_wait(screen)
        if outcome.succeeded:
            attach = any(s.action == "iam:AttachUserPolicy" for s in made.steps)
            state.apply_posture(_with_password(state.posture, user, attach))
            state.notify(done, title=TITLE)
            return
        state.refresh_if_changed(made)
        prefill = replace(request, password=None)  # a typed password is typed again
        errors = {outcome.field or "password": error_line(outcome)}


def _standing(
    posture: Posture, user: str
) -> tuple[tuple[str, ...], tuple[str, ...], frozenset[str]]:
    """As last read: the managed policy ARNs attached to ``user`` directly, its groups, and
    the account's groups that let members change their own password."""
    details = posture.details.value
    if details is None:
        return (), (), frozenset()
    found = next((u for u in details.users if u.name == user), None)
    if found is None:
        return (), (), self_service_groups(details.groups)
    attached = tuple(p.arn for p in found.attached_policies)
    return attached, found.groups, self_service_groups(details.groups)


def _with_password(posture: Posture, user: str, attached_change: bool) -> Posture:
    """The posture once ``user`` has a console password (and IAMUserChangePassword)."""
    posture = posture.with_row(user, password_enabled=True)
    details = posture.details.value
    found = next((u for u in details.users if u.name == user), None) if details else None
    if attached_change and found is not None:
        policy = PolicyRef("IAMUserChangePassword", CHANGE_PASSWORD_POLICY_ARN)
        found = replace(found, attached_policies=(*found.attached_policies, policy))
        posture = posture.with_user(found, None)
    return posture


def _vault_entry(state: AccountState, account: str, user: str) -> VaultEntry | None:
    try:
        return state.vault.get(account, user)
    except Exception:  # noqa: BLE001 - no usable keyring: nothing to forget
        return None


def _forget_password(state: AccountState, entry: VaultEntry) -> bool:
    """Drop the password from ``entry`` (the whole entry when it holds nothing else)."""
    try:
        if entry.access_key_id is None:
            state.vault.delete(entry.account_id, entry.user_name)
        else:
            state.vault.save(replace(entry, password=None))
    except Exception:  # noqa: BLE001 - the keyring refused: say so, change nothing else
        return False
    return True
