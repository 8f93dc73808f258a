"""Turn botocore failures into plain data the UI can show.

An :class:`AwsError` names the action that failed (``iam:CreateUser``), the AWS error
code, AWS's own message (shown literally, never as markup) and a hint saying what to do.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ReadTimeoutError,
    RefreshWithMFAUnsupportedError,
)
from botocore.parsers import ResponseParserError

from tui.aws.actions import action_name as action_name  # re-exported: its old home
from tui.aws.actions import is_read_operation
from tui.aws.permissions import denied_hint
from tui.aws.redact import mask_token_runs, redact

_MAX_MESSAGE = 300
NO_ANSWER = "AWS did not answer, so the change may have been made anyway"
AFTER_RETRY = "That answered a retry: an earlier attempt may have made the change"
# An answer botocore cannot parse (truncated or garbled on the way). botocore's own message
# quotes the whole body, which for CreateAccessKey holds the new secret access key, so it
# is never used: this fixed text is all that is said.
UNREADABLE_CODE = "UnreadableAnswer"
UNREADABLE = "the endpoint sent an unreadable answer"
NOT_READ = "The answer could not be read, so the change may have been made anyway"
_VALUE_RE = re.compile(r"value: [^,\n]*")
# Operations of the sign-in path (botocore's credential providers make them, acct-tui never
# does, so they are matched by prefix rather than named): their error messages may quote a
# bearer token, an OIDC token or a SAML assertion without naming it.
_TOKEN_OPERATION_PREFIXES = (
    "AssumeRoleWith",  # sts: web identity, SAML
    "GetDelegatedAccess",  # sts
    "GetRoleCredentials",  # sso (IAM Identity Center portal)
    "ListAccount",  # sso
    "Logout",  # sso
    "CreateToken",  # sso-oidc, with or without IAM
    "RegisterClient",  # sso-oidc
    "StartDeviceAuthorization",  # sso-oidc
    "CreateOAuth2Token",  # signin
)

_DENIED_CODES = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "UnauthorizedAccess",
        "AuthFailure",
    }
)


# Failures after which the request may have reached AWS without its answer coming back
# (a read timeout, a connection dropped mid-call). botocore retries them, so even a final
# connect error may follow an earlier attempt that AWS carried out.
_NO_ANSWER_CODES = frozenset({"ConnectionError", "ConnectionClosedError", UNREADABLE_CODE})
# Answers that, after a retry, may describe what an earlier attempt (whose answer was lost)
# did: "it already exists", "no such thing" (already deleted), "not in a state for that".
_ALREADY_CODES = frozenset(
    {
        "EntityAlreadyExists",
        "NoSuchEntity",
        "LimitExceeded",
        "ValidationException",
        "ConflictException",
    }
)


@dataclass(frozen=True)
class AwsError:
    """A failed AWS call, ready to show to a person.

    ``action`` is the IAM action (``iam:GetAccountAuthorizationDetails``); ``code`` is
    AWS's error code (``AccessDenied``) or a local one (``ConnectionError``); ``message``
    is AWS's text, literal; ``hint`` is our advice on how to fix it.
    """

    action: str
    code: str
    message: str
    hint: str = ""
    retried: int = 0  # how many times botocore retried the call before this answer

    @property
    def denied(self) -> bool:
        """True when the caller lacks permission for :attr:`action`."""
        return self.code in _DENIED_CODES

    @property
    def outcome_unknown(self) -> bool:
        """True when a call that changes something may have been carried out although it
        failed: no answer came, or the answer came to a retry and may describe what an
        earlier attempt did (a retried CreateUser answering EntityAlreadyExists)."""
        if is_read_operation(self.action.partition(":")[2]):
            return False
        return self.code in _NO_ANSWER_CODES or (self.retried > 0 and self.code in _ALREADY_CODES)

    def why_unknown(self) -> str:
        """Why the change may have been made although the call failed ("" when it was not)."""
        if not self.outcome_unknown:
            return ""
        if self.code == UNREADABLE_CODE:
            return NOT_READ
        return NO_ANSWER if self.code in _NO_ANSWER_CODES else AFTER_RETRY

    def headline(self) -> str:
        """``iam:ListUsers denied`` or ``iam:ListUsers failed (Throttling)``."""
        return f"{self.action} denied" if self.denied else f"{self.action} failed ({self.code})"

    def summary(self) -> str:
        """One line: what failed and why, plus the hint."""
        text = f"{self.action} failed: {self.code}"
        if self.message:
            text += f" — {self.message}"
        if self.outcome_unknown:
            text += f". {self.why_unknown()}"
        if self.hint:
            text += f". {self.hint}"
        return text


class AwsFailure(Exception):
    """Raised by the AWS layer; carries an :class:`AwsError`.

    The exception text never contains request parameters, so secrets cannot leak
    through it.
    """

    def __init__(self, error: AwsError) -> None:
        super().__init__(error.summary())
        self.error = error


class ReadOnlyRefused(Exception):
    """A mutating call was attempted while the session is read-only."""

    def __init__(self, action: str) -> None:
        super().__init__(f"{action} refused: acct-tui is running with --read-only")
        self.action = action


class InsecureTransportRefused(BotoCoreError):
    """A request would cross the network as plain http (see :mod:`tui.support.transport`); it
    was not sent. A BotoCoreError, so every caller reports it like a failed call."""

    fmt = (
        "plain http to {host} refused: the request, its signature and any secret in the "
        "answer would cross the network unencrypted (the endpoint came from {source}). "
        "Use https://, or restart with --allow-insecure-endpoint to accept it"
    )


class MfaTokenRequired(Exception):
    """The profile assumes a role that needs an MFA token; the UI must ask for it."""

    def __init__(self, prompt: str) -> None:
        super().__init__(prompt)
        self.prompt = prompt


def _clean_message(message: str, exc: ClientError) -> str:
    # A proxy or an emulator lacking the API can answer with an HTML page.
    if message.lstrip().startswith("<"):
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", "?")
        return f"HTTP {status}: the endpoint does not implement this API"
    # AWS quotes values it refuses ("Value '…' at 'tokenCode'"); the sign-in services may
    # quote the token they were given. Masked before cutting, so no half-secret survives.
    message = redact(message)
    if str(exc.operation_name).startswith(_TOKEN_OPERATION_PREFIXES):
        message = mask_token_runs(message)
    return _shorten(message)


def _shorten(message: str) -> str:
    return message if len(message) <= _MAX_MESSAGE else message[: _MAX_MESSAGE - 1] + "…"


def _hint_for(code: str, action: str) -> str:
    if code in _DENIED_CODES:
        return denied_hint(action)
    if code in {"Throttling", "ThrottlingException", "TooManyRequestsException"}:
        return "AWS is throttling requests; wait a moment and refresh (r)"
    if code in {"ExpiredToken", "ExpiredTokenException", "RequestExpired"}:
        return "Your session expired; renew your credentials and restart acct-tui"
    if code in {"InvalidClientTokenId", "SignatureDoesNotMatch", "UnrecognizedClientException"}:
        return "The credentials were rejected; check the profile or keys in use"
    if code == "LimitExceeded":
        return "An IAM quota was reached; remove something or ask AWS for more"
    if code == "ConnectionError":
        return "Check the network, the Region and --endpoint-url"
    if code == UNREADABLE_CODE:
        return "Check --endpoint-url and any proxy between acct-tui and AWS"
    if code == "NoCredentials":
        return "Run `aws configure`, pass --profile, or try --demo"
    return ""


def unreadable(exc: BaseException) -> bool:
    """True when ``exc`` is (or was raised while handling) an answer botocore could not
    parse. Its text quotes the raw body, secrets included: never show or log it."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, ResponseParserError):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


