"""The Regions pane: every Region with its display name and opt-in status."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content

from tui.aws.models import Posture, Region, RegionList, RegionStatus
from tui.panes.base import TablePane, error_text, stale_text
from tui.panes.rows import Prepared, region_rows, region_status_cell
from tui.widgets.colours import WARNING

if TYPE_CHECKING:
    from tui.state import AccountState


class RegionsPane(TablePane[RegionList]):
    """Regions from the Account API, or the read-only EC2 list when that is denied."""

    TITLE = "5 Regions"
    PARTS = frozenset({"regions"})
    COLUMNS: ClassVar[tuple[str, ...]] = ("Region", "Opt-in status", "Name")
    status_column = "Opt-in status"
    BINDINGS: ClassVar[list[BindingType]] = [
        # The table's own enter does the same; this one is here to say so in the footer.
        Binding(
            "enter",
            "change_region",
            "On/off",  # short: the footer at 80 columns keeps "q Quit" in view
            priority=True,
            id="regions.change",
            tooltip="Enable the highlighted Region if DISABLED, disable it if ENABLED "
            "(other Regions: details)",
        ),
    ]

    def __init__(self, state: AccountState, *, id: str) -> None:  # noqa: A002
        super().__init__(state, id=id)
        self.regions: dict[str, Region] = {}
        self.source = "account"

    def on_mount(self) -> None:
        super().on_mount()
        # Regions being enabled/disabled show how long they have been at it.
        self.set_interval(1.0, self._tick)

    def _tick(self) -> None:
        times = self.state.region_times()
        if not times.since:
            return
        table = self.table
        for code in times.since:
            region = self.regions.get(code)
            if region is not None and code in table.rows:
                table.update_cell(code, self.status_column, region_status_cell(region, times))

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

    def rows(self, posture: Posture) -> Prepared[RegionList] | None:
        return region_rows(posture, self.state.region_times())

    def accept(self, data: RegionList) -> None:
        self.regions = {r.code: r for r in data.regions}
        self.source = data.source

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "change_region":
            # On the table only (not in the filter box), and only where a Region can change.
            return self.table.has_focus and self.source == "account" and not self.state.read_only
        return super().check_action(action, parameters)

    def action_change_region(self) -> None:
        self.action_open_selected()

    def open_row(self, key: str) -> None:
        """``enter``: enable a DISABLED opt-in Region, disable an ENABLED one, else details."""
        from tui.aws.regions import region_action
        from tui.screens.dialogs.details import DetailsScreen

        region = self.regions.get(key)
        if region is None:
            return
        action, reason = region_action(region)
        changeable = self.source == "account" and not self.state.read_only
        if action is not None and changeable:
            from tui.flows.account import change_region

            flow = change_region(self.state, self.app, region.code)
            self.state.run_flow(flow, f"change {region.code}")
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
