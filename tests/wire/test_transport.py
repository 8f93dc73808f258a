"""Transport: ``--endpoint-url http://…`` only to this machine, unless the person accepts it.

Through ``tui.cli.main.main`` as a user runs it: a plain http endpoint on another host is a
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
from typing import Any

import pytest

from tui.cli.main import build_parser, main

ROOT = Path(__file__).resolve().parents[2]

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
from tests.support.app import make_app
from tui.aws.service import AccountService
from tui.aws.session import Settings

async def probe():
    settings = Settings(
        region="us-east-1", endpoint_url=sys.argv[1],
        access_key_id="testing", secret_access_key="testing", read_timeout=1.0,
    )
    app = make_app(AccountService(settings), vault=None)
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


# ------------------------------------------------------------------ every way to an endpoint
# botocore ≥ 1.31 takes an endpoint from AWS_ENDPOINT_URL(_<SERVICE>), a profile's
# endpoint_url and its [services] section, and sends http through HTTP_PROXY: none of these
# passes the command line's check, so the check is at the wire, on the URL each request is
# sent to. The "remote" host below is ``127.1``: inet_aton's short spelling of 127.0.0.1,
# which the check cannot know for a loopback address (it is not one to ``ipaddress``), so
# it stands in for another machine while every packet stays on this one.


class _Listener:
    """A TCP listener on 127.0.0.1 that records whether anything connected."""

    def __init__(self) -> None:
        import threading

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port: int = self.sock.getsockname()[1]
        self.requests: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(5)
                try:
                    self.requests.append(conn.recv(65536))
                except OSError:
                    self.requests.append(b"")
                # No answer: the client's attempt fails, which is all the test needs.

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.close()


@pytest.fixture
def listener() -> Any:
    found = _Listener()
    yield found
    found.close()


def _call_sts(settings_kwargs: dict[str, Any]) -> BaseException | None:
    from tui.aws.session import AwsSession, Settings

    session = AwsSession(
        Settings(
            region="us-east-1",
            access_key_id="AKIAIOSFODNN7EXAMPLE",
            secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            read_timeout=1.0,
            **settings_kwargs,
        )
    )
    from botocore.config import Config

    session._config = session._config.merge(Config(retries={"total_max_attempts": 1}))
    try:
        session.sts().get_caller_identity()
    except Exception as exc:  # noqa: BLE001 - the test looks at it
        return exc
    return None


@pytest.mark.parametrize(
    "route", ["AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS", "profile", "services"]
)
def test_plain_http_endpoint_from_env_or_profile_is_refused_before_sending(
    route: str, listener: _Listener, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url = f"http://127.1:{listener.port}"
    if route.startswith("AWS_"):
        monkeypatch.setenv(route, url)
    else:
        config = tmp_path / "endpoint-config"
        if route == "profile":
            config.write_text(f"[default]\nendpoint_url = {url}\n")
        else:
            config.write_text(
                f"[default]\nservices = far\n\n[services far]\nsts =\n  endpoint_url = {url}\n"
            )
        monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    exc = _call_sts({})
    assert listener.requests == [], "a plain http request left for another host"
    assert exc is not None and "plain http to 127.1" in str(exc), exc
    assert "--allow-insecure-endpoint" in str(exc)


def test_plain_http_through_a_proxy_on_another_host_is_refused(
    listener: _Listener, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A loopback http endpoint reached through HTTP_PROXY crosses the network in clear."""
    proxy = f"http://127.1:{listener.port}"
    monkeypatch.setenv("HTTP_PROXY", proxy)
    monkeypatch.setenv("http_proxy", proxy)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    exc = _call_sts({"endpoint_url": f"http://127.0.0.1:{_closed_port()}"})
    assert listener.requests == [], "a plain http request left for a proxy on another host"
    assert exc is not None and "plain http to 127.1" in str(exc), exc


def test_allow_insecure_endpoint_lets_the_env_endpoint_through(
    listener: _Listener, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.1:{listener.port}")
    _call_sts({"allow_insecure_endpoint": True})
    assert listener.requests and b"Host: 127.1:" in listener.requests[0]


def test_an_endpoint_whose_parsers_disagree_on_the_host_is_refused(
    listener: _Listener, capsys: pytest.CaptureFixture[str]
) -> None:
    """urlsplit reads the host after the last '@'; urllib3, which connects, stops at '\\'.
    ``http://127.1:P\\@127.0.0.1:9/`` passed as loopback and connected to 127.1:P."""
    url = f"http://127.1:{listener.port}\\@127.0.0.1:9/"
    with pytest.raises(SystemExit) as exit_info:
        main(["--endpoint-url", url])
    assert exit_info.value.code == 2
    assert "plain http to" in capsys.readouterr().err
    # and at the wire, for a Settings built without the command line
    exc = _call_sts({"endpoint_url": url})
    assert listener.requests == [], "the request went to the host urllib3 read"
    assert exc is not None and "plain http to" in str(exc), exc
