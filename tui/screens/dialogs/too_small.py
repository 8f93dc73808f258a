"""TooSmallScreen: covers everything while the terminal is smaller than acct-tui can use."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.screen import ModalScreen
from textual.widgets import Static

# Below this the narrow layout cannot show a pane with a few rows and its footer, and the
# forms stop fitting even with scrolling. 80×24 is what everything is designed for.
MIN_WIDTH, MIN_HEIGHT = 60, 16


def too_small(size: Size) -> bool:
    """True when ``size`` is below :data:`MIN_WIDTH` × :data:`MIN_HEIGHT`."""
    return size.width < MIN_WIDTH or size.height < MIN_HEIGHT


class TooSmallScreen(ModalScreen[None]):
    """Says how big the terminal must be; closes itself once it is. ``q`` still quits.

    Whatever was open underneath (a pane, a half-filled form) is kept as it was.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "app.quit", "Quit", id="too_small.quit"),
    ]

    def compose(self) -> ComposeResult:
        yield Static(id="too-small", markup=False)

    def on_mount(self) -> None:
        self._say()

    def on_resize(self, event: events.Resize) -> None:
        self._say()

    def on_screen_resume(self) -> None:
        # Buried under a screen a flow pushed meanwhile, it may surface when big enough.
        if not too_small(self.app.size):
            self.dismiss(None)

    def _say(self) -> None:
        width, height = self.app.size
        text = Text("Terminal too small\n\n", style="bold")
        text.append(f"acct-tui needs at least {MIN_WIDTH}×{MIN_HEIGHT}; ")
        text.append(f"this one is {width}×{height}.\n")
        text.append("Make it larger to go on, or press q to quit.", style="dim")
        self.query_one("#too-small", Static).update(text)
