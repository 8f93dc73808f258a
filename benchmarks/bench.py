"""acct-tui benchmark: a full refresh of a large account, against the API floor and the
per-user alternatives, with the UI's stalls, memory and start-up.

    pip install -e '.[dev,bench]'
    python benchmarks/bench.py --quick                 # 100 and 1,000 users, < 2 min
    python benchmarks/bench.py                         # 100, 1,000 and 5,000 users
    python benchmarks/bench.py --sizes 5000 --repeat 5 --json bench.json
    python benchmarks/bench.py --org                   # the organization rows alone

By default the run also reads organizations of 10 and 100 member accounts
(``benchmarks/orgbench.py``: calls, time against the concurrency bound, UI stall and memory
while the Accounts view loads); ``--quick`` reads 10 only, ``--org-sizes`` chooses,
``--no-org`` skips them and ``--org`` runs them alone.

For each size a moto_server child process (``benchmarks/server.py``, 127.0.0.1) is seeded
with that many users, then, in alternating repetitions (the order rotates every repetition):

- floor:  the minimal call sequence (docs/ARCHITECTURE.md) with raw boto3 in this process
          (GetCallerIdentity, GetAccountSummary, GetAccountAuthorizationDetails pages of 1000,
          Generate/GetCredentialReport, ListAccountAliases, GetAccountPasswordPolicy,
          ListRegions pages of 50), one thread per part as the app does; responses are
          fetched and parsed by botocore, nothing more.  floor-seq: the same, one by one;
- layer:  ``PostureReader.read_all()`` (tui/aws) in this process;
- app:    the real AcctApp, headless, in a child process (``benchmarks/appchild.py``):
          ``action_refresh()`` until its ``RefreshFinished`` message (every part in, every
          pane populated), plus the stalls of a 10 ms UI timer meanwhile and while typing a
          filter into the Users table;
- naive:  ListUsers, then ListMFADevices, ListAccessKeys, ListGroupsForUser and
          ListAttachedUserPolicies for every user, with raw boto3 in this process.

Once per size: the aws-cli equivalents (when ``aws`` is installed), timed for the
account-wide commands and, per user, on a sample of users and extrapolated.
Once per run: start-up (``acct-tui --version``, time to first frame) and the memory of a
bare Textual app that imports boto3.

Prints a table; ``--json PATH`` writes every figure as one JSON object.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import queue
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import IO, Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# Benchmark this checkout's tui/, installed or not (children get it through PYTHONPATH).
sys.path.insert(0, str(ROOT))
SERVER = HERE / "server.py"
APPCHILD = HERE / "appchild.py"

#: users → groups, as in the issue (IAM's default quotas are 5,000 users and 300 groups).
GROUPS_FOR = {100: 10, 1000: 100, 5000: 300}
AUTH_PAGE = 1000
REGIONS_PAGE = 50
NAIVE_PER_USER = ("list_mfa_devices", "list_access_keys", "list_groups_for_user")
NAIVE_PER_USER += ("list_attached_user_policies",)
PARTS = ("caller", "summary", "details", "report", "aliases", "password_policy", "regions")
PARTS += ("contacts", "mfa_devices", "certificates", "analyzers", "entities", "local_policies")
PARTS += ("org_root", "federation")  # the CIS controls' parts
MANAGED = ("AWSSupportAccess", "AWSCloudShellFullAccess")


def groups_for(users: int) -> int:
    return GROUPS_FOR.get(users, max(1, min(300, users // 10)))


# ----------------------------------------------------------------------------- statistics
def stat(values: Sequence[float], digits: int = 4) -> dict[str, Any]:
    """Median and spread of repeated measurements."""
    if not values:
        return {"median": None, "min": None, "max": None, "n": 0, "values": []}
    return {
        "median": round(statistics.median(values), digits),
        "min": round(min(values), digits),
        "max": round(max(values), digits),
        "n": len(values),
        "values": [round(v, digits) for v in values],
    }


def ratio(a: float | None, b: float | None, digits: int = 2) -> float | None:
    if a is None or not b:
        return None
    return round(a / b, digits)


# ------------------------------------------------------------------------------- children
def child_env() -> dict[str, str]:
    """The environment for every child: none of the user's AWS set-up can leak in."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="us-east-1",
        PYTHONUNBUFFERED="1",
    )
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    # Run as an installed app runs: with its bytecode cached (pip compiles it at install;
    # an editable install writes it on first run). Where PYTHONDONTWRITEBYTECODE is set,
    # acct-tui's own ~30 modules were compiled from source at every start while Textual,
    # installed with its .pyc, was not: start-up figures compared unlike things.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


class LineReader:
    """Reads a child's stdout lines on a thread, so every wait has a timeout."""

    def __init__(self, stream: IO[str]) -> None:
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._thread = threading.Thread(target=self._pump, args=(stream,), daemon=True)
        self._thread.start()

    def _pump(self, stream: IO[str]) -> None:
        for line in stream:
            self._lines.put(line)
        self._lines.put(None)

    def json(self, timeout: float, what: str) -> dict[str, Any]:
        try:
            line = self._lines.get(timeout=timeout)
        except queue.Empty:
            raise RuntimeError(f"{what}: no answer after {timeout:.0f} s") from None
        if line is None:
            raise RuntimeError(f"{what}: the process ended (see its stderr above)")
        answer: dict[str, Any] = json.loads(line)
        return answer


