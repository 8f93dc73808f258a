"""Gate: hold back one posture part's read until the test opens it (or 30 s pass).

Used with the ``gates`` fixture (tests/conftest.py), which opens every gate a test made, so
no worker thread is left waiting.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tui.app import AcctApp


class Gate:
    """Holds back the reads of ``part`` until :meth:`open` (or 30 s)."""

    def __init__(self, app: AcctApp, part: str) -> None:
        self.part = part
        self.released = threading.Event()
        self.waiting = threading.Event()
        read = app.service.read_part

        def gated(name: str) -> Any:
            if name == part:
                self.waiting.set()
                self.released.wait(30)
            return read(name)

        app.service.read_part = gated  # type: ignore[method-assign]

    def open(self) -> None:
        self.released.set()
