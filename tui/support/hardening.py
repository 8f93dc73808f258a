"""Process hardening at start-up, before any secret can exist in memory.

acct-tui holds secrets in memory for a while (a new user's password and secret key until
their screen closes, the key it switched to, MFA seeds) and Python cannot overwrite a
string in place. So the process keeps them out of the two ways memory leaves it whole:

- ``RLIMIT_CORE`` 0 (soft and hard): a crash writes no core file (``resource``, POSIX).
- ``PR_SET_DUMPABLE`` 0 (Linux ``prctl``): no core dump through a core pattern pipe
  either, and other processes of the same user cannot ``ptrace`` it or read its
  ``/proc/PID/mem`` or ``environ``. (Reset by ``execve``: child processes are unaffected.)

Each step is skipped silently where the platform lacks it; it never stops the program.
"""

from __future__ import annotations

import contextlib
import sys
from typing import Any

PR_SET_DUMPABLE = 4
PR_GET_DUMPABLE = 3


def harden() -> None:
    """Apply both steps (see the module docstring); safe to call more than once."""
    _no_core_files()
    _not_dumpable()


def _no_core_files() -> None:
    try:
        import resource
    except ImportError:  # Windows
        return
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _prctl() -> Any:
    """libc's ``prctl`` (raises OSError/AttributeError where there is none)."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    prctl = libc.prctl
    prctl.restype = ctypes.c_int
    return prctl


def _not_dumpable() -> None:
    if not sys.platform.startswith("linux"):
        return
    # (OSError/AttributeError: no libc, or no prctl symbol in it.)
    with contextlib.suppress(OSError, AttributeError):
        _prctl()(PR_SET_DUMPABLE, 0, 0, 0, 0)


def dumpable() -> bool | None:
    """This process's dumpable flag on Linux (None elsewhere or when unknown)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        result = int(_prctl()(PR_GET_DUMPABLE, 0, 0, 0, 0))
    except (OSError, AttributeError):
        return None
    return None if result < 0 else bool(result)
