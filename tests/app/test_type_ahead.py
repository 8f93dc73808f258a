"""Keys typed the moment a form opens land in its first field (type-ahead over SSH).

Found by the tmux suite: a form used to focus its first field ~0.2 s after it was drawn,
and the keys typed meanwhile went to the form's scroll container and were lost.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from textual import events
from textual.widgets import Input

from tests.support.app import make_app
from tests.support.pilot import loaded
from tui.screens.forms.alias import AliasScreen
from tui.screens.forms.create_group import CreateGroupScreen
from tui.screens.forms.create_user import CreateUserScreen

pytestmark = pytest.mark.server


@pytest.mark.parametrize(
    ("pane_key", "form", "field"),
    [
        ("2", CreateUserScreen, "#name-input"),
        ("3", CreateGroupScreen, "#name-input"),
        ("4", AliasScreen, "#alias-input"),
    ],
    ids=["user", "group", "alias"],
)
async def test_keys_typed_as_the_form_opens_are_kept(
    demo: Any, pane_key: str, form: type, field: str
) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await pilot.press(pane_key)
        # Posted, not pressed: pilot.press would wait until the form had settled.
        app.post_message(events.Key("n", "n"))
        for _ in range(2000):
            if isinstance(app.screen, form):
                break
            await asyncio.sleep(0.005)  # not pilot.pause: no waiting for the form to settle
        else:
            raise AssertionError(f"{form.__name__} did not open")
        for key in "zq":  # exactly what the terminal driver posts for each key
            app.post_message(events.Key(key, key))
        await pilot.pause(0.5)
        assert app.screen.query_one(field, Input).value == "zq"
