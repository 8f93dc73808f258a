"""The organization rows of the benchmark (issue 18): reading every member account of an
AWS Organization, as the Accounts view does.

Run by ``benchmarks/bench.py``: ``--org-sizes 10,100`` (the default; ``--quick``: 10 only,
``--no-org``: none), or ``--org`` for these rows alone::

    python benchmarks/bench.py --org                    # 10 and 100 member accounts
    python benchmarks/bench.py --org --org-sizes 100 --repeat 5 --json org.json

For each size N, a moto_server child (``benchmarks/server.py --org N``) is seeded with an
organization: the management account (20 users) and N member accounts of 5 users each, in
four OUs below Root (``Root/{Security, Workloads/{Prod, Dev}, Sandbox}``). A scan reads
A = N + 1 accounts (the management account with its own credentials, each member through
OrganizationAccountAccessRole). Then, in repetitions whose order rotates:

- one account: :meth:`tui.aws.org.OrgScan.read` of a few members one at a time (AssumeRole,
  the one-account read, its checks): the unit of work a scan runs eight at a time;
- scan: :class:`tui.aws.org.OrgReader` lists the organization (timed apart) and
  :meth:`OrgScan.scan` reads every account, eight at a time, in this process; every call
  is counted, and the CPU time of this process and of the server process over the scan is
  taken from the kernel;
- app: the real AcctApp, headless in its own process (``benchmarks/appchild.py org``),
  opens the Accounts view (what ``o`` does; later repetitions: ``r``) and waits for every
  row; the gaps of a 10 ms UI timer meanwhile, the UI thread's CPU time, and the process's
  peak RSS before and after.

Figures:

- calls: the scan's calls (OrgScan.calls) and the listing's (Organization.calls) against
  A × the one-account floor (the calls of one ``PostureReader.read_all`` of a member, its
  credential-report polls aside) + N × sts:AssumeRole + DescribeOrganization + the
  ListAccounts pages (20 accounts a page, as AWS) + the OU walk (ListRoots, and per parent
  a page of ListAccountsForParent and of ListOrganizationalUnitsForParent per 20);
- time: the scan's wall time over A × one account's time / 8 (the concurrency bound; with
  fewer than 8 accounts, over one account's time);
- UI stall and UI thread CPU while the A accounts load in the app;
- memory: the app's peak RSS after its first scan minus before it, per account read; and
  its RSS after a full collection, after minus before, per account (what the view keeps).
"""

from __future__ import annotations

import contextlib
import math
import os
import resource
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from bench import APPCHILD, ROOT, SERVER, Child, ratio, stat

sys.path.insert(0, str(ROOT))

from tui.aws.org_permissions import DEFAULT_CONCURRENCY  # noqa: E402

#: Polled while AWS builds the report: how often is up to AWS, not to acct-tui.
POLLED = "iam:GenerateCredentialReport"
MANAGEMENT_USERS, MANAGEMENT_GROUPS = 20, 2
MEMBER_USERS, MEMBER_GROUPS = 5, 2
#: Members read one at a time per repetition for the one-account time.
SINGLE_SAMPLE = 5
SCAN_TIMEOUT = 900.0


@contextlib.contextmanager
def org_server(members: int) -> Iterator[dict[str, Any]]:
    argv = [sys.executable, str(SERVER), "--users", str(MANAGEMENT_USERS)]
    argv += ["--groups", str(MANAGEMENT_GROUPS), "--org", str(members)]
    argv += ["--member-users", str(MEMBER_USERS), "--member-groups", str(MEMBER_GROUPS)]
    t0 = time.perf_counter()
    server = Child(argv, f"bench server (organization of {members})")
    try:
        info = server.read(timeout=300)
        info["start_seconds"] = round(time.perf_counter() - t0, 3)
        yield info
    finally:
        server.stop()


def base_service(endpoint_url: str) -> Any:
    from tui.aws.service import AccountService
    from tui.aws.session import Settings

    return AccountService(
        Settings(
            region="us-east-1",
            endpoint_url=endpoint_url,
            access_key_id="testing",
            secret_access_key="testing",
        )
    )


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) the process ``pid`` has used so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def expected_listing(org: dict[str, Any]) -> dict[str, int]:
    """The organizations:* calls of OrgReader.read() for the seeded organization."""
    page = org["page"]

    def pages(items: int, size: int) -> int:
        return max(1, math.ceil(items / size))  # an empty list is one (empty) page

    parents = org["parents"]
    return {
        "organizations:DescribeOrganization": 1,
        "organizations:ListAccounts": pages(org["accounts"], org["list_accounts_page"]),
        "organizations:ListRoots": 1,
        "organizations:ListAccountsForParent": sum(pages(p["accounts"], page) for p in parents),
        "organizations:ListOrganizationalUnitsForParent": sum(
            pages(p["ous"], page) for p in parents
        ),
    }


