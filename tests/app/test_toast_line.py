"""Notifications never cover the MFA QR code or a form's fields: a status line takes them.

(Toasts are drawn here: ``run_test(notifications=True)``, which Textual turns off by default.)
"""

from __future__ import annotations

from typing import Any

from textual.geometry import Region
from textual.widget import Widget

from tests.support.app import OFFLINE_URL, make_app
from tests.support.pilot import loaded, wait_until
from tests.support.qr import FAKE_SEED
from tests.support.render import cells_text, screen_cells
from tui.aws.mfa import VirtualMfa, otpauth_uri
from tui.aws.models import PasswordPolicy
from tui.screens.forms.create_user import CreateUserScreen
from tui.screens.mfa import MfaScreen

ACCOUNT = "123456789012"
NOTE = "Probe 42"  # short: beside the QR code the line is 33 columns wide


def where(app: Any, text: str) -> list[Region]:
    """Where ``text`` is painted on the terminal, one region per occurrence."""
    found = []
    for y, line in enumerate(cells_text(screen_cells(app)).splitlines()):
        x = line.find(text)
        if x >= 0:
            found.append(Region(x, y, len(text), 1))
    return found


async def _notify_over(app: Any, pilot: Any, protected: Widget) -> None:
    app.notify(NOTE, title="Clipboard", severity="warning")
    await wait_until(pilot, lambda: bool(where(app, NOTE)))
    await pilot.pause(0.3)  # any toast has had its frame drawn
    shown = where(app, NOTE)
    assert shown, "the notification is on screen"
    for region in shown:
        assert not region.overlaps(protected.region), (
            f"{NOTE!r} painted at {region} over {protected.region}:\n"
            + cells_text(screen_cells(app))
        )
    line = cells_text(screen_cells(app)).splitlines()[shown[0].y]
    assert "⚠ warning: Clipboard: " + NOTE in line, "the severity is written, not only coloured"


async def test_a_notification_never_covers_the_qr_code() -> None:
    app = make_app(OFFLINE_URL)
    device = VirtualMfa(
        serial=f"arn:aws:iam::{ACCOUNT}:mfa/alice",
        user_name="alice",
        seed=FAKE_SEED,
        uri=otpauth_uri(FAKE_SEED, ACCOUNT, "alice"),
    )
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await loaded(app, pilot)
        screen = MfaScreen(app.state, device)
        await app.push_screen(screen)
        qr = screen.query_one("#mfa-qr")
        await wait_until(pilot, lambda: qr.region.height > 10)
        await _notify_over(app, pilot, qr)
        assert qr.region.height > 10, "the QR code is still whole"


async def test_a_notification_never_covers_a_forms_fields() -> None:
    app = make_app(OFFLINE_URL)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await loaded(app, pilot)
        form = CreateUserScreen(existing=(), groups=(), policy=PasswordPolicy(), planner=print)
        await app.push_screen(form)
        await pilot.pause(0.2)
        await _notify_over(app, pilot, form.query_one(".form"))
