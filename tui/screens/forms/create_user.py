"""CreateUserScreen: a new IAM user with console password, access key, groups and tags."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Label, RadioButton, RadioSet, SelectionList, Static, TextArea
from textual.widgets.selection_list import Selection

from tui.aws import validate
from tui.aws.iam import NewUser, Plan, needs_change_password_policy
from tui.aws.models import PasswordPolicy
from tui.screens.forms.discard import DiscardGuard
from tui.support.visible import visible
from tui.widgets.fields import Field
from tui.widgets.toggles import Radio, Tick, TickList


def parse_tags(text: str) -> list[tuple[str, str]]:
    """``key=value`` per line; the first ``=`` separates; blank lines are ignored."""
    tags = []
    for line in text.splitlines():
        if line.strip():
            key, _, value = line.partition("=")
            tags.append((key.strip(), value.strip()))
    return tags


def format_tags(tags: Sequence[tuple[str, str]]) -> str:
    return "\n".join(f"{k}={v}" for k, v in tags)


def tag_problem(text: str) -> str | None:
    errors = validate.tag_errors(parse_tags(text))
    if not errors:
        return None
    index, part, message = errors[0]
    return f"line {index + 1} ({part}): {message}"


class CreateUserScreen(DiscardGuard, ModalScreen[NewUser | None]):
    """Returns the reviewed :class:`NewUser`, or None when cancelled.

    ``prefill``/``errors`` bring the user back to what they typed, with AWS's complaint
    next to the field that caused it, after a failed or rolled-back plan.
    """

    # Focused as the screen opens, so keys typed ahead (over SSH) are never lost.
    AUTO_FOCUS = "#name-input"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Review", id="user_form.submit"),
        Binding("escape", "dismiss(None)", "Cancel", id="user_form.cancel"),
    ]

    def __init__(
        self,
        *,
        existing: Sequence[str],
        groups: Sequence[str],
        policy: PasswordPolicy,
        planner: Callable[[NewUser], Plan],
        self_service: frozenset[str] = frozenset(),
        prefill: NewUser | None = None,
        errors: dict[str, str] | None = None,
        copy: Callable[[str, str], None] | None = None,
    ) -> None:
        super().__init__()
        self.copy = copy  # for the review: AccountState.copy_text
        self.existing = tuple(existing)
        self.groups = tuple(groups)
        self.policy = policy
        self.self_service = self_service  # groups whose policies let members change passwords
        self.planner = planner
        self.prefill = prefill or NewUser(name="", console=True)
        self.errors = errors or {}
        self.reviewing = False

    def compose(self) -> ComposeResult:
        p = self.prefill
        with Vertical(id="user-form", classes="form") as box:
            box.border_title = "New user"
            box.border_subtitle = "tab next · space toggles · ctrl+s review · escape cancel"
            with VerticalScroll():
                yield Field(
                    "User name",
                    id="name",
                    value=p.name,
                    placeholder="e.g. dana.lee",
                    check=lambda v: validate.user_name_error(v, self.existing),
                )
                yield Field("Path", id="path", value=p.path, check=validate.path_error)
                yield Tick("Console access (password)", p.console, id="console")
                with RadioSet(id="password-mode"):
                    yield Radio("Auto-generate a password", p.password is None, id="auto")
                    yield Radio("Type a password", p.password is not None, id="typed")
                yield Field(
                    "Password",
                    id="password",
                    value=p.password or "",
                    password=True,
                    check=self._password_problem,
                )
                yield Tick("Require a new password at first sign-in", p.require_reset, id="reset")
                yield Static("", id="reset-note", markup=False)
                yield Tick("Access key (programmatic access)", p.access_key, id="access-key")
                yield Label("Groups (space to pick)")
                yield TickList[str](
                    *(Selection(Text(visible(g)), g, g in p.groups) for g in self.groups),
                    id="groups",
                )
                yield Static("", id="groups-error", classes="field-error", markup=False)
                yield Label("Tags: key=value, one per line")
                yield TextArea(format_tags(p.tags), id="tags", soft_wrap=False)
                yield Static("", id="tags-error", classes="field-error", markup=False)

    def on_mount(self) -> None:
        self._sync()
        for field_id, message in self.errors.items():
            self._show_error(field_id, message)
        self.query_one("#name", Field).input.focus()

    # -- dependent fields ------------------------------------------------------------------
    @on(Checkbox.Changed)
    @on(RadioSet.Changed)
    @on(SelectionList.SelectedChanged)
    def _sync(self) -> None:
        console = self.query_one("#console", Checkbox).value
        typed = self.query_one("#typed", RadioButton).value
        self.query_one("#password-mode").display = console
        self.query_one("#password", Field).display = console and typed
        self.query_one("#reset", Checkbox).display = console
        note = self.query_one("#reset-note", Static)
        reset = console and self.query_one("#reset", Checkbox).value
        groups = self.query_one("#groups", SelectionList).selected
        needs = needs_change_password_policy(self.policy, reset, groups, self.self_service)
        note.update(
            "The password policy does not let users change their own password, and none of "
            "the chosen groups allows it, so IAMUserChangePassword will be attached to the "
            "user (better: a group with it, or a password policy that allows it)."
            if needs
            else ""
        )
        note.display = needs

    def _password_problem(self, value: str) -> str | None:
        problems = validate.password_errors(value, self.policy)
        return "; ".join(problems) if problems else None

    def _show_error(self, field_id: str, message: str) -> None:
        if field_id in ("name", "path", "password"):
            self.query_one(f"#{field_id}", Field).show_error(message)
        elif field_id in ("groups", "tags"):
            error = self.query_one(f"#{field_id}-error", Static)
            error.update(message)
            error.display = True
        else:
            self.notify(message, severity="error")

    # -- submit ------------------------------------------------------------------------------
    def request(self) -> NewUser:
        console = self.query_one("#console", Checkbox).value
        typed = console and self.query_one("#typed", RadioButton).value
        return NewUser(
            name=self.query_one("#name", Field).value.strip(),
            path=self.query_one("#path", Field).value.strip() or "/",
            console=console,
            password=self.query_one("#password", Field).value if typed else None,
            require_reset=console and self.query_one("#reset", Checkbox).value,
            access_key=self.query_one("#access-key", Checkbox).value,
            groups=tuple(self.query_one("#groups", SelectionList).selected),
            tags=tuple(parse_tags(self.query_one("#tags", TextArea).text)),
        )

    def _problems(self) -> list[str]:
        bad: list[str] = []
        for field_id in ("name", "path"):
            if self.query_one(f"#{field_id}", Field).problem():
                bad.append(field_id)
        password = self.query_one("#password", Field)
        if password.display and password.problem():
            bad.append("password")
        tags = tag_problem(self.query_one("#tags", TextArea).text)
        error = self.query_one("#tags-error", Static)
        error.update(tags or "")
        error.display = bool(tags)
        if tags:
            bad.append("tags")
        request = self.request()
        if not request.console and not request.access_key:
            self.notify("Choose console access, an access key, or both.", severity="warning")
            bad.append("console")
        return bad

    def action_submit(self) -> None:
        """Review, then create. A second ctrl+s that arrives once the review said go (before
        this form closes) must not review again: checked here, before an exclusive worker
        would cancel the one about to close the form."""
        if not self.reviewing:
            self._submit()

    @work(exclusive=True, exit_on_error=False, group="user-form")
    async def _submit(self) -> None:
        from tui.screens.dialogs.review import ReviewScreen

        bad = self._problems()
        if bad:
            target = self.query_one(f"#{bad[0]}")
            (target.input if isinstance(target, Field) else target).focus()
            return
        request = self.request()
        review = ReviewScreen(f"Create user {request.name}?", self.planner(request), copy=self.copy)
        self.reviewing = True
        if await self.app.push_screen_wait(review):
            self.dismiss(request)
        else:
            self.reviewing = False
