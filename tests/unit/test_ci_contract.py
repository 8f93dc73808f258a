"""CI runs exactly the README's test line: .ci/test-line is the single copy .ci/run executes."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEST_LINE = "pip install -e '.[dev]' && ruff check && ruff format --check && mypy && pytest"


def test_ci_test_line_file_is_the_test_line() -> None:
    lines = (ROOT / ".ci" / "test-line").read_text(encoding="utf-8").splitlines()
    assert lines == [TEST_LINE]


def test_ci_run_executes_the_test_line_file() -> None:
    run = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert ".ci/test-line" in run
    assert 'bash -c "$test_line"' in run


def test_readme_contains_the_test_line() -> None:
    readme = ROOT / "README.md"
    assert readme.is_file(), "README.md is missing"
    text = readme.read_text(encoding="utf-8")
    assert TEST_LINE in text, f"README.md must contain the test line exactly:\n{TEST_LINE}"
