"""Local stand-ins for the identity services botocore's credential providers call.

:class:`FakeSsoPortal` is an HTTP server on 127.0.0.1 that answers what an IAM Identity
Center profile needs, in the wire formats botocore speaks:

- ``GET /federation/credentials`` (sso GetRoleCredentials): checks the
  ``x-amz-sso_bearer_token`` header and answers the role's credentials, in lower camel
  case (``roleCredentials.secretAccessKey`` ...), as the real portal does;
- ``POST /token`` (sso-oidc CreateToken, refresh_token grant): checks the client secret
  and refresh token and answers a new access token and refresh token.

Every secret is random per instance (with ``/``, ``+``, ``=`` and ``:`` in it, so an
encoder or a regex that stops early shows), and every request is recorded, so a test can
prove botocore really came here. ``echo_token=True`` makes the portal refuse
GetRoleCredentials with a message quoting the bearer token, as a badly behaved proxy or
portal might.

:func:`sso_token_cache_file` writes the cached token ``aws sso login`` would leave. The
server listens on 127.0.0.1 only, on a free port, in a daemon thread, and stops when its
``with`` block ends.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ACCOUNT_ID = "123456789012"
ROLE_NAME = "AcctTuiAdmin"


def secret_value(prefix: str, length: int = 48) -> str:
    """A random secret with the characters encoders treat specially."""
    return f"{prefix}{secrets.token_urlsafe(length)}/+=:{secrets.token_hex(8)}=="


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class FakeSsoPortal:
    """An IAM Identity Center portal and OIDC service on 127.0.0.1 (use it as a context)."""

    echo_token: bool = False
    access_token: str = field(default_factory=lambda: secret_value("aoa"))
    refreshed_access_token: str = field(default_factory=lambda: secret_value("aoaNEW"))
    refresh_token: str = field(default_factory=lambda: secret_value("Atzr|"))
    new_refresh_token: str = field(default_factory=lambda: secret_value("AtzrNEW|"))
    client_id: str = field(default_factory=lambda: "client-" + secrets.token_hex(8))
    client_secret: str = field(default_factory=lambda: secret_value("eyJraWQiOiJrZXktMT"))
    access_key_id: str = field(default_factory=lambda: "ASIA" + secrets.token_hex(8).upper())
    secret_access_key: str = field(default_factory=lambda: secret_value("", 30))
    session_token: str = field(default_factory=lambda: secret_value("IQoJb3JpZ2luX2VjE", 90))
    requests: list[Recorded] = field(default_factory=list)
    url: str = ""
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------------
    def __enter__(self) -> FakeSsoPortal:
        portal = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's spelling
                portal._handle(self, b"")

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                portal._handle(self, self.rfile.read(length))

            def log_message(self, *_: Any) -> None:  # no stderr chatter
                return None

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="fake-sso-portal", daemon=True
        )
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        assert self._server is not None and self._thread is not None
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    # -- what a test checks -----------------------------------------------------------------
    def secrets(self) -> dict[str, str]:
        """Every secret this portal knows, by name."""
        return {
            "SSO access token": self.access_token,
            "refreshed SSO access token": self.refreshed_access_token,
            "SSO refresh token": self.refresh_token,
            "new SSO refresh token": self.new_refresh_token,
            "OIDC client secret": self.client_secret,
            "role secret access key": self.secret_access_key,
            "role session token": self.session_token,
        }

    def calls(self, path: str) -> list[Recorded]:
        return [r for r in self.requests if r.path.split("?", 1)[0] == path]

    # -- the protocol -------------------------------------------------------------------------
    def _handle(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        headers = {k.lower(): v for k, v in handler.headers.items()}
        self.requests.append(Recorded(handler.command, handler.path, headers, body))
        path = handler.path.split("?", 1)[0]
        if handler.command == "GET" and path == "/federation/credentials":
            self._role_credentials(handler, headers)
        elif handler.command == "POST" and path == "/token":
            self._create_token(handler, body)
        else:
            _answer(handler, 404, {"message": f"no route {handler.command} {path}"})

    def _role_credentials(self, handler: BaseHTTPRequestHandler, headers: dict[str, str]) -> None:
        token = headers.get("x-amz-sso_bearer_token", "")
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(handler.path).query)
        if self.echo_token:
            message = f"Forbidden: the session {token} may not use this role"
            _answer(handler, 403, {"message": message}, "ForbiddenException")
            return
        if token not in {self.access_token, self.refreshed_access_token}:
            _answer(handler, 401, {"message": "Session token not found or invalid"},
                    "UnauthorizedException")  # fmt: skip
            return
        if query.get("role_name") != [ROLE_NAME] or query.get("account_id") != [ACCOUNT_ID]:
            _answer(handler, 403, {"message": "No access"}, "ForbiddenException")
            return
        expiration = int((time.time() + 3600) * 1000)
        _answer(
            handler,
            200,
            {
                "roleCredentials": {
                    "accessKeyId": self.access_key_id,
                    "secretAccessKey": self.secret_access_key,
                    "sessionToken": self.session_token,
                    "expiration": expiration,
                }
            },
        )

    def _create_token(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        request = json.loads(body or b"{}")
        if (
            request.get("grantType") != "refresh_token"
            or request.get("clientId") != self.client_id
            or request.get("clientSecret") != self.client_secret
            or request.get("refreshToken") != self.refresh_token
        ):
            _answer(handler, 400, {"error": "invalid_grant"}, "InvalidGrantException")
            return
        _answer(
            handler,
            200,
            {
                "accessToken": self.refreshed_access_token,
                "tokenType": "Bearer",
                "expiresIn": 3600,
                "refreshToken": self.new_refresh_token,
            },
        )


def _answer(
    handler: BaseHTTPRequestHandler, status: int, document: dict[str, Any], error: str = ""
) -> None:
    data = json.dumps(document).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(data)))
    if error:
        handler.send_header("x-amzn-ErrorType", error)
    handler.end_headers()
    handler.wfile.write(data)


def sso_token_cache_file(
    cache_dir: Path,
    portal: FakeSsoPortal,
    *,
    start_url: str,
    session_name: str | None = None,
    expires_in: timedelta = timedelta(hours=8),
) -> Path:
    """Write the cached token ``aws sso login`` leaves, where botocore looks for it.

    With ``session_name`` (an ``[sso-session]`` profile) the file is keyed by the session
    name and carries the OIDC registration, so botocore can refresh the token; without, it
    is keyed by the start URL (a legacy profile) and holds only the access token.
    """
    now = datetime.now(UTC)

    def stamp(when: datetime) -> str:
        return when.strftime("%Y-%m-%dT%H:%M:%SZ")

    token: dict[str, str] = {
        "startUrl": start_url,
        "region": "us-east-1",
        "accessToken": portal.access_token,
        "expiresAt": stamp(now + expires_in),
    }
    key = start_url
    if session_name is not None:
        key = session_name
        token |= {
            "clientId": portal.client_id,
            "clientSecret": portal.client_secret,
            "refreshToken": portal.refresh_token,
            "registrationExpiresAt": stamp(now + timedelta(days=30)),
        }
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = cache_dir / (hashlib.sha1(key.encode()).hexdigest() + ".json")
    path.write_text(json.dumps(token))
    return path
