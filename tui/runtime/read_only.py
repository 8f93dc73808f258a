"""Under ``--read-only`` the keys that would change the account are hidden: say so when pressed.

A pane or screen lists the actions that change the account in ``MUTATING``, and its
``check_action`` hides them under ``--read-only``. Textual then lets the key fall through
silently, so the app asks :func:`refused_binding` which hidden binding the key was meant
for, and tells the user why nothing happened.
"""

from __future__ import annotations

from collections.abc import Iterator

from textual.binding import Binding
from textual.dom import DOMNode

NOTICE = "acct-tui runs with --read-only: nothing can be changed."


def _bindings(node: DOMNode) -> Iterator[Binding]:
    """The bindings ``node``'s class and its bases declare, nearest first."""
    for cls in type(node).__mro__:
        declared = cls.__dict__.get("BINDINGS")
        if declared:
            yield from Binding.make_bindings(declared)


def refused_binding(focused: DOMNode, key: str) -> Binding | None:
    """The ``MUTATING`` binding for ``key`` that a press reaches from ``focused``, if any.

    Walks the focus chain as Textual does; a node that binds ``key`` to anything else
    takes the key first (an Input's ``ctrl+d``), and then nothing was refused.
    """
    for node in focused.ancestors_with_self:
        mutating: frozenset[str] = getattr(node, "MUTATING", frozenset())
        for binding in _bindings(node):
            if binding.key == key:
                return binding if binding.action in mutating else None
    return None


GUIDE_FIXES = frozenset({"root_mfa_guide"})
"""Fix actions that only guide (no AWS change): allowed under --read-only."""


def fix_refused(action: str | None, read_only: bool) -> bool:
    """True when the fix ``action`` would change the account and --read-only forbids it."""
    return action is not None and read_only and action not in GUIDE_FIXES
