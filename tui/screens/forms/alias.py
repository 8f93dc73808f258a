"""AliasScreen: set or replace the account alias, validated as you type."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tui.aws import validate
from tui.aws.models import sign_in_url
from tui.runtime.workers import failure_text, in_thread
from tui.screens.forms.discard import DiscardGuard
from tui.support.visible import visible
from tui.widgets.colours import SUCCESS, WARNING
from tui.widgets.fields import Field

if TYPE_CHECKING:
    from tui.state import AccountState


class AliasScreen(DiscardGuard, ModalScreen[str | None]):
    """Sets the alias (one per account; a new one replaces the old). Returns it, or None."""

    # Focused as the screen opens, so keys typed ahead (over SSH) are never lost.
    AUTO_FOCUS = "#alias-input"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Set alias", id="alias_form.submit"),
        Binding("escape", "dismiss(None)", "Cancel", id="alias_form.cancel"),
    ]

    def __init__(self, state: AccountState, account_id: str, current: str | None) -> None:
        super().__init__()
        self.state = state
        self.account_id = account_id
        self.current = current
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical(id="alias-form", classes="form") as box:
            box.border_title = "Replace the account alias" if self.current else "Set an alias"
            box.border_subtitle = "enter / ctrl+s set · escape cancel"
            yield Static(
                Text(
                    "The alias replaces the account id in the sign-in URL. Aliases are "
                    "global: another AWS account may already use yours."
                ),
                markup=False,
            )
            if self.current:
                yield Static(
                    Content.styled(
                        f"Replacing {visible(self.current)}: "
                        f"{visible(sign_in_url(self.account_id, self.current))}"
                        " stops working; the account-id URL keeps working.",
                        WARNING,
                    ),
                    id="alias-replace",
                    markup=False,
                )
            yield Field("Alias", id="alias", check=validate.alias_error, max_length=63)
            yield Static("", id="alias-url", markup=False)
            yield Static("", id="alias-variants-label", markup=False)
            yield OptionList(id="alias-variants")

    def on_mount(self) -> None:
        self.query_one("#alias-variants").display = False
        self.query_one("#alias", Field).input.focus()

    @on(Input.Changed, "#alias-input")
    def _preview(self, event: Input.Changed) -> None:
        value = event.value.strip()
        url = self.query_one("#alias-url", Static)
        if value and validate.alias_error(value) is None:
            url.update(
                Content.styled(f"Sign-in URL: {sign_in_url(self.account_id, value)}", SUCCESS)
            )
        else:
            url.update("")

    @on(Input.Submitted, "#alias-input")
    def _submitted(self) -> None:
        self.action_submit()

    @on(OptionList.OptionSelected, "#alias-variants")
    def _variant(self, event: OptionList.OptionSelected) -> None:
        field = self.query_one("#alias", Field)
        field.input.value = str(event.option.id)
        field.input.focus()

    def action_submit(self) -> None:
        """Set the alias. Pressed again while the call runs, it does nothing: checked here,
        not in the worker, because starting an exclusive worker cancels the running one
        (whose call still lands, leaving the form open and the pane stale)."""
        if not self.busy:
            self._submit()

    @work(exclusive=True, exit_on_error=False, group="alias-form")
    async def _submit(self) -> None:
        from tui.aws.alias import suggest_variants

        field = self.query_one("#alias", Field)
        alias = field.value.strip()
        if field.problem():
            return
        if alias == self.current:
            field.show_error("That is already the alias.")
            return
        self.busy = True
        writer = self.state.service.alias_writer
        try:
            await in_thread(self, lambda: writer.set(alias), "CreateAccountAlias")
        except Exception as exc:  # noqa: BLE001
            self.busy = False
            field.show_error(failure_text(exc))
            self.state.refresh_if_unknown(exc)
            code = getattr(getattr(exc, "error", None), "code", "")
            if code == "EntityAlreadyExists":
                self._offer(suggest_variants(alias, self.account_id, taken=(alias,)))
            return
        self.dismiss(alias)

    def _offer(self, variants: list[str]) -> None:
        box = self.query_one("#alias-variants", OptionList)
        box.clear_options()
        box.add_options(Option(Text(v), id=v) for v in variants)
        box.display = bool(variants)
        label = self.query_one("#alias-variants-label", Static)
        label.update("Free variants to try (enter picks one):" if variants else "")
