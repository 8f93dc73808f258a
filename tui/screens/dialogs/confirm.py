"""ConfirmScreen: a yes/no question naming exactly what will happen."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Static

from tui.support.visible import visible
from tui.widgets.toggles import Tick

if TYPE_CHECKING:
    from tui.aws.selfguard import SelfHarm


class ConfirmScreen(ModalScreen[bool]):
    """Returns True only when the user presses the confirm button (or ``y``).

    ``lines`` are paragraphs, shown literally (they often hold AWS names) and wrapped to
    the dialog's width: never break a sentence over two of them. The cancel button has the
    focus first, so a stray ``enter`` never deletes anything. An optional checkbox (e.g.
    "also remove the keyring entry") is read back through :attr:`option`; its label is one
    line, so keep it short and put the details in ``option_note`` (a wrapped paragraph).

    With ``typed`` (an action that would remove or cripple acct-tui's own identity), the
    ``warning`` lines come first and the user must type ``typed`` exactly: ``y`` and the
    confirm button do nothing until then, and the typing field has the focus.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,n", "dismiss(False)", "Cancel", id="confirm.cancel"),
        Binding("y", "confirm", "Confirm", id="confirm.yes"),
    ]

    def __init__(
        self,
        title: str,
        lines: list[str],
        *,
        confirm_label: str = "Delete",
        danger: bool = True,
        option: str | None = None,
        option_note: str | None = None,
        typed: str | None = None,
        warning: tuple[str, ...] = (),
    ) -> None:
        super().__init__()
        self.option_note = option_note
        self.typed = typed
        self.warning = warning
        self.title_text = title
        self.lines = lines
        self.confirm_label = confirm_label
        self.danger = danger
        self.option_label = option
        self.option = False

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm", classes="-typed" if self.typed is not None else "") as box:
            box.border_title = Text(visible(self.title_text))
            if self.warning:
                yield Static(
                    Text("\n".join(map(visible, self.warning)), style="bold"),
                    id="confirm-warning",
                    markup=False,
                )
            with VerticalScroll(id="confirm-lines"):
                yield Static(Text("\n".join(map(visible, self.lines))), markup=False)
            if self.option_label:
                yield Tick(self.option_label, id="confirm-option")
                if self.option_note:  # a checkbox label is one line: the details wrap here
                    yield Static(Text(visible(self.option_note)), id="confirm-note", markup=False)
            if self.typed is not None:
                yield Label(
                    Text(f"Type {visible(self.typed)} to confirm:"), id="confirm-typed-label"
                )
                yield Input(id="confirm-typed", placeholder="")
            with Horizontal(id="confirm-buttons"):
                yield Button("Cancel (n)", id="cancel")
                yield Button(
                    f"{self.confirm_label} (y)",
                    id="ok",
                    variant="error" if self.danger else "primary",
                )

    def on_mount(self) -> None:
        if self.typed is not None:
            self.query_one("#ok", Button).disabled = True
            self.query_one("#confirm-typed", Input).focus()
        else:
            self.query_one("#cancel", Button).focus()

    @property
    def typed_ok(self) -> bool:
        """True when no name is asked for, or the field holds exactly that name."""
        if self.typed is None:
            return True
        return self.query_one("#confirm-typed", Input).value == self.typed

    @on(Input.Changed, "#confirm-typed")
    def _typed_changed(self) -> None:
        self.query_one("#ok", Button).disabled = not self.typed_ok

    @on(Input.Submitted, "#confirm-typed")
    def _typed_submitted(self) -> None:
        if self.typed_ok:
            self.action_confirm()
        else:
            self.app.bell()

    def action_confirm(self) -> None:
        if not self.typed_ok:
            # y alone is not enough here: say what is missing, where it is typed.
            self.app.bell()
            self.query_one("#confirm-typed", Input).focus()
            return
        if self.option_label:
            self.option = self.query_one("#confirm-option", Checkbox).value
        self.dismiss(True)

    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        self.action_confirm()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(False)


def confirm_screen(
    title: str,
    lines: list[str],
    harm: SelfHarm | None,
    *,
    confirm_label: str = "Delete",
    danger: bool = True,
    option: str | None = None,
    option_note: str | None = None,
) -> ConfirmScreen:
    """A confirmation; when ``harm`` says it hits acct-tui's own identity, it says so first
    and asks for the name typed (``y`` alone is not enough)."""
    typed: str | None = None
    warning: tuple[str, ...] = ()
    if harm is not None:
        typed, warning = harm.type_to_confirm, (f"⚠ {harm.lines[0]}", *harm.lines[1:])
    return ConfirmScreen(
        title,
        lines,
        confirm_label=confirm_label,
        danger=danger,
        option=option,
        option_note=option_note,
        typed=typed,
        warning=warning,
    )
