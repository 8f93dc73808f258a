"""DetailsScreen: label/value lines of one item, AWS text shown literally."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.aws.checks import Finding, Status
from tui.aws.findings import CIS_BENCHMARK
from tui.runtime.read_only import NOTICE
from tui.support.visible import visible


class DetailsScreen(ModalScreen[None]):
    """Shows one user, group, Region or finding; ``escape`` or ``enter`` closes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter", "dismiss(None)", "Close", id="details.close"),
    ]

    def __init__(self, title: str, lines: list[tuple[str, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.lines = lines

    def compose(self) -> ComposeResult:
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column(overflow="fold")
        for label, value in self.lines:
            grid.add_row(Text(visible(label)), Text(visible(value, multiline=True)))
        with VerticalScroll(id="details") as box:
            box.border_title = Text(visible(self.title_text))  # a str would be markup
            box.border_subtitle = "escape to close"
            yield Static(grid, id="details-body")


def finding_details(finding: Finding, *, refused: bool) -> DetailsScreen:
    """A recommendation in full: why, what it affects, and its fix where one is needed.

    ``refused``: the fix changes the account and acct-tui runs with --read-only.
    """
    lines: list[tuple[str, str]] = [
        ("Status", finding.status.value),
        ("Severity", finding.severity.name.lower()),
    ]
    if finding.cis:
        lines.append(("CIS", f"{', '.join(finding.cis)} ({CIS_BENCHMARK})"))
    if finding.status is Status.FAIL and refused:
        lines.append(("Read-only", f"the fix below changes the account, and {NOTICE}"))
    lines.append(("Why", finding.reason))
    if finding.subjects:
        lines.append(("Affects", "\n".join(finding.subjects)))
    # A fix only where the data shows one is needed; for an unknown check, what it
    # would be once the check can be read and fails.
    if finding.fix is not None and finding.status is not Status.PASS:
        label = {Status.FAIL: "Fix", Status.INFO: "Advice"}.get(finding.status, "Fix, if it fails")
        lines.append((label, finding.fix.label))
        for n, step in enumerate(finding.fix.console_steps, start=1):
            lines.append((f"Step {n}", step))
        if finding.fix.url:
            lines.append(("URL", finding.fix.url))
    return DetailsScreen(finding.title, lines)
