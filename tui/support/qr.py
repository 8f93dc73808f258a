"""QR codes as half-block text, for showing an ``otpauth://`` URI in a terminal.

Pure Python on top of segno: no Textual, no Rich. The UI gets plain strings and decides the
colours; this module only decides which modules are drawn as *ink* (the glyph's foreground).

Each text row holds two module rows: ``▀`` (top ink), ``▄`` (bottom ink), ``█`` (both) or a
space (neither), so a square module is one column wide and half a row tall, which matches the
roughly 1:2 cell shape of terminal fonts. The quiet zone (``border`` modules of light on every
side) is part of the returned text; an odd module count gets one extra light half-row at the
bottom.

Colours — a scanner wants dark modules on a light background (many phone apps also read
light-on-dark codes, but not all of them):

- **Recommended:** pin the widget's own colours to black ink on a white background and use
  ``invert=False`` whatever the theme. Dark modules are ink, light modules and the quiet zone
  are the white background.
- **Inheriting the theme's colours** (foreground ink on the theme's background): on a *light*
  theme (dark text on light) use ``invert=False``; on a *dark* theme (light text on dark) use
  ``invert=True``, which draws the *light* modules and the quiet zone as ink so the code still
  reads dark-on-light. :func:`invert_for_theme` encodes this rule.

Encoding: error level L without boosting, never Micro QR, so that a 64-character base32 TOTP
seed under a short label (URI ≤ 134 bytes: label + issuer ≤ 39 characters in
``otpauth://totp/<label>?secret=<64>&issuer=<issuer>``) stays at version 6, 45×23 cells with
the default 2-module border. The data is a secret: nothing here caches or logs it.
"""

from __future__ import annotations

from typing import Any

import segno

__all__ = ["fits", "invert_for_theme", "qr_lines", "qr_size", "qr_version"]

# (top is ink, bottom is ink) -> glyph
_GLYPHS = {
    (False, False): " ",
    (True, False): "\u2580",  # ▀ upper half block
    (False, True): "\u2584",  # ▄ lower half block
    (True, True): "\u2588",  # █ full block
}


def _encode(data: str) -> Any:
    return segno.make(data, error="l", boost_error=False, micro=False)


def _check_border(border: int) -> None:
    if border < 0:
        raise ValueError(f"border must be >= 0, got {border}")


def qr_lines(data: str, *, border: int = 2, invert: bool = False) -> list[str]:
    """Render ``data`` as a QR code in half-block text, one string per text row.

    With ``invert=False`` dark modules are drawn as ink (glyph foreground) and light modules,
    including the quiet zone, are spaces. With ``invert=True`` it is the other way round:
    light modules and the quiet zone are ink. See the module docstring for which to use.
    Every row is ``modules + 2 * border`` characters wide and there are
    ``ceil((modules + 2 * border) / 2)`` rows.

    Raises ``ValueError`` for a negative border and segno's ``DataOverflowError`` when the
    data does not fit any QR version.
    """
    _check_border(border)
    matrix = [[bool(m) for m in row] for row in _encode(data).matrix_iter(scale=1, border=border)]
    if len(matrix) % 2:
        # The padding half-row is light: it only extends the quiet zone.
        matrix.append([False] * len(matrix[0]))
    lines: list[str] = []
    for top, bottom in zip(matrix[0::2], matrix[1::2], strict=True):
        lines.append(
            "".join(_GLYPHS[(t != invert, b != invert)] for t, b in zip(top, bottom, strict=True))
        )
    return lines


def qr_size(data: str, border: int = 2) -> tuple[int, int]:
    """Return ``(columns, rows)`` that :func:`qr_lines` would produce, without drawing it."""
    _check_border(border)
    width, height = _encode(data).symbol_size(scale=1, border=border)
    return int(width), (int(height) + 1) // 2


def fits(data: str, width: int, height: int, border: int = 2) -> bool:
    """Whether the rendered code fits in ``width`` columns by ``height`` rows.

    Data too long for any QR version does not fit.
    """
    try:
        columns, rows = qr_size(data, border)
    except segno.DataOverflowError:
        return False
    return columns <= width and rows <= height


def qr_version(data: str) -> int:
    """The QR version (1–40) segno picks for ``data`` at error level L."""
    return int(_encode(data).version)


def invert_for_theme(*, dark: bool) -> bool:
    """The ``invert`` value for a QR drawn in the theme's own foreground on its background.

    A dark theme draws light ink on a dark background, so the light modules must be the ink
    (``True``); a light theme draws dark ink, so the dark modules are (``False``). A widget
    that pins black-on-white colours should pass ``invert=False`` instead.
    """
    return dark
