"""The fixes behind ``enter`` on a recommendation (and on a step of "Getting started")."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import App

from tui.aws.checks import Finding
from tui.flows.account import password_policy, set_alias
from tui.flows.groups import administrators, create_group
from tui.flows.mfa import delete_root_keys, enroll_mfa
from tui.flows.rotation import rotate_stale_key
from tui.flows.users import access_keys, create_user
from tui.runtime.read_only import GUIDE_FIXES
from tui.screens.dialogs.choose import ChooseScreen
from tui.screens.root_mfa import RootMfaScreen

if TYPE_CHECKING:
    from tui.state import AccountState


def start_fix(state: AccountState, screens: App[Any], finding: Finding) -> bool:
    """Start the fix of ``finding``; False when it has none, or cannot run (read-only)."""
    action = finding.fix.action if finding.fix else None
    if action is None:
        return False
    mutating = action not in GUIDE_FIXES
    if mutating and state.read_only:
        return False
    state.run_flow(fix(state, screens, finding), f"fix {finding.id}", mutating=mutating)
    return True


async def choose_user(screens: App[Any], finding: Finding) -> str | None:
    """The user a fix applies to: the only one, or the one the user picks."""
    if len(finding.users) == 1:
        return finding.users[0]
    if not finding.users:
        return None
    return await screens.push_screen_wait(
        ChooseScreen(finding.title, "Which user?", list(finding.users))
    )


async def fix(state: AccountState, screens: App[Any], finding: Finding) -> None:
    """Run the fix of ``finding`` (its ``fix.action``)."""
    action = finding.fix.action if finding.fix else None
    if action == "create_admin_group":
        await create_group(state, screens, administrators())
    elif action == "create_user":
        await create_user(state, screens)
    elif action in ("enroll_mfa", "user_keys"):
        user = await choose_user(screens, finding)
        if user is None:
            return
        if action == "user_keys":
            await access_keys(state, screens, user)
        else:
            await enroll_mfa(state, screens, user)
    elif action == "rotate_key":
        user = await choose_user(screens, finding)
        if user is not None:
            await rotate_stale_key(state, screens, user, old_only=finding.id == "old-keys")
    elif action == "password_policy":
        await password_policy(state, screens)
    elif action == "root_mfa_guide":
        await screens.push_screen_wait(RootMfaScreen(state))
    elif action == "delete_root_keys":
        await delete_root_keys(state, screens)
    elif action == "set_alias":
        await set_alias(state, screens)
    elif action == "move_policies":
        from tui.flows.access import move_policies_to_group

        user = await choose_user(screens, finding)
        if user is not None:
            await move_policies_to_group(state, screens, user)
    elif action == "create_analyzers":
        from tui.flows.analyzers import create_analyzers

        await create_analyzers(state, screens, finding)
    elif action == "security_contact":
        from tui.flows.control_fixes import security_contact

        await security_contact(state, screens)
    elif action == "support_role":
        from tui.flows.control_fixes import support_role

        await support_role(state, screens)
    elif action == "delete_certificates":
        from tui.flows.control_fixes import delete_certificates

        await delete_certificates(state, screens, finding.subjects)
    elif action == "remove_console":
        from tui.flows.passwords import remove_password

        user = await choose_user(screens, finding)
        if user is not None:
            await remove_password(state, screens, user)
