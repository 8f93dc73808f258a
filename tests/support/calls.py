"""In-process AWS for unit tests, and hooks on an AwsSession's botocore clients.

moto answers in process (``mock_aws``); the hooks make one operation fail as AWS would
(:func:`inject`), note the parameters of each call (:func:`record`), or make
sts:GetCallerIdentity answer as root, which moto never does (:func:`answer_as_root`).
A failure is injected with a ``before-call.<service>.<Operation>`` handler that answers
with an error response for that one operation (optionally only for some parameters, or
only the first N times); every other call reaches moto.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.awsrequest import AWSResponse
from botocore.compat import HTTPHeaders

from tui.aws.session import AwsSession, Settings

ACCOUNT = "123456789012"  # moto's default account


def make_session(**overrides: Any) -> AwsSession:
    base: dict[str, Any] = {
        "access_key_id": "testing",
        "secret_access_key": "testing",
        "region": "us-east-1",
    }
    return AwsSession(Settings(**{**base, **overrides}))


@dataclass
class Sleeps:
    """The writer's ``sleep``: records each pause, does not wait."""

    calls: list[float]

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def inject(
    session: AwsSession,
    operation: str,
    code: str,
    *,
    when: Callable[[dict[str, Any]], bool] = lambda _params: True,
    times: int | None = None,
) -> list[dict[str, Any]]:
    """Make ``operation`` fail with ``code`` (for matching params, the first ``times``
    times). Returns the list of params it failed for."""
    failed: list[dict[str, Any]] = []

    def answer(params: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
        # before-call sees the serialized request; IAM's query body is a flat dict.
        body = params.get("body", {})
        if not when(body) or (times is not None and len(failed) >= times):
            return None
        failed.append(body)
        parsed = {
            "Error": {"Code": code, "Message": f"injected {code}", "Type": "Sender"},
            "ResponseMetadata": {"HTTPStatusCode": 409},
        }
        return AWSResponse("https://iam.amazonaws.com/", 409, HTTPHeaders(), None), parsed

    handler: Any = answer  # botocore's stubs expect handlers returning None
    session.iam().meta.events.register_first(f"before-call.iam.{operation}", handler)
    return failed


def record(session: AwsSession, operation: str) -> list[dict[str, Any]]:
    """The parameters of each ``operation`` call (for what moto does not keep)."""
    calls: list[dict[str, Any]] = []
    session.iam().meta.events.register(
        f"before-parameter-build.iam.{operation}", lambda params, **_: calls.append(dict(params))
    )
    return calls


def answer_as_root(session: AwsSession) -> None:
    """Make sts:GetCallerIdentity answer as root (moto has no root caller)."""

    def answer(**_: Any) -> tuple[AWSResponse, dict[str, Any]]:
        parsed = {
            "UserId": ACCOUNT,
            "Account": ACCOUNT,
            "Arn": f"arn:aws:iam::{ACCOUNT}:root",
            "ResponseMetadata": {"HTTPStatusCode": 200},
        }
        return AWSResponse("https://sts.amazonaws.com/", 200, HTTPHeaders(), None), parsed

    handler: Any = answer
    session.sts().meta.events.register_first("before-call.sts.GetCallerIdentity", handler)
