"""`acct-tui credentials list | get USER [--account ID]`.

In-process runs over an in-memory backend for the messages and exit codes; then, against
the real Secret Service (``real_keyring``), `python -m tui credentials …` subprocesses that
inherit the D-Bus session, and an AWS profile whose credential_process is acct-tui,
resolved by botocore's credential chain.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from tests.support.keyrings import (
    LockedKeyring,
    MemoryKeyring,
    PlaintextKeyring,
    new_account,
    new_entry,
)
from tui.cli import credentials as credentials_cli
from tui.cli.main import main
from tui.support.awsconfig import add_cli_profile, find_console_script
from tui.support.keyringpolicy import VaultError
from tui.support.vault import Vault, VaultEntry

ROOT = Path(__file__).resolve().parents[2]


def run_cli(
    argv: list[str], vault: Vault | None, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    code = credentials_cli.run(argv, vault)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def subprocess_cli(
    *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = dict(os.environ, PYTHONPATH=str(ROOT), **(env or {}))
    return subprocess.run(
        [sys.executable, "-m", "tui", "credentials", *args],
        capture_output=True,
        text=True,
        env=full_env,
        stdin=subprocess.DEVNULL,
        timeout=60,
        cwd=ROOT,
    )


def as_credential_process(stdout: str) -> dict[str, object]:
    document = json.loads(stdout)
    assert isinstance(document, dict)
    assert set(document) == {"Version", "AccessKeyId", "SecretAccessKey"}
    assert document["Version"] == 1
    assert stdout.endswith("\n") and stdout.count("\n") == 1
    return document


# ---------------------------------------------------------------------------- in-process
@pytest.fixture
def memory_vault() -> tuple[Vault, VaultEntry, VaultEntry, VaultEntry]:
    vault = Vault(MemoryKeyring())
    alice_a = new_entry("111111111111")
    alice_b = new_entry("222222222222")
    carol = VaultEntry("111111111111", "carol", password="console-only-pw")
    for entry in (alice_a, alice_b, carol):
        vault.save(entry)
    return vault, alice_a, alice_b, carol


def test_get_with_account_prints_exactly_credential_process_json(
    memory_vault: tuple[Vault, VaultEntry, VaultEntry, VaultEntry],
    capsys: pytest.CaptureFixture[str],
) -> None:
    vault, alice_a, _, _ = memory_vault
    code, out, err = run_cli(["get", "alice", "--account", "111111111111"], vault, capsys)
    assert (code, err) == (0, "")
    assert as_credential_process(out) == {
        "Version": 1,
        "AccessKeyId": alice_a.access_key_id,
        "SecretAccessKey": alice_a.secret_access_key,
    }


def test_get_without_account_needs_a_single_match(
    memory_vault: tuple[Vault, VaultEntry, VaultEntry, VaultEntry],
    capsys: pytest.CaptureFixture[str],
) -> None:
    vault, alice_a, alice_b, _ = memory_vault
    code, out, err = run_cli(["get", "alice"], vault, capsys)
    assert code == 1 and out == ""
    assert err.count("\n") == 1
    assert "111111111111" in err and "222222222222" in err and "--account" in err

    vault.delete("222222222222", "alice")
    code, out, err = run_cli(["get", "alice"], vault, capsys)
    assert (code, err) == (0, "")
    assert as_credential_process(out)["AccessKeyId"] == alice_a.access_key_id


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["get", "nobody"], "no keyring entry for user 'nobody'"),
        (["get", "nobody", "--account", "111111111111"], "in account 111111111111"),
        (["get", "carol", "--account", "111111111111"], "holds no access key"),
    ],
)
def test_absent_is_one_stderr_line_and_exit_1(
    memory_vault: tuple[Vault, VaultEntry, VaultEntry, VaultEntry],
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    needle: str,
) -> None:
    code, out, err = run_cli(argv, memory_vault[0], capsys)
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and needle in err and err.startswith("acct-tui: ")


def test_list_shows_names_and_dates_but_no_secret(
    memory_vault: tuple[Vault, VaultEntry, VaultEntry, VaultEntry],
    capsys: pytest.CaptureFixture[str],
) -> None:
    vault, *entries = memory_vault
    code, out, err = run_cli(["list"], vault, capsys)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split() == ["ACCOUNT", "USER", "CREATED"]
    assert [line.split() for line in lines[1:]] == sorted(
        [e.account_id, e.user_name, e.created] for e in entries
    )
    for entry in entries:
        for secret in (entry.secret_access_key, entry.password):
            assert not secret or secret not in out


def test_list_of_nothing_says_so_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(["list"], Vault(MemoryKeyring()), capsys)
    assert (code, out) == (0, "")
    assert "no credentials stored" in err


@pytest.mark.parametrize("backend", [fail.Keyring(), LockedKeyring(), PlaintextKeyring()])
def test_unavailable_keyring_is_one_stderr_line_exit_2(
    backend: KeyringBackend, capsys: pytest.CaptureFixture[str]
) -> None:
    for argv in (["get", "alice", "--account", "111111111111"], ["list"]):
        code, out, err = run_cli(argv, Vault(backend), capsys)
        assert code == 2 and out == ""
        assert err.count("\n") == 1 and "the keyring cannot be used" in err
        assert "Secret Service" in err and "Keychain" in err and "Credential Manager" in err


@pytest.mark.parametrize(
    "argv",
    [[], ["get"], ["frobnicate"], ["get", "alice", "--account", "12"], ["get", "a/b"]],
)
def test_usage_errors_exit_2_with_nothing_on_stdout(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(argv, Vault(MemoryKeyring()), capsys)
    assert code == 2 and out == "" and err


def test_corrupt_entry_is_exit_1_without_its_content(capsys: pytest.CaptureFixture[str]) -> None:
    backend = MemoryKeyring()
    backend.set_password("acct-tui", "111111111111/alice", "s3cr3t-garbage")
    code, out, err = run_cli(["get", "alice", "--account", "111111111111"], Vault(backend), capsys)
    assert code == 1 and out == ""
    assert "unreadable" in err and "s3cr3t" not in err


def test_main_dispatches_credentials_before_the_tui_parser(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[list[str]] = []
    monkeypatch.setattr(credentials_cli, "run", lambda argv: seen.append(list(argv)) or 7)
    assert main(["credentials", "get", "alice", "--account", "111111111111"]) == 7
    assert seen == [["get", "alice", "--account", "111111111111"]]
    monkeypatch.setattr(sys, "argv", ["acct-tui", "credentials", "list"])
    assert main() == 7
    assert seen[-1] == ["list"]


def test_help_mentions_the_credentials_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tui", "--help"],
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        timeout=60,
    )
    assert result.returncode == 0
    assert "credentials list | get USER [--account ID]" in " ".join(result.stdout.split())


def test_get_imports_neither_boto3_nor_textual() -> None:
    code = (
        "import sys\nfrom tui.cli.main import main\n"
        "main(['credentials', 'get', 'alice', '--account', '111111111111'])\n"
        "heavy = sorted(m for m in ('boto3', 'botocore', 'textual', 'rich', 'moto') "
        "if m in sys.modules)\nsys.stderr.write('HEAVY=' + ','.join(heavy) + '\\n')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=dict(
            os.environ, PYTHONPATH=str(ROOT), PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring"
        ),
        timeout=60,
    )
    assert "HEAVY=\n" in result.stderr, result.stderr


# ---------------------------------------------------------------- real Secret Service
@pytest.fixture
def stored(real_keyring: KeyringBackend) -> Iterator[VaultEntry]:
    """An entry for alice in a fresh account, in the real Secret Service."""
    vault = Vault(real_keyring)
    entry = new_entry(new_account())
    vault.save(entry)
    try:
        yield entry
    finally:
        with contextlib.suppress(VaultError):
            vault.delete(entry.account_id, entry.user_name)


def test_real_get_subprocess_output_parses_as_credential_process(stored: VaultEntry) -> None:
    # (A hang is caught by subprocess_cli's timeout; speed belongs in benchmarks/.)
    result = subprocess_cli("get", "alice", "--account", stored.account_id)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert as_credential_process(result.stdout) == {
        "Version": 1,
        "AccessKeyId": stored.access_key_id,
        "SecretAccessKey": stored.secret_access_key,
    }


def test_real_list_subprocess_shows_the_entry_and_no_secret(stored: VaultEntry) -> None:
    result = subprocess_cli("list")
    assert result.returncode == 0, result.stderr
    assert any(
        line.split() == [stored.account_id, "alice", stored.created]
        for line in result.stdout.splitlines()
    )
    assert stored.secret_access_key and stored.secret_access_key not in result.stdout
    assert stored.password and stored.password not in result.stdout


def test_real_absent_is_exit_1_and_one_stderr_line(real_keyring: KeyringBackend) -> None:
    result = subprocess_cli("get", "nobody", "--account", new_account())
    assert result.returncode == 1
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and "no keyring entry" in result.stderr
    assert "Traceback" not in result.stderr


def test_real_unavailable_keyring_is_exit_2(real_keyring: KeyringBackend) -> None:
    result = subprocess_cli(
        "get",
        "alice",
        "--account",
        new_account(),
        env={"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"},
    )
    assert result.returncode == 2 and result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and "Secret Service" in result.stderr


def test_real_aws_profile_resolves_through_botocore_credential_chain(
    stored: VaultEntry, monkeypatch: pytest.MonkeyPatch
) -> None:
    import botocore.session

    config = Path(os.environ["AWS_CONFIG_FILE"])  # conftest's temp file
    add_cli_profile(config, "acct-tui-alice", stored.account_id, "alice")  # the installed script
    text = config.read_text()
    assert stored.secret_access_key and stored.secret_access_key not in text
    assert "credential_process = " in text
    monkeypatch.setenv("PYTHONPATH", str(ROOT))  # botocore's child process imports tui

    session = botocore.session.Session(profile="acct-tui-alice")
    credentials = session.get_credentials()
    assert credentials is not None
    assert credentials.method == "custom-process"
    frozen = credentials.get_frozen_credentials()
    assert frozen.access_key == stored.access_key_id
    assert frozen.secret_key == stored.secret_access_key
    assert frozen.token is None


def test_real_aws_cli_sees_the_profile(stored: VaultEntry, monkeypatch: pytest.MonkeyPatch) -> None:
    """The installed AWS CLI (any version) resolves the profile via credential_process."""
    aws = shutil.which("aws")
    if aws is None:
        pytest.skip("no aws command")
    probe = subprocess.run([aws, "--version"], capture_output=True, text=True, timeout=60)
    if probe.returncode != 0:
        pytest.skip(f"aws does not run here: {probe.stderr.strip()[:200]}")
    config = Path(os.environ["AWS_CONFIG_FILE"])
    add_cli_profile(config, "acct-tui-cli", stored.account_id, "alice", find_console_script())
    result = subprocess.run(
        [aws, "configure", "list", "--profile", "acct-tui-cli"],
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert stored.access_key_id is not None
    key_line = next(line for line in result.stdout.splitlines() if "access_key" in line)
    assert stored.access_key_id[-4:] in key_line and "custom-process" in key_line
    assert stored.secret_access_key and stored.secret_access_key not in result.stdout
