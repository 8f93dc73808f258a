"""The base of the IAM writers (users, groups, keys, MFA): one way to call IAM, read all
pages, and build a plan step, with the retry delays IAM's eventual consistency needs.

Every failure becomes :class:`~tui.aws.errors.AwsFailure` (plain data, no request
parameters, so no secret). Input refused before any call raises :class:`InvalidRequest`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypedDict

from botocore import xform_name

from tui.aws.errors import AwsFailure, from_exception
from tui.aws.plan import Operation, Plan, Step, cli_command, step_id
from tui.aws.session import AwsSession

if TYPE_CHECKING:
    from mypy_boto3_iam import IAMClient

log = logging.getLogger(__name__)

# Waits between attempts while IAM catches up with a create: ~10 s in all.
RETRY_DELAYS: tuple[float, ...] = (0.25, 0.5, 1.0, 2.0, 3.0, 3.0)


class InvalidRequest(ValueError):
    """Input refused before any AWS call; ``errors`` maps field → message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class Timing(TypedDict, total=False):
    """How a writer waits for IAM to catch up (the keyword arguments of every writer)."""

    sleep: Callable[[float], None]
    retry_delays: Sequence[float]


class IamWriterBase:
    """IAM calls for a writer. Blocking: call it from a thread worker.

    ``sleep`` and ``retry_delays`` (waits while IAM catches up with a create) are
    injectable so tests need not wait.
    """

    def __init__(
        self,
        session: AwsSession,
        *,
        sleep: Callable[[float], None] = time.sleep,
        retry_delays: Sequence[float] = RETRY_DELAYS,
    ) -> None:
        self.session = session
        self._sleep = sleep
        self._delays = tuple(retry_delays)

    def _iam(self) -> IAMClient:
        return self.session.iam()

    def _plan(self, title: str, ops: Sequence[Operation], **kwargs: Any) -> Plan:
        return Plan(title, ops, sleep=self._sleep, retry_delays=self._delays, **kwargs)

    def _call(self, operation: str, params: Mapping[str, Any], *, retry: bool = False) -> Any:
        """Call IAM ``operation``; any failure becomes :class:`AwsFailure`. With ``retry``,
        NoSuchEntity is retried with the writer's delays (eventual consistency)."""
        delays = iter(self._delays)
        while True:
            try:
                return getattr(self._iam(), xform_name(operation))(**params)
            except Exception as exc:  # noqa: BLE001 - reported as data
                error = from_exception(exc, "iam", operation)
            delay = next(delays, None) if retry and error.code == "NoSuchEntity" else None
            if delay is None:
                raise AwsFailure(error) from None
            log.info(
                "iam:%s: NoSuchEntity, IAM has not caught up; retrying in %g s", operation, delay
            )
            self._sleep(delay)

    def _pages(self, operation: str, key: str, **params: Any) -> list[Any]:
        """Every item under ``key`` across the pages of ``operation``."""
        try:
            items: list[Any] = []
            paginator = self._iam().get_paginator(xform_name(operation))  # type: ignore[call-overload]
            for page in paginator.paginate(**params):
                items += page.get(key, [])
            return items
        except Exception as exc:  # noqa: BLE001 - reported as data
            raise AwsFailure(from_exception(exc, "iam", operation)) from None

    def _op(
        self,
        operation: str,
        description: str,
        what: str,
        params: Mapping[str, Any],
        *,
        placeholders: Mapping[str, str] | None = None,
        retry: Iterable[str] = (),
        gone_ok: bool = False,
        then: Callable[[Any], None] | None = None,
        undoes: str | None = None,
        before: Callable[[], None] | None = None,
    ) -> Operation:
        """A plan step calling ``operation`` with ``params``. ``placeholders`` replace
        secret parameters in the CLI line; ``before`` runs before each attempt; ``then``
        receives the response; ``retry`` lists the error codes retried with the delays."""
        shown = {**params, **(placeholders or {})}
        plain = {k: v for k, v in params.items() if k not in (placeholders or {})}
        ident = f"undo:{undoes}" if undoes else step_id(operation, plain)
        cli = cli_command(operation, shown)
        step = Step(ident, f"iam:{operation}", description, cli, undoes=undoes)

        def call() -> None:
            if before is not None:
                before()
            response = getattr(self._iam(), xform_name(operation))(**params)
            if then is not None:
                then(response)

        return Operation(step, call, what, retry_codes=frozenset(retry), gone_ok=gone_ok)
