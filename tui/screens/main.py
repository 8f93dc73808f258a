"""MainScreen: the header, the pane tabs and the five panes, laid out by terminal size.

Below 120×35 one pane shows at a time, under tabs; from there up, all five side by side
(see app.tcss). Below the minimum size a notice covers everything until the terminal
grows again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container
from textual.geometry import Size
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Tab, Tabs

from tui.aws.models import Posture
from tui.panes.alias import AliasPane
from tui.panes.base import Pane, TablePane
from tui.panes.groups import GroupsPane
from tui.panes.recommendations import RecommendationsPane
from tui.panes.regions import RegionsPane
from tui.panes.rows import Views
from tui.panes.users import UsersPane
from tui.screens.own_footer import OwnFooter
from tui.widgets.header import AccountHeader

if TYPE_CHECKING:
    from tui.state import AccountState

# Pane ids in key order: 1..5 focus these.
PANE_IDS: tuple[str, ...] = ("recommendations", "users", "groups", "alias", "regions")
PANE_LABELS: dict[str, str] = {
    "recommendations": "Recommendations",
    "users": "Users",
    "groups": "Groups",
    "alias": "Alias",
    "regions": "Regions",
}

# The app's own keys (AcctApp.BINDINGS), here so that tui/keys.py lists them without the app.
APP_BINDINGS: list[BindingType] = [
    *(
        Binding(
            str(n),
            f"show_pane('{pane}')",
            PANE_LABELS[pane],
            show=False,
            id=f"app.pane.{pane}",
            tooltip=f"Focus the {PANE_LABELS[pane]} pane",
        )
        for n, pane in enumerate(PANE_IDS, start=1)
    ),
    Binding("r", "refresh", "Refresh", id="app.refresh", tooltip="Read the account again"),
    Binding(
        "g",
        "getting_started",
        "Getting started",
        id="app.getting_started",
        tooltip="The guided set-up: the tutorial's steps with their live status",
    ),
    Binding("question_mark", "help", "Help", id="app.help", tooltip="Show every key"),
    Binding(
        "q",
        "quit_main",
        "Quit",
        id="app.quit",
        tooltip="Quit acct-tui (main screen only; asks first while a change is running)",
    ),
    # j/k move in the focused list or text, unless it has its own use for the key (see
    # tui/runtime/grammar.py); priority, so that they reach a list inside any modal.
    Binding(
        "j",
        "list_down",
        "Down",
        show=False,
        priority=True,
        id="app.down",
        tooltip="Down in the focused list, or scroll text",
    ),
    Binding(
        "k",
        "list_up",
        "Up",
        show=False,
        priority=True,
        id="app.up",
        tooltip="Up in the focused list, or scroll text",
    ),
]


class MainScreen(OwnFooter, Screen[None]):
    """The screen under every other one; the app's runtime draws the posture on it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "o",
            "organization",
            "Accounts",
            show=False,
            id="main.organization",
            tooltip="The organization's member accounts (management or delegated admin account)",
        ),
        Binding(
            "escape",
            "back_to_org",
            "Organization",
            id="main.back_to_org",
            tooltip="Back to the organization's accounts (in a member account's console)",
        ),
    ]

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (35, "-tall")]
    # A pane's border (2) and its table's vertical scrollbar (2), around the table's columns.
    PANE_FRAME = 4

    active_pane: reactive[str] = reactive("recommendations")
    """The pane that has focus (and, below 120×35, the only one shown)."""

    header = getters.query_one("#account-header", AccountHeader)
    tabs = getters.query_one("#tabs", Tabs)

    def __init__(self, state: AccountState, *, insecure: bool = False) -> None:
        super().__init__()
        self._grid_columns = ""
        self.state = state
        self.insecure = insecure  # plain http to another machine (--allow-insecure-endpoint)
        self.recommendations = RecommendationsPane(state, id="recommendations")
        self.users = UsersPane(state, id="users")
        self.groups = GroupsPane(state, id="groups")
        self.alias = AliasPane(state, id="alias")
        self.regions = RegionsPane(state, id="regions")
        self.panes: dict[str, Pane] = {
            "recommendations": self.recommendations,
            "users": self.users,
            "groups": self.groups,
            "alias": self.alias,
            "regions": self.regions,
        }

    def compose(self) -> ComposeResult:
        state = self.state
        yield AccountHeader(read_only=state.read_only, demo=state.demo, insecure=self.insecure)
        yield Tabs(*(Tab(PANE_LABELS[p], id=f"tab-{p}") for p in PANE_IDS), id="tabs")
        with Container(id="panes"):
            yield from self.panes.values()
        yield Footer()

    def on_mount(self) -> None:
        self.recommendations.add_class("-active")
        self.call_after_refresh(self.show_pane, "recommendations")
        for pane in self.panes.values():
            pane.loading = True

    # -- showing the posture (called by tui/runtime/display.py) --------------------------------
    def show_views(self, posture: Posture, views: Views) -> None:
        """Give every table pane the rows built for ``posture`` off the UI thread."""
        self.recommendations.show(posture, views.recommendations)
        self.users.show(posture, views.users)
        self.groups.show(posture, views.groups)
        self.regions.show(posture, views.regions)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back_to_org":
            # escape means "back to the organization" only in a member account's console
            org = self.state.org
            return org is not None and org.member is not None
        return True

    def action_back_to_org(self) -> None:
        self.action_organization()

    def action_organization(self) -> None:
        """The Accounts view (from a member account's console: back to it)."""
        from textual.command import CommandPalette

        from tui.screens.org import OrgScreen

        org = self.state.org
        if org is None or any(isinstance(s, OrgScreen) for s in self.app.screen_stack):
            return
        if any(not isinstance(s, CommandPalette) for s in self.app.screen_stack[1:]):
            # A screen open over the console acts in its account: it must not outlive it.
            self.state.notify(
                "Close the screens open over the console first (escape), then open Accounts.",
                title="Accounts",
                severity="warning",
            )
            return
        if org.member is not None and any(
            w.group == "flow" and w.is_running for w in self.app.workers
        ):
            # The flow acts in this member account: its console stays until it ends.
            self.state.notify(
                "A flow is still running in this account. Go back to the organization once "
                "it has finished.",
                title="Accounts",
                severity="warning",
            )
            return
        org.back()
        self.app.push_screen(OrgScreen(self.state, org))

    def reset_panes(self) -> None:
        """Empty every pane and show "loading" until its parts of another account arrive."""
        for pane in self.panes.values():
            if isinstance(pane, TablePane):
                pane.set_rows([])
                pane.table.clear()  # its cursor too: the first row of the new account
            pane.set_status(None)
            pane.loading = True

    # -- wide layout -----------------------------------------------------------------------
    def fit_columns(self) -> None:
        """From 120×35 up: the first column (Security recommendations, Groups) as wide as
        the check names need, whole, up to 3/5 of the screen and no less than 1/3; the other
        two (Users; Account alias, Regions) share the rest."""
        width = self.size.width
        need = self.recommendations.table.content_width + self.PANE_FRAME
        first = max(width // 3, min(need, width * 3 // 5))
        columns = f"{first} 1fr 1fr"
        if columns != self._grid_columns:
            self._grid_columns = columns
            self.query_one("#panes").styles.grid_columns = columns

    def on_resize(self) -> None:
        self.fit_columns()

    # -- which pane ------------------------------------------------------------------------
    def show_pane(self, pane_id: str) -> None:
        """Show (in narrow layouts) and focus the pane ``pane_id``."""
        self.active_pane = pane_id
        self.panes[pane_id].focus_body()

    def step_pane(self, step: int) -> None:
        index = (PANE_IDS.index(self.active_pane) + step) % len(PANE_IDS)
        self.show_pane(PANE_IDS[index])

    def watch_active_pane(self, old: str, new: str) -> None:
        self.panes[old].remove_class("-active")
        self.panes[new].add_class("-active")
        if self.tabs.active != f"tab-{new}":
            self.tabs.active = f"tab-{new}"

    @on(Tabs.TabActivated, "#tabs")
    def _tab_activated(self, event: Tabs.TabActivated) -> None:
        pane_id = event.tab.id.removeprefix("tab-") if event.tab.id else ""
        if pane_id in PANE_IDS and pane_id != self.active_pane:
            self.show_pane(pane_id)

    def on_descendant_focus(self) -> None:
        # Keep the active pane in step with focus moved by mouse or by Textual itself.
        focused = self.focused
        for pane_id, pane in self.panes.items():
            if focused is not None and (focused is pane or pane in focused.ancestors):
                self.active_pane = pane_id
                return

    # -- terminal size ---------------------------------------------------------------------
    def check_size(self, size: Size) -> None:
        """Cover everything with a notice below the minimum size; uncover once it fits."""
        from tui.screens.dialogs.too_small import TooSmallScreen, too_small

        screen = self.app.screen
        showing = isinstance(screen, TooSmallScreen)
        if too_small(size) and not showing:
            self.app.push_screen(TooSmallScreen())
        elif not too_small(size) and showing:
            screen.dismiss(None)
