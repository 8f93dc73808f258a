"""IAM Access Analyzer and iam:ListOrganizationsFeatures on the wire: WSGI middleware in
front of moto_server (and the Region middleware), as botocore's models describe them.

Every request reaches the same endpoint URL, so the service is told apart by the SigV4
credential scope (``Credential=AKID/DATE/REGION/SERVICE/aws4_request``):

- ``access-analyzer`` (REST-JSON): ListAnalyzers (GET /analyzer), CreateAnalyzer
  (PUT /analyzer), GetAnalyzer and DeleteAnalyzer (GET/DELETE /analyzer/{name}), answered
  from :class:`tui.demo.analyzers.AnalyzerStandIn` for the Region of the scope, each account
  its own analyzers (an organization's member accounts have none until made there); errors
  carry ``x-amzn-ErrorType`` and a JSON ``message``.
- ``iam`` (query protocol) with ``Action=ListOrganizationsFeatures``: answered from
  :class:`tui.demo.orgfeatures.OrgFeaturesStandIn` in IAM's XML; every other IAM call goes
  on to moto with its body intact.

Pure Python: no moto, Textual or Rich import (the server injects moto's authorizer and its
Organizations lookup).
"""

from __future__ import annotations

import io
import json
import threading
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final
from urllib.parse import parse_qs
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment
from xml.sax.saxutils import escape

from tui.demo.analyzers import AnalyzerStandIn, ApiError, invalid
from tui.demo.orgfeatures import OrgFeaturesError, OrgFeaturesStandIn
from tui.demo.regionapi import Authorizer, read_body

#: Control endpoint (not an AWS API): POST a JSON body
#: ``{"trusted_access": true, "features": ["RootCredentialsManagement"]}``.
ORG_FEATURES_PATH: Final = "/_demo/iam/organizations-features"
IAM_NS: Final = "https://iam.amazonaws.com/doc/2010-05-08/"
ANALYZER_SCOPE: Final = "access-analyzer"

# The Region API's authentication errors → IAM's query-protocol codes.
_IAM_CODES: Final[Mapping[str, str]] = {
    "AccessDeniedException": "AccessDenied",
    "UnrecognizedClientException": "InvalidClientTokenId",
    "MissingAuthenticationTokenException": "MissingAuthenticationToken",
}
_REASONS: Final[Mapping[int, str]] = {
    200: "OK",
    400: "Bad Request",
    402: "Payment Required",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    429: "Too Many Requests",
    500: "Internal Server Error",
}


def credential_scope(environ: WSGIEnvironment) -> tuple[str, str, str]:
    """``(access key id, Region, service)`` of a SigV4-signed request (empty when unsigned)."""
    auth = str(environ.get("HTTP_AUTHORIZATION") or "")
    if "Credential=" not in auth:
        return "", "", ""
    parts = auth.split("Credential=", 1)[1].split(",", 1)[0].split("/")
    if len(parts) < 4:
        return "", "", ""
    return parts[0], parts[2], parts[3]


