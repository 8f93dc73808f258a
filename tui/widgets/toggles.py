"""Tick boxes and radio buttons whose state is in their characters, not only their colour.

Textual draws every checkbox ``▐X▌`` and every radio button ``▐●▌``, ticked or not: only the
colour of the mark changes, so a captured or monochrome screen (NO_COLOR) or a colour-blind
user cannot tell them apart. These subclasses draw ``[x]``/``[ ]`` and ``(•)``/``( )``, and
:class:`TickList` (a SelectionList) draws ``[x]``/``[ ]`` before each row with ``›`` before the
highlighted row while the list has the focus. The mark of a ticked box is also bold and in
``$readable-success`` (tui/app.tcss), so in colour it stands out from an empty one.

Everything else (values, messages, keys, ``RadioSet``) is Textual's own.
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from rich.segment import Segment
from rich.style import Style as RichStyle
from textual.content import Content
from textual.strip import Strip
from textual.widgets import Checkbox, RadioButton, SelectionList
from textual.widgets.option_list import OptionDoesNotExist

TICKED = "x"
UNTICKED = " "
CHOSEN = "•"
FOCUS_MARK = "›"

T = TypeVar("T")


class _Marked:
    """A toggle button drawn as ``OPEN`` + mark + ``CLOSE``; the mark says on or off."""

    OPEN: ClassVar[str]
    CLOSE: ClassVar[str]
    ON: ClassVar[str]

    @property
    def _button(self) -> Content:
        widget: Any = self
        mark = self.ON if widget.value else UNTICKED
        mark_style = widget.get_visual_style("toggle--button")
        frame_style = widget.get_visual_style("toggle--frame")
        return Content.assemble(
            (self.OPEN, frame_style), (mark, mark_style), (self.CLOSE, frame_style)
        )


class Tick(_Marked, Checkbox):
    """A checkbox: ``[x]`` ticked, ``[ ]`` not."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"toggle--frame"}
    OPEN, CLOSE, ON = "[", "]", TICKED


class Radio(_Marked, RadioButton):
    """A radio button (in a RadioSet): ``(•)`` chosen, ``( )`` not."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"toggle--frame"}
    OPEN, CLOSE, ON = "(", ")", CHOSEN


class TickList(SelectionList[T]):
    """A SelectionList whose rows start ``[x]``/``[ ]``, and ``›`` on the highlighted row
    while the list has the focus (so the row ``space`` acts on shows without colour)."""

    def _get_left_gutter_width(self) -> int:
        return len(FOCUS_MARK + "[x] ")

    def on_focus(self) -> None:
        self.refresh()  # the ``›`` comes and goes with the focus

    def on_blur(self) -> None:
        self.refresh()

    def render_line(self, y: int) -> Strip:
        line = super().render_line(y)
        _, scroll_y = self.scroll_offset
        index = scroll_y + y
        try:
            selection = self.get_option_at_index(index)
        except OptionDoesNotExist:
            return line
        segments = list(line)
        # Textual's own button: the first three segments ("▐", "X", "▌"), then a space.
        base = segments[3].style or self.rich_style
        rest = segments[4:]
        ticked = selection.value in self._selected
        highlighted = self.highlighted == index
        part = "selection-list--button" + ("-selected" if ticked else "")
        mark_style = self.get_component_rich_style(part + ("-highlighted" if highlighted else ""))
        meta = RichStyle(meta={"option": index})
        frame_style = base + meta
        mark_style = base + mark_style + meta
        pointer = FOCUS_MARK if highlighted and self.has_focus else " "
        return Strip(
            [
                Segment(pointer, style=frame_style),
                Segment("[", style=frame_style),
                Segment(TICKED if ticked else UNTICKED, style=mark_style),
                Segment("] ", style=frame_style),
                *rest,
            ]
        )
