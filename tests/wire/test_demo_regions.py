"""The Account API Region stand-in: state machine (with a hand-driven clock) and WSGI layer."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from wsgiref.types import StartResponse, WSGIEnvironment

import pytest
from werkzeug.test import Client
from werkzeug.wrappers import Response

from tui.demo.regionapi import RegionApiMiddleware
from tui.demo.regiondata import (
    DEMO_INITIAL_STATUSES,
    OPT_IN_REGIONS,
    RegionApiError,
    aws_partition_regions,
)
from tui.demo.regions import RegionStandIn

ROOT = Path(__file__).resolve().parents[2]


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def standin(clock: FakeClock) -> RegionStandIn:
    return RegionStandIn(transition_seconds=20.0, clock=clock)


def code_of(excinfo: pytest.ExceptionInfo[RegionApiError]) -> str:
    return excinfo.value.code


def test_region_set_comes_from_botocore_aws_partition(standin: RegionStandIn) -> None:
    aws = set(aws_partition_regions())
    assert set(standin.codes) == aws
    assert standin.opt_in_codes == OPT_IN_REGIONS & aws
    assert standin.get("us-east-1") == "ENABLED_BY_DEFAULT"
    assert standin.get("eu-west-1") == "ENABLED_BY_DEFAULT"
    # The demo mix: every status present at once.
    for code, status in DEMO_INITIAL_STATUSES.items():
        assert standin.get(code) == status
    statuses = {status for _, status in standin.list_regions().regions}
    assert statuses == {"ENABLED", "ENABLING", "DISABLING", "DISABLED", "ENABLED_BY_DEFAULT"}
    others = standin.opt_in_codes - set(DEMO_INITIAL_STATUSES)
    assert others and all(standin.get(code) == "DISABLED" for code in others)


def test_enable_goes_through_enabling_to_enabled(standin: RegionStandIn, clock: FakeClock) -> None:
    assert standin.get("af-south-1") == "DISABLED"
    standin.enable("af-south-1")
    assert standin.get("af-south-1") == "ENABLING"
    clock.advance(19.9)
    assert standin.get("af-south-1") == "ENABLING"
    clock.advance(0.1)
    assert standin.get("af-south-1") == "ENABLED"


def test_disable_goes_through_disabling_to_disabled(
    standin: RegionStandIn, clock: FakeClock
) -> None:
    assert standin.get("me-south-1") == "ENABLED"
    standin.disable("me-south-1")
    assert standin.get("me-south-1") == "DISABLING"
    clock.advance(20)
    assert standin.get("me-south-1") == "DISABLED"
    # And back again once the transition has landed.
    standin.enable("me-south-1")
    assert standin.get("me-south-1") == "ENABLING"


def test_initial_transitions_land_after_the_delay(standin: RegionStandIn, clock: FakeClock) -> None:
    assert standin.get("eu-south-1") == "ENABLING"
    assert standin.get("ap-east-1") == "DISABLING"
    clock.advance(20)
    assert standin.get("eu-south-1") == "ENABLED"
    assert standin.get("ap-east-1") == "DISABLED"


@pytest.mark.parametrize("code", ["eu-south-1", "me-south-1"])  # ENABLING, ENABLED
def test_enabling_an_enabling_or_enabled_region_is_a_validation_error(
    standin: RegionStandIn, code: str
) -> None:
    with pytest.raises(RegionApiError) as excinfo:
        standin.enable(code)
    assert code_of(excinfo) == "ValidationException"
    assert excinfo.value.http_status == 400
    assert excinfo.value.reason == "invalidRegionOptTarget"


@pytest.mark.parametrize("operation", ["enable", "disable"])
def test_changing_a_disabling_region_is_a_conflict(standin: RegionStandIn, operation: str) -> None:
    with pytest.raises(RegionApiError) as excinfo:
        getattr(standin, operation)("ap-east-1")
    assert code_of(excinfo) == "ConflictException"
    assert excinfo.value.http_status == 409
    assert standin.get("ap-east-1") == "DISABLING"


@pytest.mark.parametrize("code", ["af-south-1", "eu-south-1"])  # DISABLED, ENABLING
def test_disabling_a_disabled_or_enabling_region_is_a_validation_error(
    standin: RegionStandIn, code: str
) -> None:
    before = standin.get(code)
    with pytest.raises(RegionApiError) as excinfo:
        standin.disable(code)
    assert code_of(excinfo) == "ValidationException"
    assert standin.get(code) == before


@pytest.mark.parametrize("operation", ["enable", "disable"])
def test_enabled_by_default_regions_cannot_change(standin: RegionStandIn, operation: str) -> None:
    with pytest.raises(RegionApiError) as excinfo:
        getattr(standin, operation)("us-east-1")
    assert code_of(excinfo) == "ValidationException"
    assert standin.get("us-east-1") == "ENABLED_BY_DEFAULT"


@pytest.mark.parametrize("operation", ["get", "enable", "disable"])
def test_unknown_region_is_a_validation_error(standin: RegionStandIn, operation: str) -> None:
    with pytest.raises(RegionApiError) as excinfo:
        getattr(standin, operation)("mars-north-1")
    assert code_of(excinfo) == "ValidationException"
    assert excinfo.value.reason == "fieldValidationFailed"


def test_pagination_across_more_than_50_regions(clock: FakeClock) -> None:
    standin = RegionStandIn(extra_regions=40, clock=clock)
    assert len(standin.codes) > 50
    assert standin.get("xx-test-40") == "DISABLED"
    seen: list[str] = []
    token: str | None = None
    pages = 0
    while True:
        page = standin.list(50, token)
        pages += 1
        assert 1 <= len(page.regions) <= 50
        seen += [code for code, _ in page.regions]
        token = page.next_token
        if token is None:
            break
    assert pages == 2
    assert sorted(seen) == sorted(standin.codes)
    assert len(seen) == len(set(seen))


def test_small_pages_with_a_status_filter_that_changes_mid_listing(
    standin: RegionStandIn, clock: FakeClock
) -> None:
    disabled = [c for c, s in standin.list_regions().regions if s == "DISABLED"]
    first = standin.list_regions(3, None, ["DISABLED"])
    assert [c for c, _ in first.regions] == disabled[:3]
    assert first.next_token is not None
    # A Region of the first page leaves the filter: the next page must not skip anything.
    standin.enable(disabled[0])
    second = standin.list_regions(3, first.next_token, ["DISABLED"])
    assert [c for c, _ in second.regions] == disabled[3:6]


def test_list_rejects_bad_arguments(standin: RegionStandIn) -> None:
    for args in ((0, None, None), (51, None, None), (10, "not a token!", None), (10, None, ["ON"])):
        with pytest.raises(RegionApiError) as excinfo:
            standin.list_regions(*args)
        assert code_of(excinfo) == "ValidationException"


def test_reset_restores_the_initial_statuses(standin: RegionStandIn, clock: FakeClock) -> None:
    standin.enable("af-south-1")
    clock.advance(60)
    assert standin.get("af-south-1") == "ENABLED"
    assert standin.get("eu-south-1") == "ENABLED"
    standin.reset()
    assert standin.get("af-south-1") == "DISABLED"
    assert standin.get("eu-south-1") == "ENABLING"


def test_initial_statuses_are_validated() -> None:
    with pytest.raises(ValueError):
        RegionStandIn(initial_statuses={"us-east-1": "DISABLED"})
    with pytest.raises(ValueError):
        RegionStandIn(initial_statuses={"af-south-1": "ENABLED_BY_DEFAULT"})
    with pytest.raises(ValueError):
        RegionStandIn(initial_statuses={"nowhere-1": "DISABLED"})
    custom = RegionStandIn(initial_statuses={"af-south-1": "ENABLED"})
    assert custom.get("af-south-1") == "ENABLED"
    assert custom.get("eu-south-1") == "DISABLED"


# ------------------------------------------------------------------ the WSGI layer
def _moto_stand_in(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    # Echoes the path, so a test can tell what reached "moto".
    body = json.dumps({"passed": environ["PATH_INFO"]})
    return Response(body, mimetype="application/json")(environ, start_response)


@pytest.fixture
def client(standin: RegionStandIn) -> Client:
    return Client(RegionApiMiddleware(_moto_stand_in, standin))


def test_wire_shapes(client: Client) -> None:
    resp = client.post("/getRegionOptStatus", json={"RegionName": "af-south-1"})
    assert resp.status_code == 200
    assert resp.json == {"RegionName": "af-south-1", "RegionOptStatus": "DISABLED"}
    resp = client.post("/listRegions", json={"MaxResults": 2})
    assert resp.json is not None
    assert len(resp.json["Regions"]) == 2 and "NextToken" in resp.json
    resp = client.post("/enableRegion", json={"RegionName": "af-south-1"})
    assert resp.status_code == 200 and resp.data == b""


@pytest.mark.parametrize(
    ("path", "region", "status", "code"),
    [
        ("/enableRegion", "me-south-1", 400, "ValidationException"),
        ("/enableRegion", "ap-east-1", 409, "ConflictException"),
        ("/disableRegion", "us-east-1", 400, "ValidationException"),
        ("/getRegionOptStatus", "", 400, "ValidationException"),
    ],
)
def test_wire_errors(client: Client, path: str, region: str, status: int, code: str) -> None:
    resp = client.post(path, json={"RegionName": region})
    assert resp.status_code == status
    assert resp.headers["x-amzn-ErrorType"] == code
    assert resp.json is not None and resp.json["message"]


def test_foreign_account_id_is_access_denied(client: Client) -> None:
    resp = client.post("/listRegions", json={"AccountId": "210987654321"})
    assert resp.status_code == 403
    assert resp.headers["x-amzn-ErrorType"] == "AccessDeniedException"


def test_injected_throttling(client: Client) -> None:
    resp = client.post(
        "/_demo/regions/inject-error",
        json={"operation": "ListRegions", "code": "TooManyRequestsException", "count": 1},
    )
    assert resp.status_code == 200
    resp = client.post("/listRegions", json={})
    assert resp.status_code == 429
    assert resp.headers["x-amzn-ErrorType"] == "TooManyRequestsException"
    assert client.post("/listRegions", json={}).status_code == 200


def test_everything_else_passes_through_and_reset_resets(
    client: Client, standin: RegionStandIn
) -> None:
    assert client.get("/listRegions").json == {"passed": "/listRegions"}  # not a POST
    assert client.post("/", data="Action=ListUsers").json == {"passed": "/"}
    standin.enable("af-south-1")
    assert client.post("/moto-api/reset").json == {"passed": "/moto-api/reset"}
    assert standin.get("af-south-1") == "DISABLED"


def test_importing_the_demo_package_is_lazy() -> None:
    code = (
        "import sys, tui.demo, tui.demo.regiondata, tui.demo.regions, tui.demo.regionapi;"
        "bad = [m for m in ('moto', 'boto3', 'textual', 'rich') if m in sys.modules];"
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
