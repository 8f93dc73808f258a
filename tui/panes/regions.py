"""The Regions pane: every Region with its display name and opt-in status."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text

from tui.aws.models import Posture, Region, RegionStatus
from tui.panes.base import TablePane, error_text, make_row

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

    def __init__(self, *, id: str) -> None:  # noqa: A002
        super().__init__(id=id)
        self.regions: dict[str, Region] = {}

    def update_from(self, posture: Posture) -> None:
        part = posture.regions
        if part.error is not None:
            self.set_status(error_text(part.error))
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
        opted = sum(r.status is not RegionStatus.ENABLED_BY_DEFAULT for r in listing.regions)
        self.summary = f"{len(listing.regions)} Regions, {opted} opt-in"
        self.set_rows(
            [
                make_row(
                    r.code,
                    r.code,
                    Text(r.status.value, style=STATUS_STYLE[r.status]),
                    r.name,
                )
                for r in listing.regions
            ]
        )

    def open_row(self, key: str) -> None:
        from tui.screens.details import DetailsScreen

        region = self.regions.get(key)
        if region is None:
            return
        opt_in = region.status is not RegionStatus.ENABLED_BY_DEFAULT
        lines = [
            ("Code", region.code),
            ("Name", region.name),
            ("Status", region.status.value),
            ("Opt-in", "yes: can be enabled or disabled" if opt_in else "no: always enabled"),
        ]
        self.app.push_screen(DetailsScreen(f"Region {region.name}", lines))
