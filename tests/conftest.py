"""Shared test infrastructure.

- ``_isolate_aws_env`` (autouse): no test sees the developer's AWS credentials, config or
  the EC2 instance metadata service.
- ``moto_url`` (session) / ``moto_reset`` (function): a moto_server on 127.0.0.1. Under
  ``.ci/run`` it is the server named by ``ACCT_TUI_MOTO_URL``; otherwise one is started here.
- ``real_keyring``: the python-keyring backend backed by a real Secret Service. Skips when
  none is reachable, except under ``ACCT_TUI_SECRET_SERVICE=1`` (set by ``.ci/run`` inside
  its D-Bus session), where it fails instead.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

MOTO_URL_ENV = "ACCT_TUI_MOTO_URL"
SECRET_SERVICE_ENV = "ACCT_TUI_SECRET_SERVICE"
MOTO_START_TIMEOUT = 30.0


# --------------------------------------------------------------------------- AWS isolation
@pytest.fixture(autouse=True)
def _isolate_aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Keep the developer's AWS set-up out of every test."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name, raising=False)
    aws_dir = tmp_path / "_aws"
    aws_dir.mkdir(exist_ok=True)
    config = aws_dir / "config"
    credentials = aws_dir / "credentials"
    config.touch()
    credentials.touch()
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    # Textual 8.2 has no environment switch for cursor blinking (only Input/TextArea's
    # ``cursor_blink`` reactive), so nothing is set for it here.


# ------------------------------------------------------------------------------ moto_server
def _http(method: str, url: str, timeout: float = 5.0) -> int:
    request = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    with urllib.request.urlopen(request, timeout=timeout) as response:
        status: int = response.status
        return status


def _moto_answers(url: str) -> bool:
    try:
        return _http("GET", f"{url}/moto-api/", timeout=2.0) == 200
    except (urllib.error.URLError, OSError):
        return False


def _reset_moto(url: str) -> None:
    status = _http("POST", f"{url}/moto-api/reset")
    assert status == 200, f"POST {url}/moto-api/reset answered {status}"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def _start_moto_server(log_dir: Path) -> tuple[subprocess.Popen[bytes], str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"
    last_log = ""
    for attempt in range(3):  # the free port can be taken between probe and bind
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        log_path = log_dir / f"moto_server-{attempt}.log"
        with log_path.open("wb") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
            )
        deadline = time.monotonic() + MOTO_START_TIMEOUT
        while time.monotonic() < deadline and proc.poll() is None:
            if _moto_answers(url):
                return proc, url
            time.sleep(0.1)
        _stop(proc)
        last_log = log_path.read_text(errors="replace")[-2000:]
    raise RuntimeError(f"moto_server did not start on 127.0.0.1; last log:\n{last_log}")


@pytest.fixture(scope="session")
def moto_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a moto_server on 127.0.0.1 (state reset once at session start)."""
    external = os.environ.get(MOTO_URL_ENV)
    if external:
        url = external.rstrip("/")
        _reset_moto(url)
        yield url
        return
    proc, url = _start_moto_server(tmp_path_factory.mktemp("moto_server"))
    try:
        yield url
    finally:
        _stop(proc)


@pytest.fixture
def moto_reset(moto_url: str) -> str:
    """``moto_url`` with all moto state reset before the test."""
    _reset_moto(moto_url)
    return moto_url


# ---------------------------------------------------------------------------- real keyring
def _secret_service_backend() -> tuple[Any, str]:
    """Return (backend, "") if keyring resolves to a usable Secret Service, else (None, why)."""
    try:
        import keyring.core
        from keyring.backends import SecretService, chainer
    except ImportError as exc:
        return None, f"keyring not importable: {exc}"
    try:
        SecretService.Keyring.priority  # noqa: B018  (raises RuntimeError when unusable)
    except RuntimeError as exc:
        return None, f"no Secret Service reachable over D-Bus: {exc}"
    # What keyring itself would pick in this environment (config, env var, priorities).
    backend = keyring.core._detect_backend()
    if isinstance(backend, chainer.ChainerBackend):
        backend = next(iter(backend.backends), backend)
    if not isinstance(backend, SecretService.Keyring):
        return None, f"keyring resolves to {type(backend).__module__}.{type(backend).__name__}"
    # Look at the default collection without unlocking it: an unlock could pop up a prompt.
    try:
        import secretstorage

        with closing(secretstorage.dbus_init()) as conn:
            locked = secretstorage.get_default_collection(conn).is_locked()
    except Exception as exc:  # any failure here is the reason to skip/fail
        return None, f"Secret Service default collection unusable: {type(exc).__name__}: {exc}"
    if locked:
        return None, "the Secret Service default collection is locked"
    return backend, ""


@pytest.fixture
def real_keyring() -> Iterator[Any]:
    """The SecretService keyring backend, installed as keyring's backend for the test.

    Only inside .ci/run's throw-away D-Bus session (ACCT_TUI_SECRET_SERVICE=1): on a
    developer's desktop the reachable Secret Service is their real login keyring.
    """
    if os.environ.get(SECRET_SERVICE_ENV) != "1":
        pytest.skip(f"needs {SECRET_SERVICE_ENV}=1 (a throw-away keyring, as .ci/run sets up)")
    backend, reason = _secret_service_backend()
    if backend is None:
        if os.environ.get(SECRET_SERVICE_ENV) == "1":
            pytest.fail(
                f"{SECRET_SERVICE_ENV}=1 but no usable Secret Service: {reason}", pytrace=False
            )
        pytest.skip(f"real Secret Service not available ({reason})")
    import keyring

    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


# ------------------------------------------------------------------------------ fault matrix
def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """Print the fault matrix (tests/test_faults.py) when this run recorded cells."""
    from tests.support import faults_table

    faults_table.report(terminalreporter, config)


# ------------------------------------------------------------------------------ demo account
@pytest.fixture(scope="module")
def demo(request: pytest.FixtureRequest) -> Iterator[Any]:
    """A seeded demo account (moto_server child + Region stand-in), one per test module.

    A module sets ``DEMO_REGION_DELAY`` (seconds for ENABLING/DISABLING to settle) to
    watch Regions change; the default keeps them still.
    """
    from tui.demo import DemoServer

    server = DemoServer()
    try:
        yield server.start(region_delay=getattr(request.module, "DEMO_REGION_DELAY", 600.0))
    finally:
        server.stop()
