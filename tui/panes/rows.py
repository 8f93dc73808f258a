"""What the table panes show for a posture, built by pure functions that touch no widget.

A small account's rows are built on the UI thread, as each pane redraws; a large one's in
a thread worker (:func:`build_views`, see tui/runtime/display.py), because building
5,000 users' rows would stall the event loop. Either way the same functions run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

import tui.panes.format as fmt
from tui.aws import clock
from tui.aws.checks import Finding, Severity, Status, evaluate, verdict
from tui.aws.models import AuthDetails, Posture, Region, RegionList, RegionStatus, UserView, utcnow
from tui.runtime.regions import RegionTimes
from tui.widgets.colours import ERROR, FAIL, MUTED, SUCCESS, WARNING
from tui.widgets.rowdata import Cell, Row, make_row

if TYPE_CHECKING:
    from tui.aws.guide import Step

T = TypeVar("T")


@dataclass(frozen=True)
class Prepared(Generic[T]):
    """What a table pane shows for one posture: its rows, its summary, the data behind."""

    rows: list[Row]
    summary: str
    data: T


@dataclass(frozen=True)
class GuideView:
    """ "Getting started" for ``posture``: its steps, and the findings they refer to."""

    posture: Posture
    steps: tuple[Step, ...]
    findings: dict[str, Finding]


@dataclass(frozen=True)
class Views:
    """Every table pane's rows for ``posture``, and the guide's steps (a large account)."""

    posture: Posture
    recommendations: Prepared[dict[str, Finding]]
    users: Prepared[dict[str, UserView]] | None
    groups: Prepared[AuthDetails] | None
    regions: Prepared[RegionList] | None
    guide: GuideView


def build_views(posture: Posture, regions: RegionTimes) -> Views:
    """All of the above at once (run in a thread worker: nothing here touches a widget)."""
    from tui.aws.guide import guide_steps

    recommendations = recommendation_rows(posture)
    return Views(
        posture,
        recommendations,
        user_rows(posture),
        group_rows(posture),
        region_rows(posture, regions),
        GuideView(posture, guide_steps(posture), recommendations.data),
    )


# -- Recommendations ---------------------------------------------------------------------------
# A symbol and a word for each status, and the severity as a word: colour only repeats them.
STATUS_TEXT = {
    Status.FAIL: ("✗ fix", FAIL),
    Status.UNKNOWN: ("? unknown", WARNING),
    Status.INFO: ("i note", MUTED),
    Status.PASS: ("✓ ok", SUCCESS),
}
SEVERITY_STYLE = {
    Severity.CRITICAL: FAIL,
    Severity.HIGH: ERROR,
    Severity.MEDIUM: WARNING,
    Severity.LOW: MUTED,
}


def recommendation_rows(posture: Posture) -> Prepared[dict[str, Finding]]:
    findings = evaluate(posture)
    rows = []
    for f in findings:
        label, style = STATUS_TEXT[f.status]
        rows.append(
            make_row(
                f.id,
                Cell(label, style),
                Cell(f.severity.name.lower(), SEVERITY_STYLE[f.severity]),
                f.title,
            )
        )
    return Prepared(rows, verdict(findings), {f.id: f for f in findings})


# -- Users ---------------------------------------------------------------------------------------
def user_rows(posture: Posture) -> Prepared[dict[str, UserView]] | None:
    if posture.details.value is None:
        return None
    now = utcnow()
    views = posture.user_views()
    rows = [
        make_row(
            v.name,
            v.name,
            fmt.console_cell(v.row),
            fmt.mfa_cell(v.row),
            fmt.keys_cell(v.row, now),
            ", ".join(v.user.groups) or "—",
            fmt.date(v.user.created),
            fmt.ago(v.row.password_last_used, now) if v.row else "?",
        )
        for v in views
    ]
    return Prepared(rows, f"{len(views)} users", {v.name: v for v in views})


# -- Groups --------------------------------------------------------------------------------------
def group_rows(posture: Posture) -> Prepared[AuthDetails] | None:
    details = posture.details.value
    if details is None:
        return None
    members: dict[str, int] = {g.name: 0 for g in details.groups}
    for user in details.users:
        for name in user.groups:
            members[name] = members.get(name, 0) + 1
    rows = [
        make_row(
            g.name,
            g.name,
            str(members.get(g.name, 0)),
            ", ".join(p.name for p in g.attached_policies) or "—",
            fmt.date(g.created),
        )
        for g in details.groups
    ]
    return Prepared(rows, f"{len(details.groups)} groups", details)


# -- Regions -------------------------------------------------------------------------------------
MOVING = (RegionStatus.ENABLING, RegionStatus.DISABLING)
# The status is always shown as its word; colour only repeats it.
STATUS_STYLE = {
    RegionStatus.ENABLED: SUCCESS,
    RegionStatus.ENABLED_BY_DEFAULT: MUTED,
    RegionStatus.ENABLING: WARNING,
    RegionStatus.DISABLING: WARNING,
    RegionStatus.DISABLED: "",
}


def region_status_cell(region: Region, times: RegionTimes) -> Cell:
    """The status word; for a Region in transit how long it has moved, or "out of date"."""
    text = region.status.value
    since = times.since.get(region.code)
    if since is not None and region.status in MOVING:
        text += f" · {fmt.elapsed(clock.monotonic() - since)}"
    elif region.code in times.unwatched:
        text += " · out of date (r)"
    return Cell(text, STATUS_STYLE[region.status])


def region_rows(posture: Posture, times: RegionTimes) -> Prepared[RegionList] | None:
    part = posture.regions
    if part.error is not None or part.value is None:
        return None
    listing = part.value
    opted = sum(r.status is not RegionStatus.ENABLED_BY_DEFAULT for r in listing.regions)
    rows = [make_row(r.code, r.code, region_status_cell(r, times), r.name) for r in listing.regions]
    return Prepared(rows, f"{len(listing.regions)} Regions, {opted} opt-in", listing)
