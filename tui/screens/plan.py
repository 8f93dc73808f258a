"""PlanScreen: runs a plan of AWS calls, showing each step's state; offers roll back."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.aws.errors import AwsError
from tui.aws.iam import Plan, PlanResult, StepReport, StepState, field_for
from tui.support.visible import visible
from tui.widgets.colours import ERROR, FAIL, INFO, MUTED, SUCCESS, WARNING

# One symbol per state, all different: the colour only repeats what the symbol says.
ICONS: dict[StepState, tuple[str, str]] = {
    StepState.PENDING: ("·", MUTED),
    StepState.RUNNING: ("…", WARNING),
    StepState.DONE: ("✓", SUCCESS),
    StepState.FAILED: ("✗", FAIL),
    StepState.UNKNOWN: ("?", WARNING),
    StepState.SKIPPED: ("-", MUTED),
    StepState.UNDONE: ("↶", INFO),
    StepState.UNDO_FAILED: ("!", FAIL),
}


@dataclass(frozen=True)
class PlanOutcome:
    """How a plan ended: all done, failed (kept), or failed and rolled back."""

    succeeded: bool
    result: PlanResult
    rolled_back: bool = False
    error: AwsError | None = None
    field: str | None = None


@dataclass
class _Progress(Message):
    report: StepReport


@dataclass
class _Finished(Message):
    result: PlanResult
    rollback: bool


def render_reports(reports: Iterable[StepReport]) -> Content:
    parts: list[str | tuple[str, str]] = []
    for report in reports:
        icon, style = ICONS[report.state]
        parts += [(f" {icon} ", style), visible(report.step.description)]
        if report.error is not None:
            parts.append((f"\n     {visible(report.error.headline())}", ERROR))
            if report.error.message:
                parts.append(f": {visible(report.error.message, multiline=True)}")
            if report.state is StepState.UNKNOWN:
                parts.append((f"\n     {visible(report.error.why_unknown())}", WARNING))
        parts.append("\n")
    return Content.assemble(*parts)


class PlanScreen(ModalScreen[PlanOutcome]):
    """Runs ``plan`` in a thread worker. On failure: ``b`` rolls back, ``k`` keeps and fixes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("b", "rollback", "Roll back", id="plan.rollback"),
        Binding("k,escape", "keep", "Keep and fix", id="plan.keep"),
        # After a roll back, escape closes too (before it, escape keeps: both back out).
        Binding("enter,escape", "close", "Close", id="plan.close"),
    ]

    def __init__(self, title: str, plan: Plan) -> None:
        super().__init__()
        self.title_text = title
        self.plan = plan
        self.reports: dict[str, StepReport] = {
            s.id: StepReport(s, StepState.PENDING, None) for s in plan.steps
        }
        self.result: PlanResult | None = None
        self.rollback_result: PlanResult | None = None
        self.running = True

    def compose(self) -> ComposeResult:
        with Vertical(id="plan") as box:
            box.border_title = Text(visible(self.title_text))
            with VerticalScroll(id="plan-scroll"):
                yield Static(id="plan-steps", markup=False)
                yield Static(id="plan-summary", markup=False)

    def on_mount(self) -> None:
        self._redraw()
        self._run(rollback=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        failed = self.result is not None and not self.result.ok
        if action == "rollback":
            return failed and not self.running and self.rollback_result is None
        if action == "keep":
            return failed and not self.running and self.rollback_result is None
        if action == "close":
            return not self.running and self.rollback_result is not None
        return True

    @work(thread=True, exclusive=True, exit_on_error=False, group="plan", description="plan")
    def _run(self, rollback: bool) -> None:
        def progress(report: StepReport) -> None:
            self.post_message(_Progress(report))

        result = self.plan.rollback(progress) if rollback else self.plan.run(progress)
        self.post_message(_Finished(result, rollback))

    @on(_Progress)
    def _progress(self, message: _Progress) -> None:
        self.reports[message.report.step.id] = message.report
        self._redraw()

    @on(_Finished)
    def _finished(self, message: _Finished) -> None:
        self.running = False
        if message.rollback:
            self.rollback_result = message.result
        else:
            self.result = message.result
            if message.result.ok:
                self.dismiss(PlanOutcome(True, message.result))
                return
        self._redraw()
        self.refresh_bindings()

    def _redraw(self) -> None:
        self.query_one("#plan-steps", Static).update(render_reports(self.reports.values()))
        summary: list[str | tuple[str, str]] = []
        result = self.rollback_result or self.result
        if result is not None and not self.running:
            summary.append(("\nWhat exists now:\n", "bold"))
            summary += [f"  {visible(line)}\n" for line in result.exists_now]
            if self.rollback_result is None:
                summary.append(("\nb roll back (undo the steps above) · k keep and fix", "bold"))
            else:
                summary.append(("\nenter: back to the form", "bold"))
        elif self.running:
            summary.append(("\nWorking…", MUTED))
        self.query_one("#plan-summary", Static).update(Content.assemble(*summary))

    def action_rollback(self) -> None:
        self.running = True
        self.refresh_bindings()
        self._redraw()
        self._run(rollback=True)

    def _failure(self) -> tuple[AwsError | None, str | None]:
        for report in self.reports.values():
            failed = report.state in (StepState.FAILED, StepState.UNKNOWN)
            if failed and report.error is not None:
                return report.error, field_for(report.error, report.step)
        return None, None

    def action_keep(self) -> None:
        assert self.result is not None
        error, field = self._failure()
        self.dismiss(PlanOutcome(False, self.result, False, error, field))

    def action_close(self) -> None:
        assert self.result is not None
        error, field = self._failure()
        self.dismiss(PlanOutcome(False, self.result, True, error, field))