class ControlApiMiddleware:
    """Answers Access Analyzer and ListOrganizationsFeatures; passes the rest to ``app``."""

    def __init__(
        self,
        app: WSGIApplication,
        analyzers: AnalyzerStandIn,
        org: OrgFeaturesStandIn,
        *,
        authorize: Authorizer | None = None,
        account_of: Callable[[str], str] | None = None,
    ) -> None:
        self.app = app
        self.analyzers = analyzers
        self.org = org
        self.authorize = authorize
        # The access key id of the caller → its account id (moto's mapping, in the server).
        self.account_of = account_of or (lambda _key: analyzers.account_id)
        self._other_accounts: dict[str, AnalyzerStandIn] = {}
        self._accounts_lock = threading.Lock()

    def analyzers_of(self, key: str) -> AnalyzerStandIn:
        """The analyzers of the account signing with ``key`` (``analyzers``' own account
        when the key is unknown or absent)."""
        account_id = self.account_of(key) if key else self.analyzers.account_id
        if account_id == self.analyzers.account_id:
            return self.analyzers
        with self._accounts_lock:
            standin = self._other_accounts.get(account_id)
            if standin is None:
                standin = self.analyzers.for_account(account_id)
                self._other_accounts[account_id] = standin
            return standin

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        key, region, service = credential_scope(environ)
        if service == ANALYZER_SCOPE:
            return self._analyzer_call(environ, start_response, region, self.analyzers_of(key))
        if method == "POST" and path == ORG_FEATURES_PATH:
            return self._configure(environ, start_response)
        if method == "POST" and path == "/moto-api/reset":
            self.analyzers.reset()
            with self._accounts_lock:
                self._other_accounts.clear()
            self.org.reset()
        if service == "iam" and method == "POST":
            body = read_body(environ)
            # moto reads the body again: hand it a fresh stream with the same bytes.
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
            form = parse_qs(body.decode("utf-8", "replace"))
            if form.get("Action", [""])[0] == "ListOrganizationsFeatures":
                return self._org_call(environ, start_response, body, key)
        return self.app(environ, start_response)

    # -- Access Analyzer ---------------------------------------------------------------
    def _analyzer_call(
        self,
        environ: WSGIEnvironment,
        start_response: StartResponse,
        region: str,
        standin: AnalyzerStandIn,
    ) -> Iterable[bytes]:
        try:
            body = read_body(environ)
            operation, name = _route(environ)
            if self.authorize is not None:
                denied = self.authorize(environ, operation, body)
                if denied is not None:
                    raise ApiError(denied.code, denied.message)
            result = self._dispatch(standin, operation, name, region, environ, body)
        except ApiError as err:
            return _respond_json(
                start_response, err.http_status, err.body(), [("x-amzn-ErrorType", err.code)]
            )
        return _respond_json(start_response, 200, result)

    @staticmethod
    def _dispatch(
        standin: AnalyzerStandIn,
        operation: str,
        name: str,
        region: str,
        environ: WSGIEnvironment,
        body: bytes,
    ) -> dict[str, Any] | None:
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        if operation == "ListAnalyzers":
            return standin.list(
                region,
                type_=query.get("type"),
                max_results=query.get("maxResults"),
                next_token=query.get("nextToken"),
            )
        if operation == "GetAnalyzer":
            return {"analyzer": standin.get(region, name)}
        if operation == "DeleteAnalyzer":
            standin.delete(region, name)
            return None
        params = _parse_json(body)
        arn = standin.create(
            region,
            params.get("analyzerName"),
            params.get("type"),
            client_token=params.get("clientToken"),
            tags=params.get("tags"),
        )
        return {"arn": arn}

    # -- iam:ListOrganizationsFeatures ------------------------------------------------------
    def _org_call(
        self, environ: WSGIEnvironment, start_response: StartResponse, body: bytes, key: str
    ) -> Iterable[bytes]:
        operation = "ListOrganizationsFeatures"
        if self.authorize is not None:
            denied = self.authorize(environ, operation, body)
            if denied is not None:
                code = _IAM_CODES.get(denied.code, denied.code)
                return _iam_error(start_response, 403, code, denied.message)
        try:
            org_id, features = self.org.list_features(self.account_of(key))
        except OrgFeaturesError as err:
            return _iam_error(start_response, 400, err.code, err.message)
        members = "".join(f"<member>{escape(f)}</member>" for f in features)
        xml = (
            f'<{operation}Response xmlns="{IAM_NS}"><{operation}Result>'
            f"<OrganizationId>{escape(org_id)}</OrganizationId>"
            f"<EnabledFeatures>{members}</EnabledFeatures>"
            f"</{operation}Result><ResponseMetadata><RequestId>{uuid.uuid4()}</RequestId>"
            f"</ResponseMetadata></{operation}Response>"
        )
        return _respond(start_response, 200, xml.encode(), "text/xml")

    def _configure(self, environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes]:
        try:
            params = _parse_json(read_body(environ))
            features = params.get("features", [])
            if not isinstance(features, list):
                raise ValueError("features must be a list")
            self.org.configure(
                trusted_access=bool(params.get("trusted_access", False)), features=features
            )
        except (ApiError, ValueError) as exc:
            return _respond_json(start_response, 400, {"message": str(exc)})
        return _respond_json(start_response, 200, {"status": "ok"})


def _route(environ: WSGIEnvironment) -> tuple[str, str]:
    """``(operation, analyzer name)`` from the method and path (the botocore model's URIs)."""
    method = environ.get("REQUEST_METHOD", "GET")
    path = environ.get("PATH_INFO", "")
    if path == "/analyzer":
        if method == "GET":
            return "ListAnalyzers", ""
        if method == "PUT":
            return "CreateAnalyzer", ""
    elif path.startswith("/analyzer/") and path.count("/") == 2:
        name = path.removeprefix("/analyzer/")
        if method == "GET":
            return "GetAnalyzer", name
        if method == "DELETE":
            return "DeleteAnalyzer", name
    error = invalid("operation", f"The demo does not implement {method} {path}")
    error.fields["reason"] = "unknownOperation"
    raise error


def _parse_json(body: bytes) -> dict[str, Any]:
    if not body.strip():
        return {}
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        raise invalid("body", "The request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise invalid("body", "The request body must be a JSON object.")
    return data


def _iam_error(start_response: StartResponse, status: int, code: str, message: str) -> list[bytes]:
    kind = "Receiver" if status >= 500 else "Sender"
    xml = (
        f'<ErrorResponse xmlns="{IAM_NS}"><Error><Type>{kind}</Type><Code>{escape(code)}</Code>'
        f"<Message>{escape(message)}</Message></Error>"
        f"<RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>"
    )
    return _respond(start_response, status, xml.encode(), "text/xml")


def _respond_json(
    start_response: StartResponse,
    status: int,
    payload: Mapping[str, Any] | None,
    extra: list[tuple[str, str]] | None = None,
) -> list[bytes]:
    body = b"" if payload is None else json.dumps(payload).encode()
    return _respond(start_response, status, body, "application/json", extra)


def _respond(
    start_response: StartResponse,
    status: int,
    body: bytes,
    content_type: str,
    extra: list[tuple[str, str]] | None = None,
) -> list[bytes]:
    headers = [
        ("Content-Type", content_type),
        ("Content-Length", str(len(body))),
        ("x-amzn-RequestId", str(uuid.uuid4())),
        *(extra or []),
    ]
    start_response(f"{status} {_REASONS.get(status, 'Error')}", headers)
    return [body]
