"""SupportRoleScreen: the role that lets this account's people open AWS Support cases
(CIS 1.16): its name, whether assuming it needs MFA, and the trust policy that makes."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Static

from tui.aws.iam import Plan
from tui.aws.iam.control_fixes import FIELD_ROLE_NAME, SupportRole, trust_policy
from tui.aws.validate import Field as Rules
from tui.aws.validate import role_name_error, rule
from tui.aws.writer import InvalidRequest
from tui.screens.forms.discard import DiscardGuard
from tui.support.visible import visible
from tui.widgets.colours import INFO
from tui.widgets.fields import Field
from tui.widgets.toggles import Tick


class SupportRoleScreen(DiscardGuard, ModalScreen[SupportRole | None]):
    """Returns the reviewed :class:`SupportRole`, or None when cancelled."""

    AUTO_FOCUS = "#role-name-input"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Review", id="support_role_form.submit"),
        Binding("escape", "dismiss(None)", "Cancel", id="support_role_form.cancel"),
    ]

    def __init__(
        self,
        *,
        account_id: str,
        planner: Callable[[SupportRole], Plan],
        prefill: SupportRole | None = None,
        errors: dict[str, str] | None = None,
        copy: Callable[[str, str], None] | None = None,
    ) -> None:
        super().__init__()
        self.account_id = account_id
        self.planner = planner
        self.prefill = prefill or SupportRole()
        self.errors = errors or {}
        self.copy = copy
        self.reviewing = False

    def compose(self) -> ComposeResult:
        with Vertical(id="support-role-form", classes="form") as box:
            box.border_title = "Support role (AWSSupportAccess)"
            box.border_subtitle = "tab next · ctrl+s review · escape cancel"
            with VerticalScroll():
                yield Static(
                    Text(
                        "A role with AWSSupportAccess lets people open support cases "
                        "without broader rights. It trusts this account: an IAM identity "
                        "also needs sts:AssumeRole on it to use it."
                    ),
                    markup=False,
                )
                yield Field(
                    "Role name",
                    id=FIELD_ROLE_NAME,
                    value=self.prefill.name,
                    check=role_name_error,
                    max_length=rule(Rules.ROLE_NAME).max_length,
                )
                yield Tick(
                    "Only with MFA (aws:MultiFactorAuthPresent)",
                    self.prefill.require_mfa,
                    id="role-mfa",
                )
                yield Static("", id="role-trust", markup=False)

    def on_mount(self) -> None:
        self._show_trust()
        for field_id, message in self.errors.items():
            matches = self.query(f"#{field_id}")
            target = matches.first(Field) if matches else self.query_one(f"#{FIELD_ROLE_NAME}")
            if isinstance(target, Field):
                target.show_error(message)
        self.query_one(f"#{FIELD_ROLE_NAME}", Field).input.focus()

    @on(Checkbox.Changed, "#role-mfa")
    def _show_trust(self) -> None:
        policy = trust_policy(self.account_id, self.query_one("#role-mfa", Checkbox).value)
        self.query_one("#role-trust", Static).update(
            Content.assemble(
                ("Trust policy:\n", "bold"),
                (visible(json.dumps(policy, indent=2), multiline=True), INFO),
            )
        )

    def request(self) -> SupportRole:
        return SupportRole(
            name=self.query_one(f"#{FIELD_ROLE_NAME}", Field).value.strip(),
            require_mfa=self.query_one("#role-mfa", Checkbox).value,
        )

    def action_submit(self) -> None:
        """Review, then go; never a second review (see CreateUserScreen)."""
        if not self.reviewing:
            self._submit()

    @work(exclusive=True, exit_on_error=False, group="support-role-form")
    async def _submit(self) -> None:
        from tui.screens.dialogs.review import ReviewScreen

        field = self.query_one(f"#{FIELD_ROLE_NAME}", Field)
        if field.problem():
            field.input.focus()
            return
        request = self.request()
        try:
            plan = self.planner(request)
        except InvalidRequest as exc:
            field.show_error("; ".join(exc.errors.values()))
            return
        self.reviewing = True
        review = ReviewScreen(f"Create support role {request.name}?", plan, copy=self.copy)
        if await self.app.push_screen_wait(review):
            self.dismiss(request)
        else:
            self.reviewing = False
