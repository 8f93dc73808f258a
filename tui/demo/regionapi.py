"""The Account API's Region calls on the wire: WSGI middleware in front of moto_server.

It answers ListRegions, GetRegionOptStatus, EnableRegion and DisableRegion from a
:class:`tui.demo.regions.RegionStandIn` exactly as the REST-JSON wire protocol in
botocore's ``account`` model describes, so a stock boto3 ``account`` client parses the
answers (and the errors) as it would from AWS. Pure Python: no moto, Textual or Rich import.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Final
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from tui.demo.regiondata import ERROR_HTTP_STATUS, RegionApiError, validation_error
from tui.demo.regions import RegionStandIn

_ACCOUNT_ID_RE: Final = re.compile(r"^\d{12}$")

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
            body = read_body(environ)
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
                raise validation_error("MaxResults must be an integer.")
            if token is not None and not isinstance(token, str):
                raise validation_error("NextToken must be a string.")
            if statuses is not None and (
                not isinstance(statuses, list) or not all(isinstance(s, str) for s in statuses)
            ):
                raise validation_error("RegionOptStatusContains must be a list of strings.")
            page = standin.list_regions(max_results, token, statuses)
            out: dict[str, Any] = {
                "Regions": [{"RegionName": c, "RegionOptStatus": s} for c, s in page.regions]
            }
            if page.next_token is not None:
                out["NextToken"] = page.next_token
            return out
        name = params.get("RegionName")
        if not isinstance(name, str) or not 1 <= len(name) <= 50:
            raise validation_error(
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
            raise validation_error("AccountId must be a 12-digit account ID.")
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
            params = _parse_json(read_body(environ))
            operation, code = params["operation"], params["code"]
            count = int(params.get("count", 1))
            message = params.get("message")
            if operation not in _OPERATIONS.values() or code not in ERROR_HTTP_STATUS:
                raise ValueError(f"unsupported operation/code {operation!r}/{code!r}")
            self.standin.inject_error(operation, code, message, count=count)
        except (RegionApiError, KeyError, TypeError, ValueError) as exc:
            return _respond(start_response, 400, {"message": str(exc)})
        return _respond(start_response, 200, {"status": "ok"})


def read_body(environ: WSGIEnvironment) -> bytes:
    """The request's body (its Content-Length bytes; none when absent or bad)."""
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
        raise validation_error("The request body is not valid JSON.") from exc
    if not isinstance(data, dict):
        raise validation_error("The request body must be a JSON object.")
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
