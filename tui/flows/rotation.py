"""Rotate an access key (``r`` on a key, ``enter`` on the old-keys finding).

Confirm → plan (create, keyring, prove, switch acct-tui's own session when it signs with
the old key, deactivate) → delete the old key after a confirmation, or keep it inactive.
When the keyring cannot store the new key, its secret is shown once on the credentials
screen, and the old key is deactivated only after the user kept the secret there.
See :mod:`tui.aws.iam.rotation` for why no failure leaves the user without a working key.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from textual.app import App

from tui.aws import selfguard
from tui.aws.iam.models import UserCredentials
from tui.aws.iam.rotation import KeyRotation
from tui.aws.models import sign_in_url
from tui.aws.writer import InvalidRequest
from tui.runtime import read_only
from tui.runtime.workers import failure_text, in_thread
from tui.screens.credentials import CredentialsScreen
from tui.screens.dialogs.confirm import confirm_screen
from tui.screens.plan import PlanScreen

if TYPE_CHECKING:
    from tui.aws.plan import Plan
    from tui.aws.selfguard import Identity
    from tui.state import AccountState

TITLE = "Rotate access key"


async def rotate_key(state: AccountState, screens: App[Any], user: str, key_id: str) -> None:
    """Rotate access key ``key_id`` of ``user``; every step reported, none half-done."""
    if state.read_only:
        state.notify(read_only.NOTICE, title=TITLE, severity="warning")
        return
    account, _ = state.account()
    me = await state.whoami()
    rotation = KeyRotation(
        state.service,
        state.vault,
        account_id=account,
        user=user,
        key_id=key_id,
        signing_key_id=me.key_id,
    )
    try:
        await in_thread(screens, rotation.check, f"keys of {user}")
    except InvalidRequest as exc:
        state.notify(" ".join(exc.errors.values()), title=TITLE, severity="error")
        return
    except Exception as exc:  # noqa: BLE001 - AwsFailure or a network error
        state.notify(failure_text(exc), title=TITLE, severity="error")
        return
    if not await screens.push_screen_wait(_confirm(rotation, me)):
        return
    try:
        if await _rotate(state, screens, rotation):
            await _delete_old(state, screens, rotation)
    finally:
        rotation.forget_secret()
        await _show_keys(state, screens, rotation)


def _confirm(rotation: KeyRotation, me: Identity) -> Any:
    user, old = rotation.user, rotation.old
    lines = [
        "These steps will run, in order; the first failure stops them:",
        f"  1. create a new access key for {user}",
        "  2. store it in the OS keyring (a CLI profile written by acct-tui then uses it)",
        "  3. prove it works: GetCallerIdentity signed with the new key (up to ~15 s)",
    ]
    if rotation.signs_with_old:
        lines.append("  4. switch acct-tui itself to the new key (it signs with the old one)")
    lines += [
        f"  {5 if rotation.signs_with_old else 4}. deactivate the old key {old}",
        "Then you choose: delete the old key, or keep it inactive for now.",
        "Programs using the old key stop working once it is inactive.",
    ]
    # Switching first means deactivating the signing key does not cut this session off,
    # but wherever acct-tui read that key from (a credentials file, the environment) stops
    # working: asked for by name, as is any other way the old key may hold up this session
    # (a source profile, temporary credentials made from it).
    harm = (
        _own_key_harm(me, user, old)
        if rotation.signs_with_old
        else selfguard.change_key(me, user, old, delete=False)
    )
    return confirm_screen(
        f"Rotate access key {old} of {user}?", lines, harm, confirm_label="Rotate", danger=False
    )


def _own_key_harm(me: Identity, user: str, old: str) -> selfguard.SelfHarm:
    arn = me.caller.arn if me.caller else user
    return selfguard.SelfHarm(
        (
            f"This is the key acct-tui signs with right now ({arn}).",
            "This session switches to the new key, but wherever acct-tui read "
            f"{old} from (a credentials file, the environment, a profile) stops working "
            "once it is inactive, unless it is a profile acct-tui wrote (it reads the "
            "keyring).",
        ),
        user,
    )


def _follow(state: AccountState, rotation: KeyRotation) -> None:
    """Make the app act through the service the rotation acts through now."""
    if rotation.service is not state.service:
        state.use_service(rotation.service)


async def _run(state: AccountState, screens: App[Any], rotation: KeyRotation, plan: Plan) -> bool:
    outcome = await screens.push_screen_wait(PlanScreen(plan.title, plan))
    _follow(state, rotation)
    if not outcome.succeeded:
        state.refresh_if_changed(plan)
    return bool(outcome.succeeded)


async def _rotate(state: AccountState, screens: App[Any], rotation: KeyRotation) -> bool:
    """Steps 1-5; True when the old key is inactive and the new one proven."""
    if await _run(state, screens, rotation, rotation.plan()):
        return True
    if not rotation.secret_unkept:
        _said(state, rotation, "Rotation stopped", "warning")
        return False
    # The keyring did not take the new key: its secret exists only here. Show it, and go
    # on only once the user has it (losing a secret is the worst bug).
    if not await _keep_secret(state, screens, rotation):
        _said(state, rotation, "Rotation stopped: the new key's secret was not kept", "error")
        return False
    go_on = confirm_screen(
        "Finish the rotation?",
        [
            f"You have the secret of the new key {rotation.new_key}.",
            f"acct-tui will now prove it works and deactivate the old key {rotation.old}.",
        ],
        None,
        confirm_label="Continue",
        danger=False,
    )
    if not await screens.push_screen_wait(go_on):
        _said(state, rotation, "Rotation stopped", "warning")
        return False
    if await _run(state, screens, rotation, rotation.plan_rest()):
        return True
    _said(state, rotation, "Rotation stopped", "warning")
    return False


async def _keep_secret(state: AccountState, screens: App[Any], rotation: KeyRotation) -> bool:
    """The shown-once credentials screen for the new key; True when the user kept it
    (saved to the keyring there, copied or exported)."""
    account, alias = state.account()
    credentials = UserCredentials(
        account_id=account,
        user_name=rotation.user,
        sign_in_url=sign_in_url(account, alias),
        # Only the new key: the console password stored with it was shown when it was set
        # (shown once); a save here merges, so the stored password stays in the entry.
        password=None,
        access_key_id=rotation.new_key,
        secret_access_key=rotation.secret,
    )
    screen = CredentialsScreen(state, credentials, merge=True)
    del credentials
    await screens.push_screen_wait(screen)
    rotation.kept_by_user = screen.saved
    return bool(screen.saved or screen.kept_elsewhere)


async def _delete_old(state: AccountState, screens: App[Any], rotation: KeyRotation) -> None:
    """Step 6: delete the old key after a confirmation, or keep it inactive."""
    old = rotation.old
    confirm = confirm_screen(
        f"Delete the old key {old}?",
        [
            *rotation.exists_now()[:3],
            "",
            f"Delete {old} now (y), or keep it inactive (n) while you check that nothing "
            "still uses it: it can be activated again from the user's access keys.",
        ],
        None,
    )
    if not await screens.push_screen_wait(confirm):
        _said(state, rotation, f"Rotated: {old} is kept inactive", "information")
        return
    if await _run(state, screens, rotation, rotation.plan_delete()):
        _said(state, rotation, "Rotated", "information")
    else:
        _said(state, rotation, "The old key was not deleted", "warning")


def _said(state: AccountState, rotation: KeyRotation, head: str, severity: Any) -> None:
    lines = "\n".join(rotation.exists_now())
    state.notify(f"{head}.\n{lines}", title=TITLE, severity=severity)


async def _show_keys(state: AccountState, screens: App[Any], rotation: KeyRotation) -> None:
    """Show the user's keys as they are now (IAM reads right after a write can lag)."""
    try:
        keys = await in_thread(
            screens, lambda: rotation.list_access_keys(rotation.user), "access keys"
        )
    except Exception:  # noqa: BLE001 - the refresh will tell
        state.refresh()
        return
    pairs = [(k.active, k.created) for k in keys]
    state.apply_posture(state.posture.with_user_keys(rotation.user, pairs))


