"""Colours that stay readable on every Textual theme, and the styles the UI paints with.

Rich colour names ("red", "yellow", "cyan") are ANSI colours: Textual maps them through one
fixed terminal palette per polarity (Monokai on dark themes, Alabaster on light ones), so
"yellow" is 1.8:1 on textual-light's surface and "red" 3.6:1 on textual-dark's zebra rows.
Even the theme's own ``$text-warning`` and ``$text-success`` are 2.7–3.8:1 on textual-light.

:func:`readable_variables` adds CSS variables (``$readable-error`` …) to the theme's: each
starts from the theme's own text colour for that meaning and is moved towards white (dark
themes) or black (light themes) until it reaches :data:`TARGET` against every background
the UI paints text on, in colour and in the greys Textual shows under ``NO_COLOR``.
It also mends two of the theme's own pairs where they fall short of AA: the selected row's
text and the footer's keys. ``AcctApp.get_css_variables`` calls it, so switching theme
recomputes them. ANSI themes keep the terminal's own colours: its palette decides there.

The style strings below are Textual styles (``$variables`` allowed): use them in
``Content.styled`` / ``Content.assemble`` and in :class:`tui.widgets.rowtable.Cell`, never in a
Rich ``Text`` (Rich cannot resolve a variable). Severity and status must never rest on
these colours alone: every coloured status also has a word or a symbol.
"""

from __future__ import annotations

from textual.color import Color, ColorParseError

__all__ = [
    "AA",
    "BADGE_INFO",
    "BADGE_WARNING",
    "ERROR",
    "FAIL",
    "HINT",
    "INFO",
    "MUTED",
    "SUCCESS",
    "TARGET",
    "WARNING",
    "contrast",
    "readable_variables",
]

ERROR = "$readable-error"
FAIL = "bold $readable-error"
WARNING = "$readable-warning"
SUCCESS = "$readable-success"
INFO = "$readable-info"  # ARNs, commands, URLs
MUTED = "$readable-muted"  # secondary text: hints, "no", "0"
HINT = "$readable-hint"  # muted text in a field that may have focus (tinted with $accent)
# A badge is the readable colour reversed: same contrast, and still a badge without colour.
BADGE_WARNING = "bold reverse $readable-warning"
BADGE_INFO = "bold reverse $readable-info"

AA = 4.5
"""WCAG 2 level AA: the least contrast for text."""
TARGET = 4.7
"""Contrast the readable colours reach: AA with a little margin for blended rows."""

# meaning -> the theme variable it starts from
_SOURCES = {
    "error": "text-error",
    "warning": "text-warning",
    "success": "text-success",
    "info": "text-primary",
}
_MUTED_KEEP = 0.6  # muted text keeps this much of the foreground before the contrast push


def _luminance(color: Color) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = color.rgb
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: Color, b: Color) -> float:
    """WCAG 2 contrast ratio of two opaque colours: 1 (none) to 21 (black on white)."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _worst(color: Color, backgrounds: list[Color]) -> float:
    """The lowest contrast against any background, in colour and in NO_COLOR's greys."""
    return min(
        min(contrast(color, bg), contrast(color.monochrome, bg.monochrome)) for bg in backgrounds
    )


def _readable(
    color: Color, backgrounds: list[Color], towards: Color, target: float = TARGET
) -> Color:
    """``color`` moved towards ``towards`` just far enough to reach ``target``."""
    for step in range(21):
        candidate = color.blend(towards, step / 20)
        if _worst(candidate, backgrounds) >= target:
            return candidate
    return towards


def _parse(value: str | None) -> Color | None:
    if value is None:
        return None
    try:
        return Color.parse(value)
    except ColorParseError:
        return None


