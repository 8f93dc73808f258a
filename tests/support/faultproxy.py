"""A fault-injecting HTTP proxy for tests: AWS errors and broken connections on a real wire.

    with FaultProxy(upstream_url) as proxy:
        proxy.inject("iam:CreateUser", "throttle")
        ...  # clients with endpoint_url=proxy.url
        assert proxy.count("iam:CreateUser") == 3

It listens on 127.0.0.1 (a free port), one thread per connection, and forwards every
request to ``upstream`` (a moto_server, or the demo server, which adds the Account API's
Region calls that moto lacks). Each request is named by its AWS action, as IAM policies
and acct-tui's own errors spell it (``iam:CreateUser``, ``account:ListRegions``): the
service comes from the SigV4 credential scope, the operation from ``Action=`` in the form
body (query and EC2 protocols) or from the request URI of the botocore model (REST-JSON).

Faults, per action, for every request until cleared (or for the next ``times``):

- ``throttle``: the service's throttling error (query/EC2: 400 ``Throttling`` /
  ``RequestLimitExceeded``; REST-JSON: the model's 429 ``TooManyRequestsException``);
- ``500`` / ``503``: the protocol's internal-error / unavailable body;
- ``denied``: 403 ``AccessDenied`` (EC2: ``UnauthorizedOperation``; REST-JSON:
  ``AccessDeniedException``) naming the action, as AWS words it;
- ``reset``: the request is read and never forwarded; the connection is reset (RST);
- ``slow``: the request IS forwarded (AWS acts on it), and the answer is held back until
  the client gives up (its read timeout: the request is then marked ``abandoned``) or,
  failing that, ``slow_seconds`` have passed; then the connection is closed: the case
  where the caller cannot know whether its call took effect.
- ``unreadable``: the request IS forwarded (AWS acts on it), and its answer comes back as
  HTTP 200 with the body cut short before its last closing tag (JSON: its last byte), so
  no parser can read it, though it still holds everything before, secrets included (a new
  access key's secret, a virtual MFA device's seed). The secrets it carried are recorded
  (:meth:`FaultProxy.secrets`), for tests to look for them where they must not be.

An action can also be stubbed (:meth:`FaultProxy.stub`): answered with a canned 200 body
instead of being forwarded, for APIs the emulator lacks (moto has no service-specific
credentials). A fault armed for the same action wins over its stub.

Every request is counted (faulted or not), with its arrival and end times, so tests can
assert retries and measure what happened while a faulted call was in flight. The proxy
stops by itself when its ``with`` block (or :meth:`stop`) ends.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import json
import re
import select
import socket
import struct
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

import botocore.session

from tui.aws.errors import action_name

FAULTS: tuple[str, ...] = ("throttle", "500", "503", "denied", "reset", "slow", "unreadable")
"""Every fault the proxy can inject, in the order the matrix prints them."""

_HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)


@dataclass
class Request:
    """One request the proxy saw: its action, the access key it was signed with, the
    fault applied (or ``""``), and when."""

    action: str
    key: str
    fault: str
    started: float
    ended: float | None = None
    secrets: tuple[str, ...] = ()  # secrets in the unreadable answer it was sent
    abandoned: bool = False  # a held (slow) answer the client stopped waiting for


@cache
def _model(service: str) -> Any:
    return botocore.session.get_session().get_service_model(service)


@cache
def _rest_operations(service: str) -> dict[tuple[str, str], str]:
    """(method, request URI path) → operation, for a REST service's botocore model."""
    model = _model(service)
    table: dict[tuple[str, str], str] = {}
    for name in model.operation_names:
        http = model.operation_model(name).http
        path = http.get("requestUri", "/").split("?", 1)[0]
        table[(http.get("method", "POST"), path)] = name
    return table


def _rest_operation(service: str, method: str, route: str) -> str:
    """The operation of a REST request: an exact path, else a templated one
    (``/analyzer/{analyzerName}`` matches ``/analyzer/acct-tui-external-access``)."""
    table = _rest_operations(service)
    exact = table.get((method, route))
    if exact is not None:
        return exact
    for (m, path), name in table.items():
        if m == method and "{" in path:
            pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path))
            if re.fullmatch(pattern, route):
                return name
    return ""


