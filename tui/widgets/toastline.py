"""Notifications on screens that toasts would cover: a status line at the screen's foot.

Textual draws toasts in the bottom-right corner over whatever is there: on the MFA
screen that is the QR code, on a form its fields. A screen that declares
``TOASTS = "status"`` (and every form: a screen holding a ``.form`` box) gets the app's
notifications on a line docked at its bottom instead, which takes its own rows: the screen's
content is laid out above it, so nothing is covered. The toasts themselves are hidden on that
screen (app.tcss), still recorded by the app, and shown if still current once the user
is back on a screen without a status line. A screen whose content fills every row names
a column with room in ``TOAST_HOST`` (the MFA screen: the text beside the QR code), and the
line goes at that column's end.
"""

from __future__ import annotations

from typing import Any, Final

from textual.app import App, ScreenStackError
from textual.content import Content
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Static

STATUS: Final = "status"
ROUTED: Final = "-toasts-to-status-line"  # the class app.tcss hides toasts under
# The severity is a word and a symbol; colour only repeats it.
PREFIX: Final[dict[str, tuple[str, str]]] = {
    "information": ("✓ ", "$text-success"),
    "warning": ("⚠ warning: ", "bold $text-warning"),
    "error": ("✗ error: ", "bold $text-error"),
}


def wants_status_line(screen: Screen[object]) -> bool:
    """Whether ``screen`` takes notifications on a status line rather than as toasts."""
    if getattr(type(screen), "TOASTS", None) == STATUS:
        return True
    return bool(screen.query(".form"))


class ToastLine(Static):
    """The status line a routed notification is shown on, for as long as its toast would."""

    DEFAULT_CSS = """
    ToastLine {
        dock: bottom;
        width: 100%;
        height: auto;
        max-height: 3;
        padding: 0 1;
        background: $panel;
        color: $foreground;
    }
    ToastLine.-in-column {
        dock: none;
        max-height: 8;
        margin-top: 1;
        padding: 0;
    }
    """

    def __init__(self) -> None:
        super().__init__(id="toast-line", markup=False)
        self._timer: Timer | None = None

    def say(self, message: str, title: str, severity: SeverityLevel, timeout: float) -> None:
        prefix, style = PREFIX.get(severity, PREFIX["information"])
        parts: list[str | tuple[str, str]] = [(prefix, style)]
        if title:
            parts.append((f"{title}: ", "bold"))
        parts.append(message)
        self.update(Content.assemble(*parts))
        self.display = True
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(timeout, self._expire)

    def _expire(self) -> None:
        self.display = False


def route(app: App[Any], message: str, title: str, severity: SeverityLevel, timeout: float) -> bool:
    """Show the notification on the top screen's status line if it wants one; True if so."""
    try:
        screen = app.screen
    except ScreenStackError:  # not running yet
        return False
    if not screen.is_attached or not wants_status_line(screen):
        return False
    screen.add_class(ROUTED)
    # A screen whose content fills every row (the MFA screen's QR code at 80×24) names a
    # column with room to spare: the line goes at that column's end, not under everything.
    place = getattr(type(screen), "TOAST_HOST", None)
    host = screen.query_one(place) if isinstance(place, str) else screen
    lines = host.query(ToastLine)
    line = lines.first() if lines else ToastLine()
    if host is not screen:
        line.add_class("-in-column")
    if not line.is_attached:
        host.mount(line)
    line.say(message, title, severity, timeout)
    return True
