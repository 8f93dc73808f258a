"""Form building blocks: a labelled input whose error shows right under it."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.validation import ValidationResult, Validator
from textual.widgets import Input, Label, Static

from tui.support.visible import visible


class RuleValidator(Validator):
    """A Textual Validator over one of ``tui.aws.validate``'s ``*_error`` functions."""

    def __init__(self, check: Callable[[str], str | None]) -> None:
        super().__init__()
        self.check = check

    def validate(self, value: str) -> ValidationResult:
        problem = self.check(value)
        return self.failure(problem) if problem else self.success()


class Field(Vertical):
    """Label, input, and an error line that AWS errors can also be written to.

    A ``placeholder`` is a hint, never a plausible value: write it "e.g. …" (or say what is
    expected, "6 digits") and never use a name that exists; it is drawn italic (app.tcss).
    """

    DEFAULT_CSS = """
    Field { height: auto; margin: 0 0 0 0; }
    Field > .field-label { color: $text-muted; }
    Field > .field-error { color: $error; height: auto; display: none; }
    Field > Input { margin: 0; }
    """

    def __init__(
        self,
        label: str,
        *,
        id: str,  # noqa: A002 - Textual's own name
        value: str = "",
        placeholder: str = "",
        check: Callable[[str], str | None] | None = None,
        password: bool = False,
        max_length: int = 0,
    ) -> None:
        super().__init__(id=id)
        self.label = label
        self.check = check
        self._input = Input(
            value=value,
            placeholder=placeholder,
            password=password,
            max_length=max_length,
            validators=[RuleValidator(check)] if check else [],
            validate_on=["changed", "submitted"],
            id=f"{id}-input",
        )

    def compose(self) -> ComposeResult:
        yield Label(self.label, classes="field-label", markup=False)
        yield self._input
        yield Static("", classes="field-error", markup=False)

    @property
    def input(self) -> Input:
        return self._input

    @property
    def value(self) -> str:
        return self._input.value

    def on_input_changed(self, event: Input.Changed) -> None:
        result = event.validation_result
        self.show_error(None if result is None or result.is_valid else _first(result))

    def show_error(self, message: str | None) -> None:
        error = self.query_one(".field-error", Static)
        error.update(visible(message or "", multiline=True))
        error.display = bool(message)

    def problem(self) -> str | None:
        """Validate now; show and return the error (None when fine)."""
        message = self.check(self.value) if self.check else None
        self.show_error(message)
        return message


def _first(result: ValidationResult) -> str:
    return result.failure_descriptions[0] if result.failure_descriptions else "invalid"