def access_key(headers: Any) -> str:
    """The access key id a SigV4 request is signed with ("" when unsigned)."""
    auth = headers.get("Authorization", "")
    if "Credential=" not in auth:
        return ""
    return str(auth.split("Credential=", 1)[1].split("/", 1)[0])


# SigV4 signing names that differ from botocore's service model names.
_MODEL_OF_SIGNING_NAME = {"access-analyzer": "accessanalyzer", "sso": "sso-admin"}


def identify(method: str, path: str, headers: Any, body: bytes) -> tuple[str, str]:
    """``(service, Operation)`` of an AWS request, ``("", "")`` when it is not one."""
    auth = headers.get("Authorization", "")
    if "Credential=" not in auth:
        return "", ""
    # Credential=AKID/20260101/us-east-1/iam/aws4_request
    scope = auth.split("Credential=", 1)[1].split(",", 1)[0].split("/")
    service = scope[3] if len(scope) > 3 else ""
    if not service:
        return "", ""
    service = _MODEL_OF_SIGNING_NAME.get(service, service)
    protocol = _model(service).protocol
    if protocol in ("query", "ec2"):
        form = parse_qs(body.decode("utf-8", "replace"))
        return service, (form.get("Action") or [""])[0]
    if protocol == "json":  # X-Amz-Target: SWBExternalService.ListInstances
        return service, headers.get("X-Amz-Target", "").rpartition(".")[2]
    route = urlsplit(path).path
    return service, _rest_operation(service, method, route)


# Response fields that carry a secret, and how an unreadable answer is made.
SECRET_ELEMENTS = ("SecretAccessKey", "Base32StringSeed", "QRCodePNG", "SessionToken")
_SECRET_RE = re.compile(rf"<({'|'.join(SECRET_ELEMENTS)})>([^<]+)</\1>")


def secrets_in(body: bytes) -> tuple[str, ...]:
    """The secret values in an XML answer; a blob's (the seed's) also as its decoded text,
    as the app would show it."""
    found: list[str] = []
    for match in _SECRET_RE.finditer(body.decode("utf-8", "replace")):
        value = match.group(2)
        found.append(value)
        if match.group(1) == "Base32StringSeed":
            with contextlib.suppress(ValueError):
                found.append(base64.b64decode(value, validate=True).decode("ascii"))
    return tuple(found)


