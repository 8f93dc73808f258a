"""TagsScreen: a user's tags, one row per tag with its own key and value inputs."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tui.aws import validate
from tui.aws.iam import Plan
from tui.aws.writer import InvalidRequest
from tui.screens.forms.discard import DiscardGuard
from tui.support.visible import visible
from tui.widgets.colours import ERROR

Tags = tuple[tuple[str, str], ...]


class TagRow(Vertical):
    """One tag: key and value inputs (a key may hold ``=``), and its error line."""

    DEFAULT_CSS = """
    TagRow { height: auto; }
    TagRow > Horizontal { height: auto; }
    TagRow Input.tag-key { width: 2fr; }
    TagRow Input.tag-value { width: 3fr; }
    TagRow > .tag-error { height: auto; }
    """

    def __init__(self, key: str, value: str, *, id: str) -> None:  # noqa: A002
        super().__init__(id=id)
        self.key, self.value = key, value

    @property
    def locked(self) -> bool:
        """A tag holding characters a terminal would obey (IAM never sends them, but the
        text is AWS's): shown with visible stand-ins, kept exactly as it is, not editable."""
        return visible(self.key) != self.key or visible(self.value) != self.value

    def compose(self) -> ComposeResult:
        locked = self.locked
        key, value = (visible(self.key), visible(self.value)) if locked else (self.key, self.value)
        with Horizontal():
            yield Input(key, placeholder="key, e.g. team", classes="tag-key", disabled=locked)
            yield Input(
                value, placeholder="value, e.g. platform", classes="tag-value", disabled=locked
            )
        note = "kept as it is: it holds characters that cannot be edited here" if locked else ""
        yield Static(note, classes="tag-error", markup=False)

    @property
    def tag(self) -> tuple[str, str]:
        if self.locked:
            return (self.key, self.value)
        key, value = self.query(".tag-key").results(Input), self.query(".tag-value").results(Input)
        return (next((i.value for i in key), self.key), next((i.value for i in value), self.value))

    def show_error(self, message: str | None) -> None:
        # (an Input posts Changed as it mounts, maybe before this row's error line)
        for error in self.query(".tag-error").results(Static):
            error.update(Content.styled(message, ERROR) if message else "")
            error.display = bool(message)


class TagsScreen(DiscardGuard, ModalScreen[Tags | None]):
    """Returns the reviewed tags (empty rows dropped), or None when cancelled.

    Checked as typed with :func:`tui.aws.validate.tag_errors` (at most 50 tags, key 128
    and value 256 characters, allowed characters, no ``aws:`` prefix, no duplicate key);
    each problem shows under its row."""

    DEFAULT_CSS = """
    TagsScreen { align: center middle; }
    #tags-rows { height: auto; max-height: 16; }
    #tags-note { height: auto; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Review", id="tags_form.submit"),
        Binding("ctrl+n", "add_row", "Add tag", id="tags_form.add"),
        Binding("ctrl+r", "remove_row", "Remove tag", id="tags_form.remove"),
        Binding("escape", "dismiss(None)", "Cancel", id="tags_form.cancel"),
    ]

    def __init__(
        self,
        user: str,
        tags: Sequence[tuple[str, str]],
        *,
        planner: Callable[[Tags], Plan],
        copy: Callable[[str, str], None] | None = None,
    ) -> None:
        super().__init__()
        self.user = user
        self.initial = tuple(tags)
        self.planner = planner
        self.copy = copy
        self.reviewing = False
        self._ids = itertools.count()
        self._removed: set[str | None] = set()  # rows on their way out

    def compose(self) -> ComposeResult:
        with Vertical(id="tags-form", classes="form") as box:
            box.border_title = Text(f"Tags of {visible(self.user)}")
            box.border_subtitle = "ctrl+n add · ctrl+r remove · ctrl+s review · escape cancel"
            with VerticalScroll(id="tags-rows"):
                for key, value in self.initial or (("", ""),):
                    yield self._row(key, value)
            yield Static("", id="tags-note", markup=False)

    def _row(self, key: str, value: str) -> TagRow:
        return TagRow(key, value, id=f"tag-{next(self._ids)}")

    def on_mount(self) -> None:
        self.query_one(".tag-key", Input).focus()

    @property
    def rows(self) -> list[TagRow]:
        return [r for r in self.query(TagRow) if r.id not in self._removed]

    def tags(self) -> Tags:
        """The tags in the form, in order, without rows left empty."""
        return tuple(t for t in (r.tag for r in self.rows) if t != ("", ""))

    def _check(self) -> bool:
        """Show each row's problem; True when there is none."""
        kept = [r for r in self.rows if r.tag != ("", "")]
        locked = {n for n, r in enumerate(kept) if r.locked}
        problems: dict[int, str] = {}
        for index, part, message in validate.tag_errors([r.tag for r in kept]):
            if index not in locked or message.startswith("At most"):
                problems.setdefault(index, f"{part}: {message}")
        for n, row in enumerate(kept):
            if n not in locked:
                row.show_error(problems.get(n))
        return not problems

    @on(Input.Changed)
    def _changed(self) -> None:
        self._check()

    async def action_add_row(self) -> None:
        row = self._row("", "")
        await self.query_one("#tags-rows").mount(row)
        row.query_one(".tag-key", Input).focus()

    def action_remove_row(self) -> None:
        focused = self.focused
        if focused is None:
            return
        row = next((r for r in self.rows if focused in r.walk_children()), None)
        if row is None:
            return
        rows = self.rows
        index = rows.index(row)
        self._removed.add(row.id)
        row.remove()
        rest = [r for r in rows if r is not row]
        if rest:
            rest[min(index, len(rest) - 1)].query_one(".tag-key", Input).focus()
        self.call_after_refresh(self._check)

    def action_submit(self) -> None:
        if not self.reviewing:
            self._submit()

    @work(exclusive=True, exit_on_error=False, group="tags-form")
    async def _submit(self) -> None:
        from tui.screens.dialogs.review import ReviewScreen

        note = self.query_one("#tags-note", Static)
        if not self._check():
            note.update(Content.styled("Fix the tags marked above.", ERROR))
            return
        tags = self.tags()
        try:
            plan = self.planner(tags)
        except InvalidRequest as exc:
            note.update(Content.styled(next(iter(exc.errors.values())), ERROR))
            return
        note.update("")
        self.reviewing = True
        if await self.app.push_screen_wait(ReviewScreen(plan.title, plan, copy=self.copy)):
            self.dismiss(tags)
        else:
            self.reviewing = False
