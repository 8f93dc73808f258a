"""Half-block QR codes decode back to the exact otpauth URI with a real decoder (zxing-cpp).

The text from ``tui.support.qr.qr_lines`` is rasterised the way a terminal shows it (each cell one
module wide and two modules tall, ink in the foreground colour, everything else in the
background colour) and handed to ``zxingcpp.read_barcodes``.
"""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

import boto3
import pytest
from moto import mock_aws
from PIL import Image
from textual.geometry import Region

from tests.support.qr import (
    BLACK,
    DARK_BG,
    HALVES,
    LIGHT_FG,
    MODULE_PX,
    WHITE,
    decode,
    rasterise,
)
from tests.support.render import DARK_TERMINAL, LIGHT_TERMINAL, Paint, screen_cells
from tui.support.qr import fits, invert_for_theme, qr_lines, qr_size, qr_version

ROOT = Path(__file__).resolve().parents[2]
ACCOUNT = "123456789012"
BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
# docs/ARCHITECTURE.md: label + issuer ≤ 39 characters keeps a 64-char seed at version 6-L.
MAX_LABEL_AND_ISSUER = 39
# 80×24 terminal: a 35-column text column beside the code, one row for a border/title.
QR_BOX = (80 - 35, 24 - 1)


def random_seed() -> str:
    return "".join(secrets.choice(BASE32) for _ in range(64))


def moto_seed() -> str:
    """A seed from moto's CreateVirtualMFADevice (botocore types Base32StringSeed as a blob)."""
    with mock_aws():
        iam = boto3.client("iam", region_name="us-east-1")
        device = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice")["VirtualMFADevice"]
        raw = device["Base32StringSeed"]
    assert isinstance(raw, bytes)  # the ASCII base32 text, not the decoded key
    return raw.decode("ascii")


def otpauth_uri(user: str, seed: str, issuer: str = "AWS") -> str:
    """``otpauth://totp/<issuer>:<user>@<account>?secret=…&issuer=…``.

    The user part is cut until the URI-encoded label plus issuer is ≤ 39 characters.
    """
    encoded_issuer = quote(issuer, safe="")
    cut = len(user)
    while True:
        label = quote(f"{issuer}:{user[:cut]}@{ACCOUNT}", safe=":@")
        if len(label) + len(encoded_issuer) <= MAX_LABEL_AND_ISSUER or cut == 0:
            break
        cut -= 1
    return f"otpauth://totp/{label}?secret={seed}&issuer={encoded_issuer}"


def assert_round_trip(uri: str, seed: str, texts: list[str]) -> None:
    assert texts == [uri]
    assert parse_qs(urlsplit(texts[0]).query)["secret"] == [seed]


@pytest.fixture(scope="module")
def seed_from_moto() -> str:
    seed = moto_seed()
    assert len(seed) == 64 and set(seed) <= set(BASE32)
    assert len(base64.b32decode(seed)) == 40
    return seed


# ------------------------------------------------------------------------------ round trip
@pytest.mark.parametrize("source", ["random", "moto"])
def test_light_theme_rendering_decodes_to_the_uri(source: str, seed_from_moto: str) -> None:
    seed = random_seed() if source == "random" else seed_from_moto
    uri = otpauth_uri("alice", seed)
    image = rasterise(qr_lines(uri, invert=False), ink=BLACK, paper=WHITE)
    # Dark modules on a light background: even a scanner that never inverts reads it.
    assert_round_trip(uri, seed, decode(image, try_invert=False))


@pytest.mark.parametrize("source", ["random", "moto"])
def test_dark_theme_rendering_decodes_to_the_uri(source: str, seed_from_moto: str) -> None:
    seed = random_seed() if source == "random" else seed_from_moto
    uri = otpauth_uri("alice", seed)
    # invert=True on a dark theme: light modules and quiet zone are the (light) ink, dark
    # modules the dark background, and the terminal around the code is dark too.
    image = rasterise(qr_lines(uri, invert=True), ink=LIGHT_FG, paper=DARK_BG)
    assert_round_trip(uri, seed, decode(image, try_invert=False))
    assert_round_trip(uri, seed, decode(image, try_invert=True))


