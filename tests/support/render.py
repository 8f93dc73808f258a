"""What a running app puts on the terminal, cell by cell, with its real colours.

``screen_cells(app)`` takes the same compositor update that ``App.export_screenshot()``
prints (every screen in the stack, Textual's line filters applied: the theme's ANSI palette,
and NO_COLOR's Monochrome or NoColor filter), and resolves each cell to the glyph, the
foreground and background RGB a terminal would paint, and the text attributes. Colours
left to the terminal ("default", as under NO_COLOR with an ANSI theme) take the given
``terminal``'s colours, so a test can ask what a dark or a light terminal would show.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from rich.color import Color
from rich.segment import Segment
from rich.terminal_theme import TerminalTheme

RGB = tuple[int, int, int]

# A terminal whose own colours are light text on a dark background, and the reverse.
DARK_TERMINAL = TerminalTheme((12, 12, 12), (230, 230, 230), [(0, 0, 0)] * 8)
LIGHT_TERMINAL = TerminalTheme((255, 255, 255), (20, 20, 20), [(0, 0, 0)] * 8)
# How far a terminal takes "dim" text towards the background (Textual's own DIM_FACTOR
# keeps 66% of the colour; many terminals keep about half: assume the worse).
DIM_KEEP = 0.5


@dataclass(frozen=True, slots=True)
class Paint:
    """One terminal cell as painted: glyph, colours (after reverse and dim), attributes."""

    char: str
    fg: RGB
    bg: RGB
    bold: bool
    dim: bool
    default_fg: bool  # the colour is the terminal's own ("default"), not set by the app
    default_bg: bool


def _rgb(color: Color | None, terminal: TerminalTheme, *, foreground: bool) -> tuple[RGB, bool]:
    if color is None or color.is_default:
        triplet = terminal.foreground_color if foreground else terminal.background_color
        return (triplet.red, triplet.green, triplet.blue), True
    t = color.get_truecolor(terminal, foreground=foreground)
    return (t.red, t.green, t.blue), False


def _blend(fg: RGB, bg: RGB, keep: float) -> RGB:
    r, g, b = (round(f * keep + c * (1 - keep)) for f, c in zip(fg, bg, strict=True))
    return r, g, b


def screen_cells(app: Any, terminal: TerminalTheme = DARK_TERMINAL) -> list[list[Paint]]:
    """Every row of the screen as :class:`Paint` cells (a wide glyph fills two cells)."""
    update = app.screen._compositor.render_update(
        full=True, screen_stack=app._background_screens, simplify=False
    )
    rows: list[list[Paint]] = []
    for line in update.strips:
        row: list[Paint] = []
        for strip in line:
            for segment in strip:
                row.extend(_paint(segment, terminal))
        rows.append(row)
    return rows


def _paint(segment: Segment, terminal: TerminalTheme) -> list[Paint]:
    text, style, control = segment
    if control or not text:
        return []
    fg, default_fg = _rgb(style.color if style else None, terminal, foreground=True)
    bg, default_bg = _rgb(style.bgcolor if style else None, terminal, foreground=False)
    if style is not None and style.reverse:
        fg, bg = bg, fg
        default_fg, default_bg = default_bg, default_fg
    dim = bool(style and style.dim)
    if dim:
        fg = _blend(fg, bg, DIM_KEEP)
    bold = bool(style and style.bold)
    cells: list[Paint] = []
    for char in text:
        paint = Paint(char, fg, bg, bold, dim, default_fg, default_bg)
        cells.extend([paint] * cell_len(char) if cell_len(char) > 1 else [paint])
    return cells


def cells_text(cells: list[list[Paint]]) -> str:
    """The screen's text, one line per row (wide glyphs once)."""
    lines = []
    for row in cells:
        chars: list[str] = []
        skip = 0
        for paint in row:
            if skip:
                skip -= 1
                continue
            chars.append(paint.char)
            skip = cell_len(paint.char) - 1
        lines.append("".join(chars))
    return "\n".join(lines)


def luminance(rgb: RGB) -> float:
    """WCAG 2 relative luminance."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: RGB, b: RGB) -> float:
    """WCAG 2 contrast ratio, 1 (none) to 21 (black on white)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)
