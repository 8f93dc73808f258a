"""The app's one clock: pinned, every age and elapsed time on screen follows it."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, timezone

import pytest

import tui.panes.format as fmt
from tui.aws import clock
from tui.aws.models import utcnow
from tui.panes.format import elapsed

AT = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def test_frozen_clock_drives_ages_and_restores_the_real_one() -> None:
    with clock.frozen(AT):
        assert utcnow() == AT
        assert fmt.ago(AT - timedelta(days=100)) == "100d ago"
        start = clock.monotonic()
        real = time.monotonic()
        while time.monotonic() == real:  # the real clock moves on...
            time.sleep(0.001)
        assert clock.monotonic() == start  # ...the frozen one does not
        assert elapsed(clock.monotonic() - start) == "0s"  # "enabling for 0s" in shots
    # The real clocks again: each reading lies between two readings of the real ones.
    before, now, after = datetime.now(UTC), utcnow(), datetime.now(UTC)
    assert before <= now <= after
    before_m, now_m, after_m = time.monotonic(), clock.monotonic(), time.monotonic()
    assert before_m <= now_m <= after_m
    assert fmt.ago(AT - timedelta(days=100)) != "100d ago"  # real today is not AT


def test_frozen_clock_reports_utc_whatever_zone_it_was_given() -> None:
    with clock.frozen(AT.astimezone(timezone(timedelta(hours=2)))):
        assert utcnow() == AT and utcnow().tzinfo == UTC
    with pytest.raises(ValueError), clock.frozen(datetime(2026, 6, 1)):
        pass
