"""The fault matrix as a table: every AWS operation × every fault, cells run / passed.

``pytest -m faults`` records one result per cell (tests/wire/test_faults_*.py) and prints this
table at the end of the run; it is also kept in pytest's cache, so

    python -m tests.support.faults_table [--markdown]

prints the table of the last run again (``--markdown``: grouped, as the README quotes it).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tests.support.faultproxy import FAULTS

CACHE_KEY = "acct-tui/faults-matrix"
CACHE_FILE = Path(".pytest_cache") / "v" / CACHE_KEY


@dataclass
class CellResult:
    """One cell: ``action`` under ``fault``, where it was driven, and what went wrong."""

    action: str
    fault: str
    site: str
    tier: str = "app"  # "wire": the AWS layer over the proxy; "app": the real app, by Pilot
    problems: list[str] = field(default_factory=list)
    stall_ms: float = 0.0  # the longest gap between UI ticks while the faulted call was in flight
    busy_ms: float = 0.0  # the most UI-thread CPU time within one such gap, collections aside
    gc_ms: float = 0.0  # the longest garbage collection on the UI thread in that time
    cell_stall_ms: float = 0.0  # the longest gap over the whole cell, for information
    attempts: int = 0
    calls: int = 0
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return not self.problems


RESULTS: list[CellResult] = []
"""Cells recorded in this pytest run, in the order they ran."""


def render(cells: Sequence[CellResult]) -> str:
    """Operations as rows, faults as columns, and totals.

    A cell reads ``✓`` when it passed at the AWS layer (tests/wire/test_faults_wire.py), ``✓✓``
    when it also passed through the real app (tests/wire/test_faults_app.py), ``✗`` when either
    failed, ``—`` when it did not run.
    """
    if not cells:
        return "no fault cells were run"
    faults = [f for f in FAULTS if any(c.fault == f for c in cells)]
    tiers: dict[tuple[str, str], dict[str, CellResult]] = {}
    for cell in cells:
        tiers.setdefault((cell.action, cell.fault), {})[cell.tier] = cell
    actions = sorted({c.action for c in cells}, key=lambda a: (a.split(":")[0], a))
    sites = {c.action: c.site for c in cells}
    width = max(len(a) for a in actions)
    site_width = max(len(s) for s in sites.values())
    head = f"{'operation':<{width}}  {'driven by (app)':<{site_width}}  " + "  ".join(
        f"{f:^8}" for f in faults
    )
    lines = [head, "-" * len(head)]
    for action in actions:
        marks = []
        for fault in faults:
            ran = tiers.get((action, fault), {})
            if not ran:
                mark = "—"
            elif not all(c.passed for c in ran.values()):
                mark = "✗"
            else:
                mark = "✓✓" if "app" in ran else "✓"
            marks.append(f"{mark:^8}")
        lines.append(f"{action:<{width}}  {sites[action]:<{site_width}}  " + "  ".join(marks))
    lines.append("-" * len(head))
    for tier, label in (("wire", "AWS layer"), ("app", "real app")):
        totals = []
        for fault in faults:
            column = [c for c in cells if c.fault == fault and c.tier == tier]
            totals.append(f"{sum(c.passed for c in column)}/{len(column)}".center(8))
        lines.append(f"{label + ': passed/run':<{width}}  {'':<{site_width}}  " + "  ".join(totals))
    for tier, label in (("wire", "at the AWS layer"), ("app", "through the real app")):
        ran = [c for c in cells if c.tier == tier]
        if ran:
            lines.append(
                f"{label}: {len({c.action for c in ran})} operations × "
                f"{len({c.fault for c in ran})} faults, {len(ran)} cells run, "
                f"{sum(c.passed for c in ran)} passed."
            )
    app = [c for c in cells if c.tier == "app"]
    if app:
        busy = max(c.busy_ms for c in app)
        stall = max(c.stall_ms for c in app)
        within = sum(c.stall_ms <= 100 for c in app)
        collected = max(c.gc_ms for c in app)
        lines.append(
            f"While a faulted call was in flight: the UI thread worked at most {busy:.0f} ms "
            f"without yielding; the longest wall-clock gap between 10 ms ticks was "
            f"{stall:.0f} ms ({within} of {len(app)} cells ≤ 100 ms; gaps include waiting "
            f"for a CPU and garbage collections, the longest {collected:.0f} ms)."
        )
    for cell in cells:
        if not cell.passed:
            lines.append(
                f"✗ {cell.action} × {cell.fault} ({cell.tier}): " + "; ".join(cell.problems)
            )
    return "\n".join(lines)


def markdown(cells: Sequence[CellResult]) -> str:
    """The matrix by where it is driven, as the README quotes it: passed/run per fault,
    at the AWS layer, and through the app in brackets."""
    faults = [f for f in FAULTS if any(c.fault == f for c in cells)]
    sites: dict[str, set[str]] = {}
    for cell in cells:
        sites.setdefault(cell.site, set()).add(cell.action)

    def figure(ran: list[CellResult]) -> str:
        return f"{sum(c.passed for c in ran)}/{len(ran)}"

    def row(label: str, chosen: list[CellResult]) -> str:
        marks = []
        for fault in faults:
            wire = [c for c in chosen if c.fault == fault and c.tier == "wire"]
            app = [c for c in chosen if c.fault == fault and c.tier == "app"]
            marks.append(figure(wire) + (f" ({figure(app)})" if app else ""))
        return f"| {label} | " + " | ".join(marks) + " |"

    lines = [
        "| operations (driven in the app by) | " + " | ".join(faults) + " |",
        "| --- |" + " --- |" * len(faults),
    ]
    for site, actions in sorted(sites.items(), key=lambda s: -len(s[1])):
        chosen = [c for c in cells if c.site == site]
        lines.append(row(f"{len(actions)} × {site}", chosen))
    lines.append(row(f"**{len({c.action for c in cells})} operations**", list(cells)))
    return "\n".join(lines)


def dump(cells: Iterable[CellResult]) -> list[dict[str, Any]]:
    return [asdict(c) for c in cells]


def load(rows: Iterable[dict[str, Any]]) -> list[CellResult]:
    return [CellResult(**row) for row in rows]


def report(terminal: Any, config: Any) -> None:
    """pytest_terminal_summary: print this run's matrix and keep it in the cache."""
    if not RESULTS:
        return
    cache = getattr(config, "cache", None)  # absent under -p no:cacheprovider
    if cache is not None:
        cache.set(CACHE_KEY, dump(RESULTS))
    terminal.section("fault matrix (tests/wire/test_faults_*.py)")
    for line in render(RESULTS).splitlines():
        terminal.write_line(line)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m tests.support.faults_table [--markdown] [PATH]``: the last run's matrix."""
    args = list(argv or [])
    as_markdown = "--markdown" in args
    args = [a for a in args if a != "--markdown"]
    path = Path(args[0]) if args else CACHE_FILE
    if not path.exists():
        print(f"no recorded fault matrix at {path}: run `pytest -m faults` first", file=sys.stderr)
        return 1
    cells = load(json.loads(path.read_text()))
    print(markdown(cells) if as_markdown else render(cells))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
