"""Shared test infrastructure.

- ``_isolate_aws_env`` (autouse): no test sees the developer's AWS credentials, config or
  the EC2 instance metadata service.
- ``moto_url`` (session) / ``moto_reset`` (function): a moto_server on 127.0.0.1, started
  here, once per pytest process: under pytest-xdist each worker has its own, on a free port,
  stopped by PID at the end of the session (and by the kernel if the worker dies first).
  This is the only place a moto_server is started for tests; ``.ci/run`` starts none.
- ``real_keyring``: the python-keyring backend backed by a real Secret Service. Skips when
  none is reachable, except under ``ACCT_TUI_SECRET_SERVICE=1`` (set by ``.ci/run`` inside
  its D-Bus session), where it fails instead. The Secret Service is one per machine (the
  vault's index is one item in it), so tests that use it hold a lock shared by every worker.
- The fault matrix's cells, recorded in whichever worker ran them, are printed once, by the
  controller, at the end of the run.
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
    # A hang guard, not a speed limit: on a busy machine a reset can take seconds.
    status = _http("POST", f"{url}/moto-api/reset", timeout=MOTO_START_TIMEOUT)
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


# moto.server's main, run by a child that first asks the kernel for SIGTERM when its parent
# (this pytest process) dies: a crashed worker leaves no moto_server behind (Linux only).
_MOTO_MAIN = """
import os, signal, sys
if sys.platform.startswith("linux"):
    import ctypes
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    if os.getppid() != int(sys.argv.pop(1)):
        sys.exit("moto_server: the test process that started it is gone")
else:
    sys.argv.pop(1)
from moto.server import main
main(sys.argv[1:])
"""


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
                [
                    sys.executable,
                    "-c",
                    _MOTO_MAIN,
                    str(os.getpid()),
                    "-H",
                    "127.0.0.1",
                    "-p",
                    str(port),
                ],
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
    """Base URL of this process's own moto_server on 127.0.0.1 (one per xdist worker)."""
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


@pytest.fixture(scope="session")
def _secret_service_lock(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A lock file every xdist worker of this run sees (their temp dirs' common parent)."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    return shared / "secret-service.lock"


@pytest.fixture
def real_keyring(_secret_service_lock: Path) -> Iterator[Any]:
    """The SecretService keyring backend, installed as keyring's backend for the test.

    Only inside .ci/run's throw-away D-Bus session (ACCT_TUI_SECRET_SERVICE=1): on a
    developer's desktop the reachable Secret Service is their real login keyring.
    One test at a time across xdist workers: the vault keeps one index item, which two
    tests saving at once would overwrite.
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
    import fcntl

    import keyring

    with _secret_service_lock.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        previous = keyring.get_keyring()
        keyring.set_keyring(backend)
        try:
            yield backend
        finally:
            keyring.set_keyring(previous)


# ------------------------------------------------------------------------------ fault matrix
FAULT_CELLS = "acct_tui_fault_cells"  # key in an xdist worker's output


def pytest_sessionfinish(session: pytest.Session) -> None:
    """In an xdist worker: hand the fault cells it ran to the controller."""
    output = getattr(session.config, "workeroutput", None)
    if output is not None:
        from tests.support import faults_table

        output[FAULT_CELLS] = faults_table.dump(faults_table.RESULTS)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """In the xdist controller: collect the fault cells a worker ran."""
    rows = getattr(node, "workeroutput", {}).get(FAULT_CELLS)
    if rows:
        from tests.support import faults_table

        faults_table.RESULTS.extend(faults_table.load(rows))


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """Print the fault matrix (tests/wire/test_faults_*.py) when this run recorded cells."""
    if getattr(config, "workeroutput", None) is not None:
        return  # a worker: the controller prints the cells of every worker
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


# ----------------------------------------------------------------------- parallel runs (xdist)
# pyproject.toml runs the suite with ``-n <workers> --dist loadgroup --no-loadscope-reorder``.
# Each module's tests stay together on one worker (its module-scoped servers and state are
# built once there), except in SPLIT modules, whose tests each set up what they use and may
# run side by side on different workers (each worker then builds the module's fixtures for
# itself). Units are handed out longest first, by the rough serial seconds below (measured
# on 2 busy CPUs; a module not listed counts as DEFAULT_SECONDS): only the order depends on
# them, never what runs.
SPLIT = frozenset({"tests/wire/test_faults_app.py", "tests/wire/test_faults_wire.py"})
SECONDS = {
    "tests/wire/test_faults_wire.py::test_every_operation_under_every_fault": 299,
    "tests/wire/test_faults_app.py::test_faults_deleting_users_and_groups": 100,  # per fault
    "tests/wire/test_faults_app.py::test_faults_on_keys_mfa_alias_policy_and_regions": 62,
    "tests/wire/test_faults_app.py::test_faults_creating_users_and_groups": 55,
    "tests/e2e/test_lifecycle.py": 114,
    "tests/app/test_glyph_states.py": 130,
    "tests/app/test_key_grammar.py": 100,
    "tests/app/test_least_privilege.py": 108,
    "tests/wire/test_read_only.py": 103,
    "tests/app/test_themes.py": 102,
    "tests/e2e/test_hostile.py": 81,
    "tests/unit/test_mfa.py": 74,
    "tests/app/test_form_fuzz.py": 71,
    "tests/unit/test_posture.py": 66,
    "tests/e2e/test_read_only_e2e.py": 58,
    "tests/app/test_guide.py": 56,
    "tests/unit/test_guide_steps.py": 49,
    "tests/e2e/test_e2e_tmux.py": 44,
    "tests/app/test_mfa_flows.py": 41,
    "tests/e2e/test_screenshots.py": 39,
    "tests/app/test_alias_regions_flows.py": 38,
    "tests/app/test_create_flows.py": 36,
    "tests/e2e/test_bench_smoke.py": 36,
    "tests/e2e/test_local_hygiene.py": 33,
    "tests/e2e/test_day2_tmux.py": 31,
    "tests/app/test_app.py": 30,
    "tests/app/test_self_protection.py": 30,
    "tests/unit/test_iam_plans.py": 28,
    "tests/e2e/test_demo_sandbox.py": 25,
    "tests/app/test_guide_e2e.py": 23,
}
DEFAULT_SECONDS = 5.0


def _module(item: pytest.Item) -> str:
    return item.nodeid.split("::", 1)[0]


@pytest.hookimpl(tryfirst=True)  # before xdist reads the xdist_group markers
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under ``--dist loadgroup``: one group per module (per test, and per parameter, in
    SPLIT modules), the longest first."""
    if not config.getoption("loadgroup", default=False):
        return
    weight: dict[str, float] = {}
    for item in items:
        module = _module(item)
        group = item.nodeid if module in SPLIT else module
        test = item.nodeid.split("[", 1)[0]
        weight[item.nodeid] = SECONDS.get(test, SECONDS.get(module, DEFAULT_SECONDS))
        item.add_marker(pytest.mark.xdist_group(group))
    items.sort(key=lambda item: -weight[item.nodeid])  # stable: a group keeps its order


@pytest.fixture
def gates() -> Iterator[list[Any]]:
    """A list to put each :class:`tests.support.gates.Gate` in: all are opened at the end."""
    made: list[Any] = []
    yield made
    for gate in made:  # never leave a worker thread waiting
        gate.open()
