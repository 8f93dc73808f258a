"""CreateGroupScreen: name, path and managed policies of a new IAM group."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label
from textual.worker import get_current_worker

from tui.aws import validate
from tui.aws.iam import ManagedPolicy, NewGroup, Plan
from tui.runtime.workers import failure_text
from tui.screens.forms.discard import DiscardGuard
from tui.widgets.fields import Field
from tui.widgets.policy_picker import PolicyPicker


class CreateGroupScreen(DiscardGuard, ModalScreen[NewGroup | None]):
    """Returns the reviewed :class:`NewGroup`, or None when cancelled."""

    # Focused as the screen opens, so keys typed ahead (over SSH) are never lost.
    AUTO_FOCUS = "#name-input"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Review", id="group_form.submit"),
        Binding("escape", "dismiss(None)", "Cancel", id="group_form.cancel"),
    ]

    def __init__(
        self,
        *,
        existing: Sequence[str],
        load_policies: Callable[[], Sequence[ManagedPolicy]],
        planner: Callable[[NewGroup], Plan],
        prefill: NewGroup | None = None,
        errors: dict[str, str] | None = None,
        copy: Callable[[str, str], None] | None = None,
    ) -> None:
        super().__init__()
        self.copy = copy  # for the review: AccountState.copy_text
        self.existing = tuple(existing)
        self.load_policies = load_policies
        self.planner = planner
        self.prefill = prefill or NewGroup(name="")
        self.errors = errors or {}
        self.reviewing = False

    def compose(self) -> ComposeResult:
        p = self.prefill
        with Vertical(id="group-form", classes="form") as box:
            box.border_title = "New group"
            box.border_subtitle = "tab next · ctrl+s review · escape cancel"
            with VerticalScroll():
                yield Field(
                    "Group name",
                    id="name",
                    value=p.name,
                    placeholder="e.g. security-auditors",
                    check=lambda v: validate.group_name_error(v, self.existing),
                )
                yield Field("Path", id="path", value=p.path, check=validate.path_error)
                yield Label("Managed policies")
                yield PolicyPicker(p.policy_arns, id="policies")

    def on_mount(self) -> None:
        for field_id, message in self.errors.items():
            matches = self.query(f"#{field_id}")
            if matches and isinstance(matches.first(), Field):
                matches.first(Field).show_error(message)
            elif field_id == "policies":
                self.query_one(PolicyPicker).show_error(message)
        self.query_one("#name", Field).input.focus()
        self._load()

    @work(
        thread=True, exclusive=True, exit_on_error=False, group="policies", description="policies"
    )
    def _load(self) -> None:
        try:
            policies = self.load_policies()
        except Exception as exc:  # noqa: BLE001 - shown to the user, the form still works
            message = failure_text(exc)
            if not get_current_worker().is_cancelled:
                self.app.call_from_thread(self.query_one(PolicyPicker).show_error, message)
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.query_one(PolicyPicker).set_policies, policies)

    def request(self) -> NewGroup:
        return NewGroup(
            name=self.query_one("#name", Field).value.strip(),
            path=self.query_one("#path", Field).value.strip() or "/",
            policy_arns=self.query_one(PolicyPicker).selected_arns,
        )

    def action_submit(self) -> None:
        """Review, then create; never a second review (see CreateUserScreen)."""
        if not self.reviewing:
            self._submit()

    @work(exclusive=True, exit_on_error=False, group="group-form")
    async def _submit(self) -> None:
        from tui.screens.dialogs.review import ReviewScreen

        bad = [f for f in self.query(Field) if f.problem()]
        if bad:
            bad[0].input.focus()
            return
        request = self.request()
        self.reviewing = True
        if await self.app.push_screen_wait(
            ReviewScreen(f"Create group {request.name}?", self.planner(request), copy=self.copy)
        ):
            self.dismiss(request)
        else:
            self.reviewing = False
