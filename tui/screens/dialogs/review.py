"""ReviewScreen: every API call a plan will make, and the equivalent aws CLI commands."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.aws.iam import Plan
from tui.support.visible import visible
from tui.widgets.colours import INFO


def cli_script(plan: Plan) -> str:
    """The plan as aws CLI commands, one per line (secrets are placeholders)."""
    return "\n".join(step.cli for step in plan.steps)


class ReviewScreen(ModalScreen[bool]):
    """True to go ahead (``ctrl+s``/``enter``), False to go back to the form."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s,enter", "dismiss(True)", "Create", id="review.go"),
        Binding("escape", "dismiss(False)", "Back", id="review.back"),
        Binding("c", "copy", "Copy CLI", id="review.copy", tooltip="Copy the aws commands"),
    ]

    def __init__(
        self, title: str, plan: Plan, *, copy: Callable[[str, str], None] | None = None
    ) -> None:
        super().__init__()
        self.title_text = title
        self.plan = plan
        self.copy = copy  # AccountState.copy_text, from the flow that opened the form

    def compose(self) -> ComposeResult:
        parts: list[str | tuple[str, str]] = []
        for n, step in enumerate(self.plan.steps, start=1):
            parts += [(f"{n}. {step.action}", "bold"), f"  {visible(step.description)}\n"]
        parts += [
            ("\nThe same with the AWS CLI:\n", "bold"),
            (visible(cli_script(self.plan), multiline=True), INFO),
        ]
        text = Content.assemble(*parts)
        with Vertical(id="review") as box:
            box.border_title = Text(visible(self.title_text))
            box.border_subtitle = "ctrl+s create · c copy commands · escape back"
            with VerticalScroll():
                yield Static(text, markup=False)

    def action_copy(self) -> None:
        if self.copy is not None:
            self.copy(cli_script(self.plan), "the aws commands")