def test_the_wrong_mode_for_the_theme_needs_an_inverting_scanner() -> None:
    seed = random_seed()
    uri = otpauth_uri("alice", seed)
    # invert=False on a dark theme gives a light-on-dark code: only inverting scanners read it.
    image = rasterise(qr_lines(uri, invert=False), ink=LIGHT_FG, paper=DARK_BG)
    assert decode(image, try_invert=False) == []
    assert_round_trip(uri, seed, decode(image, try_invert=True))


def test_invert_for_theme() -> None:
    assert invert_for_theme(dark=True) is True
    assert invert_for_theme(dark=False) is False


@pytest.mark.parametrize("length", [1, 5, 20, 64])
def test_any_user_name_fits_80x24_and_decodes(length: int, seed_from_moto: str) -> None:
    user = ("alice.b+c=d,e@f_g-" * 4)[:length]
    uri = otpauth_uri(user, seed_from_moto)
    assert qr_version(uri) <= 6
    columns, rows = qr_size(uri)
    assert columns <= QR_BOX[0] and rows <= QR_BOX[1]
    assert fits(uri, *QR_BOX)
    lines = qr_lines(uri)
    assert len(lines) == rows and {len(line) for line in lines} == {columns}
    image = rasterise(lines, ink=BLACK, paper=WHITE)
    assert_round_trip(uri, seed_from_moto, decode(image, try_invert=False))
    label = unquote(urlsplit(uri).path.removeprefix("/"))
    assert label.startswith("AWS:" + user[: max(1, min(length, 5))])


# ------------------------------------------------------------------------------ size
def test_version_6_is_45_by_23() -> None:
    uri = otpauth_uri("a" * 19, random_seed())  # exactly 39 characters of label + issuer
    assert len(uri) == 134
    assert qr_version(uri) == 6
    assert qr_size(uri) == (45, 23)
    assert qr_size(uri, border=0) == (41, 21)
    assert qr_size(uri, border=4) == (49, 25)
    assert 35 + qr_size(uri)[0] <= 80 and 1 + qr_size(uri)[1] <= 24


def test_one_character_over_the_rule_is_too_tall() -> None:
    seed = random_seed()
    uri = f"otpauth://totp/AWS:{'a' * 20}@{ACCOUNT}?secret={seed}&issuer=AWS"  # 40 chars
    assert qr_version(uri) == 7
    assert qr_size(uri) == (49, 25)
    assert not fits(uri, *QR_BOX)


def test_full_amazon_web_services_label_is_version_8_and_does_not_fit() -> None:
    issuer = quote("Amazon Web Services", safe="")
    label = f"{issuer}:alice@{ACCOUNT}"
    uri = f"otpauth://totp/{label}?secret={random_seed()}&issuer={issuer}"
    assert qr_version(uri) == 8
    assert qr_size(uri) == (53, 27)
    assert not fits(uri, *QR_BOX)
    assert fits(uri, 53, 27)
    assert len(qr_lines(uri)) == 27


def test_data_too_long_for_any_version_does_not_fit() -> None:
    assert not fits("x" * 5000, 10_000, 10_000)


