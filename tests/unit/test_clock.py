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
        time.sleep(0.01)
        assert elapsed(clock.monotonic() - start) == "0s"  # "enabling for 0s" in shots
    assert abs((utcnow() - datetime.now(UTC)).total_seconds()) < 60
    assert fmt.ago(AT - timedelta(days=100)) != "100d ago"  # real today is not AT


def test_frozen_clock_reports_utc_whatever_zone_it_was_given() -> None:
    with clock.frozen(AT.astimezone(timezone(timedelta(hours=2)))):
        assert utcnow() == AT and utcnow().tzinfo == UTC
    with pytest.raises(ValueError), clock.frozen(datetime(2026, 6, 1)):
        pass
