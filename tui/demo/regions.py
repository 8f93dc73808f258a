"""A stand-in for the AWS Account API's Region calls, which moto does not implement.

Pure Python on purpose (no moto, textual or rich import): the state machine is unit-tested
directly with an injected clock. :mod:`tui.demo.regionapi` answers ListRegions,
GetRegionOptStatus, EnableRegion and DisableRegion from it on the wire, in front of
moto_server; :mod:`tui.demo.regiondata` holds the statuses, opt-in Regions and errors.
"""

from __future__ import annotations

import base64
import binascii
import json
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from tui.demo.regiondata import (
    DEFAULT_PAGE_SIZE,
    DEMO_INITIAL_STATUSES,
    DISABLED,
    DISABLING,
    ENABLED,
    ENABLED_BY_DEFAULT,
    ENABLING,
    MAX_PAGE_SIZE,
    OPT_IN_REGIONS,
    STATUSES,
    RegionApiError,
    aws_partition_regions,
    validation_error,
)

# AWS's own wording for a status change that the current status forbids, as seen on the
# wire for EnableRegion on an ENABLED Region (terraform-provider-aws issue #41430).
_CANNOT_SWITCH: Final = "Unable to switch region status because of its current opt-in status."


@dataclass(frozen=True)
class RegionPage:
    """One ListRegions page: ``(RegionName, RegionOptStatus)`` pairs and the next token."""

    regions: tuple[tuple[str, str], ...]
    next_token: str | None


@dataclass
class _Entry:
    status: str
    # A transition in flight: the status it lands on and when (on the stand-in's clock).
    target: str | None = None
    due: float | None = None


