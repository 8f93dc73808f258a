"""The tutorial's last step: sign out of root, come back as your admin user.

:func:`switch_identity` switches the running app to an admin user's access key kept in
the OS keyring (where the credentials screen saved it), after a confirmation, and can add
an AWS CLI profile for that user (``credential_process``, no secret on disk). The new key
is tried with GetCallerIdentity before anything changes; then every part of the account
is read again, so every recommendation is re-checked as that user.

Nothing in the account changes, so it also runs under --read-only (which stays on).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.aws import selfguard
from tui.aws.guide import group_admins
from tui.aws.selfguard import Identity
from tui.flows import confirm_screen, in_thread

if TYPE_CHECKING:
    from tui.app import AcctApp

TITLE = "Work as your admin user"


def _problem(exc: BaseException) -> str:
    from tui.support.keyringpolicy import VaultUnavailable

    if isinstance(exc, VaultUnavailable):
        return f"The keyring cannot be used: {exc.reason}. {exc.how_to_fix}"
    return f"The keyring failed: {exc}"


async def switch_identity(app: AcctApp) -> None:
    """Choose an admin user with a key in the keyring, confirm, switch, re-read."""
    from tui.screens.dialogs.choose import ChooseScreen

    caller = app.posture.caller.value
    details = app.posture.details.value
    if caller is None or details is None:
        app.notify("acct-tui has not read the account yet: try again in a moment.", title=TITLE)
        return
    account = caller.account_id
    _, admins = group_admins(details)
    try:
        stored = await in_thread(app, app.vault.entries, "keyring entries")
    except Exception as exc:  # noqa: BLE001 - VaultUnavailable, or a backend's own error
        app.notify(_problem(exc), title=TITLE, severity="error")
        return
    candidates = [u for a, u, _ in stored if a == account and u in admins]
    candidates = [u for u in candidates if u != caller.user_name]
    if not candidates:
        app.notify(
            f"No key of an admin user of {account} is in the keyring. Create your admin user "
            "with an access key (step 4): acct-tui keeps the key in the keyring. Or quit and "
            "start acct-tui with --profile for that user.",
            title=TITLE,
            severity="warning",
        )
        return
    user = candidates[0]
    if len(candidates) > 1:
        chosen = await app.push_screen_wait(
            ChooseScreen(TITLE, "Switch to which user's key?", candidates)
        )
        if chosen is None:
            return
        user = chosen
    try:
        entry = await in_thread(app, lambda: app.vault.get(account, user), "keyring entry")
    except Exception as exc:  # noqa: BLE001
        app.notify(_problem(exc), title=TITLE, severity="error")
        return
    if entry is None or entry.access_key_id is None or entry.secret_access_key is None:
        app.notify(f"The keyring holds no access key for {user}.", title=TITLE, severity="error")
        return
    key_id = entry.access_key_id
    harm = selfguard.switch_identity(Identity(caller), user)
    confirm = confirm_screen(
        f"Work as {user}?",
        [
            f"acct-tui will sign every call with {user}'s access key {key_id}, read from the",
            f"OS keyring, instead of {caller.arn}.",
            "The endpoint and Region stay the same. The whole account is read again, so every",
            f"recommendation is re-checked as {user}.",
            "",
            "To go back to the previous identity, quit and start acct-tui again.",
        ],
        harm,
        confirm_label="Switch",
        danger=False,
        option=f"Also add an AWS CLI profile for {user} (credential_process: no secret on disk)",
    )
    if not await app.push_screen_wait(confirm):
        return
    service = app.service.signed_with(key_id, entry.secret_access_key)
    del entry
    part = await in_thread(app, lambda: service.read_part("caller"), "GetCallerIdentity")
    new_caller = part.value
    if new_caller is None or new_caller.user_name != user:
        why = part.error.summary() if part.error else f"the key belongs to {new_caller}"
        app.notify(
            f"{user}'s key did not work ({why}). A key created moments ago can take a few "
            f"seconds to work. acct-tui keeps working as {caller.arn}.",
            title=TITLE,
            severity="error",
        )
        return
    app.use_service(service)
    app.notify(f"acct-tui now works as {new_caller.arn}: reading the account again.", title=TITLE)
    if confirm.option:
        await add_profile(app, account, user)


async def add_profile(app: AcctApp, account: str, user: str) -> None:
    """Ask a profile name (a free one offered), then add a credential_process profile."""
    from tui.screens.credentials import add_profile_interactively

    result = await add_profile_interactively(app, account, user)
    if result is None:
        return
    if isinstance(result, str):
        app.notify(f"Profile not added: {result}", title=TITLE, severity="error")
        return
    name, path = result
    if app.sandbox is not None:
        app.notify(
            f"Profile {name} added to the demo's throw-away AWS config {path} (removed at "
            "exit); your own AWS config is untouched.",
            title=TITLE,
        )
        return
    app.notify(
        f"Profile {name} added to {path}: `aws --profile {name} …` reads {user}'s key from "
        "the keyring through credential_process.",
        title=TITLE,
    )
