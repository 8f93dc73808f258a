"""A reproducible demo account, for screenshots: moto's IAM clock and ids pinned.

``python -m tui.demo.server --frozen-at 2026-06-01T09:00:00Z`` calls :func:`pin_moto`
before seeding, in the server process (the only one that holds moto's backends):

- moto's IAM clock is frozen at that instant, so creation dates, "last used" stamps
  (moto marks the caller's key on every signed call) and back-dated ages never depend on
  the day the screenshots are made;
- moto's random generator starts from a fixed seed, so user ids, access key ids and secrets
  come out the same on every run (``POST /moto-api/seed?a=N`` re-seeds it before a step
  whose ids are shown, since concurrent reads also draw from it);
- every virtual MFA device gets :data:`FAKE_MFA_SEED`, a fixed and visibly fake secret,
  so the QR code in a screenshot is the same each time and protects nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Final

__all__ = ["FAKE_MFA_SEED", "RANDOM_SEED", "pin_moto"]

#: 64 characters of the base32 alphabet (A–Z, 2–7), as AWS returns a seed; fake on sight.
FAKE_MFA_SEED: Final = ("FAKESEEDFORSCREENSHOTS" * 3)[:64]
#: The seed moto's random generator starts from.
RANDOM_SEED: Final = 20260601


def pin_moto(at: datetime, seed: int = RANDOM_SEED) -> None:
    """Freeze moto's IAM clock at ``at`` (aware), seed its ids, fake every MFA seed."""
    if at.tzinfo is None:
        raise ValueError("pin_moto() needs a timezone-aware datetime")
    import moto.iam.models as iam_models
    from moto.moto_api._internal import mock_random

    # moto keeps naive UTC datetimes (moto.core.utils.utcnow).
    naive = at.astimezone(UTC).replace(tzinfo=None)
    iam_models.utcnow = lambda: naive  # type: ignore[attr-defined]
    mock_random.seed(seed)

    device_class = iam_models.VirtualMfaDevice
    original = device_class.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        self.base32_string_seed = FAKE_MFA_SEED

    device_class.__init__ = init  # type: ignore[method-assign]
