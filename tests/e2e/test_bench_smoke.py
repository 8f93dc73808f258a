"""benchmarks/bench.py runs end to end at the smallest sizes and its JSON has every figure.

No timing is asserted (machines are noisy): only that every section holds numbers, that a
refresh costs the same calls at 20 and 60 users, and the exact per-user "naive" count; and
that the organization rows (``--org``) read every account of a two-member organization, in
the app too, at exactly accounts × floor + AssumeRole + listing calls.
"""

from __future__ import annotations

import json
import subprocess
import sys
from numbers import Real
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "benchmarks" / "bench.py"
SIZES = (20, 60)


def _number(value: Any) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)


def _stat(section: dict[str, Any]) -> None:
    assert section["n"] >= 1
    for key in ("median", "min", "max"):
        assert _number(section[key]), section
    assert section["min"] <= section["median"] <= section["max"]


@pytest.mark.server
def test_bench_runs_and_reports_every_section(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    argv = [sys.executable, str(BENCH), "--sizes", ",".join(map(str, SIZES)), "--repeat", "1"]
    argv += ["--cli-sample", "1", "--startup-runs", "1", "--no-org", "--json", str(out)]
    run = subprocess.run(argv, capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "calls per refresh" in run.stdout
    result = json.loads(out.read_text())

    assert result["machine"]["nproc"] >= 1
    startup = result["startup"]
    for key in ("version", "python_pass", "first_frame_acct", "first_frame_minimal"):
        _stat(startup[key])
    assert _number(startup["version_over_python"])
    assert _number(startup["first_frame_ratio"])
    baseline = result["memory_baseline"]
    assert _number(baseline["bare_textual_boto3_mb"])
    assert _number(baseline["bare_with_clients_mb"])

    sizes = {s["users"]: s for s in result["sizes"]}
    assert sorted(sizes) == list(SIZES)
    for users, s in sizes.items():
        for who in ("app", "layer", "floor"):
            _stat(s["calls"][who]["total"])
            assert s["calls"][who]["by_operation"], who
        for key in ("floor", "floor_sequential", "layer", "app"):
            _stat(s[key])
        assert s["layer"]["failed_parts"] == []
        assert _number(s["app"]["cold_first_refresh_seconds"])
        assert s["naive"]["calls"] == 1 + 4 * users
        _stat(s["naive"]["seconds"])
        for kind in ("refresh", "filter", "filter_clear"):
            _stat(s["stall"][kind]["max_ms"])
            _stat(s["stall"][kind]["p99_ms"])
        assert _number(s["stall"]["cold_refresh"]["max_ms"])
        assert _number(s["memory"]["app_peak_rss_mb"])
        assert _number(s["memory"]["over_bare_mb"])
        gcs = s["idle_full_gc"]
        assert isinstance(gcs["count"], int) and len(gcs["all_ms"]) == gcs["count"]
        for key in ("max_ms", "first_ms", "later_max_ms"):
            assert _number(gcs[key]), key
        assert _number(s["seed"]["seconds"])
        cli = s["awscli"]
        ratios = ["layer_over_floor", "app_over_floor", "layer_over_floor_seq"]
        ratios += ["naive_over_app_time", "naive_over_app_calls"]
        if "skipped" in cli:  # aws-cli not installed: said so, and no CLI ratio
            assert cli["skipped"]
            assert s["ratios"]["awscli_over_app"] is None
        else:
            assert _number(cli["account_wide"]["seconds"])
            assert cli["per_user_loop"]["invocations"] == 1 + 4 * users
            assert cli["per_user_loop"]["extrapolated"] is True
            assert _number(cli["per_user_loop"]["seconds"])
            ratios += ["awscli_over_app", "awscli_account_wide_over_app"]
        for name in ratios:
            assert _number(s["ratios"][name]), name

    # The account-wide reads do not grow with users (both sizes fit one page of 1000).
    small, large = (sizes[u]["calls"] for u in SIZES)
    for who in ("app", "layer", "floor"):
        assert small[who]["by_operation"] == large[who]["by_operation"], who
    assert small["app"]["by_operation"] == small["layer"]["by_operation"]

    assert result["targets"]
    assert all(set(t) >= {"target", "at", "value", "limit", "met"} for t in result["targets"])


@pytest.mark.server
def test_org_bench_reads_every_account_at_the_formula_s_calls(tmp_path: Path) -> None:
    out = tmp_path / "org.json"
    argv = [sys.executable, str(BENCH), "--org", "--org-sizes", "2", "--repeat", "1"]
    argv += ["--json", str(out)]
    run = subprocess.run(argv, capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "calls per scan" in run.stdout
    result = json.loads(out.read_text())
    assert result["sizes"] == [], "--org ran the user sizes too"
    (org,) = result["orgs"]
    assert (org["members"], org["accounts"]) == (2, 3)
    calls = org["calls"]
    # The management account and both members, each at the one-account floor; one
    # AssumeRole per member; DescribeOrganization, one ListAccounts page, the OU walk.
    assert calls["differences"] == {} and calls["met"] is True, calls
    assert calls["actual"] == 3 * calls["floor"] + 2 + calls["listing"]
    assert calls["assume_role"] == 2
    assert calls["by_operation"]["organizations:ListAccounts"] == 1
    assert calls["stable"] is True
    assert org["scan"]["failed_accounts"] == 0
    assert org["app"]["reads"] == [3] and org["app"]["failed"] == 0
    for key in ("single", "read_all", "scan", "app", "listing", "ui_cpu_ms"):
        _stat(org[key])
    _stat(org["stall"]["max_ms"])
    _stat(org["stall"]["p99_ms"])
    for key in ("scan_over_ideal", "sequential_over_scan", "app_over_scan"):
        assert _number(org["ratios"][key]), key
    for key in ("peak_rss_before_mb", "peak_rss_after_first_scan_mb", "per_account_kb"):
        assert _number(org["memory"][key]), key
    assert _number(org["cpu"]["server_share"]) and _number(org["cpu"]["driver_share"])
    names = [t["target"] for t in result["targets"]]
    assert len(names) == 3 and any(n.startswith("org calls") for n in names), names
    assert all(isinstance(t["met"], bool) for t in result["targets"])
