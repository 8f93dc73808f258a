"""Snapshot tests (pytest-textual-snapshot): how modals look at 80×24.

Fixed data only, so the SVG baselines in tests/__snapshots__ change only when the UI does.
Update them on purpose with `pytest tests/app/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Input, Static

from tests.support import hostile
from tests.support.app import OFFLINE_URL, make_app
from tests.support.qr import FAKE_SEED
from tui.app import AcctApp
from tui.aws.mfa import VirtualMfa, otpauth_uri
from tui.screens.mfa import MfaScreen

SEED = FAKE_SEED
ACCOUNT = "123456789012"


def offline_app() -> AcctApp:
    # Nothing listens there: the panes behind the modal fail fast; the modal covers them.
    return make_app(OFFLINE_URL)


def test_mfa_modal_at_80x24(snap_compare: Any) -> None:
    app = offline_app()
    device = VirtualMfa(
        serial=f"arn:aws:iam::{ACCOUNT}:mfa/alice",
        user_name="alice",
        seed=SEED,
        uri=otpauth_uri(SEED, ACCOUNT, "alice"),
    )

    async def show(pilot: Any) -> None:
        screen = MfaScreen(app.state, device)
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


# -- hostile data (tests/support/hostile.py): markup, escapes and controls shown literally
async def _show_hostile_users(pilot: Any) -> None:
    from tests.support.pilot import loaded

    app = pilot.app
    await loaded(app, pilot)  # the offline refresh has failed everywhere
    app.state.apply_posture(hostile.snapshot_posture())
    await pilot.press("2")
    await pilot.pause(0.1)


@pytest.mark.hostile
def test_hostile_users_table_at_80x24(snap_compare: Any) -> None:
    assert snap_compare(offline_app(), terminal_size=(80, 24), run_before=_show_hostile_users)


@pytest.mark.hostile
def test_hostile_user_details_at_80x24(snap_compare: Any) -> None:
    app = offline_app()

    async def show(pilot: Any) -> None:
        from tests.support.pilot import wait_until
        from tui.screens.user import UserScreen

        await _show_hostile_users(pilot)
        await pilot.press("down", "down", "down", "enter")  # the user with escapes
        await wait_until(pilot, lambda: isinstance(app.screen, UserScreen))
        note = app.screen.query_one("#mfa-note", Static)
        await wait_until(pilot, lambda: "Loading" not in str(note.render()))
        await pilot.pause(0.1)

    assert snap_compare(app, terminal_size=(80, 24), run_before=show)