class Child:
    """A child process speaking JSON lines; always stopped by its own PID."""

    def __init__(self, argv: list[str], what: str) -> None:
        self.what = what
        self.proc = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=child_env(),
        )
        assert self.proc.stdout is not None
        self.reader = LineReader(self.proc.stdout)

    def read(self, timeout: float = 120.0) -> dict[str, Any]:
        return self.reader.json(timeout, self.what)

    def ask(self, command: str, timeout: float = 300.0) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        return self.read(timeout)

    def stop(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            if self.proc.stdin is not None:
                self.proc.stdin.close()  # the children exit at EOF
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)


@contextlib.contextmanager
def bench_server(users: int, groups: int) -> Iterator[dict[str, Any]]:
    t0 = time.perf_counter()
    server = Child(
        [sys.executable, str(SERVER), "--users", str(users), "--groups", str(groups)],
        f"bench server ({users} users)",
    )
    try:
        info = server.read(timeout=300)
        info["start_seconds"] = round(time.perf_counter() - t0, 3)
        yield info
    finally:
        server.stop()


# ---------------------------------------------------------------------------- raw boto3
@dataclass
class Raw:
    """Plain boto3 clients on the bench server, counting their calls."""

    endpoint_url: str
    calls: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        import boto3
        from botocore.config import Config

        session = boto3.Session(
            aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
        )
        config = Config(retries={"mode": "standard", "total_max_attempts": 3})
        self.iam = session.client("iam", endpoint_url=self.endpoint_url, config=config)
        self.sts = session.client("sts", endpoint_url=self.endpoint_url, config=config)
        self.account = session.client("account", endpoint_url=self.endpoint_url, config=config)
        self.sso = session.client("sso-admin", endpoint_url=self.endpoint_url, config=config)
        self.session, self.config = session, config
        self.analyzer_clients: dict[str, Any] = {}
        for client in (self.iam, self.sts, self.account, self.sso):
            client.meta.events.register("before-call", self._count)

    def analyzer_client(self, region: str) -> Any:
        with self.lock:
            client = self.analyzer_clients.get(region)
            if client is None:
                client = self.session.client(
                    "accessanalyzer",
                    endpoint_url=self.endpoint_url,
                    region_name=region,
                    config=self.config,
                )
                client.meta.events.register("before-call", self._count)
                self.analyzer_clients[region] = client
            return client

    def _count(self, model: Any, **_: Any) -> None:
        with self.lock:
            self.calls[f"{model.service_model.service_name}:{model.name}"] += 1

    def take_calls(self) -> Counter[str]:
        with self.lock:
            calls, self.calls = self.calls, Counter()
        return calls

    # The floor's parts: each fetches what the matching posture part needs, no more.
    def caller(self) -> Any:
        return self.sts.get_caller_identity()

    def summary(self) -> Any:
        return self.iam.get_account_summary()

    def details(self) -> Any:
        paginator = self.iam.get_paginator("get_account_authorization_details")
        pages = paginator.paginate(Filter=["User", "Group"], PaginationConfig={"PageSize": 1000})
        return list(pages)

    def report(self) -> Any:
        for _ in range(120):
            if self.iam.generate_credential_report().get("State") == "COMPLETE":
                return self.iam.get_credential_report()["Content"]
            time.sleep(0.5)
        raise RuntimeError("the credential report never completed")

    def aliases(self) -> Any:
        return self.iam.list_account_aliases()

    def password_policy(self) -> Any:
        return self.iam.get_account_password_policy()

    def regions(self) -> Any:
        paginator = self.account.get_paginator("list_regions")
        return list(paginator.paginate(PaginationConfig={"PageSize": REGIONS_PAGE}))

    # The CIS controls' parts (tui/aws/control_reads.py), call for call.
    def contacts(self) -> Any:
        try:
            return self.account.get_alternate_contact(AlternateContactType="SECURITY")
        except self.account.exceptions.ResourceNotFoundException:
            return None

    def mfa_devices(self) -> Any:
        paginator = self.iam.get_paginator("list_virtual_mfa_devices")
        return list(
            paginator.paginate(AssignmentStatus="Any", PaginationConfig={"PageSize": AUTH_PAGE})
        )

    def certificates(self) -> Any:
        return list(self.iam.get_paginator("list_server_certificates").paginate())

    def analyzers(self) -> Any:
        on = ("ENABLED", "ENABLED_BY_DEFAULT")
        regions = [
            r["RegionName"]
            for page in self.regions()
            for r in page["Regions"]
            if r["RegionOptStatus"] in on
        ]

        def listed(region: str) -> Any:
            paginator = self.analyzer_client(region).get_paginator("list_analyzers")
            return list(paginator.paginate())

        with ThreadPoolExecutor(max_workers=8) as pool:
            return list(pool.map(listed, regions))

    def entities(self) -> Any:
        paginator = self.iam.get_paginator("list_entities_for_policy")
        return [
            list(paginator.paginate(PolicyArn=f"arn:aws:iam::aws:policy/{name}"))
            for name in MANAGED
        ]

    def local_policies(self) -> Any:
        paginator = self.iam.get_paginator("get_account_authorization_details")
        pages = paginator.paginate(
            Filter=["LocalManagedPolicy"], PaginationConfig={"PageSize": AUTH_PAGE}
        )
        return list(pages)

    def org_root(self) -> Any:
        from botocore.exceptions import ClientError

        try:
            return self.iam.list_organizations_features()
        except ClientError:
            return None  # not in an organization: an answer, as for the app

    def federation(self) -> Any:
        return (
            self.iam.list_saml_providers(),
            self.iam.list_open_id_connect_providers(),
            list(self.sso.get_paginator("list_instances").paginate()),
        )

    def floor(self, concurrent: bool) -> float:
        readers: list[Callable[[], Any]] = [getattr(self, name) for name in PARTS]
        t0 = time.perf_counter()
        if concurrent:
            with ThreadPoolExecutor(max_workers=len(readers)) as pool:
                list(pool.map(lambda read: read(), readers))
        else:
            for read in readers:
                read()
        return time.perf_counter() - t0

    def naive(self) -> float:
        t0 = time.perf_counter()
        names = [
            user["UserName"]
            for page in self.iam.get_paginator("list_users").paginate()
            for user in page["Users"]
        ]
        for name in names:
            for operation in NAIVE_PER_USER:
                getattr(self.iam, operation)(UserName=name)
        return time.perf_counter() - t0


