"""The Security recommendations pane: every check, failures first."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from tui.aws.checks import Finding, Severity, Status, evaluate
from tui.aws.models import PART_NAMES, Posture
from tui.panes.base import TablePane, literal, make_row

STATUS_TEXT = {
    Status.FAIL: ("✗ fix", "bold red"),
    Status.UNKNOWN: ("? unknown", "yellow"),
    Status.PASS: ("✓ ok", "green"),
}
SEVERITY_STYLE = {
    Severity.CRITICAL: "bold red",
    Severity.HIGH: "red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "dim",
}


class RecommendationsPane(TablePane):
    """Findings of :func:`tui.aws.checks.evaluate`; ``enter`` opens one with its fix."""

    TITLE = "1 Security recommendations"
    PARTS = frozenset(PART_NAMES)
    COLUMNS: ClassVar[tuple[str, ...]] = ("Status", "Severity", "Check")

    def __init__(self, *, id: str) -> None:  # noqa: A002
        super().__init__(id=id)
        self.findings: dict[str, Finding] = {}

    def compose_body(self) -> ComposeResult:
        yield from super().compose_body()
        yield Static(id="reason", classes="reason", markup=False)

    @on(DataTable.RowHighlighted, "#table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_reason(str(event.row_key.value))

    def _show_reason(self, key: str | None) -> None:
        finding = self.findings.get(key or "")
        text = Text()
        if finding is not None:
            text.append(finding.reason)
            if finding.status is not Status.PASS and finding.fix is not None:
                text.append("\nFix: ", style="bold")
                text.append(finding.fix.label)
                runnable = finding.status is Status.FAIL and finding.fix.action
                hint = "  (enter to fix)" if runnable else "  (enter for details)"
                text.append(hint, style="dim")
        self.query_one("#reason", Static).update(text)

    def update_from(self, posture: Posture) -> None:
        failed = [p.error for p in map(posture.__getattribute__, PART_NAMES) if p.error]
        if failed:
            # Only the checks that need a part turn unknown: say which reads failed here,
            # not only in the reason of a row the user may never highlight.
            text = Text("Could not read: ", style="yellow")
            text.append("; ".join(e.headline() for e in failed))
            text.append(". Checks that need it show ? unknown.", style="yellow")
            self.set_status(text)
        else:
            self.set_status(None)
        findings = evaluate(posture)
        self.findings = {f.id: f for f in findings}
        failing = sum(f.status is Status.FAIL for f in findings)
        self.summary = f"{failing} to fix" if failing else "all clear"
        rows = []
        for f in findings:
            label, style = STATUS_TEXT[f.status]
            rows.append(
                make_row(
                    f.id,
                    Text(label, style=style),
                    Text(f.severity.name.lower(), style=SEVERITY_STYLE[f.severity]),
                    literal(f.title),
                )
            )
        self.set_rows(rows)
        if self.table.row_count:
            key = self.table.coordinate_to_cell_key(self.table.cursor_coordinate).row_key
            self._show_reason(str(key.value))

    def open_row(self, key: str) -> None:
        """``enter``: run the fix when there is one to run, else show the details."""
        finding = self.findings.get(key)
        if finding is None:
            return
        if finding.status is Status.FAIL and self.acct.action_fix(finding):
            return
        self.show_details(finding)

    def show_details(self, finding: Finding) -> None:
        from tui.screens.details import DetailsScreen

        lines: list[tuple[str, str]] = [
            ("Status", finding.status.value),
            ("Severity", finding.severity.name.lower()),
            ("Why", finding.reason),
        ]
        if finding.subjects:
            lines.append(("Affects", "\n".join(finding.subjects)))
        if finding.fix is not None:
            lines.append(("Fix", finding.fix.label))
            for n, step in enumerate(finding.fix.console_steps, start=1):
                lines.append((f"Step {n}", step))
            if finding.fix.url:
                lines.append(("URL", finding.fix.url))
        self.app.push_screen(DetailsScreen(finding.title, lines))
