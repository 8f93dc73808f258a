"""A stand-in for IAM Access Analyzer's analyzers, which moto does not implement.

Pure Python (no moto, Textual or Rich import), like :mod:`tui.demo.regions`: one set of
analyzers per Region, with the semantics and errors of botocore's ``accessanalyzer`` model
(ListAnalyzers with its ``type`` filter and pagination, CreateAnalyzer with ``clientToken``
idempotency, GetAnalyzer, DeleteAnalyzer). :mod:`tui.demo.controlapi` serves it on the wire.
"""

from __future__ import annotations

import base64
import binascii
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final

#: The ``Type`` enum of the botocore model, in its order.
TYPES: Final[tuple[str, ...]] = (
    "ACCOUNT",
    "ORGANIZATION",
    "ACCOUNT_UNUSED_ACCESS",
    "ORGANIZATION_UNUSED_ACCESS",
    "ACCOUNT_INTERNAL_ACCESS",
    "ORGANIZATION_INTERNAL_ACCESS",
)
#: ``Name``: 1–255 characters, ``[A-Za-z][A-Za-z0-9_.-]*``.
NAME_RE: Final = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")
NAME_MAX: Final = 255
#: AWS's page size when maxResults is omitted is not documented; the stand-in uses 100.
DEFAULT_PAGE_SIZE: Final = 100
RESOURCE_TYPE: Final = "AWS::AccessAnalyzer::Analyzer"

#: HTTP status of each error shape (``error.httpStatusCode`` in the botocore model), plus
#: the authentication errors AWS sends before the service sees the call.
ERROR_HTTP_STATUS: Final[Mapping[str, int]] = {
    "ValidationException": 400,
    "AccessDeniedException": 403,
    "UnrecognizedClientException": 403,
    "MissingAuthenticationTokenException": 403,
    "ResourceNotFoundException": 404,
    "ConflictException": 409,
    "ServiceQuotaExceededException": 402,
    "ThrottlingException": 429,
    "InternalServerException": 500,
}


class ApiError(Exception):
    """A REST-JSON error: ``code`` goes in ``x-amzn-ErrorType``, ``fields`` (``message``
    included) in the JSON body, with the HTTP status of the error shape."""

    def __init__(self, code: str, message: str, **fields: Any) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.fields = fields

    @property
    def http_status(self) -> int:
        return ERROR_HTTP_STATUS.get(self.code, 400)

    def body(self) -> dict[str, Any]:
        return {"message": self.message, **self.fields}


def invalid(name: str, message: str) -> ApiError:
    """A ValidationException about the field ``name``."""
    return ApiError(
        "ValidationException",
        message,
        reason="fieldValidationFailed",
        fieldList=[{"name": name, "message": message}],
    )


def not_found(name: str) -> ApiError:
    return ApiError(
        "ResourceNotFoundException",
        f"Analyzer {name} not found",
        resourceId=name,
        resourceType=RESOURCE_TYPE,
    )


@dataclass
class _Analyzer:
    name: str
    type: str
    arn: str
    created: datetime
    tags: dict[str, str] = field(default_factory=dict)
    client_token: str | None = None


