"""The app's half of the key grammar (README "Key grammar"): ``q`` quits only from the main
screen and asks first while a change is running, ``ctrl+c`` says how to quit, ``j``/``k``
move in whatever list or scrolling text has the focus.

The other half lives in the bindings: every screen binds ``escape`` to back out, no modal binds
``q``, and each pane's ``/`` opens its filter (help's too).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.widget import Widget

from tui.runtime.regions import RegionWatcher

if TYPE_CHECKING:
    from tui.aws.models import RegionList

# The two actions j and k are bound to (tui/screens/main.py), and what each asks of the
# focused widget: a list's cursor, else the scrolling text (help, a policy document).
MOVES: dict[str, tuple[str, str]] = {
    "list_down": ("cursor_down", "scroll_down"),
    "list_up": ("cursor_up", "scroll_up"),
}
# Workers whose end the user waits for: a flow (form → review → plan) and a plan's calls.
CHANGE_GROUPS = frozenset({"flow", "plan"})
# Keys the main screen still takes while a flow runs (AcctApp.on_event holds back the rest).
KEYS_DURING_FLOWS = frozenset({"q", "ctrl+c", "ctrl+q"})


class UserRegionWatcher(RegionWatcher):
    """A RegionWatcher that remembers which Regions the user enabled or disabled here (not
    those a refresh found already in transit, which AWS moves on whether acct-tui runs or not)."""

    def __init__(self, app: App[Any], state: Any, redraw: Callable[[], None]) -> None:
        super().__init__(app, state, redraw)
        self.started: set[str] = set()
        self._reading = False

    def read(self, listing: RegionList | None) -> None:
        self._reading = True
        try:
            super().read(listing)
        finally:
            self._reading = False

    def watch(self, code: str) -> None:
        if not self._reading:
            self.started.add(code)
        super().watch(code)

    def forget(self) -> None:
        super().forget()
        self.started.clear()

    def changing(self) -> list[str]:
        """The Regions the user enabled or disabled that have not settled yet."""
        return sorted(self.started & set(self.times().since))


class KeyGrammarApp(App[None]):
    """Base of AcctApp: the actions behind ``q``, ``ctrl+c``, ``j`` and ``k``."""

    region_watch: UserRegionWatcher

    # -- q -------------------------------------------------------------------------------------
    def still_running(self) -> list[str]:
        """What quitting now would cut short, in words ([] when nothing)."""
        running = []
        flows = [w for w in self.workers if w.group in CHANGE_GROUPS and w.is_running]
        if flows:
            names = sorted({w.description for w in flows if w.group == "flow"})
            running.append(f"A flow is still running{': ' + ', '.join(names) if names else ''}.")
        regions = self.region_watch.changing()
        if regions:
            running.append(f"A Region change is still running: {', '.join(regions)}.")
        return running

    def action_quit_main(self) -> None:
        """``q``: quit from the main screen; first ask while a change is still running."""
        from tui.screens.dialogs.confirm import ConfirmScreen

        if len(self.screen_stack) > 1 and not getattr(self.screen, "QUITS", False):
            return  # a pushed screen (q is bound on none but the Accounts view): nothing
        running = self.still_running()
        if not running:
            self.exit()
            return
        question = ConfirmScreen(
            "Quit acct-tui?",
            [*running, "Quitting now stops it where it is; AWS keeps what was already done."],
            confirm_label="Quit",
        )
        self.push_screen(question, lambda yes: self.exit() if yes else None)

    def action_help_quit(self) -> None:
        """``ctrl+c`` (which copies in a text field): say how to quit, as plain text."""
        self.notify(
            "Press ctrl+q to quit the app (q on the main screen).", title="Do you want to quit?"
        )

    # -- j / k ---------------------------------------------------------------------------------
    def move_target(self, action: str) -> Widget | None:
        """The focused widget ``j``/``k`` (``action``) move, or None: no list or text has
        the focus, or the focused widget or its screen has its own use for that key."""
        focused = self.focused
        if focused is None or action not in MOVES:
            return None
        chain = self.screen._binding_chain  # noqa: SLF001 - Textual's own lookup order
        own = next((m for node, m in chain if node is self), None)
        keys = {
            key
            for key, bindings in (own.key_to_bindings.items() if own else ())
            if any(b.action == action for b in bindings)
        }
        for node, bindings_map in self.screen._modal_binding_chain:  # noqa: SLF001
            if node is not self and keys & set(bindings_map.key_to_bindings):
                return None
        cursor, scroll = MOVES[action]
        if hasattr(focused, f"action_{cursor}"):
            return focused
        return (
            focused
            if hasattr(focused, f"action_{scroll}") and focused.allow_vertical_scroll
            else None
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        from tui.screens.dialogs.too_small import TooSmallScreen

        # Behind the too-small notice only quitting works (no palette, help or refresh).
        if isinstance(self.screen, TooSmallScreen):
            return action == "quit"
        if action in MOVES:
            return self.move_target(action) is not None
        # Getting started is about the console's account: not offered over Accounts.
        return not (action == "getting_started" and getattr(self.screen, "NO_GUIDE", False))

    async def _move(self, action: str) -> None:
        target = self.move_target(action)
        if target is not None:
            cursor, scroll = MOVES[action]
            name = cursor if hasattr(target, f"action_{cursor}") else scroll
            await self.run_action(name, target)

    async def action_list_down(self) -> None:
        await self._move("list_down")

    async def action_list_up(self) -> None:
        await self._move("list_up")
