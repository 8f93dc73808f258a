"""The command line: start-up cost, and clear failures instead of tracebacks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import tui

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import sys
from tui.cli.main import main
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


# Misuse → argparse's usage line and one error line naming the problem, exit 2, no traceback,
# nothing on stdout. No credentials in the environment: were a check missing, the run would
# still exit 2 ("no AWS credentials"), but without the usage line and the named option.
MISUSE = [
    (["--no-such-flag"], "unrecognized arguments: --no-such-flag"),
    (["stray"], "unrecognized arguments: stray"),
    (["--region"], "argument --region: expected one argument"),
    (["--region", "not a region!"], "argument --region: not a Region name: 'not a region!'"),
    (["--region", ""], "argument --region: not a Region name: ''"),
    (["--region", "eu-west-1\x1b[31m"], "argument --region: not a Region name"),
    (["--endpoint-url", "localhost:5000"], "argument --endpoint-url: not an http(s) URL"),
    (["--endpoint-url", "ftp://127.0.0.1/"], "argument --endpoint-url: not an http(s) URL"),
    (["--endpoint-url", "http://"], "argument --endpoint-url: not an http(s) URL"),
    (["--endpoint-url", "http://127.0.0.1:99999"], "argument --endpoint-url: not an http(s) URL"),
    (["--endpoint-url", "http://[::1"], "argument --endpoint-url: not an http(s) URL"),
    (["--endpoint-url", "http://a b/"], "argument --endpoint-url: not an http(s) URL"),
    (["--demo", "--endpoint-url", "http://127.0.0.1:5000"], "cannot be combined with --endpoint"),
    (["--demo", "--profile", "admin"], "cannot be combined with --profile"),
    (["--demo", "--region", "eu-west-1"], "cannot be combined with --region"),
    (["--read-only=yes"], "argument --read-only: ignored explicit argument 'yes'"),
    (["credentials"], "the following arguments are required: COMMAND"),
    (["credentials", "frobnicate"], "invalid choice: 'frobnicate'"),
    (["credentials", "get"], "the following arguments are required: USER"),
    (["credentials", "get", "a/b"], "not an IAM user name: 'a/b'"),
    (["credentials", "get", "alice", "--account", "12"], "an account id is 12 digits"),
    (["credentials", "list", "extra"], "unrecognized arguments: extra"),
]


@pytest.mark.hostile
@pytest.mark.parametrize(("argv", "says"), MISUSE, ids=[" ".join(a) for a, _ in MISUSE])
def test_misuse_is_a_usage_error_exit_2(argv: list[str], says: str) -> None:
    result = run(["-m", "tui", *argv])
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert "\x1b" not in result.stderr, "a value is echoed escaped, never raw"
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("usage: acct-tui"), result.stderr
    assert says in lines[-1], result.stderr


def test_good_values_pass_the_checks() -> None:
    from tui.cli.main import build_parser

    args = build_parser().parse_args(
        ["--region", "us-gov-west-1", "--endpoint-url", "https://localhost:4566/path"]
    )
    assert (args.region, args.endpoint_url) == ("us-gov-west-1", "https://localhost:4566/path")


@pytest.mark.secrets
def test_a_failing_credential_process_does_not_print_its_secrets(tmp_path: Path) -> None:
    """botocore quotes a credential_process's error output in its exception; the one line
    acct-tui prints on stderr before giving up masks what looks like a secret."""
    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"
    token = "IQoJb3JpZ2luX2VjEXAMPLEtokenAbc123Def456Ghi789"
    script = tmp_path / "leaky-process"
    script.write_text(
        "#!/bin/sh\n"
        f'echo \'{{"Version": 1, "SecretAccessKey": "{secret}", "SessionToken": "{token}"\' >&2\n'
        "exit 1\n"
    )
    script.chmod(0o700)
    config = tmp_path / "config"
    config.write_text(f"[profile leaky]\ncredential_process = {script}\n")
    env = {
        "AWS_CONFIG_FILE": str(config),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "HOME": str(tmp_path),
    }
    result = run(["-m", "tui", "--profile", "leaky"], env)
    assert result.returncode == 2, result.stderr
    assert "cannot use the AWS configuration" in result.stderr
    for fragment in (secret, token, secret[:20], token[:20]):
        assert fragment not in result.stderr, result.stderr
