"""The Account alias pane: the alias and both sign-in URLs."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Static

import tui.panes.format as fmt
from tui.aws.models import Posture, sign_in_url
from tui.panes.base import Pane, error_text
from tui.support.visible import visible
from tui.widgets.colours import MUTED, WARNING

if TYPE_CHECKING:
    from tui.state import AccountState

INDENT = " " * len("Sign-in   ")  # the labels' column


class AliasPane(Pane, can_focus=True):
    """Shows the account alias (at most one per account) and the sign-in URLs."""

    TITLE = "4 Account alias"
    PARTS = frozenset({"aliases", "caller"})
    MUTATING = frozenset({"new", "delete"})
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new", "Set alias", id="alias.new", tooltip="Set or replace the alias"),
        Binding("ctrl+d", "delete", "Delete", id="alias.delete", tooltip="Delete the alias"),
        Binding("c", "copy_url", "Copy URL", id="alias.copy", tooltip="Copy the sign-in URL"),
    ]

    def action_new(self) -> None:
        from tui.flows.account import set_alias

        self.state.run_flow(set_alias(self.state, self.app), "set alias")

    def action_delete(self) -> None:
        from tui.flows.account import delete_alias

        self.state.run_flow(delete_alias(self.state, self.app), "delete alias")

    def __init__(self, state: AccountState, *, id: str) -> None:  # noqa: A002
        super().__init__(state, id=id)
        self.url: str | None = None
        self._shown: Posture | None = None

    def action_copy_url(self) -> None:
        if self.url:
            self.copy(self.url, "the sign-in URL")

    def compose_body(self) -> ComposeResult:
        yield Static(id="alias-body", markup=False)

    def _url(self, url: str) -> str:
        """``url`` in lines that fit the pane beside the labels, broken only after a ``/``
        or a ``.`` (never mid-word, as wrapping would), then a line end."""
        width = self.query_one("#alias-body", Static).content_region.width - len(INDENT)
        return ("\n" + INDENT).join(fmt.break_after(visible(url), width)) + "\n"

    def on_resize(self) -> None:
        if self._shown is not None:  # the URL's lines follow the pane's width
            self.update_from(self._shown)

    def update_from(self, posture: Posture) -> None:
        self._shown = posture
        body = self.query_one("#alias-body", Static)
        if posture.aliases.error is not None:
            self.set_status(error_text(posture.aliases.error))
        else:
            self.set_status(None)
        caller = posture.caller.value
        parts: list[str | tuple[str, str] | Content] = []
        if posture.aliases.loaded and posture.aliases.error is None:
            if posture.alias:
                parts += [("Alias     ", "bold"), visible(posture.alias) + "\n"]
            else:
                parts += [
                    ("No alias set: the sign-in URL shows the account id.\n", WARNING),
                    ("Press n to set one.\n", MUTED),
                ]
        if caller is not None:
            self.url = sign_in_url(caller.account_id, posture.alias)
            parts += [("Account   ", "bold"), visible(caller.account_id) + "\n"]
            parts += [("Sign-in   ", "bold"), self._url(self.url)]
            if posture.alias:
                parts.append(INDENT + self._url(sign_in_url(caller.account_id)))
        elif posture.caller.error is not None:
            parts.append(error_text(posture.caller.error))
        body.update(Content.assemble(*parts))
