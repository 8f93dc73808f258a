"""MFA flows: enroll a user's virtual device (QR → two codes → enable), root's access keys."""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.app import App

from tui.aws import selfguard
from tui.aws.models import Part
from tui.runtime.workers import failure_text, in_thread
from tui.screens.dialogs.confirm import confirm_screen
from tui.screens.mfa import MfaScreen

if TYPE_CHECKING:
    from tui.aws.mfa import MfaWriter
    from tui.state import AccountState


async def enroll_mfa(state: AccountState, screens: App[Any], user: str) -> None:
    """Create a virtual device, show its QR, check two codes, enable; never leave orphans."""
    mfa = state.service.mfa
    while True:
        try:
            device = await in_thread(screens, lambda: mfa.create(user), f"MFA device for {user}")
        except Exception as exc:  # noqa: BLE001
            state.notify(failure_text(exc), title=f"MFA for {user}", severity="error")
            return
        screen = MfaScreen(state, device)
        outcome: str | None = None
        serial = device.serial
        try:
            outcome = await screens.push_screen_wait(screen)
        except BaseException:
            if not screen.enabled and not screen.failed:
                # The app is closing: the unassigned device must still go (best effort).
                _discard_quietly(mfa, serial)
            raise
        if not screen.enabled and not screen.failed:
            # Cancelled: the unassigned device must go, off the UI thread.
            try:
                await in_thread(screens, partial(mfa.discard, serial), f"discard {serial}")
            except Exception as exc:  # noqa: BLE001
                state.notify(
                    f"The unassigned device {serial} could not be removed: {failure_text(exc)}",
                    severity="error",
                )
        del device, screen
        if outcome == "enabled":
            state.apply_posture(state.posture.with_row(user, mfa_active=True))
            state.notify(f"MFA enabled for {user}.", title="Users")
            return
        if outcome != "retry":
            return


def _discard_quietly(mfa: MfaWriter, serial: str) -> None:
    try:
        mfa.discard(serial)
    except Exception:  # noqa: BLE001 - closing anyway; nothing left to tell
        return


async def delete_root_keys(state: AccountState, screens: App[Any]) -> None:
    mfa = state.service.mfa
    lines = [
        "Every access key of the root user will be deleted. Root keys are never needed for "
        "daily work; use an IAM user's keys instead.",
        "",
        "If acct-tui itself is signed in with a root access key, this session stops working "
        "once that key is gone (it is deleted last): restart with an IAM user's profile.",
    ]
    account, _ = state.account()
    harm = selfguard.delete_root_keys(await state.whoami(), account)
    if not await screens.push_screen_wait(confirm_screen("Delete root access keys?", lines, harm)):
        return
    try:
        deleted = await in_thread(screens, mfa.delete_root_access_keys, "root access keys")
    except Exception as exc:  # noqa: BLE001 - NotRoot, RootKeysFailure (some deleted)
        state.notify(failure_text(exc), title="Root access keys", severity="error")
        return
    summary = state.posture.summary.value
    if summary is not None:
        summary = replace(summary, root_access_keys_present=False)
        state.apply_posture(state.posture.with_part("summary", Part.ok(summary)))
    state.notify(f"Deleted {len(deleted)} root access key(s).", title="Root")