# ------------------------------------------------------------------------------ drawing
def test_quiet_zone_and_shape() -> None:
    uri = otpauth_uri("alice", random_seed())
    columns, rows = qr_size(uri)
    plain = qr_lines(uri)
    inverted = qr_lines(uri, invert=True)
    assert len(plain) == len(inverted) == rows
    # Border of 2 modules: first text row and 2 columns each side are all light.
    assert plain[0] == " " * columns
    assert all(line[:2] == line[-2:] == "  " for line in plain)
    assert inverted[0] == "█" * columns
    assert all(line[:2] == line[-2:] == "██" for line in inverted)
    # The odd module count (41 + 4 = 45) pads a light half-row at the bottom.
    assert plain[-1] == " " * columns
    assert inverted[-1] == "█" * columns
    # invert swaps ink and background cell by cell.
    swap = str.maketrans({" ": "█", "█": " ", "▀": "▄", "▄": "▀"})
    assert [line.translate(swap) for line in plain] == inverted


def test_border_zero_and_negative() -> None:
    uri = "otpauth://totp/AWS:a@1?secret=A&issuer=AWS"
    lines = qr_lines(uri, border=0)
    assert len(lines[0]) == qr_size(uri, border=0)[0]
    # Finder patterns touch the edge: dark top row over a light ring on the next module row.
    assert lines[0].startswith("█▀▀▀▀▀█") and lines[0].endswith("█▀▀▀▀▀█")
    with pytest.raises(ValueError):
        qr_lines(uri, border=-1)
    with pytest.raises(ValueError):
        qr_size(uri, border=-1)


# ------------------------------------------------------------------------------ on screen
# The MFA screen as the terminal shows it: the cells of the QR widget with the colours the
# app really sends (theme, ANSI palette, NO_COLOR's filters), rasterised and decoded by a
# scanner that never inverts. Outside the screen is the terminal's own background.
TERMINALS = {"dark": DARK_TERMINAL, "light": LIGHT_TERMINAL}
IN_PROCESS_MODES = {
    # mode: (theme, NO_COLOR, the terminal around it)
    "textual-dark": ("textual-dark", False, "dark"),
    "textual-light": ("textual-light", False, "light"),
    "ansi-dark": ("ansi-dark", False, "dark"),
    # NO_COLOR in a colour theme: Textual paints greys (its Monochrome filter).
    "no-color": ("textual-dark", True, "dark"),
    "no-color-light": ("textual-light", True, "light"),
    "no-color-then-ansi-light": ("ansi-light", True, "light"),
}


def grey(rgb: tuple[int, int, int]) -> int:
    r, g, b = rgb
    return round(0.2126 * r + 0.7152 * g + 0.0722 * b)


def rasterise_screen(
    cells: list[list[Paint]], box: Region, outside: tuple[int, int, int], margin: int = 3
) -> Image.Image:
    """The screen around ``box`` (``margin`` cells each side) as a scanner's camera sees it.

    A cell is one module wide and two tall; each half is the glyph's ink (foreground) or the
    cell's background, so half and full blocks come out as modules. Cells beyond the screen
    are the terminal's ``outside`` colour; any other glyph near the code counts as blank.
    """
    left, top = box.x - margin, box.y - margin
    columns, rows = box.width + 2 * margin, box.height + 2 * margin
    width, height = columns * MODULE_PX, rows * 2 * MODULE_PX
    pixels = bytearray(width * height)
    for row in range(rows):
        for col in range(columns):
            y, x = top + row, left + col
            if 0 <= y < len(cells) and 0 <= x < len(cells[y]):
                paint = cells[y][x]
                halves = HALVES.get(paint.char, (False, False))
                colours = [paint.fg if ink else paint.bg for ink in halves]
            else:
                colours = [outside, outside]
            for half, colour in enumerate(colours):
                value = grey(colour)
                y0 = (2 * row + half) * MODULE_PX
                for py in range(y0, y0 + MODULE_PX):
                    start = py * width + col * MODULE_PX
                    pixels[start : start + MODULE_PX] = bytes([value] * MODULE_PX)
    return Image.frombytes("L", (width, height), bytes(pixels))


