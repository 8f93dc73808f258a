"""Table rows as plain data: cells, their widths and filter text, built once off the UI thread.

:func:`make_row` is what the panes' row preparation calls in a worker thread: it touches no
widget and no Textual state, only the strings (made visible: see
:mod:`tui.support.visible`) and Rich's cell widths. :class:`tui.widgets.rowtable.RowTable`
shows them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from rich.cells import cell_len
from rich.text import Text

from tui.support.visible import visible


class Cell(NamedTuple):
    """One table cell: its text (shown literally) and a Textual style string.

    The style may name theme variables (``"bold $readable-error"``, see
    :mod:`tui.widgets.colours`): they are resolved at render time, so a theme switch recolours it.
    """

    plain: str
    style: str = ""


CellValue = Cell | Text


def cell_width(text: str) -> int:
    """How many terminal cells ``text`` takes (ASCII: its length, cheaply)."""
    return len(text) if text.isascii() else cell_len(text)


@dataclass(frozen=True, slots=True)
class Row:
    """A table row: its key, its cells, their widths and the text the filter matches."""

    key: str
    cells: tuple[CellValue, ...]
    widths: tuple[int, ...]
    haystack: str


def _safe(cell: CellValue | str) -> CellValue:
    if isinstance(cell, str):
        return Cell(visible(cell))
    if isinstance(cell, Cell) and not cell.plain.isprintable():
        return Cell(visible(cell.plain), cell.style)
    return cell  # a Text: built with tui.panes.base.literal(), already visible


def make_row(key: str, *cells: CellValue | str) -> Row:
    """A row from strings and :class:`Cell` s (shown literally, control characters as
    visible stand-ins: see :mod:`tui.support.visible`) or Rich ``Text`` s."""
    values = tuple(_safe(c) for c in cells)
    plains = [c.plain for c in values]
    return Row(key, values, tuple(cell_width(p) for p in plains), " ".join(plains).lower())
