"""A QR code read back as a phone's camera would: half-block text rasterised, then decoded
by a real decoder (zxing-cpp); and the fixed fake MFA seed tests show."""

from __future__ import annotations

import zxingcpp
from PIL import Image

# A fixed, fake seed: 64 base32 characters, as AWS returns them.
FAKE_SEED = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

MODULE_PX = 4  # a module is MODULE_PX square; a text cell is MODULE_PX × 2·MODULE_PX
MARGIN_PX = 16
BLACK, WHITE = 0, 255
DARK_BG, LIGHT_FG = 30, 220  # a dark theme: light text on a dark background

# glyph -> (top half is ink, bottom half is ink)
HALVES = {" ": (False, False), "▀": (True, False), "▄": (False, True), "█": (True, True)}


def rasterise(lines: list[str], *, ink: int, paper: int) -> Image.Image:
    """Draw text rows as a terminal would: glyph halves in ``ink``, the rest in ``paper``."""
    width = len(lines[0]) * MODULE_PX + 2 * MARGIN_PX
    height = len(lines) * 2 * MODULE_PX + 2 * MARGIN_PX
    pixels = bytearray([paper]) * (width * height)
    for row, line in enumerate(lines):
        for col, glyph in enumerate(line):
            for half, is_ink in enumerate(HALVES[glyph]):
                if not is_ink:
                    continue
                top = MARGIN_PX + (2 * row + half) * MODULE_PX
                left = MARGIN_PX + col * MODULE_PX
                for y in range(top, top + MODULE_PX):
                    pixels[y * width + left : y * width + left + MODULE_PX] = bytes(
                        [ink] * MODULE_PX
                    )
    return Image.frombytes("L", (width, height), bytes(pixels))


def decode(image: Image.Image, *, try_invert: bool) -> list[str]:
    found = zxingcpp.read_barcodes(
        image,
        formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode),
        try_invert=try_invert,
    )
    return [barcode.text for barcode in found]
