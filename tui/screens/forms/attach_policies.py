"""AttachPoliciesScreen: choose managed policies to attach to a user or a group."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.worker import get_current_worker

from tui.aws.iam import ManagedPolicy, Plan
from tui.aws.writer import InvalidRequest
from tui.runtime.workers import failure_text
from tui.screens.forms.discard import DiscardGuard
from tui.support.visible import visible
from tui.widgets.policy_picker import PolicyPicker


class AttachPoliciesScreen(DiscardGuard, ModalScreen[tuple[str, ...] | None]):
    """The searchable picker (AWS- and customer-managed policies); ``ctrl+s`` reviews the
    plan and returns the chosen ARNs once confirmed, None when cancelled.

    ``space`` alone chooses a policy. ``enter`` never does: in the search box it goes to
    the list, in the list it reviews (as ``ctrl+s``), so a row is not chosen by the key
    that submits every other form."""

    AUTO_FOCUS = "#policy-search"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Review", id="attach_form.submit"),
        # Ahead of the list's own enter, which would toggle the highlighted row.
        Binding(
            "enter",
            "enter",
            "To the list / review",
            show=False,
            priority=True,
            id="attach_form.enter",
        ),
        # The list's own ↓ moves its cursor: this one acts from the search box only.
        Binding("down", "to_list", "To the list", show=False, id="attach_form.to_list"),
        Binding("escape", "dismiss(None)", "Cancel", id="attach_form.cancel"),
    ]

    def __init__(
        self,
        title: str,
        *,
        attached: Sequence[str],
        load_policies: Callable[[], Sequence[ManagedPolicy]],
        planner: Callable[[tuple[str, ...]], Plan],
        copy: Callable[[str, str], None] | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.attached = frozenset(attached)
        self.load_policies = load_policies
        self.planner = planner
        self.copy = copy
        self.reviewing = False

    def compose(self) -> ComposeResult:
        with Vertical(id="attach-form", classes="form") as box:
            box.border_title = Text(visible(self.title_text))
            box.border_subtitle = (
                "type to search · ↓ list · space choose · enter review · escape cancel"
            )
            yield PolicyPicker(id="policies")

    def on_mount(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="policies")
    def _load(self) -> None:
        picker = self.query_one(PolicyPicker)
        try:
            policies = [p for p in self.load_policies() if p.arn not in self.attached]
        except Exception as exc:  # noqa: BLE001 - shown next to the picker
            message = failure_text(exc)
            if not get_current_worker().is_cancelled:
                self.app.call_from_thread(picker.show_error, message)
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(picker.set_policies, policies)

    def action_enter(self) -> None:
        """In the search box: go to the list. In the list: review (never toggles)."""
        if self.focused is not None and self.focused.id == "policy-search":
            self.action_to_list()
        else:
            self.action_submit()

    def action_to_list(self) -> None:
        self.query_one(PolicyPicker).focus_list()

    def action_submit(self) -> None:
        if not self.reviewing:
            self._submit()

    @work(exclusive=True, exit_on_error=False, group="attach-form")
    async def _submit(self) -> None:
        from tui.screens.dialogs.review import ReviewScreen

        picker = self.query_one(PolicyPicker)
        arns = picker.selected_arns
        try:
            plan = self.planner(arns)
        except InvalidRequest as exc:
            picker.show_error(next(iter(exc.errors.values())))
            return
        self.reviewing = True
        if await self.app.push_screen_wait(ReviewScreen(plan.title, plan, copy=self.copy)):
            self.dismiss(arns)
        else:
            self.reviewing = False
