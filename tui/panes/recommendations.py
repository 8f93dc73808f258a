"""The Security recommendations pane: every check, failures first."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Static

from tui.aws.checks import Finding, Severity, Status, evaluate, verdict
from tui.aws.models import PART_NAMES, Posture
from tui.panes.base import Prepared, TablePane, make_row
from tui.runtime.read_only import NOTICE
from tui.support.visible import visible
from tui.widgets.colours import ERROR, FAIL, MUTED, SUCCESS, WARNING
from tui.widgets.rowdata import Cell
from tui.widgets.rowtable import RowTable

# A symbol and a word for each status, and the severity as a word: colour only repeats them.
STATUS_TEXT = {
    Status.FAIL: ("✗ fix", FAIL),
    Status.UNKNOWN: ("? unknown", WARNING),
    Status.PASS: ("✓ ok", SUCCESS),
}
SEVERITY_STYLE = {
    Severity.CRITICAL: FAIL,
    Severity.HIGH: ERROR,
    Severity.MEDIUM: WARNING,
    Severity.LOW: MUTED,
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

    @on(RowTable.RowHighlighted, "#table")
    def _highlighted(self, event: RowTable.RowHighlighted) -> None:
        self._show_reason(event.key)

    def _show_reason(self, key: str | None) -> None:
        finding = self.findings.get(key or "")
        parts: list[str | tuple[str, str]] = []
        if finding is not None:
            parts.append(visible(finding.reason, multiline=True))
            # An unknown check offers no fix: the data does not show that one is needed.
            if finding.status is Status.FAIL and finding.fix is not None:
                parts += [("\nFix: ", "bold"), visible(finding.fix.label, multiline=True)]
                runnable = finding.status is Status.FAIL and finding.fix.action
                if runnable and self._refused(finding):
                    hint = "  (read-only: enter for details)"
                else:
                    hint = "  (enter to fix)" if runnable else "  (enter for details)"
                parts.append((hint, MUTED))
        self.query_one("#reason", Static).update(Content.assemble(*parts))

    def show_status(self, posture: Posture) -> None:
        parts = [getattr(posture, name) for name in PART_NAMES]
        failed = [p.error for p in parts if p.error]
        if failed and len(failed) == len(parts):
            # Nothing at all could be read: say so plainly, with why and what to do.
            codes = ", ".join(dict.fromkeys(e.code for e in failed))
            hints = dict.fromkeys(e.hint.rstrip(". ") for e in failed if e.hint)
            self.set_status(
                Content.assemble(
                    (f"Nothing could be read from AWS ({visible(codes)}). ", WARNING),
                    visible(". ".join(hints) or "r tries again"),
                    (". No check has passed: every one is unknown.", WARNING),
                )
            )
        elif failed:
            # Only the checks that need a part turn unknown: say which reads failed here,
            # not only in the reason of a row the user may never highlight.
            self.set_status(
                Content.assemble(
                    ("Could not read: ", WARNING),
                    visible("; ".join(e.headline() for e in failed)),
                    (". Checks that need it show ? unknown.", WARNING),
                )
            )
        else:
            self.set_status(None)

    def prepare(self, posture: Posture) -> Prepared | None:
        findings = evaluate(posture)
        rows = []
        for f in findings:
            label, style = STATUS_TEXT[f.status]
            rows.append(
                make_row(
                    f.id,
                    Cell(label, style),
                    Cell(f.severity.name.lower(), SEVERITY_STYLE[f.severity]),
                    f.title,
                )
            )
        return Prepared(rows, verdict(findings), {f.id: f for f in findings})

    def accept(self, data: Any) -> None:
        self.findings = data

    def show(self, posture: Posture, prepared: Prepared | None) -> None:
        super().show(posture, prepared)
        self._show_reason(self.table.cursor_key)

    def _refused(self, finding: Finding) -> bool:
        """True when ``finding``'s fix would change the account and --read-only forbids it."""
        action = finding.fix.action if finding.fix else None
        if action is None or not self.acct.service.read_only:
            return False
        return not self.acct.is_guide(action)

    def open_row(self, key: str) -> None:
        """``enter``: run the fix when there is one to run, else show the details."""
        finding = self.findings.get(key)
        if finding is None:
            return
        if finding.status is Status.FAIL and self.acct.action_fix(finding):
            return
        self.show_details(finding)

    def show_details(self, finding: Finding) -> None:
        from tui.screens.dialogs.details import DetailsScreen

        lines: list[tuple[str, str]] = [
            ("Status", finding.status.value),
            ("Severity", finding.severity.name.lower()),
        ]
        if finding.status is Status.FAIL and self._refused(finding):
            lines.append(("Read-only", f"the fix below changes the account, and {NOTICE}"))
        lines.append(("Why", finding.reason))
        if finding.subjects:
            lines.append(("Affects", "\n".join(finding.subjects)))
        # A fix only where the data shows one is needed; for an unknown check, what it
        # would be once the check can be read and fails.
        if finding.fix is not None and finding.status is not Status.PASS:
            label = "Fix" if finding.status is Status.FAIL else "Fix, if it fails"
            lines.append((label, finding.fix.label))
            for n, step in enumerate(finding.fix.console_steps, start=1):
                lines.append((f"Step {n}", step))
            if finding.fix.url:
                lines.append(("URL", finding.fix.url))
        self.app.push_screen(DetailsScreen(finding.title, lines))
