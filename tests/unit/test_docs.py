"""The README's one-liners (the key table is checked in tests/app/test_keys.py)."""

from __future__ import annotations

from pathlib import Path

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def test_readme_has_the_demo_line() -> None:
    assert "pip install -e '.[demo]' && acct-tui --demo" in README
