"""The tutorial's last step: sign out of root, come back as your admin user.

:func:`switch_identity` switches the running app to an admin user's access key kept in
the OS keyring (where the credentials screen saved it), after a confirmation, and can add
an AWS CLI profile for that user (``credential_process``, no secret on disk). The new key
is tried with GetCallerIdentity before anything changes; then every part of the account
is read again, so every recommendation is re-checked as that user.

Nothing in the account changes, so it also runs under --read-only (which stays on).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import App

from tui.aws import selfguard
from tui.aws.guide import group_admins
from tui.aws.models import Caller
from tui.aws.selfguard import Identity
from tui.runtime.workers import in_thread
from tui.screens.credentials import add_profile_interactively
from tui.screens.dialogs.choose import ChooseScreen
from tui.screens.dialogs.confirm import ConfirmScreen, confirm_screen

if TYPE_CHECKING:
    from tui.aws.service import AccountService
    from tui.state import AccountState

TITLE = "Work as your admin user"


def _problem(exc: BaseException) -> str:
    from tui.support.keyringpolicy import VaultUnavailable

    if isinstance(exc, VaultUnavailable):
        return f"The keyring cannot be used: {exc.reason}. {exc.how_to_fix}"
    return f"The keyring failed: {exc}"


async def switch_identity(state: AccountState, screens: App[Any]) -> None:
    """Choose an admin user with a key in the keyring, confirm, switch, re-read."""
    caller = state.posture.caller.value
    if caller is None or state.posture.details.value is None:
        state.notify("acct-tui has not read the account yet: try again in a moment.", title=TITLE)
        return
    user = await _choose_user(state, screens, caller)
    if user is None:
        return
    try:
        entry = await in_thread(
            screens, lambda: state.vault.get(caller.account_id, user), "keyring entry"
        )
    except Exception as exc:  # noqa: BLE001
        state.notify(_problem(exc), title=TITLE, severity="error")
        return
    if entry is None or entry.access_key_id is None or entry.secret_access_key is None:
        state.notify(f"The keyring holds no access key for {user}.", title=TITLE, severity="error")
        return
    confirm = _confirm(caller, user, entry.access_key_id)
    if not await screens.push_screen_wait(confirm):
        return
    service = state.service.signed_with(entry.access_key_id, entry.secret_access_key)
    del entry
    if await _sign_with(state, screens, caller, user, service) and confirm.option:
        await add_profile(state, screens, caller.account_id, user)


async def _choose_user(state: AccountState, screens: App[Any], caller: Caller) -> str | None:
    """The admin user to switch to: the only one with a key in the keyring, or the one the
    user picks; None (said why) when there is none."""
    account = caller.account_id
    details = state.posture.details.value
    _, admins = group_admins(details) if details is not None else ([], [])
    try:
        stored = await in_thread(screens, state.vault.entries, "keyring entries")
    except Exception as exc:  # noqa: BLE001 - VaultUnavailable, or a backend's own error
        state.notify(_problem(exc), title=TITLE, severity="error")
        return None
    candidates = [u for a, u, _ in stored if a == account and u in admins]
    candidates = [u for u in candidates if u != caller.user_name]
    if not candidates:
        state.notify(
            f"No key of an admin user of {account} is in the keyring. Create your admin user "
            "with an access key (step 4): acct-tui keeps the key in the keyring. Or quit and "
            "start acct-tui with --profile for that user.",
            title=TITLE,
            severity="warning",
        )
        return None
    if len(candidates) == 1:
        return candidates[0]
    return await screens.push_screen_wait(
        ChooseScreen(TITLE, "Switch to which user's key?", candidates)
    )


def _confirm(caller: Caller, user: str, key_id: str) -> ConfirmScreen:
    return confirm_screen(
        f"Work as {user}?",
        [
            f"acct-tui will sign every call with {user}'s access key {key_id}, read from the "
            f"OS keyring, instead of {caller.arn}.",
            "The endpoint and Region stay the same. The whole account is read again, so every "
            f"recommendation is re-checked as {user}.",
            "",
            "To go back to the previous identity, quit and start acct-tui again.",
        ],
        selfguard.switch_identity(Identity(caller), user),
        confirm_label="Switch",
        danger=False,
        option="Also add an AWS CLI profile (no secret on disk)",
        option_note=(
            f"The profile runs acct-tui credentials get {user} as its credential_process: "
            "the key is read from the OS keyring when the CLI needs it."
        ),
    )


async def _sign_with(
    state: AccountState, screens: App[Any], caller: Caller, user: str, service: AccountService
) -> bool:
    """Try ``user``'s key with GetCallerIdentity, then work with it (True) or say why not."""
    part = await in_thread(screens, lambda: service.read_part("caller"), "GetCallerIdentity")
    new_caller = part.value
    if new_caller is None or new_caller.user_name != user:
        why = part.error.summary() if part.error else f"the key belongs to {new_caller}"
        state.notify(
            f"{user}'s key did not work ({why}). A key created moments ago can take a few "
            f"seconds to work. acct-tui keeps working as {caller.arn}.",
            title=TITLE,
            severity="error",
        )
        return False
    state.use_service(service)
    state.notify(f"acct-tui now works as {new_caller.arn}: reading the account again.", title=TITLE)
    return True


async def add_profile(state: AccountState, screens: App[Any], account: str, user: str) -> None:
    """Ask a profile name (a free one offered), then add a credential_process profile."""
    result = await add_profile_interactively(state, screens, account, user)
    if result is None:
        return
    if isinstance(result, str):
        state.notify(f"Profile not added: {result}", title=TITLE, severity="error")
        return
    name, path = result
    if state.sandbox is not None:
        state.notify(
            f"Profile {name} added to the demo's throw-away AWS config {path} (removed at "
            "exit); your own AWS config is untouched.",
            title=TITLE,
        )
        return
    state.notify(
        f"Profile {name} added to {path}: `aws --profile {name} …` reads {user}'s key from "
        "the keyring through credential_process.",
        title=TITLE,
    )
