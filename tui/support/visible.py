"""Text from AWS made safe to put on a terminal: every character visible, none obeyed.

Rich parses no markup in a ``Text``, but it passes ESC, NUL and C1 controls straight to
the terminal (it only drops BEL, BS, VT, FF and CR, silently). A name, tag, ARN path or
error message holding ``ESC ] 52 ; c ; …`` would then set the user's clipboard, and
``ESC [ 31 m`` would recolour the screen and shift every column after it. So, at the
display boundary, characters that could move the cursor, drive the terminal or reorder
the line are replaced by visible stand-ins:

- C0 controls and DEL become their Unicode control pictures (ESC → ␛, NUL → ␀, CR → ␍),
  one cell wide like any letter;
- C1 controls (U+0080–U+009F) become ``\\x9b``-style escapes;
- line/paragraph separators and bidi controls (U+2028, U+2029, U+061C, U+200E, U+200F,
  U+202A–U+202E, U+2066–U+2069) become ``\\u202e``-style escapes.

Everything else (emoji, right-to-left scripts, brackets) is shown as it is. With
``multiline=True`` a newline (and a CRLF pair) stays a line break and a tab stays a tab.

Plain ``str`` in, ``str`` out: no Textual or Rich import, so any layer may use it.
"""

from __future__ import annotations

_LINE_AND_BIDI = (0x061C, 0x200E, 0x200F, 0x2028, 0x2029, *range(0x202A, 0x202F))
_ISOLATES = tuple(range(0x2066, 0x206A))


def _table(multiline: bool) -> dict[int, str]:
    table = {code: chr(0x2400 + code) for code in range(0x20)}
    table[0x7F] = "\u2421"
    table.update({code: f"\\x{code:02x}" for code in range(0x80, 0xA0)})
    table.update({code: f"\\u{code:04x}" for code in (*_LINE_AND_BIDI, *_ISOLATES)})
    if multiline:
        del table[0x0A], table[0x09]
    return table


_SINGLE_LINE = _table(multiline=False)
_MULTILINE = _table(multiline=True)


def visible(value: object, *, multiline: bool = False) -> str:
    """``value`` as text whose every character shows as itself or a visible stand-in."""
    text = str(value)
    if text.isprintable():  # the common case: no control, format or separator character
        return text
    if multiline:
        return text.replace("\r\n", "\n").translate(_MULTILINE)
    return text.translate(_SINGLE_LINE)
