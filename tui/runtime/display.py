"""The display pipeline: puts a posture on the main screen, building large tables off-thread.

Small accounts are shown at once, each pane building its rows as it redraws. Above
:attr:`Display.threshold` users the table panes' rows (and "Getting started") are built
by :func:`tui.panes.rows.build_views` in one thread worker at a time, so the event loop
never stalls on a large account; postures that arrive meanwhile are coalesced into one
more run with the latest posture, and what arrived with them is shown in the same frame.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from textual.app import App

from tui.aws.models import Posture
from tui.panes.base import TablePane
from tui.runtime.messages import ViewsPrepared

if TYPE_CHECKING:
    from tui.panes.base import Pane
    from tui.runtime.regions import RegionTimes
    from tui.screens.main import MainScreen
    from tui.state import AccountState


class Display:
    """Shows :attr:`AccountState.posture` on a :class:`MainScreen`."""

    def __init__(
        self,
        app: App[Any],
        state: AccountState,
        main: MainScreen,
        *,
        shown: Callable[[], None],
        settled: Callable[[], None],
    ) -> None:
        self._app = app
        self._state = state
        self._main = main
        self._shown = shown  # after parts are shown (the app decides on the guide)
        self._settled = settled  # after the rows built off-thread are shown
        self.threshold = 300
        """Above this many IAM users the table panes' rows are built in a thread worker
        (tests set 0 to take that path)."""
        self.deriving = False
        self._derive_again = False
        # The worker takes its input from this slot rather than from its arguments: finished
        # workers linger until a full garbage collection, and so would 5,000 users with them.
        self._input: tuple[Posture, RegionTimes] | None = None
        self._with_views: set[str] = set()  # parts shown once the tables' rows are built

    def large(self) -> bool:
        details, report = self._state.posture.details.value, self._state.posture.report.value
        users = max(
            len(details.users) if details is not None else 0,
            len(report.rows) if report is not None else 0,
        )
        return users > self.threshold

    def show_all(self, posture: Posture) -> None:
        """Show ``posture`` in the header and every pane (after a change acct-tui made)."""
        self._main.header.show(posture)
        self._show_posture(self._main.panes.values())

    def show_parts(self, names: set[str]) -> None:
        """Show the parts ``names`` that arrived; for a large account once rows are built."""
        if self.large():
            # The tables' rows are built in a worker first; everything else is shown with
            # them (in views_prepared), so the screen changes once, in one frame.
            self._with_views |= names
            self._derive()
            return
        self._display_parts(names)

    def show_freshness(self, text: str) -> None:
        """Say in every pane's title how far the refresh is, or how old the posture is."""
        for pane in self._main.panes.values():
            pane.set_freshness(text)

    def redraw(self, pane_id: str) -> None:
        self._main.panes[pane_id].update_from(self._state.posture)

    def _display_parts(self, names: set[str], *, rows_shown: bool = False) -> None:
        """Show the parts ``names`` of the posture in the header and their panes.

        ``rows_shown``: the table panes have just been given their rows (views_prepared);
        only the other panes are left to update.
        """
        posture = self._state.posture
        self._main.header.show(posture)
        affected = [p for p in self._main.panes.values() if names & set(p.PARTS)]
        if rows_shown:
            for pane in affected:
                if not isinstance(pane, TablePane):
                    pane.update_from(posture)
        else:
            self._show_posture(affected)
        for pane in affected:
            # A pane stops showing "loading" once its first part is in; the Users pane,
            # for instance, lists users before the (slower) credential report arrives.
            if any(getattr(posture, p).loaded for p in pane.PARTS):
                pane.loading = False
        self._shown()

    def _show_posture(self, panes: Iterable[Pane]) -> None:
        """Update ``panes`` from the posture: at once, or (large) their status first."""
        posture = self._state.posture
        large = self.large()
        for pane in panes:
            if large and isinstance(pane, TablePane):
                pane.show_status(posture)
            else:
                pane.update_from(posture)
        if not large:
            self._state.posture_changed.publish(posture)
            return
        self._derive()

    def _derive(self) -> None:
        """Build the table panes' rows for the posture in a thread worker."""
        if self.deriving:
            self._derive_again = True
            return
        self.deriving = True
        self._derive_again = False
        self._input = (self._state.posture, self._state.region_times())
        self._app.run_worker(
            self._build,
            name="derive",
            group="derive",
            description="Build the table rows of a large account",
            exit_on_error=False,
            thread=True,
        )

    def _build(self) -> None:
        from tui.panes.rows import build_views

        assert self._input is not None
        (posture, times), self._input = self._input, None
        try:
            views = build_views(posture, times)
        except Exception as exc:  # noqa: BLE001 - a bug: reported by views_prepared
            self._app.post_message(ViewsPrepared(posture, None, exc))
            return
        self._app.post_message(ViewsPrepared(posture, views))

    def views_prepared(self, message: ViewsPrepared) -> None:
        """The rows built off-thread arrived: show them, and what came with them."""
        self.deriving = False
        if not self._app.is_running:
            return
        if message.error is not None:
            error = message.error
            self._state.notify(
                f"Building the tables failed: {type(error).__name__}: {error}",
                title="Internal error",
                severity="error",
            )
        views = message.views
        if views is not None:
            self._main.show_views(message.posture, views)
        if self._with_views:
            # The rest of what arrived with these rows (see show_parts), same frame.
            names, self._with_views = self._with_views, set()
            self._display_parts(names, rows_shown=True)
        if views is not None:
            self._state.guide_views = views.guide
            self._state.posture_changed.publish(message.posture)
        if self._derive_again:
            self._show_posture(p for p in self._main.panes.values() if isinstance(p, TablePane))
        else:
            self._settled()