def _backgrounds(variables: dict[str, str], *, fields: bool = False) -> list[Color] | None:
    """Every background text sits on: screen, surface, panel, striped and focused rows; with
    ``fields``, the focused input too (``$accent`` at up to 30% over the surface, app.tcss)."""
    base = [_parse(variables.get(name)) for name in ("background", "surface", "panel")]
    if any(c is None or c.ansi is not None or c.a < 1 for c in base):
        return None
    solid = [c for c in base if c is not None]
    surface = solid[1]
    for name, amount in (("surface-lighten-1", 0.5), ("surface-darken-1", 0.4)):
        stripe = _parse(variables.get(name))
        if stripe is not None and stripe.ansi is None:
            solid.append(surface.blend(stripe, amount))
    foreground = _parse(variables.get("foreground"))
    if foreground is not None and foreground.ansi is None:
        solid += [bg.blend(foreground, 0.05) for bg in list(solid)]  # a focused table's tint
    accent = _parse(variables.get("accent"))
    if fields and accent is not None and accent.ansi is None:
        solid += [surface.blend(accent.with_alpha(1.0), amount) for amount in (0.15, 0.3)]
    return solid


def _ink(value: str | None, background: Color) -> Color | None:
    """A foreground variable as painted on ``background`` ("auto 87%" included)."""
    if value is not None and value.startswith("auto"):
        percent = value.removeprefix("auto").strip().rstrip("%") or "100"
        try:
            alpha = float(percent) / 100
        except ValueError:
            return None
        return background.blend(background.get_contrast_text(1.0), alpha)
    color = _parse(value)
    if color is None or color.ansi is not None:
        return None
    return background.blend(color.with_alpha(1.0), color.a)


# Theme pairs (foreground, background) that carry our text but fall short on some built-in
# themes: the selected row of every table (3.8:1 on textual-dark) and the footer's keys
# (2.9:1 on textual-light). Only a pair below AA changes, as little as it takes, towards
# its own side (lighter or darker) when that can reach AA.
_PAIRS = (
    ("block-cursor-foreground", "block-cursor-background"),
    ("footer-key-foreground", "footer-background"),
)


def _fixed_pairs(variables: dict[str, str]) -> dict[str, str]:
    fixed = {}
    for fg_name, bg_name in _PAIRS:
        background = _parse(variables.get(bg_name))
        if background is None or background.ansi is not None or background.a < 1:
            continue
        ink = _ink(variables.get(fg_name), background)
        if ink is None or _worst(ink, [background]) >= AA:
            continue
        white, black = Color(255, 255, 255), Color(0, 0, 0)
        own, other = (white, black) if _luminance(ink) > _luminance(background) else (black, white)
        towards = own if _worst(own, [background]) >= AA else other
        fixed[fg_name] = _readable(ink, [background], towards, AA).hex
    return fixed


def readable_variables(variables: dict[str, str]) -> dict[str, str]:
    """The ``readable-*`` CSS variables for a theme's ``variables``, and fixed pairs."""
    return {**_readable_text(variables), **_fixed_pairs(variables)}


def _readable_text(variables: dict[str, str]) -> dict[str, str]:
    backgrounds = _backgrounds(variables)
    foreground = _parse(variables.get("foreground"))
    if backgrounds is None or foreground is None or foreground.ansi is not None:
        # An ANSI theme: the terminal's palette decides; keep the theme's own names.
        result = {f"readable-{k}": variables.get(v, "ansi_default") for k, v in _SOURCES.items()}
        result["readable-muted"] = variables.get("foreground", "ansi_default")
        result["readable-hint"] = result["readable-muted"]
        return result
    background = backgrounds[0]
    # Below 0.18 luminance white contrasts more than black does: a dark theme.
    towards = Color(255, 255, 255) if _luminance(background) < 0.18 else Color(0, 0, 0)
    foreground = background.blend(foreground.with_alpha(1.0), foreground.a)
    muted = background.blend(foreground, _MUTED_KEEP)
    starts = {k: _parse(variables.get(v)) for k, v in _SOURCES.items()}
    starts["muted"] = muted
    result = {}
    for meaning, start in starts.items():
        solid = foreground if start is None else background.blend(start.with_alpha(1.0), start.a)
        result[f"readable-{meaning}"] = _readable(solid, backgrounds, towards).hex
    # Placeholders: muted, on an input that may be focused (tinted with the accent).
    fields = _backgrounds(variables, fields=True) or backgrounds
    result["readable-hint"] = _readable(muted, fields, towards).hex
    return result
