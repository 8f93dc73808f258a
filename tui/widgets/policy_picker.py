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


# Where managed policies for AWS services and root sessions live: never what a person
# attaches to a user or group, so they come after the others that match as well.
SERVICE_PATHS = ("/service-role/", "/aws-service-role/", "/root-task/")


def word_starts(name: str) -> list[int]:
    """Where the words of a policy name begin: its start, after ``-``/``_``/``.``/space,
    and at each capital that opens a word (``AmazonS3FullAccess``: Amazon, S3, Full,
    Access; ``IAMReadOnlyAccess``: IAM, Read, Only, Access)."""
    starts = [0] if name else []
    for i in range(1, len(name)):
        before, here = name[i - 1], name[i]
        after = name[i + 1] if i + 1 < len(name) else ""
        after_separator = before in "-_. " and here not in "-_. "
        opens_word = here.isupper() and (
            before.islower() or before.isdigit() or (before.isupper() and after.islower())
        )
        if after_separator or opens_word:
            starts.append(i)
    return starts


def policy_path(arn: str) -> str:
    """The path of a managed policy from its ARN (``/`` for most)."""
    resource = arn.split(":policy", 1)[-1]
    return resource.rsplit("/", 1)[0] + "/" if "/" in resource else "/"


def rank(policies: Iterable[ManagedPolicy], query: str) -> list[ManagedPolicy]:
    """Policies whose name contains ``query``, best first:

    1. the whole name, then a name with a word that starts with the query, then the
       query anywhere else ("ec2" finds AmazonEC2FullAccess's word EC2, so it comes
       before a name where "ec2" is inside a word);
    2. within each, policies for people before those for AWS services or root sessions
       (paths /service-role/, /aws-service-role/, /root-task/), AWS-managed before
       customer-managed;
    3. then shorter names ("admin": AdministratorAccess before AdministratorAccess-Amplify).
    """
    q = query.strip().lower()

    def key(p: ManagedPolicy) -> tuple[int, bool, bool, int, str]:
        name = p.name.lower()
        if name == q:
            match = 0
        elif any(name.startswith(q, i) for i in word_starts(p.name)):
            match = 1
        else:
            match = 2
        service = policy_path(p.arn) in SERVICE_PATHS
        return (match, service, not p.aws_managed, len(p.name), p.name)

    return sorted((p for p in policies if q in p.name.lower()), key=key)


class PolicyPicker(Vertical):
    """A search box over a SelectionList; choices survive changes of the search.

    The first hit is highlighted whenever the hits change, so ``space`` toggles a row as
    soon as the list has focus (the form's ``↓`` and ``enter`` go to it from the search).
    """

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

    def focus_list(self) -> None:
        self.query_one("#policy-list", SelectionList).focus()

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
        box.highlighted = 0 if hits else None
        self._summary()

    def _summary(self) -> None:
        names = ", ".join(map(visible, self.chosen.values())) or "none"
        self.query_one(".picked", Static).update(Text(f"Chosen: {names}"))
