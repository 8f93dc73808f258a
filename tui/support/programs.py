"""Finding a program to run or name: by absolute path only, never from a relative $PATH entry."""

from __future__ import annotations

import os
import shutil


def absolute_path_dirs() -> str:
    """$PATH without its relative entries ('.', '', 'bin'): those name the caller's cwd."""
    entries = os.environ.get("PATH", os.defpath).split(os.pathsep)
    return os.pathsep.join(e for e in entries if e and os.path.isabs(e))


def which(name: str) -> str | None:
    """``shutil.which(name)`` over the absolute directories of $PATH only."""
    return shutil.which(name, path=absolute_path_dirs())
