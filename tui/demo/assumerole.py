"""sts:AssumeRole on a role that does not exist, refused as AWS refuses it: WSGI middleware in
front of moto_server.

moto hands out credentials for any role ARN, existing or not (the ARN only picks the
account the keys act in). AWS answers HTTP 403 ``AccessDenied`` with
``User: <caller arn> is not authorized to perform: sts:AssumeRole on resource: <role arn>``
when the role is missing (it says the same for a trust policy that does not trust the
caller, which this stand-in does not evaluate). A demo organization's member account whose
``OrganizationAccountAccessRole`` was deleted must fail that way.

The middleware itself is pure Python; the server passes it :func:`moto_role_exists` and
:func:`moto_caller_arn`, which look in moto's backends (importing moto when called).
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable, Iterable
from typing import Final
from urllib.parse import parse_qs
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment
from xml.sax.saxutils import escape

from tui.demo.controlapi import credential_scope
from tui.demo.regionapi import read_body

STS_NS: Final = "https://sts.amazonaws.com/doc/2011-06-15/"

RoleExists = Callable[[str], bool]
"""A role ARN → whether that role exists in its account."""
CallerArn = Callable[[str, str], "str | None"]
"""(access key id, Region) → the ARN of the caller signing with it (None: unknown key)."""


def denied_message(caller_arn: str, role_arn: str) -> str:
    """AWS's words for an AssumeRole it refuses."""
    return (
        f"User: {caller_arn} is not authorized to perform: sts:AssumeRole on resource: {role_arn}"
    )


class AssumeRoleMiddleware:
    """Refuses sts:AssumeRole on a missing role; passes every other request to ``app``."""

    def __init__(self, app: WSGIApplication, role_exists: RoleExists, caller_arn: CallerArn):
        self.app = app
        self.role_exists = role_exists
        self.caller_arn = caller_arn

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        key, region, service = credential_scope(environ)
        if service != "sts":
            return self.app(environ, start_response)
        params = parse_qs(str(environ.get("QUERY_STRING") or ""))
        if environ.get("REQUEST_METHOD") == "POST":
            body = read_body(environ)
            # moto reads the body again: hand it a fresh stream with the same bytes.
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
            params.update(parse_qs(body.decode("utf-8", "replace")))
        if params.get("Action", [""])[0] != "AssumeRole":
            return self.app(environ, start_response)
        role_arn = params.get("RoleArn", [""])[0]
        if not role_arn or self.role_exists(role_arn):
            return self.app(environ, start_response)
        caller = self.caller_arn(key, region)
        if caller is None:  # an unknown key: moto answers that as it does
            return self.app(environ, start_response)
        return _access_denied(start_response, denied_message(caller, role_arn))


def _access_denied(start_response: StartResponse, message: str) -> list[bytes]:
    """STS's query-protocol error document, as AWS sends it for a refused AssumeRole."""
    request_id = str(uuid.uuid4())
    xml = (
        f'<ErrorResponse xmlns="{STS_NS}"><Error><Type>Sender</Type><Code>AccessDenied</Code>'
        f"<Message>{escape(message)}</Message></Error>"
        f"<RequestId>{request_id}</RequestId></ErrorResponse>"
    ).encode()
    start_response(
        "403 Forbidden",
        [
            ("Content-Type", "text/xml"),
            ("Content-Length", str(len(xml))),
            ("x-amzn-RequestId", request_id),
        ],
    )
    return [xml]


def moto_role_exists(arn: str) -> bool:
    """Whether the role ``arn`` names exists in its account (True for what is not a role
    ARN: moto answers those as it does)."""
    from moto.iam.models import iam_backends

    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[2] != "iam" or not parts[5].startswith("role/"):
        return True
    partition, account_id, name = parts[1], parts[4], parts[5].rsplit("/", 1)[-1]
    if account_id not in iam_backends:  # never seen: no role (and no backend made for it)
        return False
    backend = iam_backends[account_id][partition]
    return any(role.name == name for role in list(backend.roles.values()))


def moto_caller_arn(access_key_id: str, region: str) -> str | None:
    """The ARN moto's GetCallerIdentity gives the caller signing with ``access_key_id``."""
    from moto.iam.models import get_account_id_from
    from moto.sts.models import sts_backends
    from moto.utilities.utils import get_partition

    if not access_key_id:
        return None
    backend = sts_backends[get_account_id_from(access_key_id)][get_partition(region)]
    return str(backend.get_caller_identity(access_key_id, region)[1])
