"""Typed messages that workers post to the app."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

from tui.aws.models import Part, Posture

if TYPE_CHECKING:
    from tui.panes.rows import Views


@dataclass
class PartLoaded(Message):
    """One part of the posture arrived (a value or an error) for refresh ``generation``."""

    name: str
    part: Part[object]
    generation: int


@dataclass
class RefreshFinished(Message):
    """Every part of refresh ``generation`` has arrived; ``seconds`` is its wall time."""

    generation: int
    seconds: float


@dataclass
class RegionPolled(Message):
    """A Region being enabled or disabled was polled; ``settled`` once it stops changing."""

    code: str
    status: str
    settled: bool
    error: str | None = None
    epoch: int = 0
    """The watcher's epoch when the poll began: a poll of the account the console showed
    before it turned to another one is ignored (RegionWatcher.forget)."""


@dataclass
class ViewsPrepared(Message):
    """Rows for the table panes, built in a thread worker for ``posture`` (large accounts).

    ``views`` is None and ``error`` set when building them failed (a bug: the app reports it).
    """

    posture: Posture
    views: Views | None
    error: BaseException | None = None
