"""The key contract (DESIGN.md §2) as data: the help screen and the README read from it."""

from __future__ import annotations

# (keys, action). Only keys that do something in this version are listed.
KEYS: tuple[tuple[str, str], ...] = (
    ("1 … 5", "focus Recommendations, Users, Groups, Account alias, Regions"),
    ("tab / shift+tab", "next / previous pane"),
    ("↑ ↓ pgup pgdn", "move in the focused table"),
    ("enter", "open the selected item: details, or the fix for a recommendation"),
    ("/", "filter the focused table (escape clears)"),
    ("r", "refresh everything"),
    ("?", "this help"),
    ("ctrl+p", "command palette ('pane: verb' entries)"),
    ("escape", "close / back"),
    ("q", "quit"),
)
