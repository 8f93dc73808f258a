"""Keys: help, README and palette read the bindings; config.toml remaps them."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static

from tests.support.app import make_app
from tests.support.pilot import loaded, plain
from tui.demo import DemoEndpoint
from tui.keys import entries, readme_rows
from tui.panes import TablePane
from tui.screens.dialogs.help import HelpScreen
from tui.support.config import Config, load_config

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def test_readme_key_table_is_the_bindings() -> None:
    section = README.split("\n## Keys\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and "`" in line]
    assert rows == readme_rows(), "regenerate: python -m tui.keys"


def test_every_remappable_binding_has_a_description() -> None:
    for entry in entries():
        assert entry.description, entry
    ids = [e.binding_id for e in entries() if e.binding_id]
    assert "users.new" in ids and "app.refresh" in ids and "rows.cursor_down" in ids


def test_config_file_reads_theme_and_keymap_and_reports_problems(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    assert load_config(path) == Config(path=path), "no file: defaults"
    path.write_text(
        'theme = "textual-light"\nmystery = 1\n[keymap]\n"users.new" = "a, f2"\nx = 3\n'
    )
    config = load_config(path)
    assert config.theme == "textual-light"
    assert config.keymap == {"users.new": "a,f2"}
    assert any("'x'" in p for p in config.problems)
    assert any("'mystery'" in p for p in config.problems)
    path.write_text("theme = \n")
    broken = load_config(path)
    assert broken.theme is None and broken.keymap == {}
    assert "not valid TOML" in broken.problems[0]


@pytest.mark.server
async def test_keymap_moves_the_key_the_help_and_the_footer(
    demo: DemoEndpoint, tmp_path: Path
) -> None:
    config = Config(
        theme="textual-light",
        keymap={"users.copy": "y", "app.nonesuch": "z"},
        path=tmp_path / "config.toml",
    )
    app = make_app(demo, read_only=True)
    app.config = config
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(app, pilot)
        assert app.theme == "textual-light"
        messages = [n.message for n in app._notifications]
        assert any("'app.nonesuch'" in m for m in messages), messages
        await pilot.press("2")
        users = app.query_one("#users", TablePane)
        first = users.visible_keys()[0]
        await pilot.press("y")
        assert app.clipboard.endswith(f":user/{first}"), "y copies the ARN now"
        await pilot.press("c")
        assert app.clipboard.endswith(f":user/{first}")
        await pilot.press("question_mark")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        text = plain(help_screen.query_one(Static))
        line = next(line for line in text.splitlines() if "users.copy" in line)
        assert line.split()[0] == "y", line


@pytest.mark.server
async def test_footer_follows_the_focused_pane_and_palette_has_every_pane_key(
    demo: DemoEndpoint,
) -> None:
    app = make_app(demo)
    async with app.run_test(size=(120, 30)) as pilot:
        await loaded(app, pilot)

        def footer_keys() -> set[str]:
            return {
                b.binding.action
                for b in app.screen.active_bindings.values()
                if b.binding.show and b.enabled
            }

        await pilot.press("2")
        assert {"new", "delete", "keys", "mfa", "copy_arn"} <= footer_keys()
        await pilot.press("4")
        assert "keys" not in footer_keys() and "copy_url" in footer_keys()
        commands = {c.title for c in app.get_system_commands(app.screen)}
        for entry in entries():
            if entry.section in ("Users", "Groups", "Account alias"):
                pane = "alias" if entry.section == "Account alias" else entry.section.lower()
                verb = entry.description[:1].lower() + entry.description[1:]
                assert f"{pane}: {verb}" in commands
        # A palette entry runs the key's action on the pane's highlighted row.
        await pilot.press("ctrl+p", *"users: copy the user's arn")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.2)
        users = app.query_one("#users", TablePane)
        assert app.active_pane == "users"
        assert app.clipboard.endswith(f":user/{users.selected_key()}")
