"""The README documents exactly the keys the help screen shows."""

from __future__ import annotations

from pathlib import Path

from tui.keys import KEYS

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def test_readme_key_table_matches_the_help_screen() -> None:
    rows = [line for line in README.splitlines() if line.startswith("| `")]
    assert rows == [f"| `{key}` | {action} |" for key, action in KEYS]


def test_readme_has_the_demo_line() -> None:
    assert "pip install -e '.[demo]' && acct-tui --demo" in README