def without_polls(calls: Counter[str]) -> Counter[str]:
    return Counter({op: n for op, n in calls.items() if op != POLLED})


def measure_org(members: int, repeat: int, log: Callable[[str], None]) -> dict[str, Any]:
    from tui.aws.org import OrgReader, OrgScan

    size_t0 = time.perf_counter()
    bound = DEFAULT_CONCURRENCY
    with org_server(members) as info:
        url, org_facts, server_pid = info["endpoint_url"], info["org"], int(info["pid"])
        log(
            f"organization of {members}: server up in {info['start_seconds']:.2f} s "
            f"(organization seeded in {org_facts['seed_seconds']:.2f} s)"
        )
        base = base_service(url)
        listing_t0 = time.perf_counter()
        organization = OrgReader(base.session).read()
        listing_seconds = time.perf_counter() - listing_t0
        listing_calls = base.counter.calls()
        accounts = organization.accounts
        management = organization.management_account_id
        member_accounts = [a for a in accounts if a.id != management]
        if len(accounts) != members + 1:
            raise RuntimeError(f"listed {len(accounts)} accounts, seeded {members + 1}")

        # The one-account floor: one read_all of a member, through its role, counted alone.
        probe = OrgScan(base, caller_account=management).service_for(member_accounts[0].id)
        probe.session.assume()
        probe.counter.reset()
        probe.reader.read_all()  # warm-up: clients, models, the server's lazy imports
        probe.counter.reset()
        t0 = time.perf_counter()
        probe.reader.read_all()
        read_all_seconds = time.perf_counter() - t0
        floor = without_polls(probe.counter.calls())
        probe.session.close()

        app = Child([sys.executable, str(APPCHILD), "org", "--endpoint-url", url], "app (org)")
        try:
            ready = app.read(timeout=600)
            if ready.get("errors"):
                raise RuntimeError(f"the app's first refresh failed: {ready['errors']}")
            single: list[float] = []
            read_all_times = [read_all_seconds]
            scans: list[float] = []
            listings: list[float] = []
            scan_calls: list[Counter[str]] = []
            scan_errors: list[int] = []
            server_cpu: list[float] = []
            driver_cpu: list[float] = []
            app_answers: list[dict[str, Any]] = []
            sample_at = [0]

            def do_single() -> None:
                scan = OrgScan(base, caller_account=management, concurrency=1)
                for _ in range(min(SINGLE_SAMPLE, len(member_accounts))):
                    account = member_accounts[sample_at[0] % len(member_accounts)]
                    sample_at[0] += 1
                    t0 = time.perf_counter()
                    read = scan.read(account)
                    single.append(time.perf_counter() - t0)
                    if read.error is not None:
                        raise RuntimeError(f"{account.id}: {read.problem()}")

            def do_scan() -> None:
                base.counter.reset()
                scan = OrgScan(base, caller_account=management, concurrency=bound)
                t0 = time.perf_counter()
                listed = OrgReader(base.session).read()
                listings.append(time.perf_counter() - t0)
                s0, d0, t0 = process_cpu(server_pid), own_cpu(), time.perf_counter()
                reads = scan.scan(listed.accounts)
                seconds = time.perf_counter() - t0
                server_cpu.append(process_cpu(server_pid) - s0)
                driver_cpu.append(own_cpu() - d0)
                scans.append(seconds)
                calls = scan.calls + base.counter.calls()
                if sum(base.counter.calls().values()) != listed.calls:
                    raise RuntimeError("the listing's own count differs from the counter's")
                scan_calls.append(calls)
                scan_errors.append(sum(r.error is not None for r in reads))

            def do_app() -> None:
                answer = app.ask("scan", timeout=SCAN_TIMEOUT)
                if answer.get("event") != "scan":
                    raise RuntimeError(f"the app's scan: {answer}")
                app_answers.append(answer)

            steps = [do_single, do_scan, do_app]
            do_single()  # warm-up, not measured
            single.clear()
            for rep in range(repeat):
                shift = rep % len(steps)
                for step in steps[shift:] + steps[:shift]:
                    step()
                log(
                    f"  rep {rep + 1}/{repeat}: one account {single[-1]:.3f} s, "
                    f"scan {scans[-1]:.2f} s, app {app_answers[-1]['seconds']:.2f} s "
                    f"(stall max {app_answers[-1]['stall']['max_ms']:.0f} ms)"
                )
            quit_answer = app.ask("quit", timeout=60)
        finally:
            app.stop()

    accounts_n = members + 1
    expected = Counter({op: n * accounts_n for op, n in floor.items()})
    expected["sts:AssumeRole"] = members
    expected.update(expected_listing(org_facts))
    actual = without_polls(scan_calls[0])
    polls = [c[POLLED] for c in scan_calls]
    med = {
        "single": stat(single),
        "read_all": stat(read_all_times),
        "scan": stat(scans),
        "app": stat([a["seconds"] for a in app_answers]),
    }
    # A × one account / the bound (fewer accounts than the bound: all of them at once).
    ideal = (
        accounts_n * med["single"]["median"] / min(bound, accounts_n)
        if med["single"]["median"]
        else None
    )
    sequential = accounts_n * med["single"]["median"] if med["single"]["median"] else None
    first = app_answers[0]
    rss_before, rss_after = ready["peak_rss_mb"], first["peak_rss_mb"]
    return {
        "members": members,
        "accounts": accounts_n,
        "concurrency": bound,
        "seed": {
            "seconds": org_facts["seed_seconds"],
            "server_start_seconds": info["start_seconds"],
            "member_users": org_facts["member_users"],
            "member_groups": org_facts["member_groups"],
            "management_users": MANAGEMENT_USERS,
            "parents": org_facts["parents"],
        },
        "repeat": repeat,
        "calls": {
            "actual": sum(actual.values()),
            "expected": sum(expected.values()),
            "met": actual == expected,
            "by_operation": dict(sorted(actual.items())),
            "expected_by_operation": dict(sorted(expected.items())),
            "differences": {
                op: [actual[op], expected[op]]
                for op in sorted(set(actual) | set(expected))
                if actual[op] != expected[op]
            },
            "floor": sum(floor.values()),
            "floor_by_operation": dict(sorted(floor.items())),
            "assume_role": scan_calls[0]["sts:AssumeRole"],
            "listing": sum(expected_listing(org_facts).values()),
            "listing_by_operation": dict(sorted(listing_calls.items())),
            "report_polls": polls,
            "stable": len({tuple(sorted(without_polls(c).items())) for c in scan_calls}) <= 1,
        },
        "listing": stat(listings) | {"first_seconds": round(listing_seconds, 4)},
        "single": med["single"],
        "read_all": med["read_all"],
        "scan": med["scan"] | {"failed_accounts": max(scan_errors)},
        "ideal_seconds": round(ideal, 4) if ideal else None,
        "sequential_seconds": round(sequential, 4) if sequential else None,
        "ratios": {
            "scan_over_ideal": ratio(med["scan"]["median"], ideal),
            "sequential_over_scan": ratio(sequential, med["scan"]["median"]),
            "app_over_scan": ratio(med["app"]["median"], med["scan"]["median"]),
        },
        "cpu": {
            # CPU seconds over a scan, and as a share of its wall time (1.0 = one CPU busy).
            "server_seconds": stat(server_cpu, 3),
            "driver_seconds": stat(driver_cpu, 3),
            "server_share": ratio(statistics_median(server_cpu), med["scan"]["median"]),
            "driver_share": ratio(statistics_median(driver_cpu), med["scan"]["median"]),
        },
        "app": med["app"]
        | {
            "reads": [a["reads"] for a in app_answers],
            "failed": max(a["failed"] for a in app_answers),
        },
        "stall": {
            "timer_ms": 10,
            "max_ms": stat([a["stall"]["max_ms"] for a in app_answers], 1),
            "p99_ms": stat([a["stall"]["p99_ms"] for a in app_answers], 1),
            "largest": [a["stall"]["largest"] for a in app_answers],
        },
        "ui_cpu_ms": stat([a["ui_cpu_ms"] for a in app_answers], 1),
        "memory": {
            "peak_rss_before_mb": rss_before,
            "peak_rss_after_first_scan_mb": rss_after,
            "peak_rss_after_all_mb": quit_answer["peak_rss_mb"],
            "per_account_kb": round((rss_after - rss_before) * 1024 / accounts_n, 1),
            # What stays once the reads are over (after a full collection), per account.
            "rss_before_mb": ready["rss_mb"],
            "rss_after_first_scan_mb": first["rss_mb"],
            "kept_per_account_kb": round(
                (first["rss_mb"] - ready["rss_mb"]) * 1024 / accounts_n, 1
            ),
        },
        "wall_seconds": round(time.perf_counter() - size_t0, 1),
    }


