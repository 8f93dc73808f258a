"""Copying text: OSC 52 through the terminal (works over SSH), plus the native clipboard.

OSC 52 asks the terminal to set its clipboard, so it works over SSH; inside tmux it needs
``set -g set-clipboard on``, and tmux then keeps the text in a paste buffer too.

The native clipboard never receives the text through a command line, where ``ps`` and
``/proc/PID/cmdline`` would show it to every user of the machine: on Linux and the BSDs
acct-tui itself runs ``wl-copy``, ``xclip`` or ``xsel`` and writes the text to its
standard input; on macOS ``pbcopy``, the same way. Nothing else is tried there (pyperclip
would fall back on KDE's klipper through ``qdbus``, which takes the text as an argument).
Windows and Cygwin use pyperclip, which calls the clipboard API or writes
``/dev/clipboard``: no command line either. Over plain SSH there is no native clipboard,
which is expected.

That program gets only the environment it needs to reach the display (:func:`helper_env`):
xclip and wl-copy fork and serve the selection after acct-tui quits, and, unlike acct-tui,
they are dumpable, so the person's ``AWS_*`` keys and session token would be readable in
their ``/proc/PID/environ`` all that time.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

# What the clipboard program keeps of acct-tui's environment (plus every LC_*).
_HELPER_KEEPS = frozenset(
    {"PATH", "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "TMPDIR"}
    | {"DISPLAY", "XAUTHORITY", "WAYLAND_DISPLAY", "XDG_RUNTIME_DIR", "DBUS_SESSION_BUS_ADDRESS"}
    | {"__CF_USER_TEXT_ENCODING"}  # macOS: pbcopy's text encoding
)

# Seconds to wait for the copying program (xclip/wl-copy fork to serve the selection).
TIMEOUT = 5.0


def native_clipboard_possible() -> bool:
    """Whether a native clipboard can exist here (without trying it)."""
    if sys.platform in ("darwin", "win32", "cygwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def stdin_command() -> list[str] | None:
    """The program (and its arguments, never the text) that takes the text on stdin, or
    None where there is none (then only OSC 52 copies). POSIX only."""
    if sys.platform == "darwin":
        found = shutil.which("pbcopy")
        return [found] if found else None
    if os.environ.get("WAYLAND_DISPLAY"):
        found = shutil.which("wl-copy")
        if found:
            return [found]
    if os.environ.get("DISPLAY"):
        found = shutil.which("xclip")
        if found:
            return [found, "-selection", "clipboard", "-in"]
        found = shutil.which("xsel")
        if found:
            return [found, "--clipboard", "--input"]
    return None


def helper_env() -> dict[str, str]:
    """The clipboard program's whole environment: how to reach the display, the locale."""
    return {k: v for k, v in os.environ.items() if k in _HELPER_KEEPS or k.startswith("LC_")}


def copy_native(text: str) -> bool:
    """Copy to the native clipboard; False when there is no working one.

    Blocking (it runs a program): call it from a thread worker.
    """
    if not native_clipboard_possible():
        return False
    if sys.platform in ("win32", "cygwin"):
        return _copy_pyperclip(text)
    command = stdin_command()
    if command is None:
        return False
    try:
        result = subprocess.run(
            command,
            input=text.encode("utf-8"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            close_fds=True,
            env=helper_env(),
            timeout=TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):  # gone, not executable, timed out
        return False
    return result.returncode == 0


def _copy_pyperclip(text: str) -> bool:
    try:
        import pyperclip

        pyperclip.copy(text)
    except Exception:  # noqa: BLE001 - PyperclipException, no clipboard
        return False
    return True


def describe(what: str, native: bool, in_tmux: bool) -> str:
    """The notification text: what was copied and how. Never the copied text itself."""
    how = "terminal clipboard (OSC 52)"
    if native:
        how += " and the system clipboard"
    text = f"Copied {what} to the {how}."
    if in_tmux and not native:
        text += (
            " In tmux this needs `set -g set-clipboard on`, which also keeps it in a tmux "
            "paste buffer: `tmux delete-buffer` deletes the newest."
        )
    elif in_tmux:
        text += (
            " tmux may keep it in a paste buffer too (set-clipboard on): "
            "`tmux delete-buffer` deletes the newest."
        )
    return text
