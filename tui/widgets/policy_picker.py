"""PolicyPicker: search managed policies by name as you type and pick several."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, SelectionList, Static
from textual.widgets.selection_list import Selection

from tui.aws.iam import ManagedPolicy
from tui.support.visible import visible
from tui.widgets.colours import ERROR
from tui.widgets.toggles import TickList

MAX_SHOWN = 200


def rank(policies: Iterable[ManagedPolicy], query: str) -> list[ManagedPolicy]:
    """Policies whose name contains ``query``: prefix matches first, then shorter names.

    So "admin" puts AdministratorAccess before AdministratorAccess-Amplify.
    """
    q = query.strip().lower()
    hits = [p for p in policies if q in p.name.lower()]
    return sorted(hits, key=lambda p: (not p.name.lower().startswith(q), len(p.name), p.name))


class PolicyPicker(Vertical):
    """A search box over a SelectionList; choices survive changes of the search."""

    DEFAULT_CSS = """
    PolicyPicker { height: auto; }
    PolicyPicker > SelectionList { height: 8; }
    PolicyPicker > .picked { color: $text-muted; height: auto; }
    """

    def __init__(self, chosen: Sequence[str] = (), *, id: str) -> None:  # noqa: A002
        super().__init__(id=id)
        self.policies: Sequence[ManagedPolicy] = ()
        self.chosen: dict[str, str] = {arn: arn.rsplit("/", 1)[-1] for arn in chosen}

    def compose(self) -> ComposeResult:
        yield Input(placeholder="search policies, e.g. admin", id="policy-search")
        yield TickList[str](id="policy-list")
        yield Static("Loading managed policies…", classes="picked", markup=False)

    def set_policies(self, policies: Sequence[ManagedPolicy]) -> None:
        self.policies = policies
        for p in policies:
            if p.arn in self.chosen:
                self.chosen[p.arn] = p.name
        self._show()

    def show_error(self, message: str) -> None:
        self.query_one(".picked", Static).update(Content.styled(message, ERROR))

    @property
    def selected_arns(self) -> tuple[str, ...]:
        return tuple(self.chosen)

    @on(Input.Changed, "#policy-search")
    def _search(self) -> None:
        self._show()

    @on(SelectionList.SelectionToggled, "#policy-list")
    def _toggled(self, event: SelectionList.SelectionToggled[str]) -> None:
        arn = event.selection.value
        if arn in self.chosen:
            del self.chosen[arn]
        else:
            name = next((p.name for p in self.policies if p.arn == arn), arn)
            self.chosen[arn] = name
        self._summary()

    def _show(self) -> None:
        query = self.query_one("#policy-search", Input).value
        hits = rank(self.policies, query)[:MAX_SHOWN] if self.policies else []
        box = self.query_one("#policy-list", SelectionList)
        box.clear_options()
        box.add_options(
            Selection(
                Text(f"{visible(p.name)}{'' if p.aws_managed else '  (customer)'}"),
                p.arn,
                p.arn in self.chosen,
            )
            for p in hits
        )
        self._summary()

    def _summary(self) -> None:
        names = ", ".join(map(visible, self.chosen.values())) or "none"
        self.query_one(".picked", Static).update(Text(f"Chosen: {names}"))