def statistics_median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


# ------------------------------------------------------------------------------- targets
def org_targets(orgs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The issue's organization targets, met or missed, at each size measured."""
    out: list[dict[str, Any]] = []

    def target(name: str, where: str, value: Any, limit: Any, met: bool | None) -> None:
        out.append({"target": name, "at": where, "value": value, "limit": limit, "met": met})

    for o in orgs:
        at = f"organization of {o['members']} (+ management)"
        c = o["calls"]
        target(
            "org calls = accounts × floor + members × AssumeRole + ListAccounts pages + OU walk",
            at,
            f"{c['actual']} ({o['accounts']} × {c['floor']} + {o['members']} + {c['listing']} "
            f"= {c['expected']})",
            "equal, per operation",
            c["met"],
        )
        r = o["ratios"]["scan_over_ideal"]
        target(
            f"org scan ≤ 1.5 × accounts × one account / {o['concurrency']}",
            at,
            r,
            1.5,
            r is not None and r <= 1.5,
        )
        worst = o["stall"]["max_ms"]["max"]
        target(
            "max UI stall while the accounts load ≤ 50 ms (worst repetition)",
            at,
            worst,
            50,
            worst is not None and worst <= 50,
        )
    return out


# -------------------------------------------------------------------------------- output
def org_table(orgs: list[dict[str, Any]]) -> tuple[list[str], list[list[str]]]:
    from bench import fmt_s, fmt_stat, fmt_x

    head = ["", *[f"{o['members']} member accounts (+ management)" for o in orgs]]
    rows: list[list[str]] = []

    def row(label: str, fn: Callable[[dict[str, Any]], str]) -> None:
        rows.append([label, *[fn(o) for o in orgs]])

    row("seed the organization (in the server)", lambda o: fmt_s(o["seed"]["seconds"]))
    row(
        "calls per scan (expected)",
        lambda o: f"{o['calls']['actual']:,} ({o['calls']['expected']:,})",
    )
    row(
        "  = accounts × floor + AssumeRole + listing",
        lambda o: (
            f"{o['accounts']} × {o['calls']['floor']} + {o['calls']['assume_role']} "
            f"+ {o['calls']['listing']}"
        ),
    )
    row("list the organization (OrgReader.read)", lambda o: fmt_stat(o["listing"]))
    row("one account: OrgScan.read, one at a time", lambda o: fmt_stat(o["single"]))
    row("  of which read_all (once)", lambda o: fmt_stat(o["read_all"]))
    row(
        f"scan: every account, {orgs[0]['concurrency'] if orgs else 8} at a time (OrgScan.scan)",
        lambda o: fmt_stat(o["scan"]),
    )
    row(
        "scan / (accounts × one account / 8)",
        lambda o: fmt_x(o["ratios"]["scan_over_ideal"]),
    )
    row("speed-up over one at a time", lambda o: fmt_x(o["ratios"]["sequential_over_scan"]))
    row(
        "CPU during a scan: server / bench process",
        lambda o: (
            f"{fmt_s(o['cpu']['server_seconds']['median'])} / "
            f"{fmt_s(o['cpu']['driver_seconds']['median'])} "
            f"({fmt_x(o['cpu']['server_share'])} / {fmt_x(o['cpu']['driver_share'])} of a CPU)"
        ),
    )
    row("app: Accounts view, every row read", lambda o: fmt_stat(o["app"]))
    row("UI stall while loading: max", lambda o: fmt_stat(o["stall"]["max_ms"], "ms"))
    row("UI stall while loading: p99", lambda o: fmt_stat(o["stall"]["p99_ms"], "ms"))
    row("UI thread CPU while loading", lambda o: fmt_stat(o["ui_cpu_ms"], "ms"))
    row(
        "peak RSS: before → after the first scan",
        lambda o: (
            f"{o['memory']['peak_rss_before_mb']:.0f} → "
            f"{o['memory']['peak_rss_after_first_scan_mb']:.0f} MB"
        ),
    )
    row("peak RSS per account read", lambda o: f"{o['memory']['per_account_kb']:.0f} KB")
    row(
        "RSS kept after the scan (idle collection), per account",
        lambda o: f"{o['memory']['kept_per_account_kb']:.0f} KB",
    )
    return head, rows
