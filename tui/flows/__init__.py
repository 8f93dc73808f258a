"""Multi-screen flows (form → review → plan → result), run as async workers of the app.

Each flow receives the :class:`~tui.state.AccountState` and the screen stack it pushes
onto, awaits its screens with ``push_screen_wait`` and runs AWS calls in thread workers
(:func:`tui.runtime.workers.in_thread`), so the event loop stays free. After a change it
applies what it did to the posture at once (IAM reads right after a write can miss it).
One module per subject; this package only re-exports them (nothing inside imports it).
"""

from __future__ import annotations

from tui.flows.access import (
    add_members,
    add_to_groups,
    attach_policies,
    detach_policy,
    move_policies_to_group,
    remove_from_group,
    view_policy,
)
from tui.flows.account import change_region, delete_alias, password_policy, set_alias
from tui.flows.fixes import fix, start_fix
from tui.flows.groups import administrators, create_group, delete_group
from tui.flows.identity import switch_identity
from tui.flows.keys import create_access_key
from tui.flows.mfa import delete_root_keys, enroll_mfa
from tui.flows.passwords import add_password, remove_password, reset_password
from tui.flows.rotation import rotate_key
from tui.flows.tags import edit_tags
from tui.flows.users import access_keys, create_user, delete_user

__all__ = [
    "access_keys",
    "administrators",
    "change_region",
    "create_group",
    "create_user",
    "delete_alias",
    "delete_group",
    "delete_root_keys",
    "delete_user",
    "enroll_mfa",
    "fix",
    "password_policy",
    "rotate_key",
    "set_alias",
    "start_fix",
    "switch_identity",
    "add_to_groups",
    "remove_from_group",
    "add_members",
    "attach_policies",
    "detach_policy",
    "view_policy",
    "move_policies_to_group",
    "edit_tags",
    "add_password",
    "remove_password",
    "reset_password",
    "create_access_key",
]
