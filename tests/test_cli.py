"""The command line: start-up cost, and clear failures instead of tracebacks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import tui

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import sys
from tui.cli import main
try:
    main([{flag!r}])
except SystemExit as exc:
    code = exc.code
heavy = sorted(m for m in ("boto3", "botocore", "textual", "rich", "moto") if m in sys.modules)
print("HEAVY=" + ",".join(heavy))
"""


def run(args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = dict(os.environ, **(env or {}))
    full_env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        env=full_env,
        stdin=subprocess.DEVNULL,
        timeout=60,
        cwd=ROOT,
    )


@pytest.mark.parametrize("flag", ["--version", "--help"])
def test_version_and_help_import_nothing_heavy(flag: str) -> None:
    result = run(["-c", PROBE.format(flag=flag)])
    assert result.returncode == 0, result.stderr
    assert "HEAVY=\n" in result.stdout or result.stdout.rstrip().endswith("HEAVY=")
    if flag == "--version":
        assert f"acct-tui {tui.__version__}" in result.stdout
    else:
        for option in ("--profile", "--region", "--endpoint-url", "--read-only", "--demo"):
            assert option in result.stdout


def test_python_dash_m_works() -> None:
    result = run(["-m", "tui", "--version"])
    assert result.returncode == 0
    assert result.stdout.strip() == f"acct-tui {tui.__version__}"


def test_no_credentials_is_one_clear_line_and_exit_2() -> None:
    result = run(["-m", "tui"])
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "no AWS credentials found" in lines[0]
    assert "--demo" in lines[0] and "--profile" in lines[0] and "aws configure" in lines[0]
    assert "Traceback" not in result.stderr


def test_unknown_profile_is_a_clear_error(tmp_path: Path) -> None:
    result = run(["-m", "tui", "--profile", "nope"])
    assert result.returncode == 2
    assert "nope" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_bad_argument_exits_non_zero() -> None:
    result = run(["-m", "tui", "--no-such-flag"])
    assert result.returncode == 2
    assert "unrecognized arguments" in result.stderr