def layer_reader(endpoint_url: str) -> Any:
    from tui.aws.posture import PostureReader
    from tui.aws.session import AwsSession, Settings

    settings = Settings(
        region="us-east-1",
        endpoint_url=endpoint_url,
        access_key_id="testing",
        secret_access_key="testing",
    )
    return PostureReader(AwsSession(settings))


def time_layer(reader: Any) -> tuple[float, Counter[str], list[str]]:
    reader.session.counter.reset()
    t0 = time.perf_counter()
    posture = reader.read_all()
    seconds = time.perf_counter() - t0
    failed = [name for name in PARTS if getattr(posture, name).error is not None]
    return seconds, reader.session.counter.calls(), failed


# -------------------------------------------------------------------------------- aws-cli
def find_aws(explicit: str | None) -> str | None:
    if explicit:
        return explicit
    beside = Path(sys.executable).parent / "aws"
    if beside.exists():
        return str(beside)
    return shutil.which("aws")


def aws_cli_version(aws: str) -> str:
    out = subprocess.run(
        [aws, "--version"], capture_output=True, text=True, env=child_env(), timeout=60
    )
    return (out.stdout or out.stderr).strip().split(" ")[0]


def run_aws(aws: str, endpoint_url: str, *args: str) -> tuple[float, str]:
    argv = [aws, *args, "--endpoint-url", endpoint_url, "--region", "us-east-1"]
    argv += ["--output", "json"]
    t0 = time.perf_counter()
    out = subprocess.run(argv, capture_output=True, text=True, env=child_env(), timeout=600)
    seconds = time.perf_counter() - t0
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {out.stderr.strip()[-300:]}")
    return seconds, out.stdout


CLI_ACCOUNT_WIDE: tuple[tuple[str, ...], ...] = (
    ("sts", "get-caller-identity"),
    ("iam", "get-account-summary"),
    ("iam", "get-account-authorization-details", "--filter", "User", "Group"),
    ("iam", "generate-credential-report"),
    ("iam", "get-credential-report"),
    ("iam", "list-account-aliases"),
    ("iam", "get-account-password-policy"),
    ("account", "list-regions"),
)
CLI_PER_USER = ("list-mfa-devices", "list-access-keys", "list-groups-for-user")
CLI_PER_USER += ("list-attached-user-policies",)