DEACTIVATE = "Deactivate or delete it (the user's access keys)"
ROTATE = "Rotate it (a new key replaces it)"


async def rotate_stale_key(
    state: AccountState, screens: App[Any], user: str, *, old_only: bool
) -> None:
    """The old-keys / unused-keys findings' fix: rotate the user's stale key (the one
    older than the limit; asked which when there are several). For an unused key,
    deactivating it may be the better fix: the user chooses."""
    from tui.aws.findings import KEY_MAX_AGE_DAYS
    from tui.aws.models import utcnow
    from tui.flows.users import access_keys
    from tui.screens.dialogs.choose import ChooseScreen

    if not old_only:
        how = await screens.push_screen_wait(
            ChooseScreen(f"Unused key of {user}", "What to do?", [DEACTIVATE, ROTATE])
        )
        if how != ROTATE:
            if how == DEACTIVATE:
                await access_keys(state, screens, user)
            return
    writer = state.service.writer
    try:
        keys = await in_thread(screens, lambda: writer.list_access_keys(user), f"keys of {user}")
    except Exception as exc:  # noqa: BLE001 - AwsFailure or a network error
        state.notify(failure_text(exc), title=TITLE, severity="error")
        return
    active = [k for k in keys if k.active]
    now = utcnow()
    old = [k for k in active if k.created and (now - k.created).days > KEY_MAX_AGE_DAYS]
    candidates = (old if old_only and old else active) or list(keys)
    if not candidates:
        state.notify(f"{user} has no access key now.", title=TITLE)
        return
    key_id = candidates[0].key_id
    if len(candidates) > 1:
        labels = {f"{k.key_id} (created {_day(k.created)})": k.key_id for k in candidates}
        chosen = await screens.push_screen_wait(
            ChooseScreen(TITLE, f"Rotate which key of {user}?", list(labels))
        )
        if chosen is None:
            return
        key_id = labels[chosen]
    await rotate_key(state, screens, user, key_id)


def _day(when: datetime | None) -> str:
    return f"{when:%Y-%m-%d}" if when is not None else "?"
