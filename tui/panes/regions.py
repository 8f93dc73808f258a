"""The Regions pane: every Region with its display name and opt-in status."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.content import Content

from tui.aws import clock
from tui.aws.models import Posture, Region, RegionStatus
from tui.panes.base import Prepared, TablePane, error_text, make_row, stale_text
from tui.panes.format import elapsed
from tui.widgets.colours import MUTED, SUCCESS, WARNING
from tui.widgets.rowdata import Cell

MOVING = (RegionStatus.ENABLING, RegionStatus.DISABLING)
# The status is always shown as its word; colour only repeats it.
STATUS_STYLE = {
    RegionStatus.ENABLED: SUCCESS,
    RegionStatus.ENABLED_BY_DEFAULT: MUTED,
    RegionStatus.ENABLING: WARNING,
    RegionStatus.DISABLING: WARNING,
    RegionStatus.DISABLED: "",
}


class RegionsPane(TablePane):
    """Regions from the Account API, or the read-only EC2 list when that is denied."""

    TITLE = "5 Regions"
    PARTS = frozenset({"regions"})
    COLUMNS: ClassVar[tuple[str, ...]] = ("Region", "Opt-in status", "Name")
    status_column = "Opt-in status"

    def __init__(self, *, id: str) -> None:  # noqa: A002
        super().__init__(id=id)
        self.regions: dict[str, Region] = {}
        self.source = "account"
        # The app's Regions in transit → since when (monotonic); read by prepare(), which
        # may run in a thread and so must not go through self.app.
        self.since: dict[str, float] = {}
        self.unwatched: set[str] = set()  # the app's Regions whose polling failed

    def on_mount(self) -> None:
        super().on_mount()
        self.since = self.acct.region_since
        self.unwatched = self.acct.region_unwatched
        # Regions being enabled/disabled show how long they have been at it.
        self.set_interval(1.0, self._tick)

    def _status_cell(self, region: Region) -> Cell:
        text = region.status.value
        since = self.since.get(region.code)
        if since is not None and region.status in MOVING:
            text += f" · {elapsed(clock.monotonic() - since)}"
        elif region.code in self.unwatched:
            text += " · out of date (r)"
        return Cell(text, STATUS_STYLE[region.status])

    def _tick(self) -> None:
        if not self.acct.region_since:
            return
        table = self.table
        for code in list(self.acct.region_since):
            region = self.regions.get(code)
            if region is not None and code in table.rows:
                table.update_cell(code, self.status_column, self._status_cell(region))

    def show_status(self, posture: Posture) -> None:
        part = posture.regions
        if part.error is not None:
            self.set_status(stale_text(part.error, self.table.row_count > 0))
        elif part.value is not None and part.value.fallback_reason is not None:
            self.set_status(
                Content.assemble(
                    ("Read-only list from ec2:DescribeRegions, because ", WARNING),
                    error_text(part.value.fallback_reason),
                )
            )
        elif part.value is not None:
            self.set_status(None)

    def prepare(self, posture: Posture) -> Prepared | None:
        part = posture.regions
        if part.error is not None or part.value is None:
            return None
        listing = part.value
        opted = sum(r.status is not RegionStatus.ENABLED_BY_DEFAULT for r in listing.regions)
        rows = [make_row(r.code, r.code, self._status_cell(r), r.name) for r in listing.regions]
        summary = f"{len(listing.regions)} Regions, {opted} opt-in"
        return Prepared(rows, summary, listing)

    def accept(self, data: Any) -> None:
        self.regions = {r.code: r for r in data.regions}
        self.source = data.source

    def open_row(self, key: str) -> None:
        """``enter``: enable a DISABLED opt-in Region, disable an ENABLED one, else details."""
        from tui.aws.regions import region_action
        from tui.screens.dialogs.details import DetailsScreen

        region = self.regions.get(key)
        if region is None:
            return
        action, reason = region_action(region)
        changeable = self.source == "account" and not self.acct.service.read_only
        if action is not None and changeable:
            self.acct.action_change_region(region.code)
            return
        opt_in = region.status is not RegionStatus.ENABLED_BY_DEFAULT
        lines = [
            ("Code", region.code),
            ("Name", region.name),
            ("Status", region.status.value),
            ("Opt-in", "yes: can be enabled or disabled" if opt_in else "no: always enabled"),
            ("Change", reason if changeable else self._why_not()),
        ]
        self.app.push_screen(DetailsScreen(f"Region {region.name}", lines))

    def _why_not(self) -> str:
        if self.source != "account":
            return "read-only list from EC2 (the Account API is unavailable)"
        return "acct-tui runs with --read-only"
