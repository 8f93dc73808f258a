"""Copying text: OSC 52 through the terminal (works over SSH), plus the native clipboard.

OSC 52 asks the terminal to set its clipboard, so it works over SSH; inside tmux it needs
``set -g set-clipboard on``. pyperclip reaches a local X/Wayland/macOS/Windows clipboard
where one exists; over plain SSH it has none and raises, which is expected.
"""

from __future__ import annotations

import os
import sys


def native_clipboard_possible() -> bool:
    """Whether a native clipboard can exist here (without trying it)."""
    if sys.platform in ("darwin", "win32", "cygwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def copy_native(text: str) -> bool:
    """Copy with pyperclip; False when there is no working native clipboard.

    Blocking (it may spawn xclip or pbcopy): call it from a thread worker.
    """
    if not native_clipboard_possible():
        return False
    try:
        import pyperclip

        pyperclip.copy(text)
    except Exception:  # noqa: BLE001 - PyperclipException, a missing xclip, a dead display
        return False
    return True


def describe(what: str, native: bool, in_tmux: bool) -> str:
    """The notification text: what was copied and how. Never the copied text itself."""
    how = "terminal clipboard (OSC 52)"
    if native:
        how += " and the system clipboard"
    text = f"Copied {what} to the {how}."
    if in_tmux and not native:
        text += " In tmux this needs `set -g set-clipboard on`."
    return text
