"""tui/aws must never pull in Textual or Rich (STYLE.md §1), checked in a fresh process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AWS_MODULES = sorted(
    "tui.aws." + p.stem for p in (ROOT / "tui" / "aws").glob("*.py") if p.stem != "__init__"
)


def test_the_aws_layer_has_modules() -> None:
    assert {"tui.aws.posture", "tui.aws.checks", "tui.aws.session"} <= set(AWS_MODULES)


@pytest.mark.parametrize(
    "module", ["tui.aws", *AWS_MODULES, "tui.demo", "tui.demo.regions", "tui.support.awsconfig"]
)
def test_module_does_not_import_textual_or_rich(module: str) -> None:
    code = (
        f"import sys, importlib; importlib.import_module({module!r}); "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')]; "
        "print(','.join(sorted(bad)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"{module} imported {result.stdout.strip()}"


def test_demo_package_does_not_import_moto() -> None:
    code = "import sys, tui.demo; print('moto' in sys.modules, 'boto3' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        timeout=60,
    )
    assert result.stdout.strip() == "False False", result.stderr


def test_the_app_reaches_its_first_frame_without_boto3() -> None:
    # boto3 costs ~180 ms to import; the app and its service load it in the first
    # refresh's worker, after the first frame (README "Performance", start-up).
    code = (
        "import sys; from tests.support.app import make_app; "
        "from tui.aws.service import AccountService; from tui.aws.session import Settings; "
        "service = AccountService(Settings(endpoint_url='http://127.0.0.1:1')); "
        "app = make_app(service, vault=None, open_guide=True); "
        "print(sorted(m for m in ('boto3', 'moto', 'keyring', 'tui.flows') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
