"""Snapshot tests (pytest-textual-snapshot): how modals look at 80×24.

Fixed data only, so the SVG baselines in tests/__snapshots__ change only when the UI does.
Update them on purpose with `pytest tests/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from typing import Any

from keyring.backends import fail
from textual.widgets import Input, Static

from tui.app import AcctApp
from tui.aws.mfa import VirtualMfa, otpauth_uri
from tui.aws.service import AccountService
from tui.aws.session import Settings
from tui.screens.mfa import MfaScreen
from tui.vault import Vault

# A fixed, fake seed: 64 base32 characters, as AWS returns them.
SEED = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
ACCOUNT = "123456789012"


def offline_app() -> AcctApp:
    # Nothing listens on port 9: the panes behind the modal fail fast; the modal covers them.
    settings = Settings(
        region="us-east-1",
        endpoint_url="http://127.0.0.1:9",
        access_key_id="testing",
        secret_access_key="testing",
    )
    return AcctApp(AccountService(settings), vault=Vault(fail.Keyring()))


def test_mfa_modal_at_80x24(snap_compare: Any) -> None:
    app = offline_app()
    device = VirtualMfa(
        serial=f"arn:aws:iam::{ACCOUNT}:mfa/alice",
        user_name="alice",
        seed=SEED,
        uri=otpauth_uri(SEED, ACCOUNT, "alice"),
    )

    async def show(pilot: Any) -> None:
        screen = MfaScreen(app, device)
        await app.push_screen(screen)
        for box in screen.query(Input):
            box.cursor_blink = False  # a blinking cursor would make the snapshot flaky
        qr = screen.query_one("#mfa-qr", Static)
        for _ in range(100):
            if qr.content:
                break
            await pilot.pause(0.02)
        await pilot.pause(0.1)

    assert snap_compare(app, terminal_size=(80, 24), run_before=show)
