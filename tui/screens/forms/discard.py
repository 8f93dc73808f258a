"""DiscardGuard: ``escape`` on a form the user has typed into asks before throwing it away.

A form screen mixes it in before ``ModalScreen`` (``class XScreen(DiscardGuard,
ModalScreen[...])``). Right after the form is first drawn, the guard remembers what every
field holds (inputs, text areas, tick boxes, radio buttons, lists, the policy picker's
choices); ``escape`` (the forms' ``dismiss(None)`` binding) closes a form that still holds
exactly that at once, and otherwise asks "Discard the form?" with the cancel button
focused, so ``enter``, ``n`` or ``escape`` keep it and only ``y`` (or the Discard button)
throws it away. A form closed by its own submit (``self.dismiss(result)``) never asks.
A screen with its own cancel action calls :meth:`DiscardGuard.ask_to_discard`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.widget import Widget
from textual.widgets import Checkbox, Input, RadioSet, SelectionList, TextArea

from tui.screens.dialogs.confirm import ConfirmScreen
from tui.widgets.policy_picker import PolicyPicker

DISCARD_TITLE = "Discard the form?"


def form_values(root: Widget) -> tuple[tuple[str, str, object], ...]:
    """What the fields under ``root`` hold, in screen order."""
    values: list[tuple[str, str, object]] = []
    for node in root.query("*"):
        value: object
        if isinstance(node, PolicyPicker):
            value = frozenset(node.selected_arns)
        elif any(isinstance(a, PolicyPicker) for a in node.ancestors):
            continue  # its search box and list: the choices above are what counts
        elif isinstance(node, Input):
            value = node.value
        elif isinstance(node, TextArea):
            value = node.text
        elif isinstance(node, Checkbox):
            value = node.value
        elif isinstance(node, RadioSet):
            value = node.pressed_index
        elif isinstance(node, SelectionList):
            value = frozenset(node.selected)
        else:
            continue
        values.append((type(node).__name__, node.id or "", value))
    return tuple(values)


class DiscardGuard:
    """Mixin for a form screen (see the module's docstring)."""

    _pristine: tuple[tuple[str, str, object], ...] | None = None
    _asking_discard: bool = False

    def on_mount(self) -> None:  # Textual calls each class's on_mount: the form's first
        screen: Any = self
        screen.call_after_refresh(self._remember_pristine)

    def _remember_pristine(self) -> None:
        screen: Any = self
        self._pristine = form_values(screen)

    @property
    def dirty(self) -> bool:
        """True when a field holds something else than when the form opened."""
        screen: Any = self
        return self._pristine is not None and form_values(screen) != self._pristine

    def ask_to_discard(self, discard: Callable[[], object]) -> bool:
        """Ask first when the form is dirty (``discard`` runs on yes): True when asking."""
        if not self.dirty:
            return False
        if self._asking_discard:
            return True
        self._asking_discard = True
        screen: Any = self

        def answered(yes: bool | None) -> None:
            self._asking_discard = False
            if yes:
                discard()

        screen.app.push_screen(
            ConfirmScreen(
                DISCARD_TITLE,
                ["What you typed in this form will be lost."],
                confirm_label="Discard",
            ),
            answered,
        )
        return True

    async def action_dismiss(self, result: Any = None) -> None:
        screen: Any = self
        if result is None and self.ask_to_discard(lambda: screen.dismiss(None)):
            return
        await super().action_dismiss(result)  # type: ignore[misc]
