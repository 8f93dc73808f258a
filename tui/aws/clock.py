"""The one clock the app reads "now" from, so a run can be pinned to a fixed instant.

Everything shown relative to now (key ages, "used 3d ago", created dates of what the app
just made, how long a Region has been enabling) reads :func:`utcnow` or :func:`monotonic`
here. :func:`frozen` pins both, for screenshots that must come out byte-identical; waits
and timeouts keep using :func:`time.monotonic` directly, so a frozen clock never stalls
them. TOTP checks use the real time on purpose: the codes on the user's phone do.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

__all__ = ["frozen", "monotonic", "utcnow"]


def _real_utcnow() -> datetime:
    return datetime.now(UTC)


_utcnow: Callable[[], datetime] = _real_utcnow
_monotonic: Callable[[], float] = time.monotonic


def utcnow() -> datetime:
    """Now, timezone-aware UTC."""
    return _utcnow()


def monotonic() -> float:
    """Seconds on a monotonic clock, for elapsed times shown to the user."""
    return _monotonic()


@contextmanager
def frozen(at: datetime) -> Iterator[None]:
    """Pin :func:`utcnow` to ``at`` (aware) and stop :func:`monotonic`, until exit."""
    global _utcnow, _monotonic
    if at.tzinfo is None:
        raise ValueError("frozen() needs a timezone-aware datetime")
    pinned = at.astimezone(UTC)
    previous = _utcnow, _monotonic
    _utcnow, _monotonic = (lambda: pinned), (lambda: 0.0)
    try:
        yield
    finally:
        _utcnow, _monotonic = previous
