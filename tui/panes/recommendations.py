"""The Security recommendations pane: every check, failures first."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Static

from tui.aws.checks import Finding, Status
from tui.aws.models import PART_NAMES, Posture
from tui.panes.base import TablePane
from tui.panes.rows import Prepared, recommendation_rows
from tui.runtime.read_only import fix_refused
from tui.support.visible import visible
from tui.widgets.colours import MUTED, WARNING
from tui.widgets.rowtable import RowTable

if TYPE_CHECKING:
    from tui.state import AccountState


class RecommendationsPane(TablePane[dict[str, Finding]]):
    """Findings of :func:`tui.aws.checks.evaluate`; ``enter`` opens one with its fix."""

    TITLE = "1 Security recommendations"
    PARTS = frozenset(PART_NAMES)
    COLUMNS: ClassVar[tuple[str, ...]] = ("Status", "Severity", "Check")

    def __init__(self, state: AccountState, *, id: str) -> None:  # noqa: A002
        super().__init__(state, id=id)
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
        nothing_read = len(failed) == len(parts)
        scan = posture.analyzers.value
        if scan is not None:  # Regions whose analyzers could not be listed fail alone
            failed += list(dict.fromkeys(r.error for r in scan.unreadable if r.error))
        if nothing_read:
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

    def rows(self, posture: Posture) -> Prepared[dict[str, Finding]] | None:
        return recommendation_rows(posture)

    def accept(self, data: dict[str, Finding]) -> None:
        self.findings = data

    def show(self, posture: Posture, prepared: Prepared[dict[str, Finding]] | None) -> None:
        super().show(posture, prepared)
        self._show_reason(self.table.cursor_key)
        # The wide layout gives this pane the width its check names need (MainScreen).
        fit_columns = getattr(self.screen, "fit_columns", None)
        if prepared is not None and fit_columns is not None:
            fit_columns()

    def _refused(self, finding: Finding) -> bool:
        """True when ``finding``'s fix would change the account and --read-only forbids it."""
        return fix_refused(finding.fix.action if finding.fix else None, self.state.read_only)

    def open_row(self, key: str) -> None:
        """``enter``: run the fix when there is one to run, else show the details."""
        from tui.flows.fixes import start_fix

        finding = self.findings.get(key)
        if finding is None:
            return
        if finding.status is Status.FAIL and start_fix(self.state, self.app, finding):
            return
        self.show_details(finding)

    def show_details(self, finding: Finding) -> None:
        from tui.screens.dialogs.details import finding_details

        self.app.push_screen(finding_details(finding, refused=self._refused(finding)))
