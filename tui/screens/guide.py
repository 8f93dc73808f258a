"""GuideScreen: "Getting started", the tutorial's steps with their live status.

The steps and their states come from :func:`tui.aws.guide.guide_steps` (the same checks
as the recommendations pane). The screen follows the app's posture: after a flow applies
what it changed, or a refresh brings new data, the statuses are computed again. ``enter``
runs the step through the app's own flows (the same forms as the panes and the fixes).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Static

from tui.aws import guide
from tui.aws.checks import Finding, evaluate
from tui.aws.guide import Step, StepState
from tui.aws.models import Posture
from tui.runtime.read_only import fix_refused
from tui.screens.own_footer import OwnFooter
from tui.widgets.colours import FAIL, MUTED, SUCCESS, WARNING

if TYPE_CHECKING:
    from tui.state import AccountState

# Each state's label is a symbol and a word (``Step.label``); colour only repeats it.
STATE_STYLE: dict[StepState, str] = {
    StepState.DONE: SUCCESS,
    StepState.TODO: FAIL,
    StepState.WAITING: WARNING,
    StepState.OPTIONAL: MUTED,
    StepState.LOADING: MUTED,
    StepState.UNKNOWN: WARNING,
}
READ_ONLY_REFUSAL = "acct-tui runs with --read-only: this step would change the account."
PANE_KEYS = ("recommendations", "users", "groups", "alias", "regions")


class GuideScreen(OwnFooter, ModalScreen[None]):
    """The guided set-up. ``enter`` opens a step; ``1``-``5`` close it and show a pane;
    ``escape`` closes it (``q`` does nothing here: it quits only from the main screen)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,g", "close", "Close", id="guide.close", tooltip="Back to the panes"),
        Binding("r", "app.refresh", "Refresh", id="guide.refresh", tooltip="Read it all again"),
        Binding("question_mark", "app.help", "Help", show=False, id="guide.help"),
        *(
            Binding(
                str(n),
                f"pane('{pane}')",
                f"Close, show pane {n}",
                show=False,
                id=f"guide.pane.{pane}",
            )
            for n, pane in enumerate(PANE_KEYS, start=1)
        ),
    ]

    def __init__(self, state: AccountState) -> None:
        super().__init__()
        self.state = state
        self.steps: tuple[Step, ...] = ()
        self.findings: dict[str, Finding] = {}

    def compose(self) -> ComposeResult:
        with Vertical(id="guide") as box:
            box.border_title = "Getting started"
            box.border_subtitle = "↑↓/jk step · enter open · r refresh · escape close"
            yield Static(
                Text("The tutorial's steps, each status read live from the account."),
                id="guide-intro",
                markup=False,
            )
            table: DataTable[Text | Content] = DataTable(
                cursor_type="row", show_header=False, zebra_stripes=False, id="guide-steps"
            )
            table.add_column("Status", key="status", width=14)
            table.add_column("Step", key="step")
            yield table
            yield Static(id="guide-reason", markup=False)
        yield Footer()  # its own keys: the main screen's footer is hidden under it

    def on_mount(self) -> None:
        self.state.posture_changed.subscribe(self, self.show)
        self.show(self.state.posture, initial=True)
        self.query_one("#guide-steps", DataTable).focus()

    @property
    def table(self) -> DataTable[Text | Content]:
        return self.query_one("#guide-steps", DataTable)

    def step(self, step_id: str) -> Step:
        """The current state of step ``step_id`` (``"admin-group"``…)."""
        return next(s for s in self.steps if s.id == step_id)

    # -- display -------------------------------------------------------------------------
    def show(self, posture: Posture, initial: bool = False) -> None:
        """Compute every step again from ``posture`` and redraw, keeping the cursor.

        When the step under the cursor has just become done, the cursor moves on to the
        next step still to do, so the keyboard path is enter, enter, enter….
        """
        before = {s.id: s.state for s in self.steps}
        ready = self.state.guide_view(posture)  # built off the UI thread (large accounts)
        if ready is not None:
            self.steps, self.findings = ready.steps, ready.findings
        else:
            self.steps = guide.guide_steps(posture)
            self.findings = {f.id: f for f in evaluate(posture)}
        table = self.table
        row = table.cursor_row if table.row_count else 0
        table.clear()
        for s in self.steps:
            title = Text(f"{s.number}. {s.title}", no_wrap=True, overflow="ellipsis")
            label = Content.styled(s.label, STATE_STYLE[s.state])
            table.add_row(label, title, key=s.id)
        if initial:
            row = self._next_todo(-1, wrap=True)
        else:
            current = self.steps[row]
            was = before.get(current.id)
            if was is not None and was is not StepState.DONE and current.state is StepState.DONE:
                row = self._next_todo(row, wrap=False)
        table.move_cursor(row=row)
        self._show_reason(row)
        done = guide.progress(self.steps)
        self.query_one("#guide", Vertical).border_title = f"Getting started — {done}"

    def _next_todo(self, after: int, *, wrap: bool) -> int:
        order = list(range(after + 1, len(self.steps)))
        if wrap:
            order += list(range(0, after + 1))
        for index in order:
            if self.steps[index].state is StepState.TODO:
                return index
        return max(after, 0)

    @on(DataTable.RowHighlighted, "#guide-steps")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_reason(event.cursor_row)

    def _show_reason(self, row: int) -> None:
        if not 0 <= row < len(self.steps):
            return
        s = self.steps[row]
        text = Text(s.reason)
        if s.mutating and self.state.read_only:
            text.append("\n--read-only: this step cannot run here.", style="italic")
        self.query_one("#guide-reason", Static).update(text)

    # -- actions -----------------------------------------------------------------------
    def action_close(self) -> None:
        self.dismiss(None)

    async def action_pane(self, pane_id: str) -> None:
        self.dismiss(None)
        await self.app.run_action(f"app.show_pane({pane_id!r})")

    @on(DataTable.RowSelected, "#guide-steps")
    async def _selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            await self.open_step(self.step(str(event.row_key.value)))

    async def open_step(self, s: Step) -> None:
        """``enter`` on a step: its form, guide or pane, through the app's flows."""
        from tui import flows
        from tui.screens.dialogs.details import finding_details

        state, screens = self.state, self.app
        if s.mutating and state.read_only:
            state.notify(READ_ONLY_REFUSAL, severity="warning")
            return
        if s.state is StepState.DONE and s.action not in guide.REPEATABLE_ACTIONS:
            state.notify(f"Step {s.number} is done: {s.reason}", title=s.title)
            return
        finding = self.findings.get(s.checks[0]) if s.checks else None
        if s.action == guide.SHOW_REGIONS:
            await self.action_pane("regions")
        elif s.action == guide.CREATE_ADMIN_GROUP:
            flow = flows.create_group(state, screens, flows.administrators())
            state.run_flow(flow, "create administrators group")
        elif s.action == guide.CREATE_ADMIN_USER:
            self._create_admin_user()
        elif s.action == guide.ENROLL_MFA:
            if not s.users or finding is None:
                state.notify(s.reason, title=s.title)
            else:
                flows.start_fix(state, screens, replace(finding, users=s.users))
        elif s.action == guide.SET_ALIAS:
            state.run_flow(flows.set_alias(state, screens), "set alias")
        elif s.action == guide.SWITCH_IDENTITY:
            # Changes who acct-tui signs as, not the account: allowed under --read-only.
            flow = flows.switch_identity(state, screens)
            state.run_flow(flow, "switch identity", mutating=False)
        elif s.action in (guide.ROOT_MFA_GUIDE, guide.DELETE_ROOT_KEYS) and finding is not None:
            flows.start_fix(state, screens, finding)
        elif finding is not None:
            refused = fix_refused(finding.fix.action if finding.fix else None, state.read_only)
            screens.push_screen(finding_details(finding, refused=refused))

    def _create_admin_user(self) -> None:
        from tui.aws.iam import NewUser
        from tui.flows.users import create_user

        details = self.state.posture.details.value
        groups, _ = guide.group_admins(details) if details else ([], [])
        if not groups:
            self.state.notify("Create the administrators group first (step 3).", title="Admin user")
            return
        group = guide.admin_group_name(details)
        prefill = NewUser(name="", console=True, access_key=True, groups=(group,))
        self.state.run_flow(create_user(self.state, self.app, prefill), "create user")
