"""tui/aws and tui/support never pull in Textual or Rich, and `acct-tui credentials` pulls in
neither them nor boto3: each module is imported alone, in a fresh process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def modules_under(package: str) -> list[str]:
    """Every module of ``package`` (``tui.aws``, ``tui.support``), subpackages included."""
    folder = ROOT.joinpath(*package.split("."))
    names = []
    for path in folder.rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return sorted(names)


AWS_MODULES = modules_under("tui.aws")
SUPPORT_MODULES = modules_under("tui.support")


def loaded_after_import(module: str, watched: tuple[str, ...]) -> list[str]:
    """The modules of the ``watched`` top-level packages that importing ``module`` loads."""
    code = (
        f"import sys, importlib; importlib.import_module({module!r}); "
        f"bad = [m for m in sys.modules if m.split('.')[0] in {watched!r}]; "
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
    return [m for m in result.stdout.strip().split(",") if m]


def test_the_layers_have_modules() -> None:
    assert {"tui.aws", "tui.aws.posture", "tui.aws.checks", "tui.aws.session"} <= set(AWS_MODULES)
    assert {
        "tui.support",
        "tui.support.vault",
        "tui.support.exports",
        "tui.support.awsconfig",
        "tui.support.clipboard",
    } <= set(SUPPORT_MODULES)


@pytest.mark.parametrize(
    "module",
    [
        *AWS_MODULES,
        *SUPPORT_MODULES,
        "tui.demo",
        "tui.demo.regiondata",
        "tui.demo.regions",
        "tui.demo.regionapi",
    ],
)
def test_module_does_not_import_textual_or_rich(module: str) -> None:
    bad = loaded_after_import(module, ("textual", "rich"))
    assert bad == [], f"{module} imported {','.join(bad)}"


@pytest.mark.parametrize(
    "module",
    ["tui.cli.credentials", "tui.support.vault", "tui.support.keyringpolicy"],
)
def test_the_credential_process_path_loads_no_textual_rich_or_boto3(module: str) -> None:
    # `acct-tui credentials get` runs as an AWS credential_process on every AWS CLI call.
    bad = loaded_after_import(module, ("textual", "rich", "boto3", "botocore"))
    assert bad == [], f"{module} imported {','.join(bad)}"


def test_the_credentials_command_runs_without_textual_or_rich() -> None:
    # The console script's own route, `acct-tui credentials get` through tui.cli.main, with
    # keyring's "fail" backend: it reaches the keyring and answers "unavailable" (exit 2).
    code = (
        "import sys; from tui.cli.main import main; "
        "status = main(['credentials', 'get', 'alice', '--account', '123456789012']); "
        "print(status, sorted({m.split('.')[0] for m in sys.modules} "
        "& {'textual', 'rich', 'boto3', 'botocore'}))"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "2 []", result.stderr


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
