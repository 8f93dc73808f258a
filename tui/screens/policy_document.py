"""PolicyDocumentScreen: one policy document, pretty-printed JSON, shown literally."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.support.visible import visible


class PolicyDocumentScreen(ModalScreen[None]):
    """A scrollable, keyboard-driven view of a policy document; ``c`` copies it.

    The JSON comes from AWS: it is shown as plain text (a policy may hold ``[b]``)."""

    DEFAULT_CSS = """
    PolicyDocumentScreen { align: center middle; }
    #policy-document {
        width: 96%; max-width: 110; height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    #policy-scroll { height: 1fr; }
    #policy-about { color: $text-muted; height: auto; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Close", id="policy.close"),
        Binding("c", "copy", "Copy JSON", id="policy.copy", tooltip="Copy the document"),
    ]

    def __init__(
        self,
        title: str,
        about: str,
        document: str,
        *,
        copy: Callable[[str, str], None] | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.about = about
        self.document = document
        self.copy = copy

    def compose(self) -> ComposeResult:
        with Vertical(id="policy-document") as box:
            box.border_title = Text(visible(self.title_text))
            box.border_subtitle = "↑↓ pgup pgdn scroll · c copy · escape close"
            yield Static(Text(visible(self.about)), id="policy-about", markup=False)
            with VerticalScroll(id="policy-scroll"):
                yield Static(
                    Text(visible(self.document, multiline=True)), id="policy-json", markup=False
                )

    def on_mount(self) -> None:
        self.query_one("#policy-scroll").focus()

    def action_copy(self) -> None:
        if self.copy is not None:
            self.copy(self.document, f"the document of {self.title_text}")