async def shown_qr(theme: str | None, terminal: str) -> tuple[str, Image.Image, bool]:
    """Open the MFA screen at 80×24 (in ``theme``, if given, else the app's own): the URI,
    the QR as a ``terminal`` ("dark"/"light") shows it, and whether the screen knew that no
    colour reaches the terminal. NO_COLOR comes from the environment, as in real use."""
    from tests.support.app import OFFLINE_URL, make_app
    from tests.support.qr import FAKE_SEED as SEED
    from tui.aws.mfa import VirtualMfa
    from tui.aws.mfa import otpauth_uri as app_uri
    from tui.screens.mfa import MfaScreen

    app = make_app(OFFLINE_URL)
    uri = app_uri(SEED, ACCOUNT, "alice")
    device = VirtualMfa(f"arn:aws:iam::{ACCOUNT}:mfa/alice", "alice", SEED, uri)
    async with app.run_test(size=(80, 24)) as pilot:
        if theme is not None:
            app.theme = theme
        screen = MfaScreen(app.state, device)
        await app.push_screen(screen)
        box = screen.query_one("#mfa-qr")
        for _ in range(200):
            await pilot.pause(0.02)
            if box.region.width and box.display:
                break
        await pilot.pause(0.1)
        colours = TERMINALS[terminal]
        background = colours.background_color
        outside = (background.red, background.green, background.blue)
        image = rasterise_screen(screen_cells(app, colours), box.region, outside)
        return uri, image, screen.colourless


def assert_scans(uri: str, image: Image.Image) -> None:
    # Dark modules on a light quiet zone: even a scanner that never inverts reads it.
    assert_round_trip(
        uri, parse_qs(urlsplit(uri).query)["secret"][0], decode(image, try_invert=False)
    )


@pytest.mark.parametrize("mode", list(IN_PROCESS_MODES))
async def test_the_qr_on_screen_scans_in_every_theme(
    mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    theme, no_color, terminal = IN_PROCESS_MODES[mode]
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    else:
        monkeypatch.delenv("NO_COLOR", raising=False)
    uri, image, colourless = await shown_qr(theme, terminal)
    assert not colourless  # greys at worst: the pinned black on white survives
    assert_scans(uri, image)


def qr_in_a_fresh_process(theme: str, terminal: str) -> tuple[str, Image.Image, bool]:
    """The MFA screen of an app *started* with TEXTUAL_THEME=theme and NO_COLOR set, the one
    way Textual sends no colour at all (its NoColor filter is chosen at start-up)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEXTUAL")}
    env.update(TEXTUAL_THEME=theme, NO_COLOR="1", PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [sys.executable, "-m", "tests.app.test_qr", terminal],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    uri, colourless, size, data = result.stdout.split()
    width, height = map(int, size.split("x"))
    image = Image.frombytes("L", (width, height), base64.b64decode(data))
    return uri, image, colourless == "True"


@pytest.mark.parametrize("theme,terminal", [("ansi-dark", "dark"), ("ansi-light", "light")])
def test_without_any_colour_the_qr_is_drawn_by_glyph_and_still_scans(
    theme: str, terminal: str
) -> None:
    uri, image, colourless = qr_in_a_fresh_process(theme, terminal)
    assert colourless
    assert_scans(uri, image)


def test_without_colour_the_ansi_theme_must_match_the_terminal() -> None:
    """ansi-dark on a light terminal: the code comes out light-on-dark, which only an
    inverting scanner reads (the README says to pick the matching ANSI theme)."""
    uri, image, colourless = qr_in_a_fresh_process("ansi-dark", "light")
    assert colourless
    assert decode(image, try_invert=False) == []
    assert decode(image, try_invert=True) == [uri]


if __name__ == "__main__":
    # The child of qr_in_a_fresh_process: prints "URI COLOURLESS WxH BASE64-PIXELS".
    import asyncio

    uri, image, colourless = asyncio.run(shown_qr(None, sys.argv[1]))
    pixels = base64.b64encode(image.tobytes()).decode("ascii")
    print(uri, colourless, f"{image.width}x{image.height}", pixels)
