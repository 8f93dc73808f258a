"""Typed messages that workers post to the app."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message

from tui.aws.models import Part


@dataclass
class PartLoaded(Message):
    """One part of the posture arrived (a value or an error) for refresh ``generation``."""

    name: str
    part: Part[Any]
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


@dataclass
class ViewsPrepared(Message):
    """Rows for the table panes, built in a thread worker for ``posture`` (large accounts).

    ``prepared`` maps a pane id to what its ``prepare()`` returned; ``error`` is set instead
    when building them failed (a bug: the app reports it).
    """

    posture: Any
    prepared: dict[str, Any]
    error: BaseException | None = None
    guide: tuple[Any, Any] | None = None
    """(guide steps, findings by id) for "Getting started", built in the same worker."""
