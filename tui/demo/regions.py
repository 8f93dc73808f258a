"""A stand-in for the AWS Account API's Region calls, which moto does not implement.

Pure Python on purpose (no moto, textual or rich import): the state machine is unit-tested
directly with an injected clock, and the WSGI middleware answers ListRegions,
GetRegionOptStatus, EnableRegion and DisableRegion in front of moto_server exactly as the
REST-JSON wire protocol in botocore's ``account`` model describes, so a stock boto3
``account`` client parses the answers (and the errors) as it would from AWS.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "DEMO_INITIAL_STATUSES",
    "ERROR_HTTP_STATUS",
    "MAX_PAGE_SIZE",
    "OPT_IN_REGIONS",
    "STATUSES",
    "Authorizer",
    "RegionApiError",
    "RegionApiMiddleware",
    "RegionPage",
    "RegionStandIn",
    "aws_partition_regions",
]

ENABLED: Final = "ENABLED"
ENABLING: Final = "ENABLING"
DISABLING: Final = "DISABLING"
DISABLED: Final = "DISABLED"
ENABLED_BY_DEFAULT: Final = "ENABLED_BY_DEFAULT"
#: The RegionOptStatus enum of the botocore model, in its order.
STATUSES: Final[tuple[str, ...]] = (ENABLED, ENABLING, DISABLING, DISABLED, ENABLED_BY_DEFAULT)

#: Regions launched after 20 March 2019 are opt-in (disabled until the account enables them).
#: Intersected at run time with what botocore's endpoints data knows, so an older botocore
#: never makes the stand-in invent a Region.
OPT_IN_REGIONS: Final[frozenset[str]] = frozenset(
    {
        "af-south-1",
        "ap-east-1",
        "ap-east-2",
        "ap-south-2",
        "ap-southeast-3",
        "ap-southeast-4",
        "ap-southeast-5",
        "ap-southeast-6",
        "ap-southeast-7",
        "ca-west-1",
        "eu-central-2",
        "eu-south-1",
        "eu-south-2",
        "il-central-1",
        "me-central-1",
        "me-south-1",
        "mx-central-1",
    }
)

#: The demo account: every status is on screen at once; the opt-in Regions not listed here
#: are DISABLED and the rest ENABLED_BY_DEFAULT.
DEMO_INITIAL_STATUSES: Final[Mapping[str, str]] = {
    "af-south-1": DISABLED,
    "me-south-1": ENABLED,
    "eu-south-1": ENABLING,
    "ap-east-1": DISABLING,
}

#: ListRegionsRequest.MaxResults is 1–50 in the model; AWS's page size when it is omitted
#: is not documented, so the stand-in uses the maximum (fewest round trips).
MAX_PAGE_SIZE: Final = 50
DEFAULT_PAGE_SIZE: Final = MAX_PAGE_SIZE

#: HTTP status of each error shape (``error.httpStatusCode`` in the botocore model), plus
#: the API-Gateway-level authentication errors AWS sends before the service sees the call.
ERROR_HTTP_STATUS: Final[Mapping[str, int]] = {
    "ValidationException": 400,
    "AccessDeniedException": 403,
    "UnrecognizedClientException": 403,
    "MissingAuthenticationTokenException": 403,
    "ConflictException": 409,
    "TooManyRequestsException": 429,
    "InternalServerException": 500,
}

# AWS's own wording for a status change that the current status forbids, as seen on the
# wire for EnableRegion on an ENABLED Region (terraform-provider-aws issue #41430).
_CANNOT_SWITCH: Final = "Unable to switch region status because of its current opt-in status."

_ACCOUNT_ID_RE: Final = re.compile(r"^\d{12}$")


class RegionApiError(Exception):
    """An Account API error, carrying what goes on the wire.

    ``code`` is the error shape name (sent in ``x-amzn-ErrorType``), ``reason`` the
    ValidationExceptionReason (``invalidRegionOptTarget`` / ``fieldValidationFailed``) when
    the shape has one.
    """

    def __init__(self, code: str, message: str, *, reason: str | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.reason = reason

    @property
    def http_status(self) -> int:
        """The HTTP status AWS answers this error with."""
        return ERROR_HTTP_STATUS.get(self.code, 400)


def _validation(message: str, *, reason: str = "fieldValidationFailed") -> RegionApiError:
    return RegionApiError("ValidationException", message, reason=reason)


@functools.cache
def aws_partition_regions() -> tuple[str, ...]:
    """The Region codes of the ``aws`` partition in botocore's endpoints data, sorted."""
    # botocore is a hard dependency of the app anyway, and its endpoints data is what the
    # SDK itself believes exists: the stand-in must not list a Region the SDK rejects.
    from botocore.loaders import create_loader

    # Cached: the data is static and parsing it costs ~25 ms per stand-in.
    data = create_loader().load_data("endpoints")
    for partition in data["partitions"]:
        if partition["partition"] == "aws":
            return tuple(sorted(partition["regions"]))
    raise RuntimeError("botocore endpoints data has no 'aws' partition")


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
            raise _validation(f"{code!r} is not a valid Region name.")
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
                raise _validation(_CANNOT_SWITCH, reason="invalidRegionOptTarget")
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
                raise _validation(_CANNOT_SWITCH, reason="invalidRegionOptTarget")
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
            raise _validation(
                f"1 validation error detected: Value '{size}' at 'maxResults' failed to "
                f"satisfy constraint: Member must have value between 1 and {MAX_PAGE_SIZE}"
            )
        wanted = frozenset(status_filter or ())
        unknown = sorted(wanted.difference(STATUSES))
        if unknown:
            raise _validation(
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
        raise _validation("The NextToken provided is not valid.") from exc
    return after


# --------------------------------------------------------------------- WSGI
#: Called before each Region operation with the WSGI environ, the operation name and the
#: raw body; returns an error to send (AccessDeniedException…) or None to go ahead.
Authorizer = Callable[[WSGIEnvironment, str, bytes], RegionApiError | None]

# requestUri → operation name, from the botocore model (all POST).
_OPERATIONS: Final[Mapping[str, str]] = {
    "/listRegions": "ListRegions",
    "/getRegionOptStatus": "GetRegionOptStatus",
    "/enableRegion": "EnableRegion",
    "/disableRegion": "DisableRegion",
}

#: Control endpoint for fault injection (not an AWS API). POST a JSON body
#: ``{"operation": "EnableRegion", "code": "TooManyRequestsException", "count": 1}``.
INJECT_ERROR_PATH: Final = "/_demo/regions/inject-error"


class RegionApiMiddleware:
    """WSGI middleware answering the Account API Region calls in front of moto.

    POST /listRegions, /getRegionOptStatus, /enableRegion and /disableRegion are answered
    from ``standin`` in AWS's REST-JSON shape; errors carry ``x-amzn-ErrorType`` and a JSON
    ``message``. A POST to /moto-api/reset resets the stand-in and then reaches moto, which
    resets its backends. Everything else passes straight through to ``app``.
    """

    def __init__(
        self,
        app: WSGIApplication,
        standin: RegionStandIn,
        *,
        authorize: Authorizer | None = None,
    ) -> None:
        self.app = app
        self.standin = standin
        self.authorize = authorize

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if method == "POST":
            operation = _OPERATIONS.get(path)
            if operation is not None:
                return self._region_call(operation, environ, start_response)
            if path == "/moto-api/reset":
                self.standin.reset()
            elif path == INJECT_ERROR_PATH:
                return self._inject(environ, start_response)
        return self.app(environ, start_response)

    def _region_call(
        self, operation: str, environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        try:
            body = _read_body(environ)
            if self.authorize is not None:
                denied = self.authorize(environ, operation, body)
                if denied is not None:
                    raise denied
            self.standin.check_injected(operation)
            params = _parse_json(body)
            result = self._dispatch(operation, params)
        except RegionApiError as err:
            payload: dict[str, Any] = {"message": err.message}
            if err.reason is not None:
                payload["reason"] = err.reason
            return _respond(
                start_response,
                err.http_status,
                payload,
                [("x-amzn-ErrorType", err.code)],
            )
        return _respond(start_response, 200, result)

    def _dispatch(self, operation: str, params: Mapping[str, Any]) -> dict[str, Any] | None:
        self._check_account(params.get("AccountId"))
        standin = self.standin
        if operation == "ListRegions":
            max_results = params.get("MaxResults")
            token = params.get("NextToken")
            statuses = params.get("RegionOptStatusContains")
            if max_results is not None and (
                not isinstance(max_results, int) or isinstance(max_results, bool)
            ):
                raise _validation("MaxResults must be an integer.")
            if token is not None and not isinstance(token, str):
                raise _validation("NextToken must be a string.")
            if statuses is not None and (
                not isinstance(statuses, list) or not all(isinstance(s, str) for s in statuses)
            ):
                raise _validation("RegionOptStatusContains must be a list of strings.")
            page = standin.list_regions(max_results, token, statuses)
            out: dict[str, Any] = {
                "Regions": [{"RegionName": c, "RegionOptStatus": s} for c, s in page.regions]
            }
            if page.next_token is not None:
                out["NextToken"] = page.next_token
            return out
        name = params.get("RegionName")
        if not isinstance(name, str) or not 1 <= len(name) <= 50:
            raise _validation(
                "1 validation error detected: Value at 'regionName' failed to satisfy "
                "constraint: Member must not be null and have length between 1 and 50"
            )
        if operation == "GetRegionOptStatus":
            return {"RegionName": name, "RegionOptStatus": standin.get(name)}
        if operation == "EnableRegion":
            standin.enable(name)
        else:
            standin.disable(name)
        # EnableRegion/DisableRegion have no output shape: AWS sends 200 with an empty body.
        return None

    def _check_account(self, account_id: object) -> None:
        if account_id is None:
            return
        if not isinstance(account_id, str) or not _ACCOUNT_ID_RE.match(account_id):
            raise _validation("AccountId must be a 12-digit account ID.")
        if account_id != self.standin.account_id:
            # A standalone account (the demo belongs to no organization) cannot reach
            # another account through AccountId.
            raise RegionApiError(
                "AccessDeniedException",
                f"Account {self.standin.account_id} is not allowed to manage account "
                f"{account_id}: it is not the management or delegated administrator account "
                "of an organization containing it.",
            )

    def _inject(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        try:
            params = _parse_json(_read_body(environ))
            operation, code = params["operation"], params["code"]
            count = int(params.get("count", 1))
            message = params.get("message")
            if operation not in _OPERATIONS.values() or code not in ERROR_HTTP_STATUS:
                raise ValueError(f"unsupported operation/code {operation!r}/{code!r}")
            self.standin.inject_error(operation, code, message, count=count)
        except (RegionApiError, KeyError, TypeError, ValueError) as exc:
            return _respond(start_response, 400, {"message": str(exc)})
        return _respond(start_response, 200, {"status": "ok"})


def _read_body(environ: WSGIEnvironment) -> bytes:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    stream = environ.get("wsgi.input")
    if length <= 0 or stream is None:
        return b""
    data = stream.read(length)
    return data if isinstance(data, bytes) else bytes(data)


def _parse_json(body: bytes) -> dict[str, Any]:
    if not body.strip():
        return {}
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, ValueError) as exc:
        raise _validation("The request body is not valid JSON.") from exc
    if not isinstance(data, dict):
        raise _validation("The request body must be a JSON object.")
    return data


def _respond(
    start_response: StartResponse,
    status: int,
    payload: Mapping[str, Any] | None,
    extra_headers: Sequence[tuple[str, str]] = (),
) -> list[bytes]:
    body = b"" if payload is None else json.dumps(payload).encode()
    reason = _REASONS.get(status, "Error")
    headers = [
        ("Content-Type", "application/json"),
        ("Content-Length", str(len(body))),
        ("x-amzn-RequestId", str(uuid.uuid4())),
        *extra_headers,
    ]
    start_response(f"{status} {reason}", headers)
    return [body]


_REASONS: Final[Mapping[int, str]] = {
    200: "OK",
    400: "Bad Request",
    403: "Forbidden",
    409: "Conflict",
    429: "Too Many Requests",
    500: "Internal Server Error",
}
