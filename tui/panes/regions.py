"""The Regions pane: every Region with its display name and opt-in status."""

from __future__ import annotations

import time
from typing import ClassVar

from rich.text import Text

from tui.aws.models import Posture, Region, RegionStatus
from tui.flows import elapsed
from tui.panes.base import TablePane, error_text, make_row, stale_text

MOVING = (RegionStatus.ENABLING, RegionStatus.DISABLING)
STATUS_STYLE = {
    RegionStatus.ENABLED: "green",
    RegionStatus.ENABLED_BY_DEFAULT: "dim",
    RegionStatus.ENABLING: "yellow",
    RegionStatus.DISABLING: "yellow",
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

    def on_mount(self) -> None:
        super().on_mount()
        # Regions being enabled/disabled show how long they have been at it.
        self.set_interval(1.0, self._tick)

    def _status_cell(self, region: Region) -> Text:
        text = Text(region.status.value, style=STATUS_STYLE[region.status])
        since = self.acct.region_since.get(region.code)
        if since is not None and region.status in MOVING:
            text.append(f" · {elapsed(time.monotonic() - since)}", style="dim")
        elif region.code in self.acct.region_unwatched:
            text.append(" · out of date (r)", style="yellow")
        return text

    def _tick(self) -> None:
        if not self.acct.region_since:
            return
        table = self.table
        for code in list(self.acct.region_since):
            region = self.regions.get(code)
            if region is not None and code in table.rows:
                table.update_cell(code, self.status_column, self._status_cell(region))

    def update_from(self, posture: Posture) -> None:
        part = posture.regions
        if part.error is not None:
            self.set_status(stale_text(part.error, self.table.row_count > 0))
            return
        if part.value is None:
            return
        listing = part.value
        if listing.fallback_reason is not None:
            text = Text("Read-only list from ec2:DescribeRegions, because ", style="yellow")
            text.append_text(error_text(listing.fallback_reason))
            self.set_status(text)
        else:
            self.set_status(None)
        self.regions = {r.code: r for r in listing.regions}
        self.source = listing.source
        opted = sum(r.status is not RegionStatus.ENABLED_BY_DEFAULT for r in listing.regions)
        self.summary = f"{len(listing.regions)} Regions, {opted} opt-in"
        self.set_rows(
            [
                make_row(
                    r.code,
                    r.code,
                    self._status_cell(r),
                    r.name,
                )
                for r in listing.regions
            ]
        )

    def open_row(self, key: str) -> None:
        """``enter``: enable a DISABLED opt-in Region, disable an ENABLED one, else details."""
        from tui.aws.regions import region_action
        from tui.screens.details import DetailsScreen

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