def measure_cli(aws: str, endpoint_url: str, users: int, sample: int) -> dict[str, Any]:
    """The aws-cli commands a user would run: account-wide, and the per-user loop (sampled)."""
    bulk = [run_aws(aws, endpoint_url, *cmd)[0] for cmd in CLI_ACCOUNT_WIDE]
    list_seconds, listing = run_aws(aws, endpoint_url, "iam", "list-users")
    names = [u["UserName"] for u in json.loads(listing)["Users"]]
    step = max(1, len(names) // max(1, sample))
    chosen = names[::step][:sample]
    per_user = []
    for name in chosen:
        t = 0.0
        for command in CLI_PER_USER:
            t += run_aws(aws, endpoint_url, "iam", command, "--user-name", name)[0]
        per_user.append(t)
    mean = statistics.mean(per_user) if per_user else 0.0
    estimate = list_seconds + users * mean
    return {
        "version": aws_cli_version(aws),
        "account_wide": {
            "commands": [" ".join(cmd[:2]) for cmd in CLI_ACCOUNT_WIDE],
            "invocations": len(bulk),
            "seconds": round(sum(bulk), 3),
            "per_command_seconds": [round(b, 3) for b in bulk],
        },
        "per_user_loop": {
            "invocations": 1 + len(CLI_PER_USER) * users,
            "sampled_users": len(chosen),
            "list_users_seconds": round(list_seconds, 3),
            "per_user_seconds": stat(per_user),
            "extrapolated": True,
            "seconds": round(estimate, 2),
            "seconds_min": round(list_seconds + users * min(per_user, default=0.0), 2),
            "seconds_max": round(list_seconds + users * max(per_user, default=0.0), 2),
            "note": (
                f"aws iam list-users, then {len(CLI_PER_USER)} commands per user, timed for "
                f"{len(chosen)} sampled users and extrapolated to {users}: "
                "list-users + users × mean(per-user time)"
            ),
        },
    }


# ------------------------------------------------------------------------------- start-up
def acct_tui_argv() -> list[str]:
    beside = Path(sys.executable).parent / "acct-tui"
    if beside.exists():
        return [str(beside)]
    found = shutil.which("acct-tui")
    return [found] if found else [sys.executable, "-m", "tui"]


def wall(argv: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(argv, capture_output=True, env=child_env(), timeout=120, check=True)
    return time.perf_counter() - t0


def first_frame(kind: str, endpoint_url: str) -> float:
    argv = [sys.executable, str(APPCHILD), "firstframe", "--kind", kind]
    argv += ["--endpoint-url", endpoint_url]
    t0 = time.monotonic()
    child = Child(argv, f"first frame ({kind})")
    try:
        answer = child.read(timeout=120)
    finally:
        child.stop()
    if answer.get("ready_at") is None:
        raise RuntimeError(f"first frame ({kind}): no Ready event")
    return float(answer["ready_at"]) - t0


def measure_startup(runs: int, endpoint_url: str) -> dict[str, Any]:
    version_argv = [*acct_tui_argv(), "--version"]
    version, python_pass, acct, minimal = [], [], [], []
    wall(version_argv)  # warm the page cache and .pyc files
    for _ in range(runs):
        version.append(wall(version_argv))
        python_pass.append(wall([sys.executable, "-c", "pass"]))
    first_frame("acct", endpoint_url)
    first_frame("minimal", endpoint_url)
    for _ in range(runs):
        acct.append(first_frame("acct", endpoint_url))
        minimal.append(first_frame("minimal", endpoint_url))
    result = {
        "version_command": " ".join(Path(a).name for a in version_argv[:-1]),
        "version": stat(version),
        "python_pass": stat(python_pass),
        "first_frame_acct": stat(acct),
        "first_frame_minimal": stat(minimal),
    }
    result["version_over_python"] = ratio(
        result["version"]["median"], result["python_pass"]["median"]
    )
    result["first_frame_ratio"] = ratio(
        result["first_frame_acct"]["median"], result["first_frame_minimal"]["median"]
    )
    return result


def measure_bare() -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, extra in (("bare_textual_boto3_mb", []), ("bare_with_clients_mb", ["--clients"])):
        child = Child([sys.executable, str(APPCHILD), "bare", *extra], "bare app")
        try:
            out[key] = child.read(timeout=120)["peak_rss_mb"]
        finally:
            child.stop()
    return out


# -------------------------------------------------------------------------------- a size
def measure_size(
    users: int,
    repeat: int,
    naive_repeat: int,
    aws: str | None,
    cli_sample: int,
    log: Callable[[str], None],
) -> dict[str, Any]:
    groups = groups_for(users)
    size_t0 = time.perf_counter()
    with bench_server(users, groups) as info:
        url = info["endpoint_url"]
        log(
            f"{users} users / {groups} groups: server up in {info['start_seconds']:.2f} s "
            f"(seed {info['seed_seconds']:.2f} s)"
        )
        raw = Raw(url)
        reader = layer_reader(url)
        # Warm-up, not measured: clients, connection pools, moto's lazy imports.
        raw.floor(concurrent=True)
        raw.take_calls()
        time_layer(reader)

        app = Child([sys.executable, str(APPCHILD), "app", "--endpoint-url", url], "app")
        try:
            ready = app.read(timeout=600)
            if ready.get("errors"):
                raise RuntimeError(f"the app's first refresh failed: {ready['errors']}")
            series: dict[str, list[float]] = {
                k: [] for k in ("floor", "floor_seq", "layer", "app", "app_reported", "naive")
            }
            stalls: dict[str, list[float]] = {
                k: [] for k in ("refresh_max", "refresh_p99", "filter_max", "filter_p99")
            }
            stalls |= {"clear_max": [], "clear_p99": []}
            calls: dict[str, list[Counter[str]]] = {"app": [], "layer": [], "floor": []}
            naive_calls: list[int] = []
            layer_failures: set[str] = set()
            filter_matches = None

            def do_floor() -> None:
                series["floor"].append(raw.floor(concurrent=True))
                calls["floor"].append(raw.take_calls())
                series["floor_seq"].append(raw.floor(concurrent=False))
                raw.take_calls()

            def do_layer() -> None:
                seconds, counted, failed = time_layer(reader)
                series["layer"].append(seconds)
                calls["layer"].append(counted)
                layer_failures.update(failed)

            def do_app() -> None:
                nonlocal filter_matches
                got = app.ask("refresh")
                series["app"].append(got["seconds"])
                series["app_reported"].append(got["reported_seconds"])
                calls["app"].append(Counter(got["calls"]))
                stalls["refresh_max"].append(got["stall"]["max_ms"])
                stalls["refresh_p99"].append(got["stall"]["p99_ms"])
                typed = app.ask("filter")
                filter_matches = typed["matches"]
                stalls["filter_max"].append(typed["stall"]["max_ms"])
                stalls["filter_p99"].append(typed["stall"]["p99_ms"])
                stalls["clear_max"].append(typed["clear_stall"]["max_ms"])
                stalls["clear_p99"].append(typed["clear_stall"]["p99_ms"])

            def do_naive(rep: int) -> None:
                if rep >= naive_repeat:
                    return
                series["naive"].append(raw.naive())
                naive_calls.append(sum(raw.take_calls().values()))

            steps: list[Callable[[int], None]] = [
                lambda rep: do_floor(),
                lambda rep: do_layer(),
                lambda rep: do_app(),
                do_naive,
            ]
            for rep in range(repeat):
                shift = rep % len(steps)
                for step in steps[shift:] + steps[:shift]:
                    step(rep)
                log(
                    f"  rep {rep + 1}/{repeat}: floor {series['floor'][-1]:.3f} s, "
                    f"layer {series['layer'][-1]:.3f} s, app {series['app'][-1]:.3f} s"
                    + (f", naive {series['naive'][-1]:.2f} s" if rep < naive_repeat else "")
                )
            quit_answer = app.ask("quit", timeout=60)
        finally:
            app.stop()

        cli: dict[str, Any]
        if aws is None:
            cli = {"skipped": "aws (awscli) is not installed: pip install -e '.[bench]'"}
        else:
            try:
                cli = measure_cli(aws, url, users, cli_sample)
            except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
                cli = {"skipped": f"aws-cli failed: {exc}"}
            log(f"  aws-cli done ({time.perf_counter() - size_t0:.1f} s into this size)")

    def calls_summary(counted: list[Counter[str]]) -> dict[str, Any]:
        totals = [sum(c.values()) for c in counted]
        last = counted[-1] if counted else Counter()
        return {
            "total": stat([float(t) for t in totals], 1),
            "by_operation": dict(sorted(last.items())),
            "stable": len({tuple(sorted(c.items())) for c in counted}) <= 1,
        }

    app_calls = calls_summary(calls["app"])
    med = {k: stat(v) for k, v in series.items()}
    naive_calls_n = naive_calls[-1] if naive_calls else None
    app_time = med["app"]["median"]
    cli_loop = cli.get("per_user_loop", {}).get("seconds")
    cli_bulk = cli.get("account_wide", {}).get("seconds")
    ratios = {
        "layer_over_floor": ratio(med["layer"]["median"], med["floor"]["median"]),
        "app_over_floor": ratio(med["app"]["median"], med["floor"]["median"]),
        "layer_over_floor_seq": ratio(med["layer"]["median"], med["floor_seq"]["median"]),
        "naive_over_app_time": ratio(med["naive"]["median"], app_time, 1),
        "naive_over_app_calls": ratio(naive_calls_n, app_calls["total"]["median"], 1),
        "awscli_over_app": ratio(cli_loop, app_time, 1),
        "awscli_account_wide_over_app": ratio(cli_bulk, app_time, 1),
    }
    return {
        "users": users,
        "groups": groups,
        "seed": {
            "seconds": info["seed_seconds"],
            "server_start_seconds": info["start_seconds"],
            "facts": info["facts"],
        },
        "repeat": repeat,
        "calls": {
            "app": app_calls,
            "layer": calls_summary(calls["layer"]),
            "floor": calls_summary(calls["floor"]),
        },
        "floor": med["floor"],
        "floor_sequential": med["floor_seq"],
        "layer": med["layer"] | {"failed_parts": sorted(layer_failures)},
        "app": med["app"]
        | {
            "reported_by_app": med["app_reported"],
            "cold_first_refresh_seconds": ready["cold_seconds"],
        },
        "naive": {
            "calls": naive_calls_n,
            "calls_formula": "1 + 4 × users",
            "seconds": med["naive"],
        },
        "awscli": cli,
        "stall": {
            "timer_ms": 10,
            "refresh": {
                "max_ms": stat(stalls["refresh_max"], 1),
                "p99_ms": stat(stalls["refresh_p99"], 1),
            },
            "filter": {
                "text": "user-4",
                "matches": filter_matches,
                "max_ms": stat(stalls["filter_max"], 1),
                "p99_ms": stat(stalls["filter_p99"], 1),
            },
            "filter_clear": {
                "max_ms": stat(stalls["clear_max"], 1),
                "p99_ms": stat(stalls["clear_p99"], 1),
            },
            "cold_refresh": {
                "max_ms": ready["cold_stall"]["max_ms"],
                "p99_ms": ready["cold_stall"]["p99_ms"],
            },
        },
        "memory": {"app_peak_rss_mb": quit_answer["peak_rss_mb"]},
        # Full collections run when the app is idle (2 s without input or a refresh
        # ending): not inside the stall windows, but a pause all the same.
        "idle_full_gc": idle_full_gc(quit_answer["full_collections_ms"]),
        "ratios": ratios,
        "wall_seconds": round(time.perf_counter() - size_t0, 1),
    }


def idle_full_gc(lengths: list[float]) -> dict[str, Any]:
    """The app's own full collections (after the first refresh), in ms.

    Its first one (2 s after the first refresh) also freezes what start-up loaded; each
    later one walks only what came after (the posture, the rows).
    """
    return {
        "count": len(lengths),
        "max_ms": max(lengths, default=0.0),
        "first_ms": lengths[0] if lengths else 0.0,
        "later_max_ms": max(lengths[1:], default=0.0),
        "all_ms": lengths,
    }


# ------------------------------------------------------------------------------- targets
def evaluate_targets(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The issue's targets, each met or missed (and by how much), at the sizes measured."""
    by_users = {s["users"]: s for s in result["sizes"]}
    largest = max(by_users.values(), key=lambda s: s["users"])
    smallest = min(by_users.values(), key=lambda s: s["users"])
    bare = result["memory_baseline"]["bare_textual_boto3_mb"]
    out: list[dict[str, Any]] = []

    def target(name: str, where: str, value: Any, limit: Any, met: bool | None) -> None:
        out.append({"target": name, "at": where, "value": value, "limit": limit, "met": met})

    def at(s: dict[str, Any]) -> str:
        return f"{s['users']} users"

    big = by_users.get(5000, largest)

    def counted(kind: str) -> int:
        # every call but the credential report's polls (how often is up to AWS's pace)
        ops = big["calls"][kind]["by_operation"]
        return sum(n for op, n in ops.items() if not op.endswith("GenerateCredentialReport"))

    target(
        "calls per refresh = the floor's (fixed, + ListAnalyzers per enabled Region)",
        at(big),
        counted("app"),
        counted("floor"),
        counted("app") <= counted("floor"),
    )
    paged = ("iam:GetAccountAuthorizationDetails", "iam:ListVirtualMFADevices")
    pages = {
        s["users"]: sum(s["calls"]["app"]["by_operation"].get(op, 0) for op in paged)
        for s in (smallest, largest)
    }
    other = {
        s["users"]: int(s["calls"]["app"]["total"]["max"]) - pages[s["users"]]
        for s in (smallest, largest)
    }
    target(
        "same calls at every size, give or take pages (auth details, MFA devices)",
        f"{smallest['users']} vs {largest['users']} users",
        f"{other[smallest['users']]}+{pages[smallest['users']]} pages vs "
        f"{other[largest['users']]}+{pages[largest['users']]} pages",
        "equal apart from pages",
        other[smallest["users"]] == other[largest["users"]],
    )
    for s in result["sizes"]:
        r = s["ratios"]
        lf, af = r["layer_over_floor"], r["app_over_floor"]
        target("layer/floor ≤ 1.25", at(s), lf, 1.25, lf is not None and lf <= 1.25)
        target("app/floor ≤ 1.5", at(s), af, 1.5, af is not None and af <= 1.5)
    for kind in ("refresh", "filter"):
        worst = big["stall"][kind]["max_ms"]["max"]
        target(
            f"max UI stall during {kind} ≤ 50 ms (worst repetition)",
            at(big),
            worst,
            50,
            worst is not None and worst <= 50,
        )
    thousand = by_users.get(1000)
    if thousand is not None:
        rc, rt = (
            thousand["ratios"]["naive_over_app_calls"],
            thousand["ratios"]["naive_over_app_time"],
        )
        target("naive/app calls ≥ 50×", at(thousand), rc, 50, rc is not None and rc >= 50)
        target("naive/app time ≥ 10×", at(thousand), rt, 10, rt is not None and rt >= 10)
    else:
        target("naive/app ≥ 50× calls, ≥ 10× time", "1000 users (not measured)", None, None, None)
    ff = result["startup"]["first_frame_ratio"]
    target(
        "first frame ≤ 1.3× a minimal Textual app",
        "start-up",
        ff,
        1.3,
        ff is not None and ff <= 1.3,
    )
    over = round(big["memory"]["app_peak_rss_mb"] - bare, 1)
    target(
        "peak RSS within 60 MB of a bare Textual+boto3 app",
        at(big),
        over,
        60,
        over <= 60,
    )
    return out


# -------------------------------------------------------------------------------- output
def machine() -> dict[str, Any]:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram = None
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = round(int(line.split()[1]) / 1024 / 1024, 1)
    versions = {}
    for dist in ("acct-tui", "textual", "boto3", "botocore", "moto", "awscli"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = None
    return {
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "cpu_count": os.cpu_count(),
        "cpu_model": cpu,
        "ram_gib": ram,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "versions": versions,
    }


def fmt_s(value: float | None) -> str:
    if value is None:
        return "—"
    if value >= 100:
        return f"{value:,.0f} s"
    if value >= 10:
        return f"{value:.1f} s"
    if value >= 1:
        return f"{value:.2f} s"
    return f"{value * 1000:.0f} ms"


def fmt_stat(s: dict[str, Any], unit: str = "s") -> str:
    if s.get("median") is None:
        return "—"
    if unit == "ms":
        return f"{s['median']:.0f} ms ({s['min']:.0f}–{s['max']:.0f})"
    if s["n"] == 1:
        return fmt_s(s["median"])
    return f"{fmt_s(s['median'])} ({fmt_s(s['min'])}–{fmt_s(s['max'])})"


def fmt_x(value: float | None) -> str:
    return "—" if value is None else f"{value:g}×"


def table_rows(result: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    sizes = result["sizes"]
    head = ["", *[f"{s['users']:,} users / {s['groups']} groups" for s in sizes]]
    rows: list[list[str]] = []

    def row(label: str, fn: Callable[[dict[str, Any]], str]) -> None:
        rows.append([label, *[fn(s) for s in sizes]])

    row("seed (in the server process)", lambda s: fmt_s(s["seed"]["seconds"]))
    row("calls per refresh (app)", lambda s: f"{s['calls']['app']['total']['median']:g}")
    row(
        "  of which auth-details pages",
        lambda s: str(
            s["calls"]["app"]["by_operation"].get("iam:GetAccountAuthorizationDetails", 0)
        ),
    )
    row(
        "calls (layer / floor)",
        lambda s: "{:.0f} / {:.0f}".format(
            s["calls"]["layer"]["total"]["median"], s["calls"]["floor"]["total"]["median"]
        ),
    )
    row("floor: raw boto3, concurrent", lambda s: fmt_stat(s["floor"]))
    row("floor: raw boto3, one by one", lambda s: fmt_stat(s["floor_sequential"]))
    row("layer: PostureReader.read_all", lambda s: fmt_stat(s["layer"]))
    row("app: refresh → RefreshFinished", lambda s: fmt_stat(s["app"]))
    row("app: first refresh (cold)", lambda s: fmt_s(s["app"]["cold_first_refresh_seconds"]))
    row("layer/floor", lambda s: fmt_x(s["ratios"]["layer_over_floor"]))
    row("app/floor", lambda s: fmt_x(s["ratios"]["app_over_floor"]))
    row("naive: calls", lambda s: f"{s['naive']['calls']:,}" if s["naive"]["calls"] else "—")
    row("naive: time", lambda s: fmt_stat(s["naive"]["seconds"]))
    row("naive/app calls", lambda s: fmt_x(s["ratios"]["naive_over_app_calls"]))
    row("naive/app time", lambda s: fmt_x(s["ratios"]["naive_over_app_time"]))

    def cli(s: dict[str, Any], part: str) -> str:
        c = s["awscli"]
        if "skipped" in c:
            return "skipped"
        if part == "loop":
            loop = c["per_user_loop"]
            return f"~{fmt_s(loop['seconds'])} (est., {loop['invocations']:,} runs)"
        return f"{fmt_s(c['account_wide']['seconds'])} ({c['account_wide']['invocations']} runs)"

    row("aws-cli: account-wide commands", lambda s: cli(s, "bulk"))
    row("aws-cli: per-user loop", lambda s: cli(s, "loop"))
    row("aws-cli loop/app", lambda s: fmt_x(s["ratios"]["awscli_over_app"]))
    row("aws-cli account-wide/app", lambda s: fmt_x(s["ratios"]["awscli_account_wide_over_app"]))
    row("UI stall, refresh: max", lambda s: fmt_stat(s["stall"]["refresh"]["max_ms"], "ms"))
    row("UI stall, refresh: p99", lambda s: fmt_stat(s["stall"]["refresh"]["p99_ms"], "ms"))
    row("UI stall, typing filter: max", lambda s: fmt_stat(s["stall"]["filter"]["max_ms"], "ms"))
    row("UI stall, typing filter: p99", lambda s: fmt_stat(s["stall"]["filter"]["p99_ms"], "ms"))
    row(
        "UI stall, clearing filter: max",
        lambda s: fmt_stat(s["stall"]["filter_clear"]["max_ms"], "ms"),
    )
    row(
        "UI stall, first refresh: max",
        lambda s: f"{s['stall']['cold_refresh']['max_ms']:.0f} ms",
    )
    row(
        "full GC when idle: first / later",
        lambda s: (
            f"{s['idle_full_gc']['first_ms']:.0f} ms / "
            f"{s['idle_full_gc']['later_max_ms']:.0f} ms ({s['idle_full_gc']['count']} runs)"
        ),
    )
    row(
        "peak RSS (app process)",
        lambda s: (
            f"{s['memory']['app_peak_rss_mb']:.0f} MB "
            f"(+{s['memory']['over_bare_mb']:.0f} MB over bare)"
        ),
    )
    return head, rows


def render_markdown(head: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(" --- " for _ in head) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def render_text(head: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    out = ["  ".join(c.ljust(w) for c, w in zip(head, widths, strict=True)).rstrip()]
    out.append("  ".join("-" * w for w in widths))
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return "\n".join(out)


def summary_lines(result: dict[str, Any]) -> list[str]:
    st, mem, m = result["startup"], result["memory_baseline"], result["machine"]
    lines = [
        f"start-up: {st['version_command']} --version {fmt_stat(st['version'])} vs "
        f"python -c pass {fmt_stat(st['python_pass'])} ({fmt_x(st['version_over_python'])})",
        f"first frame: AcctApp {fmt_stat(st['first_frame_acct'])} vs minimal Textual app "
        f"{fmt_stat(st['first_frame_minimal'])} ({fmt_x(st['first_frame_ratio'])})",
        f"memory baseline: bare Textual app + import boto3 {mem['bare_textual_boto3_mb']:.0f} MB, "
        f"+ STS/IAM/Account clients {mem['bare_with_clients_mb']:.0f} MB",
        f"machine: {m['nproc']} CPUs ({m['cpu_model']}), {m['ram_gib']} GiB RAM, "
        f"Python {m['python']}; textual {m['versions']['textual']}, boto3 "
        f"{m['versions']['boto3']}, moto {m['versions']['moto']}",
    ]
    for s in result["sizes"]:
        ops = ", ".join(f"{op} {n}" for op, n in s["calls"]["app"]["by_operation"].items())
        lines.append(f"calls at {s['users']} users: {ops}")
    for s in result["sizes"]:
        if "skipped" in s["awscli"]:
            lines.append(f"aws-cli at {s['users']} users: {s['awscli']['skipped']}")
        else:
            lines.append(f"aws-cli at {s['users']} users: {s['awscli']['per_user_loop']['note']}")
    return lines


def target_lines(targets: list[dict[str, Any]]) -> list[str]:
    lines = []
    for t in targets:
        mark = {True: "met   ", False: "MISSED", None: "n/a   "}[t["met"]]
        value = f"{t['value']:g}" if isinstance(t["value"], float) else t["value"]
        lines.append(f"  {mark} {t['target']} — {t['at']}: {value} (limit {t['limit']})")
    return lines


# ---------------------------------------------------------------------------------- main
def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python benchmarks/bench.py",
        description="Benchmark acct-tui's refresh against the API floor and per-user scripts.",
    )
    parser.add_argument("--sizes", help="user counts, comma-separated (default 100,1000,5000)")
    parser.add_argument(
        "--quick", action="store_true", help="sizes 100,1000 and fewer repetitions (< 2 min)"
    )
    parser.add_argument("--repeat", type=int, help="repetitions per size (default 5; quick 3)")
    parser.add_argument(
        "--naive-repeat",
        type=int,
        help="repetitions of the per-user naive read (default 3, at most --repeat; quick 2)",
    )
    parser.add_argument(
        "--cli-sample", type=int, help="users sampled for the aws-cli loop (default 3; quick 2)"
    )
    parser.add_argument("--startup-runs", type=int, help="start-up runs (default 5; quick 3)")
    parser.add_argument("--aws", help="the aws executable (default: beside python, or on PATH)")
    parser.add_argument("--no-cli", action="store_true", help="skip the aws-cli measurements")
    parser.add_argument(
        "--org-sizes",
        help="member accounts of the organizations read (default 10,100; quick 10)",
    )
    parser.add_argument(
        "--org", action="store_true", help="only the organization rows (benchmarks/orgbench.py)"
    )
    parser.add_argument("--no-org", action="store_true", help="skip the organization rows")
    parser.add_argument("--json", metavar="PATH", help="write every figure to PATH as JSON")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    args = parser.parse_args(argv)
    default_sizes = "100,1000" if args.quick else "100,1000,5000"
    args.sizes = [int(s.replace("_", "")) for s in (args.sizes or default_sizes).split(",")]
    if any(s < 1 for s in args.sizes):
        parser.error("--sizes must be positive")
    args.repeat = args.repeat or (3 if args.quick else 5)
    if args.naive_repeat is None:
        args.naive_repeat = min(args.repeat, 2 if args.quick else 3)
    args.cli_sample = args.cli_sample or (2 if args.quick else 3)
    args.startup_runs = args.startup_runs or (3 if args.quick else 5)
    if args.org and args.no_org:
        parser.error("--org and --no-org exclude each other")
    default_orgs = "10" if args.quick else "10,100"
    args.org_sizes = (
        []
        if args.no_org
        else [int(s.replace("_", "")) for s in (args.org_sizes or default_orgs).split(",")]
    )
    if any(s < 1 for s in args.org_sizes):
        parser.error("--org-sizes must be positive")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    t0 = time.perf_counter()

    def log(message: str) -> None:
        print(f"[{time.perf_counter() - t0:6.1f} s] {message}", file=sys.stderr, flush=True)

    aws = None if args.no_cli else find_aws(args.aws)
    if aws is None and not args.no_cli:
        log("aws-cli: not installed, skipped (pip install -e '.[bench]')")
    result: dict[str, Any] = {
        "machine": machine(),
        "config": {
            "sizes": args.sizes,
            "groups": [groups_for(u) for u in args.sizes],
            "repeat": args.repeat,
            "naive_repeat": args.naive_repeat,
            "cli_sample": args.cli_sample,
            "startup_runs": args.startup_runs,
            "quick": args.quick,
            "aws": aws,
            "regions": "Account-API ListRegions from tui.demo's stand-in (moto has none)",
            "auth_details_paging": "bench server pages GetAccountAuthorizationDetails as AWS",
        },
        "sizes": [],
    }
    result["config"]["org_sizes"] = args.org_sizes
    result["config"]["org_only"] = args.org
    result["orgs"] = []
    result["targets"] = []
    if not args.org:
        log("memory baseline and start-up")
        result["memory_baseline"] = measure_bare()
        with bench_server(20, 2) as info:
            result["startup"] = measure_startup(args.startup_runs, info["endpoint_url"])
        for users in args.sizes:
            size = measure_size(users, args.repeat, args.naive_repeat, aws, args.cli_sample, log)
            if args.no_cli:
                size["awscli"] = {"skipped": "--no-cli"}
            result["sizes"].append(size)
        bare = result["memory_baseline"]["bare_textual_boto3_mb"]
        for s in result["sizes"]:
            s["memory"]["over_bare_mb"] = round(s["memory"]["app_peak_rss_mb"] - bare, 1)
        result["targets"] = evaluate_targets(result)
    if args.org_sizes:
        import orgbench

        for members in args.org_sizes:
            result["orgs"].append(orgbench.measure_org(members, args.repeat, log))
        result["targets"] += orgbench.org_targets(result["orgs"])
    result["wall_seconds"] = round(time.perf_counter() - t0, 1)

    render = render_markdown if args.markdown else render_text
    if not args.org:
        head, rows = table_rows(result)
        print(render(head, rows))
        print()
    if result["orgs"]:
        head, rows = orgbench.org_table(result["orgs"])
        print(render(head, rows))
        print()
    if not args.org:
        print("\n".join(summary_lines(result)))
    for n, o in enumerate(result["orgs"]):
        if n == 0:
            ops = ", ".join(f"{op} {k}" for op, k in o["calls"]["floor_by_operation"].items())
            print(f"one-account floor in a member ({o['calls']['floor']} calls): {ops}")
        if o["calls"]["differences"]:
            print(f"org of {o['members']}: calls [actual, formula]: {o['calls']['differences']}")
    print("targets:")
    print("\n".join(target_lines(result["targets"])))
    print(f"total {result['wall_seconds']:.1f} s")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