class RegionStandIn:
    """Thread-safe opt-in Region state machine with the Account API's documented semantics.

    EnableRegion moves DISABLED → ENABLING → ENABLED, DisableRegion ENABLED → DISABLING →
    DISABLED; each in-flight transition lands ``transition_seconds`` after it started. The
    landing is computed lazily from ``clock`` whenever a status is read, so there is no
    timer thread and tests can drive time by hand.
    """

    def __init__(
        self,
        *,
        initial_statuses: Mapping[str, str] | None = None,
        transition_seconds: float = 20.0,
        extra_regions: int = 0,
        clock: Callable[[], float] = time.monotonic,
        regions: Iterable[str] | None = None,
        account_id: str = "123456789012",
    ) -> None:
        if transition_seconds < 0:
            raise ValueError("transition_seconds must be >= 0")
        if extra_regions < 0:
            raise ValueError("extra_regions must be >= 0")
        self.transition_seconds = transition_seconds
        self.account_id = account_id
        self._clock = clock
        self._lock = threading.Lock()
        known = tuple(regions) if regions is not None else aws_partition_regions()
        self._opt_in = frozenset(OPT_IN_REGIONS.intersection(known))
        # Fake opt-in codes exist only so pagination can be exercised past one page of 50.
        extra = tuple(f"xx-test-{n}" for n in range(1, extra_regions + 1))
        self._opt_in = self._opt_in.union(extra)
        self._codes: tuple[str, ...] = tuple(sorted(set(known).union(extra)))
        wanted = dict(DEMO_INITIAL_STATUSES if initial_statuses is None else initial_statuses)
        self._initial: dict[str, str] = {}
        for code in self._codes:
            default = DISABLED if code in self._opt_in else ENABLED_BY_DEFAULT
            self._initial[code] = wanted.pop(code, default)
        if wanted:
            raise ValueError(f"unknown Regions in initial_statuses: {sorted(wanted)}")
        for code, status in self._initial.items():
            if status not in STATUSES:
                raise ValueError(f"{code}: unknown status {status!r}")
            if (status == ENABLED_BY_DEFAULT) != (code not in self._opt_in):
                raise ValueError(f"{code}: ENABLED_BY_DEFAULT is exactly the non-opt-in set")
        self._entries: dict[str, _Entry] = {}
        # Per-operation queue of errors to raise before touching state (fault injection
        # for the app's error paths: throttling, access denied…).
        self._injected: dict[str, list[RegionApiError]] = {}
        self.reset()

    # ----------------------------------------------------------------- state
    @property
    def codes(self) -> tuple[str, ...]:
        """Every Region code the stand-in knows, sorted."""
        return self._codes

    @property
    def opt_in_codes(self) -> frozenset[str]:
        """The opt-in Region codes (the ones whose status can change)."""
        return self._opt_in

    def reset(self) -> None:
        """Back to the initial statuses; initial ENABLING/DISABLING restart their delay."""
        with self._lock:
            now = self._clock()
            self._injected.clear()
            self._entries = {}
            for code, status in self._initial.items():
                entry = _Entry(status)
                if status == ENABLING:
                    entry.target, entry.due = ENABLED, now + self.transition_seconds
                elif status == DISABLING:
                    entry.target, entry.due = DISABLED, now + self.transition_seconds
                self._entries[code] = entry

    def inject_error(
        self, operation: str, code: str, message: str | None = None, *, count: int = 1
    ) -> None:
        """Make the next ``count`` calls of ``operation`` (e.g. "EnableRegion") fail."""
        error = RegionApiError(code, message or f"Injected {code} for {operation}.")
        with self._lock:
            self._injected.setdefault(operation, []).extend([error] * count)

    def check_injected(self, operation: str) -> None:
        """Raise the next injected error for ``operation``, if any."""
        with self._lock:
            queue = self._injected.get(operation)
            if queue:
                raise queue.pop(0)

    def _entry(self, code: str, now: float) -> _Entry:
        # Caller holds the lock.
        entry = self._entries.get(code)
        if entry is None:
            raise validation_error(f"{code!r} is not a valid Region name.")
        if entry.due is not None and entry.target is not None and now >= entry.due:
            entry.status, entry.target, entry.due = entry.target, None, None
        return entry

    def get(self, code: str) -> str:
        """GetRegionOptStatus: the current status of ``code``."""
        with self._lock:
            return self._entry(code, self._clock()).status

    def enable(self, code: str) -> None:
        """EnableRegion: DISABLED → ENABLING (→ ENABLED after ``transition_seconds``)."""
        with self._lock:
            now = self._clock()
            entry = self._entry(code, now)
            if entry.status == DISABLING:
                # Documented on ConflictException in the model: "you try to enable a Region
                # that is currently being disabled (in a status of DISABLING)".
                raise RegionApiError(
                    "ConflictException",
                    f"Region {code} is being disabled; it can be enabled again once its "
                    "status is DISABLED.",
                )
            if entry.status != DISABLED:
                # ENABLED, ENABLING and ENABLED_BY_DEFAULT: AWS answers ValidationException
                # with this message (verified for ENABLED; the others share the rule).
                raise validation_error(_CANNOT_SWITCH, reason="invalidRegionOptTarget")
            entry.status, entry.target, entry.due = ENABLING, ENABLED, now + self.transition_seconds

    def disable(self, code: str) -> None:
        """DisableRegion: ENABLED → DISABLING (→ DISABLED after ``transition_seconds``)."""
        with self._lock:
            now = self._clock()
            entry = self._entry(code, now)
            if entry.status == DISABLING:
                raise RegionApiError(
                    "ConflictException",
                    f"Region {code} is already being disabled.",
                )
            if entry.status != ENABLED:
                # DISABLED, ENABLED_BY_DEFAULT and ENABLING. For ENABLING the model only
                # says "you cannot disable the Region until the enabling process is fully
                # completed" (EnableRegionRequest.RegionName); its ConflictException doc
                # names only the DISABLING case, and no evidence was found that AWS answers
                # ConflictException here, so this stays the ValidationException AWS gives
                # for every other status that forbids the switch.
                raise validation_error(_CANNOT_SWITCH, reason="invalidRegionOptTarget")
            entry.status, entry.target, entry.due = (
                DISABLING,
                DISABLED,
                now + self.transition_seconds,
            )

    def list_regions(
        self,
        max_results: int | None = None,
        next_token: str | None = None,
        status_filter: Sequence[str] | None = None,
    ) -> RegionPage:
        """ListRegions: one page, in Region-code order, optionally filtered by status."""
        size = DEFAULT_PAGE_SIZE if max_results is None else max_results
        if not 1 <= size <= MAX_PAGE_SIZE:
            raise validation_error(
                f"1 validation error detected: Value '{size}' at 'maxResults' failed to "
                f"satisfy constraint: Member must have value between 1 and {MAX_PAGE_SIZE}"
            )
        wanted = frozenset(status_filter or ())
        unknown = sorted(wanted.difference(STATUSES))
        if unknown:
            raise validation_error(
                f"Value {unknown} at 'regionOptStatusContains' failed to satisfy "
                f"constraint: Member must satisfy enum value set: {list(STATUSES)}"
            )
        after = _decode_token(next_token) if next_token else None
        with self._lock:
            now = self._clock()
            # The token names the last code returned, not an offset: a Region whose status
            # changes between two pages of a filtered listing cannot shift the others.
            rows = [
                (code, status)
                for code in self._codes
                if after is None or code > after
                for status in (self._entry(code, now).status,)
                if not wanted or status in wanted
            ]
        page = tuple(rows[:size])
        token = _encode_token(page[-1][0]) if len(rows) > size else None
        return RegionPage(page, token)

    # The brief's name for ListRegions; defined last so ``list`` still means the builtin in
    # the annotations above.
    list = list_regions


def _encode_token(last_code: str) -> str:
    raw = json.dumps({"v": 1, "after": last_code}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode("ascii")


def _decode_token(token: str) -> str:
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode("ascii")))
        after = data["after"]
        if data.get("v") != 1 or not isinstance(after, str):
            raise ValueError(token)
    except (binascii.Error, UnicodeError, ValueError, KeyError, TypeError) as exc:
        raise validation_error("The NextToken provided is not valid.") from exc
    return after
