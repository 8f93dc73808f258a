"""The README's one-liners (the key table is checked in tests/app/test_keys.py)."""

from __future__ import annotations

from pathlib import Path

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def test_readme_has_the_demo_line() -> None:
    assert "pip install -e '.[demo]' && acct-tui --demo" in README


ROOT = Path(__file__).resolve().parents[2]
# Documents that live outside this repository (spelled in pieces so this file does not cite them).
OUTSIDE = ("DESIGN" + ".md", "STYLE" + ".md", "../" + "shared", "seed-" + "tutorial")


def test_the_architecture_document_is_in_the_repo_and_linked() -> None:
    architecture = (ROOT / "docs" / "ARCHITECTURE.md").read_text()
    assert "docs/ARCHITECTURE.md" in README
    # A newcomer finds the home of a new recommendation in one hop.
    assert "a new recommendation" in architecture and "tui/aws/checks.py" in architecture


def test_no_file_cites_a_document_outside_the_repo() -> None:
    import subprocess

    files = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    cited = []
    for name in files:
        path = ROOT / name
        if path.suffix in (".svg", ".png", ".json") or not path.is_file():
            continue
        text = path.read_text(errors="replace")
        cited += [f"{name}: {doc}" for doc in OUTSIDE if doc in text]
    assert cited == []
