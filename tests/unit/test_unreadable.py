"""An answer botocore cannot parse: reported as unreadable, never quoted, "outcome unknown".

botocore's ResponseParserError quotes the whole body it could not parse, and a
CreateAccessKey body holds the new secret access key. Here, with botocore's real parsers and
clients (no server: the answer is handed to botocore where the wire would): the error the
app builds says only that the answer was unreadable, and a change whose answer could not be
read may have been made. tests/wire/test_faults_wire.py and tests/wire/test_faults_app.py send such
answers on a real wire, for every operation, and follow the secrets through the app.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import botocore.session
import pytest
from botocore.awsrequest import AWSResponse
from botocore.parsers import ResponseParserError, create_parser

from tui.aws.errors import AwsFailure, from_exception
from tui.aws.session import AwsSession, Settings

UNREADABLE_CODE = "UnreadableAnswer"
UNREADABLE = "the endpoint sent an unreadable answer"
NOT_READ = "The answer could not be read, so the change may have been made anyway"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYzEXAMPLEKEY"
# A CreateAccessKey answer cut short before its last closing tag: the secret is in it.
TRUNCATED = (
    '<CreateAccessKeyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">'
    "<CreateAccessKeyResult><AccessKey><UserName>alice</UserName>"
    "<AccessKeyId>AKIAIOSFODNN7EXAMPLE</AccessKeyId><Status>Active</Status>"
    f"<SecretAccessKey>{SECRET}</SecretAccessKey>"
    "<CreateDate>2026-01-01T00:00:00Z</CreateDate></AccessKey></CreateAccessKeyResult>"
    "<ResponseMetadata><RequestId>1</RequestId></ResponseMetadata>"
).encode()


def parser_error(service: str, operation: str, body: bytes) -> ResponseParserError:
    """What botocore's own parser raises for ``body``, a 200 answer to ``operation``."""
    model = botocore.session.get_session().get_service_model(service)
    shape = model.operation_model(operation).output_shape
    with pytest.raises(ResponseParserError) as caught:
        create_parser(model.protocol).parse(
            {"body": body, "status_code": 200, "headers": {}}, shape
        )
    return caught.value


def test_botocore_quotes_the_body_it_cannot_parse() -> None:
    """Why its text is never used."""
    assert SECRET in str(parser_error("iam", "CreateAccessKey", TRUNCATED))


def test_an_unreadable_answer_to_a_change_is_outcome_unknown_and_never_quoted() -> None:
    error = from_exception(
        parser_error("iam", "CreateAccessKey", TRUNCATED), "iam", "CreateAccessKey"
    )
    assert (error.code, error.message) == (UNREADABLE_CODE, UNREADABLE)
    assert error.outcome_unknown
    assert error.why_unknown() == NOT_READ
    shown = [error.summary(), error.headline(), repr(error), str(AwsFailure(error))]
    assert all(SECRET not in text and "Unable to parse" not in text for text in shown)
    assert error.summary().startswith(
        "iam:CreateAccessKey failed: UnreadableAnswer — the endpoint sent an unreadable answer. "
        "The answer could not be read, so the change may have been made anyway"
    )


def test_an_unreadable_answer_to_a_read_changed_nothing() -> None:
    body = b"<ListUsersResponse><ListUsersResult><Users><member><UserName>al"
    error = from_exception(parser_error("iam", "ListUsers", body), "iam", "ListUsers")
    assert error.code == UNREADABLE_CODE and not error.outcome_unknown
    assert "may" not in error.summary()


def test_a_failure_raised_while_handling_an_unreadable_answer_is_unreadable_too() -> None:
    try:
        try:
            raise parser_error("iam", "CreateAccessKey", TRUNCATED)
        except ResponseParserError:
            raise KeyError("AccessKey") from None  # `from None` still keeps __context__
    except KeyError as exc:
        error = from_exception(exc, "iam", "CreateAccessKey")
    assert error.code == UNREADABLE_CODE and SECRET not in error.summary()


class _Raw:
    """What urllib3 would hand botocore: a body to stream."""

    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, *_: Any, **__: Any) -> Iterator[bytes]:
        yield self.body


@pytest.fixture
def session() -> AwsSession:
    return AwsSession(
        Settings(
            region="us-east-1",
            endpoint_url="http://127.0.0.1:9",  # never reached: answers are handed over
            access_key_id="AKIAUNREADABLE000001",
            secret_access_key="unreadable",
        )
    )


def answer(client: Any, body: bytes, status: int = 200) -> None:
    """Every request of ``client`` gets ``body`` as its answer, instead of the wire."""

    def reply(request: Any, **_: Any) -> AWSResponse:
        headers = {"Content-Type": "application/json"}
        return AWSResponse(request.url, status, headers, _Raw(body))

    client.meta.events.register("before-send", reply)


def test_a_json_answer_that_is_not_json_is_unreadable(session: AwsSession) -> None:
    """botocore reads a 200 whose JSON body is garbled as an empty answer: "no Regions".
    acct-tui's clients call it what it is."""
    client = session.account()
    answer(client, b'{"Regions":[{"RegionName":"af-south-1","RegionOptStatus":"ENAB')
    with pytest.raises(ResponseParserError) as caught:
        client.list_regions()
    assert "af-south-1" not in str(caught.value), "the body is not quoted"
    error = from_exception(caught.value, "account", "ListRegions")
    assert error.code == UNREADABLE_CODE and not error.outcome_unknown


def test_a_json_answer_that_is_json_is_read(session: AwsSession) -> None:
    client = session.account()
    answer(client, b'{"Regions":[{"RegionName":"af-south-1","RegionOptStatus":"ENABLED"}]}')
    regions = client.list_regions()["Regions"]
    assert regions == [{"RegionName": "af-south-1", "RegionOptStatus": "ENABLED"}]


def test_an_empty_answer_to_a_json_change_is_read(session: AwsSession) -> None:
    client = session.account()
    answer(client, b"")
    client.enable_region(RegionName="af-south-1")
