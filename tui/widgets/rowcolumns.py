"""Which columns of a :class:`tui.widgets.rowtable.RowTable` are in view: pure arithmetic.

A table wider than its widget keeps its first column (the name) frozen and shows the other
columns from ``first`` on, whole: ``←``/``→`` move ``first`` so that one press brings one
more column fully into view. A column is shown cut (ending in "…") only when it is the
table's last or, alone, wider than all the room there is.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from rich.cells import set_cell_size
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from tui.widgets.rowdata import Cell, CellValue, cell_width

GAP = 2  # cells between columns (a space either side of each cell)

MIN_CUT = 6  # narrowest a cut column is shown (less would be "…" and little else)

Shown = list[tuple[int, int]]  # (column index, width shown)


def shown_columns(widths: Sequence[int], fixed: int, first: int, width: int) -> Shown:
    """The columns in ``width`` cells: the ``fixed`` ones, then those from ``first`` on
    that fit whole (the first of them, or the table's last, cut to the room left)."""
    shown: Shown = []
    used = 0
    for i in range(min(fixed, len(widths))):
        shown.append((i, widths[i]))
        used += widths[i] + GAP
    start = max(first, fixed)
    for i in range(start, len(widths)):
        w = widths[i]
        if used + w + GAP > width:
            # Cut only the first of them (alone too wide) or the table's last column
            # (nothing after it to make room for): it ends in "…", → shows it whole.
            room = width - used - GAP
            if room >= MIN_CUT and (i == start or i == len(widths) - 1):
                shown.append((i, room))
            break
        shown.append((i, w))
        used += w + GAP
    return shown


def _next_hidden(widths: Sequence[int], fixed: int, first: int, shown: Shown) -> int | None:
    """The column ``→`` brings into view: the last one shown if cut (and not alone), else
    the one after it; None when every column is in view."""
    if not shown:
        return None
    last, w = shown[-1]
    if w < widths[last] and last > max(first, fixed):
        return last
    return last + 1 if last < len(widths) - 1 else None


def hidden_right(widths: Sequence[int], shown: Shown) -> bool:
    """Whether columns after the last one shown are out of view, or it is cut."""
    return bool(shown) and (shown[-1][0] < len(widths) - 1 or shown[-1][1] < widths[-1])


def next_first(widths: Sequence[int], fixed: int, first: int, width: int) -> int:
    """The ``first`` that brings the next hidden column fully into view (``→``), dropping
    as few columns on the left as that takes; ``first`` itself when none is hidden."""
    target = _next_hidden(widths, fixed, first, shown_columns(widths, fixed, first, width))
    if target is None:
        return first
    candidate = max(first, fixed)
    while candidate < target:
        candidate += 1
        if (target, widths[target]) in shown_columns(widths, fixed, candidate, width):
            break
    return candidate


def mark_header(
    strip: Strip, fixed: Shown, width: int, style: Style, left: bool, right: bool
) -> Strip:
    """The header line with ``←`` after the ``fixed`` columns when columns are hidden on
    the left and ``→`` at its right edge when some are hidden on the right."""
    line = strip.crop_extend(0, width, style)
    if left and fixed:
        at = sum(w + GAP for _, w in fixed) - 1
        line = Strip.join([line.crop(0, at), Strip([Segment("←", style)]), line.crop(at + 1)])
    if right and width > 0:
        line = Strip.join([line.crop(0, width - 1), Strip([Segment("→", style)])])
    return line


def cell_segments(
    cell: CellValue,
    inner: int,
    style: Style,
    cell_style: Style | None,
    cursor: Style | None,
    console: Console,
) -> Iterator[Segment]:
    """One cell ``inner`` cells wide with a space either side; longer text ends in "…"."""
    if isinstance(cell, Cell):
        text = cell.plain
        if cell_width(text) > inner:
            text = set_cell_size(text, inner - 1) + "…"
        own = style + cell_style if cell_style is not None else style
        if cursor is not None:
            own += cursor
        yield Segment(" " + set_cell_size(text, inner) + " ", own)
        return
    text_obj = cell.copy()
    text_obj.no_wrap = True
    text_obj.truncate(inner, overflow="ellipsis", pad=True)
    yield Segment(" ", style)
    for segment in text_obj.render(console, end=""):
        seg_style = style + segment.style if segment.style else style
        if cursor is not None:
            seg_style += cursor
        yield Segment(segment.text, seg_style)
    yield Segment(" ", style)
