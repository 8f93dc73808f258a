"""Giving memory back to the system after a refresh (glibc only; elsewhere nothing happens).

A refresh of a large account parses megabytes of XML in worker threads. CPython hands
objects above 512 bytes (response bodies, big lists and dicts) to the C allocator, and
glibc gives each thread that allocates its own arena, up to eight per core, and keeps what
is freed in them for later. Measured on a 5,000-user account: the number of live Python
objects stayed the same from one refresh to the next while the process grew by 7–28 MB
per refresh (103 MB after the first, 151 MB after the fifth).

- :func:`limit_arenas` (at start, before the first worker thread) caps the arenas at two,
  so freed memory is found again by the next refresh instead of sitting in another
  thread's arena;
- :func:`release_free_memory` (after the idle full collection, see tui/runtime/idle.py) asks glibc
  to return the free pages of every arena to the system (``malloc_trim``).

Both go through ctypes to the C library already loaded in the process; on a C library
without these functions (musl, macOS) they do nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import cache
from typing import Any

M_ARENA_MAX = -8  # from glibc's malloc.h
ARENAS = 2


@cache
def _libc() -> Any:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt  # noqa: B018 - glibc only: AttributeError elsewhere
        libc.malloc_trim  # noqa: B018
    except (OSError, AttributeError):
        return None
    return libc


def available() -> bool:
    """Whether the C library is glibc, with the two functions below."""
    return _libc() is not None


def limit_arenas() -> bool:
    """Cap glibc's malloc arenas (True if it took effect)."""
    libc = _libc()
    return bool(libc is not None and libc.mallopt(M_ARENA_MAX, ARENAS) == 1)


def release_free_memory() -> bool:
    """Return the C allocator's free pages to the system (True if some were)."""
    libc = _libc()
    return bool(libc is not None and libc.malloc_trim(0) == 1)