_JSON_PROTOCOLS = frozenset({"json", "rest-json"})


def refuse_unreadable_json(response_dict: dict[str, Any], operation_model: Any, **_: Any) -> None:
    """botocore ``before-parse`` hook: a successful JSON answer that is not JSON is unreadable.

    botocore's JSON parsers read such a body as an empty answer (the XML ones raise
    :class:`ResponseParserError`), so a truncated ListRegions would look like "no Regions".
    Raised here, it is reported like any unreadable answer. The body is not quoted.
    """
    protocol = operation_model.service_model.resolved_protocol
    if protocol not in _JSON_PROTOCOLS or operation_model.has_streaming_output:
        return
    status = int(response_dict.get("status_code") or 0)
    body = response_dict.get("body") or b""
    if not 200 <= status < 300 or not isinstance(body, bytes | bytearray) or not body.strip():
        return
    try:
        json.loads(body)
    except ValueError:
        raise ResponseParserError(f"{UNREADABLE} (HTTP {status}, not JSON)") from None


def from_exception(exc: BaseException, service: str, operation: str) -> AwsError:
    """Describe ``exc``, raised by ``service.operation``, as an :class:`AwsError`."""
    action = action_name(service, operation)
    if isinstance(exc, AwsFailure):
        return exc.error
    if unreadable(exc):
        return AwsError(action, UNREADABLE_CODE, UNREADABLE, _hint_for(UNREADABLE_CODE, action))
    if isinstance(exc, ReadOnlyRefused):
        return AwsError(action, "ReadOnly", str(exc), "Restart without --read-only to change")
    if isinstance(exc, MfaTokenRequired):
        return AwsError(action, "MfaTokenRequired", redact(exc.prompt), "Enter the MFA code")
    if isinstance(exc, RefreshWithMFAUnsupportedError):
        # The role session expired; only a new MFA code renews it.
        return AwsError(
            action, "MfaTokenRequired", "The role session expired: enter a new MFA code"
        )
    if isinstance(exc, ClientError):
        err = exc.response.get("Error", {})
        code = str(err.get("Code") or "Unknown")
        message = _clean_message(str(err.get("Message") or ""), exc)
        retried = int(exc.response.get("ResponseMetadata", {}).get("RetryAttempts") or 0)
        return AwsError(action, code, message, _hint_for(code, action), retried)
    if isinstance(exc, NoCredentialsError):
        return AwsError(
            action, "NoCredentials", "no AWS credentials found", _hint_for("NoCredentials", action)
        )
    if isinstance(exc, EndpointConnectionError | ConnectTimeoutError | ReadTimeoutError):
        return AwsError(action, "ConnectionError", str(exc), _hint_for("ConnectionError", action))
    if isinstance(exc, ConnectionClosedError):
        return AwsError(
            action, "ConnectionClosedError", str(exc), _hint_for("ConnectionError", action)
        )
    # Parameter validation messages quote the offending value, which may be a password.
    text = redact(_VALUE_RE.sub("value: (withheld)", str(exc)))
    if isinstance(exc, BotoCoreError):
        # A credential provider's error (a credential_process's error output, an SSO token
        # that cannot be loaded or refreshed) may quote a token without naming it.
        return AwsError(action, type(exc).__name__, _shorten(mask_token_runs(text)), "")
    return AwsError(action, type(exc).__name__, text, "")


@contextmanager
def aws_call(service: str, operation: str) -> Iterator[None]:
    """Turn any botocore failure inside the block into an :class:`AwsFailure`."""
    try:
        yield
    except AwsFailure:
        raise
    except (ClientError, BotoCoreError, ResponseParserError) as exc:
        raise AwsFailure(from_exception(exc, service, operation)) from None
