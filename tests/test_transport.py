"""Transport: ``--endpoint-url http://…`` only to this machine, unless the person accepts it.

Through ``tui.cli.main`` as a user runs it: a plain http endpoint on another host is a
usage error that names the fix; loopback addresses and ``localhost`` pass; with
``--allow-insecure-endpoint`` a warning goes to stderr and the running app shows a
PLAIN HTTP badge in its header and a notification. No test sends a packet anywhere but
127.0.0.1: the app under test reaches its "remote" endpoint through an HTTP proxy
variable pointing at a closed local port.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tui.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[1]

REMOTE = [
    "http://10.1.2.3:4566",
    "http://192.168.0.10",
    "http://aws.example.test:4566/",
    "http://127.0.0.1.example.test:5000",  # a name that merely starts like a loopback
    "http://[fe80::1]:4566",
    "http://[::ffff:10.0.0.1]:4566",
    "HTTP://10.1.2.3",
]
LOOPBACK = [
    "http://127.0.0.1:5000",
    "http://127.45.6.7:5000",
    "http://[::1]:5000",
    "http://localhost:4566",
    "http://LOCALHOST:4566/",
    "https://10.1.2.3:4566",  # https anywhere
    "https://aws.example.test",
]


def host_of(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).hostname or ""


@pytest.mark.parametrize("url", REMOTE)
def test_plain_http_to_another_host_is_a_usage_error_naming_the_fix(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--endpoint-url", url])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: acct-tui"), err
    last = err.strip().splitlines()[-1]
    assert last.startswith("acct-tui: error: --endpoint-url "), last
    assert f"plain http to {host_of(url)}" in last, last
    assert "unencrypted" in last
    assert "use https://" in last and "--allow-insecure-endpoint" in last, last


@pytest.mark.parametrize("url", LOOPBACK)
def test_loopback_and_https_pass_the_transport_check(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # No credentials in the test environment: past the check, the run stops there.
    assert main(["--endpoint-url", url]) == 2
    err = capsys.readouterr().err
    assert "no AWS credentials found" in err, err
    assert "plain http" not in err and "usage:" not in err, err


def test_allow_insecure_endpoint_warns_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--endpoint-url", "http://10.1.2.3:4566", "--allow-insecure-endpoint"]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines[0].startswith("acct-tui: warning: plain http to 10.1.2.3"), lines
    assert "unencrypted" in lines[0]
    assert "no AWS credentials found" in lines[-1]  # and on it went


def test_help_documents_the_flag() -> None:
    text = " ".join(build_parser().format_help().split())
    assert "--allow-insecure-endpoint" in text
    assert "127.0.0.0/8, ::1 or localhost" in text


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


def test_the_app_shows_plain_http_in_its_header_and_a_notification(tmp_path: Path) -> None:
    """The installed way in (``python -m tui``) under a real terminal would do; here the
    app runs headless in a child process, its AWS calls sent to a closed local proxy."""
    script = tmp_path / "probe.py"
    script.write_text(
        """
import asyncio, sys
from tui.app import AcctApp
from tui.aws.service import AccountService
from tui.aws.session import Settings

async def probe():
    settings = Settings(
        region="us-east-1", endpoint_url=sys.argv[1],
        access_key_id="testing", secret_access_key="testing", read_timeout=1.0,
    )
    app = AcctApp(AccountService(settings), open_guide=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause(0.5)
        print("HEADER=" + str(app.query_one("#account-header").render()))
        for n in app._notifications:
            print("NOTE=" + n.title + ": " + n.message)
        app.exit()

asyncio.run(probe())
"""
    )
    proxy = f"http://127.0.0.1:{_closed_port()}"
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(ROOT),
        "HOME": str(tmp_path),
        "HTTP_PROXY": proxy,
        "http_proxy": proxy,
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    result = subprocess.run(
        [sys.executable, str(script), "http://aws.example.test:4566"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    header = next(line for line in result.stdout.splitlines() if line.startswith("HEADER="))
    assert "PLAIN HTTP" in header, result.stdout
    notes = [line for line in result.stdout.splitlines() if line.startswith("NOTE=")]
    assert any("plain http to aws.example.test" in n and "unencrypted" in n for n in notes), (
        result.stdout
    )
