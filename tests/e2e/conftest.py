"""Fixtures of the end-to-end tier (the installed acct-tui in tmux or as a subprocess)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def short_tmp_path() -> Iterator[Path]:
    """A fresh directory with a short path (``/tmp/acct-tui-e2e-XXXXXXXX``), removed after.

    For paths the app prints on screen: ``tmp_path`` is longer under pytest-xdist (a
    ``popen-gwN`` level more), enough to wrap such a path over two lines of the terminal.
    """
    path = Path(tempfile.mkdtemp(prefix="acct-tui-e2e-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
