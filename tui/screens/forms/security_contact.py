"""SecurityContactScreen: the account's SECURITY alternate contact (CIS 1.2)."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.aws.contacts import CONTACT_FIELDS
from tui.aws.control_models import AlternateContact
from tui.aws.iam import Plan
from tui.aws.validate import ContactField, contact_error, rule
from tui.aws.writer import InvalidRequest
from tui.screens.forms.discard import DiscardGuard
from tui.widgets.fields import Field

_LABELS = {
    "contact-name": ("Name", "Jane Doe"),
    "contact-title": ("Title", "Security lead"),
    "contact-email": ("E-mail address", "security@example.com"),
    "contact-phone": ("Phone number", "+1 555 010 0199"),
}


def _check(field: ContactField) -> Callable[[str], str | None]:
    return lambda value: contact_error(field, value)


class SecurityContactScreen(DiscardGuard, ModalScreen[AlternateContact | None]):
    """Returns the reviewed contact, or None when cancelled. Every field is checked against
    the Account model as typed and again on ``ctrl+s``: nothing is sent while one is bad."""

    AUTO_FOCUS = "#contact-name-input"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Review", id="contact_form.submit"),
        Binding("escape", "dismiss(None)", "Cancel", id="contact_form.cancel"),
    ]

    def __init__(
        self,
        *,
        planner: Callable[[AlternateContact], Plan],
        prefill: AlternateContact | None = None,
        replacing: bool = False,
        errors: dict[str, str] | None = None,
        copy: Callable[[str, str], None] | None = None,
    ) -> None:
        super().__init__()
        self.planner = planner
        self.prefill = prefill
        self.replacing = replacing
        self.errors = errors or {}
        self.copy = copy
        self.reviewing = False

    def compose(self) -> ComposeResult:
        with Vertical(id="contact-form", classes="form") as box:
            box.border_title = (
                "Replace the security contact" if self.replacing else "Register a security contact"
            )
            box.border_subtitle = "tab next · ctrl+s review · escape cancel"
            with VerticalScroll():
                yield Static(
                    Text(
                        "AWS writes to the security contact about security issues of this "
                        "account (abuse reports, exposed keys). Use a team address, not one "
                        "person's."
                    ),
                    markup=False,
                )
                for field_id, (attribute, field) in CONTACT_FIELDS.items():
                    label, example = _LABELS[field_id]
                    yield Field(
                        label,
                        id=field_id,
                        value=getattr(self.prefill, attribute) if self.prefill else "",
                        placeholder=f"e.g. {example}",
                        check=_check(field),
                        max_length=rule(field).max_length,
                    )

    def on_mount(self) -> None:
        self._show_errors(self.errors)
        self.query_one("#contact-name", Field).input.focus()

    def _show_errors(self, errors: dict[str, str]) -> None:
        for field_id, message in errors.items():
            matches = self.query(f"#{field_id}")
            target = matches.first(Field) if matches else self.query_one("#contact-name", Field)
            target.show_error(message)

    def request(self) -> AlternateContact:
        values = {
            attribute: self.query_one(f"#{field_id}", Field).value.strip()
            for field_id, (attribute, _) in CONTACT_FIELDS.items()
        }
        return AlternateContact(**values)

    def action_submit(self) -> None:
        """Review, then go; never a second review (see CreateUserScreen)."""
        if not self.reviewing:
            self._submit()

    @work(exclusive=True, exit_on_error=False, group="contact-form")
    async def _submit(self) -> None:
        from tui.screens.dialogs.review import ReviewScreen

        bad = [f for f in self.query(Field) if f.problem()]
        if bad:
            bad[0].input.focus()
            return
        contact = self.request()
        try:
            plan = self.planner(contact)
        except InvalidRequest as exc:
            self._show_errors(exc.errors)
            return
        self.reviewing = True
        title = "Replace the security contact?" if self.replacing else "Register this contact?"
        if await self.app.push_screen_wait(ReviewScreen(title, plan, copy=self.copy)):
            self.dismiss(contact)
        else:
            self.reviewing = False
