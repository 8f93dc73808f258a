"""Opt-in Regions through the Account API: what can change, the change, and its status.

Which Regions are opt-in is never hand-written: the Account API says so (every Region
that is not ENABLED_BY_DEFAULT). A change that the known status forbids is refused here,
before any call; AWS's own refusals (the status moved on meanwhile) come back as an
:class:`AwsFailure` whose hint says in plain words what happened and what to do.

Enabling or disabling takes minutes to hours: :func:`poll_delays` paces the
GetRegionOptStatus polls and :func:`settled` says when to stop.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Literal

from botocore.exceptions import BotoCoreError, ClientError
from botocore.parsers import ResponseParserError

from tui.aws.errors import (
    AwsFailure,
    MfaTokenRequired,
    ReadOnlyRefused,
    from_exception,
)
from tui.aws.models import Region, RegionStatus
from tui.aws.permissions import denied_hint
from tui.aws.session import AwsSession

__all__ = [
    "RegionRefused",
    "RegionWriter",
    "opt_in_codes",
    "poll_delays",
    "region_action",
    "settled",
]

RegionVerb = Literal["enable", "disable"]

_TRANSITIONS = frozenset({RegionStatus.ENABLING, RegionStatus.DISABLING})

# What can be done with a Region in each status, and why (or why not), for a person.
_ACTIONS: dict[RegionStatus, tuple[RegionVerb | None, str]] = {
    RegionStatus.DISABLED: ("enable", "Opt-in Region, disabled: enable it to use it"),
    RegionStatus.ENABLED: (
        "disable",
        "Opt-in Region, enabled: disabling removes IAM access to resources there",
    ),
    RegionStatus.ENABLED_BY_DEFAULT: (None, "Enabled by default: it cannot be disabled"),
    RegionStatus.ENABLING: (None, "Already enabling: wait until it settles"),
    RegionStatus.DISABLING: (
        None,
        "Disabling: wait until it settles before enabling it again",
    ),
}


class RegionRefused(ValueError):
    """A Region change refused locally (no AWS call): its status does not allow it."""

    def __init__(self, code: str, verb: RegionVerb, reason: str) -> None:
        super().__init__(f"Cannot {verb} {code}: {reason}")
        self.code = code
        self.verb = verb
        self.reason = reason


def _action_for(status: RegionStatus) -> tuple[RegionVerb | None, str]:
    return _ACTIONS[status]


def region_action(region: Region) -> tuple[RegionVerb | None, str]:
    """``("enable" | "disable" | None, reason)``: the one change ``region`` allows now.

    ``None`` means no change is possible in this status; the reason says why.
    """
    return _action_for(region.status)


def _refusal(verb: RegionVerb, status: RegionStatus) -> str | None:
    """Why ``verb`` is impossible from ``status``, or ``None`` when it is allowed."""
    allowed, reason = _action_for(status)
    if allowed == verb:
        return None
    if status is RegionStatus.ENABLED:
        return "Already enabled"
    if status is RegionStatus.ENABLED_BY_DEFAULT and verb == "enable":
        return "Already enabled (by default, and always will be)"
    if status is RegionStatus.DISABLED:
        return "Already disabled"
    if status is RegionStatus.ENABLING and verb == "disable":
        return "Still enabling: it can be disabled only once enabling has finished"
    return reason


def settled(status: RegionStatus) -> bool:
    """True when ``status`` is not moving (neither ENABLING nor DISABLING)."""
    return status not in _TRANSITIONS


def poll_delays(first: float = 2.0, factor: float = 1.6, cap: float = 60.0) -> Iterator[float]:
    """Endless waits between status polls: ``first``, then ×``factor``, never above ``cap``."""
    if first <= 0 or factor < 1 or cap <= 0:
        raise ValueError("poll_delays needs first > 0, factor >= 1 and cap > 0")
    delay = min(first, cap)
    while True:
        yield delay
        delay = min(delay * factor, cap)


def opt_in_codes(regions: Iterable[Region]) -> frozenset[str]:
    """The codes of the opt-in Regions, as the Account API's statuses say."""
    return frozenset(r.code for r in regions if r.status is not RegionStatus.ENABLED_BY_DEFAULT)


def _hint(code: str, operation: str, action: str) -> str:
    change = operation in ("EnableRegion", "DisableRegion")
    if code == "ValidationException" and change:
        return (
            "The Region is not in a state that allows this (for example it is already "
            "enabling or enabled, or it is not an opt-in Region); refresh (r) to see its status"
        )
    if code == "ValidationException":
        return "AWS does not know this Region name"
    if code == "ConflictException":
        return (
            "The Region is still disabling or enabling: wait until that finishes "
            "(minutes to hours), then try again"
        )
    if code == "TooManyRequestsException":
        if change:
            return "Too many Region changes at once: wait a minute, then try again"
        return "AWS is throttling Region requests: wait a minute, then refresh (r)"
    if code in ("AccessDenied", "AccessDeniedException"):
        return f"{denied_hint(action)}; ask an administrator, or use an identity that has it"
    return ""


class RegionWriter:
    """Reads and changes the opt-in status of one Region at a time (Account API).

    Calls omit ``AccountId``: acct-tui manages the account it is signed in to, and AWS
    refuses a management account that names itself.
    """

    def __init__(self, session: AwsSession) -> None:
        self.session = session

    @staticmethod
    @contextmanager
    def _aws(operation: str) -> Iterator[None]:
        """Turn a failure of ``operation`` (botocore's, or the session's read-only and
        MFA guards) into an :class:`AwsFailure` with a plain hint."""
        try:
            yield
        except (
            ClientError,
            BotoCoreError,
            ResponseParserError,
            ReadOnlyRefused,
            MfaTokenRequired,
        ) as exc:
            error = from_exception(exc, "account", operation)
            hint = _hint(error.code, operation, error.action) or error.hint
            raise AwsFailure(replace(error, hint=hint)) from None

    def status(self, code: str) -> RegionStatus:
        """The Region's opt-in status now (account:GetRegionOptStatus)."""
        with self._aws("GetRegionOptStatus"):
            got = self.session.account().get_region_opt_status(RegionName=code)
        return RegionStatus(got["RegionOptStatus"])

    def enable(self, code: str, current: RegionStatus) -> None:
        """Start enabling ``code`` (account:EnableRegion); it then reads ENABLING.

        Raises :class:`RegionRefused` without calling AWS when ``current`` forbids it,
        :class:`AwsFailure` when AWS refuses (e.g. ``current`` was out of date).
        """
        self._change("enable", code, current)

    def disable(self, code: str, current: RegionStatus) -> None:
        """Start disabling ``code`` (account:DisableRegion); it then reads DISABLING.

        Raises :class:`RegionRefused` without calling AWS when ``current`` forbids it,
        :class:`AwsFailure` when AWS refuses.
        """
        self._change("disable", code, current)

    def _change(self, verb: RegionVerb, code: str, current: RegionStatus) -> None:
        reason = _refusal(verb, RegionStatus(current))
        if reason is not None:
            raise RegionRefused(code, verb, reason)
        if verb == "enable":
            with self._aws("EnableRegion"):
                self.session.account().enable_region(RegionName=code)
        else:
            with self._aws("DisableRegion"):
                self.session.account().disable_region(RegionName=code)
