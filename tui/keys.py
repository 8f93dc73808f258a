"""The key contract (DESIGN.md §2) as data: the help screen and the README read from it."""

from __future__ import annotations

# (keys, action). Only keys that do something in this version are listed.
KEYS: tuple[tuple[str, str], ...] = (
    ("1 … 5", "focus Recommendations, Users, Groups, Account alias, Regions"),
    ("tab / shift+tab", "next / previous pane"),
    ("↑ ↓ pgup pgdn", "move in the focused table"),
    ("enter", "open: details, the fix of a recommendation, or enable/disable a Region"),
    ("n", "new: user (Users), group (Groups), alias (Account alias)"),
    ("ctrl+d", "delete the selected user or group, or the alias, after a confirmation"),
    ("m", "enroll a virtual MFA device for the selected user (QR code in the terminal)"),
    ("k", "access keys of the selected user: d deactivates/activates, ctrl+d deletes"),
    ("c", "copy: the focused credential field, or the selected row's ARN / URL"),
    ("/", "filter the focused table (escape clears)"),
    ("r", "refresh everything"),
    ("g", "getting started: the tutorial's steps with live status (enter opens one)"),
    ("?", "this help"),
    ("ctrl+p", "command palette ('pane: verb' entries)"),
    ("escape", "close / back"),
    ("q", "quit"),
    ("forms", "tab next field · space toggles · ctrl+s review, then create · escape cancel"),
    ("credentials", "v reveal · c copy field · e export CSV · p AWS CLI profile · s retry keyring"),
    ("MFA", "enter checks the two codes · ctrl+t show secret · ctrl+y copy it · escape cancels"),
)