def _timestamp(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class AnalyzerStandIn:
    """Thread-safe analyzers of one account, per Region; every analyzer is ACTIVE."""

    def __init__(
        self,
        *,
        account_id: str = "123456789012",
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.account_id = account_id
        self._clock = clock
        self._lock = threading.Lock()
        self._regions: dict[str, dict[str, _Analyzer]] = {}

    def reset(self) -> None:
        with self._lock:
            self._regions.clear()

    def for_account(self, account_id: str) -> AnalyzerStandIn:
        """Another account's analyzers (none yet), on the same clock."""
        return AnalyzerStandIn(account_id=account_id, clock=self._clock)

    def _arn(self, region: str, name: str) -> str:
        return f"arn:aws:access-analyzer:{region}:{self.account_id}:analyzer/{name}"

    def create(
        self,
        region: str,
        name: object,
        type_: object,
        *,
        client_token: object = None,
        tags: object = None,
    ) -> str:
        """CreateAnalyzer: the new analyzer's ARN (the same one again for a retried
        ``client_token``)."""
        _check_name(name)
        if not isinstance(type_, str) or type_ not in TYPES:
            raise invalid("type", f"Invalid type {type_!r}: must be one of {', '.join(TYPES)}")
        if tags is not None and not (
            isinstance(tags, dict) and all(isinstance(v, str) for v in tags.values())
        ):
            raise invalid("tags", "tags must be a map of strings")
        assert isinstance(name, str)
        with self._lock:
            analyzers = self._regions.setdefault(region, {})
            existing = analyzers.get(name)
            if existing is not None:
                if client_token is not None and existing.client_token == client_token:
                    return existing.arn  # the same request, retried: idempotent
                raise ApiError(
                    "ConflictException",
                    f"Analyzer {name} already exists",
                    resourceId=name,
                    resourceType=RESOURCE_TYPE,
                )
            analyzer = _Analyzer(
                name,
                type_,
                self._arn(region, name),
                self._clock(),
                dict(tags or {}),
                client_token if isinstance(client_token, str) else None,
            )
            analyzers[name] = analyzer
            return analyzer.arn

    def get(self, region: str, name: str) -> dict[str, Any]:
        _check_name(name)
        with self._lock:
            analyzer = self._regions.get(region, {}).get(name)
            if analyzer is None:
                raise not_found(name)
            return _summary(analyzer)

    def delete(self, region: str, name: str) -> None:
        _check_name(name)
        with self._lock:
            if self._regions.get(region, {}).pop(name, None) is None:
                raise not_found(name)

    def list(
        self,
        region: str,
        *,
        type_: str | None = None,
        max_results: str | None = None,
        next_token: str | None = None,
    ) -> dict[str, Any]:
        """ListAnalyzers: one page, in creation order."""
        if type_ is not None and type_ not in TYPES:
            raise invalid("type", f"Invalid type {type_!r}: must be one of {', '.join(TYPES)}")
        size = DEFAULT_PAGE_SIZE
        if max_results is not None:
            try:
                size = int(max_results)
            except ValueError:
                raise invalid("maxResults", "maxResults must be an integer") from None
            if size < 1:
                raise invalid("maxResults", "maxResults must be at least 1")
        start = _decode_token(next_token)
        with self._lock:
            found = [
                _summary(a)
                for a in self._regions.get(region, {}).values()
                if type_ is None or a.type == type_
            ]
        page = found[start : start + size]
        out: dict[str, Any] = {"analyzers": page}
        if start + size < len(found):
            out["nextToken"] = _encode_token(start + size)
        return out


def _check_name(name: object) -> None:
    if not isinstance(name, str) or not 1 <= len(name) <= NAME_MAX or not NAME_RE.match(name):
        raise invalid(
            "analyzerName",
            f"Invalid analyzer name {name!r}: 1 to {NAME_MAX} characters, a letter first, "
            "then letters, digits, '_', '.' or '-'",
        )


def _summary(a: _Analyzer) -> dict[str, Any]:
    return {
        "arn": a.arn,
        "name": a.name,
        "type": a.type,
        "createdAt": _timestamp(a.created),
        "status": "ACTIVE",
        "tags": dict(a.tags),
    }


def _encode_token(index: int) -> str:
    return base64.urlsafe_b64encode(f"analyzers:{index}".encode()).decode()


def _decode_token(token: str | None) -> int:
    if token is None:
        return 0
    try:
        prefix, _, index = base64.urlsafe_b64decode(token.encode()).decode().partition(":")
        if prefix != "analyzers":
            raise ValueError(prefix)
        return max(0, int(index))
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise invalid("nextToken", "Invalid pagination token") from None