def unreadable(body: bytes) -> bytes:
    """``body`` cut short so that no parser can read it, keeping all it says before its
    last closing tag (JSON: all but its last byte; nothing: a lone ``<``)."""
    text = body.rstrip()
    if not text:
        return b"<"
    if text[:1] in (b"{", b"["):
        return text[:-1]
    cut = text.rfind(b"</")
    return text[:cut] if cut > 0 else text[: len(text) // 2]


# -- AWS error bodies ---------------------------------------------------------------------
def _query_error(status: int, code: str, message: str, sender: bool) -> tuple[int, dict, bytes]:
    kind = "Sender" if sender else "Receiver"
    body = (
        "<ErrorResponse><Error>"
        f"<Type>{kind}</Type><Code>{code}</Code><Message>{message}</Message>"
        f"</Error><RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>"
    )
    return status, {"Content-Type": "text/xml"}, body.encode()


def _ec2_error(status: int, code: str, message: str) -> tuple[int, dict, bytes]:
    body = (
        f"<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message>"
        f"</Error></Errors><RequestID>{uuid.uuid4()}</RequestID></Response>"
    )
    return status, {"Content-Type": "text/xml"}, body.encode()


def _json_error(status: int, code: str, message: str) -> tuple[int, dict, bytes]:
    headers = {"Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": str(uuid.uuid4())}
    return status, headers, json.dumps({"__type": code, "message": message}).encode()


def _rest_json_error(status: int, code: str, message: str) -> tuple[int, dict, bytes]:
    headers = {
        "Content-Type": "application/json",
        "x-amzn-ErrorType": code,
        "x-amzn-RequestId": str(uuid.uuid4()),
    }
    return status, headers, json.dumps({"message": message}).encode()


def error_response(service: str, operation: str, fault: str) -> tuple[int, dict, bytes]:
    """The HTTP status, headers and body AWS would send for ``fault`` on this call."""
    action = action_name(service, operation)
    protocol = _model(service).protocol
    denied = (
        "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: "
        f"{action} because no identity-based policy allows the {action} action"
    )
    if protocol in ("rest-json", "json"):
        status, code, message = {
            "throttle": (429, "TooManyRequestsException", "Rate exceeded"),
            "500": (500, "InternalServerException", "Internal server error"),
            "503": (503, "ServiceUnavailableException", "Service unavailable"),
            "denied": (403, "AccessDeniedException", denied),
        }[fault]
        if protocol == "json":
            return _json_error(status, code, message)
        return _rest_json_error(status, code, message)
    if protocol == "ec2":
        status, code, message = {
            "throttle": (400, "RequestLimitExceeded", "Request limit exceeded."),
            "500": (500, "InternalError", "An internal error has occurred"),
            "503": (503, "Unavailable", "The server is overloaded"),
            "denied": (403, "UnauthorizedOperation", "You are not authorized for this operation."),
        }[fault]
        return _ec2_error(status, code, message)
    status, code, message = {
        "throttle": (400, "Throttling", "Rate exceeded"),
        "500": (500, "InternalFailure", "An internal error occurred"),
        "503": (503, "ServiceUnavailable", "Service unavailable"),
        "denied": (403, "AccessDenied", denied),
    }[fault]
    return _query_error(status, code, message, sender=fault in ("throttle", "denied"))


# -- the proxy ------------------------------------------------------------------------------
class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    proxy: FaultProxy


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
        pass

    def _handle(self) -> None:
        proxy = self.server.proxy
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        service, operation = identify(self.command, self.path, self.headers, body)
        action = action_name(service, operation) if operation else ""
        key = access_key(self.headers)
        fault = proxy._take_fault(action, key) if action else ""
        request = proxy._record(action, key, fault)
        stub = proxy._stubs.get(action) if action and not fault else None
        try:
            if stub is not None:
                self._send(200, {"Content-Type": "text/xml"}, stub)
            elif fault == "reset":
                self._reset()
            elif fault in ("throttle", "500", "503", "denied"):
                self._send(*error_response(service, operation, fault))
            else:
                forwarded = proxy._forward(self.command, self.path, self.headers, body)
                if fault == "slow":
                    request.abandoned = self._hold(proxy)
                    self._reset()
                elif fault == "unreadable":
                    _, headers, payload = forwarded
                    request.secrets = secrets_in(payload)
                    self._send(200, headers, unreadable(payload))
                else:
                    self._send(*forwarded)
        finally:
            request.ended = time.monotonic()

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle

    def _send(self, status: int, headers: dict[str, str], payload: bytes) -> None:
        try:
            self.send_response(status)
            for name, value in headers.items():
                if name.lower() not in _HOP_BY_HOP and name.lower() != "content-length":
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)
            self.wfile.flush()
        except OSError:
            self.close_connection = True

    def _hold(self, proxy: FaultProxy) -> bool:
        """Hold the answer back; True as soon as the client closes its end (it gave up),
        False when ``slow_seconds`` pass first or the proxy stops."""
        deadline = time.monotonic() + proxy.slow_seconds
        # poll, not select: a long test process can hold descriptors past select's 1024
        watch = select.poll()
        watch.register(self.connection, select.POLLIN | select.POLLHUP | select.POLLERR)
        while not proxy._stopping.is_set() and time.monotonic() < deadline:
            readable = watch.poll(50)
            if not readable:
                continue
            try:
                if self.connection.recv(1, socket.MSG_PEEK) == b"":
                    return True
            except OSError:  # reset by the client
                return True
            proxy._stopping.wait(0.05)  # bytes of another request: not a close
        return False

    def _reset(self) -> None:
        """Close the client's connection with a TCP RST (SO_LINGER 0), answering nothing."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass


class FaultProxy:
    """An HTTP proxy on 127.0.0.1 in front of ``upstream`` that injects faults per action.

    ``slow_seconds`` is how long, at most, a ``slow`` answer is held back: make it well
    past the client's read timeout (the hold ends as soon as the client gives up).
    Thread-safe; use it as a context manager (or call :meth:`start` / :meth:`stop`).
    """

    def __init__(self, upstream: str, *, slow_seconds: float = 5.0) -> None:
        parts = urlsplit(upstream)
        if parts.hostname is None or parts.port is None:
            raise ValueError(f"upstream needs a host and a port: {upstream!r}")
        self.upstream_host = parts.hostname
        self.upstream_port = parts.port
        self.slow_seconds = slow_seconds
        self._lock = threading.Lock()
        # (access key or "" for any, action) → (fault, how many more times or None)
        self._faults: dict[tuple[str, str], tuple[str, int | None]] = {}
        self._stubs: dict[str, bytes] = {}
        self._requests: list[Request] = []
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- life cycle -------------------------------------------------------------------
    @property
    def url(self) -> str:
        assert self._server is not None, "start() the proxy first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FaultProxy:
        server = _Server(("127.0.0.1", 0), _Handler)
        server.proxy = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            daemon=True,
            name="fault-proxy",
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, release held (``slow``) answers and close the socket."""
        self._stopping.set()
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- faults -----------------------------------------------------------------------
    def inject(self, action: str, fault: str, *, times: int | None = None, key: str = "") -> None:
        """Answer requests for ``action`` with ``fault``: every one, or the next ``times``.

        With ``key``, only requests signed with that access key id are faulted, so tests
        running side by side (each with its own key) do not fault each other's calls.
        """
        if fault not in FAULTS:
            raise ValueError(f"unknown fault {fault!r}; known: {', '.join(FAULTS)}")
        with self._lock:
            self._faults[(key, action)] = (fault, times)

    def clear(self, key: str | None = None) -> None:
        """No more faults (for ``key`` only, when given); held ``slow`` answers stay held."""
        with self._lock:
            if key is None:
                self._faults.clear()
            else:
                for scope in [s for s in self._faults if s[0] == key]:
                    del self._faults[scope]

    def stub(self, action: str, body: str) -> None:
        """Answer ``action`` with 200 and ``body`` (its XML response) instead of forwarding."""
        with self._lock:
            self._stubs[action] = body.encode()

    def _take_fault(self, action: str, key: str) -> str:
        with self._lock:
            scope = (key, action) if (key, action) in self._faults else ("", action)
            armed = self._faults.get(scope)
            if armed is None:
                return ""
            fault, times = armed
            if times is not None:
                if times <= 1:
                    del self._faults[scope]
                else:
                    self._faults[scope] = (fault, times - 1)
            return fault

    # -- counting ---------------------------------------------------------------------
    def _record(self, action: str, key: str, fault: str) -> Request:
        request = Request(action or "(not AWS)", key, fault, time.monotonic())
        with self._lock:
            self._requests.append(request)
        return request

    def requests(self, action: str | None = None, *, key: str | None = None) -> list[Request]:
        """Requests seen so far, oldest first: for ``action`` and signed with ``key`` only,
        when given."""
        with self._lock:
            return [
                r
                for r in self._requests
                if (action is None or r.action == action) and (key is None or r.key == key)
            ]

    def handled(
        self, action: str | None = None, *, key: str | None = None, timeout: float = 60.0
    ) -> list[Request]:
        """:meth:`requests`, once the proxy is done with each of them (a held answer ends
        just after its client gives up). ``timeout`` is a hang guard, not a speed."""
        deadline = time.monotonic() + timeout
        while True:
            seen = self.requests(action, key=key)
            if all(r.ended is not None for r in seen):
                return seen
            if time.monotonic() > deadline:
                raise AssertionError(f"hung: the proxy still holds a request for {action}")
            time.sleep(0.01)

    def secrets(self, *, key: str | None = None) -> list[str]:
        """The secrets sent in unreadable answers so far (to requests signed with ``key``)."""
        return [s for r in self.requests(key=key) for s in r.secrets]

    def count(self, action: str, *, key: str | None = None) -> int:
        """How many requests for ``action`` arrived (retries included)."""
        return len(self.requests(action, key=key))

    def counts(self, *, key: str | None = None) -> Counter[str]:
        return Counter(r.action for r in self.requests(key=key))

    def reset_counts(self, key: str | None = None) -> None:
        with self._lock:
            self._requests = [r for r in self._requests if key is not None and r.key != key]

    # -- forwarding -------------------------------------------------------------------
    def _forward(
        self, method: str, path: str, headers: Any, body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection(self.upstream_host, self.upstream_port, timeout=60)
        try:
            sent = {k: v for k, v in headers.items() if k.lower() not in _HOP_BY_HOP}
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            payload = response.read()
            return response.status, dict(response.getheaders()), payload
        finally:
            conn.close()
