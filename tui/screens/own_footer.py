"""OwnFooter: a screen with its own footer shows it only while it is the screen on top.

Textual draws the screens under a modal, footer included, so without this the keys of the
screen underneath (User details' "a Attach policies", the guide's "r Refresh") would show
under a dialog where they do nothing: the footer offers only keys that act on the focused
screen, and a dialog without a footer says its keys in its border instead.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class OwnFooter:
    """Mixin for a Screen that yields a Footer: hidden while another screen is on top."""

    def on_screen_suspend(self) -> None:
        self._show_own_footer(shown=False)

    def on_screen_resume(self) -> None:
        self._show_own_footer(shown=True)

    def _show_own_footer(self, *, shown: bool) -> None:
        if isinstance(self, Screen):
            for footer in self.query(Footer):
                footer.display = shown
