"""The Region half of the AWS layer: botocore Stubber tests and the demo's stand-in.

moto has no Account API Region calls. botocore's ``Stubber`` checks every request and
response against the real ``account`` service model (and ``expected_params`` exactly), so
it pins the parameters we send; the demo's stand-in (``tui.demo``, over HTTP) exercises the
state machine: ENABLING/DISABLING that settle after a delay and AWS's errors.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pytest
from botocore.model import OperationModel
from botocore.stub import Stubber

from tests.support.calls import make_session
from tui.aws.errors import AwsFailure
from tui.aws.models import Region, RegionStatus
from tui.aws.posture import REGIONS_PAGE_SIZE, PostureReader, region_names
from tui.aws.regions import (
    RegionRefused,
    RegionWriter,
    opt_in_codes,
    poll_delays,
    region_action,
    settled,
)
from tui.aws.service import AccountService
from tui.aws.session import AwsSession, Settings, is_read_operation
from tui.demo import DemoEndpoint, DemoServer
from tui.demo.regiondata import OPT_IN_REGIONS, aws_partition_regions

S = RegionStatus
AF = "af-south-1"
CAPE_TOWN = {"RegionName": AF}


session = make_session


@dataclass
class Shared:
    """One session and Account client for the Stubber tests (building one costs ~0.2 s),
    and the operations it sent, Stubber-answered ones included.

    The Stubber answers in its ``before-call.*.*`` handler, which botocore runs before the
    session's plain ``before-call`` hook (the counter), so the counter never sees stubbed
    calls; ``record`` is registered ahead of the Stubber instead.
    """

    aws: AwsSession
    sent: list[str]

    def record(self, model: OperationModel, **_: Any) -> None:
        self.sent.append(model.name)


@pytest.fixture(scope="module")
def shared() -> Shared:
    state = Shared(session(), [])
    state.aws.account().meta.events.register_first("before-call.*.*", state.record)
    return state


@pytest.fixture
def aws(shared: Shared) -> AwsSession:
    shared.aws.counter.reset()
    shared.sent.clear()
    return shared.aws


@pytest.fixture
def sent(aws: AwsSession, shared: Shared) -> list[str]:
    return shared.sent


@pytest.fixture
def stub(aws: AwsSession) -> Iterator[Stubber]:
    with Stubber(aws.account()) as stubber:
        yield stubber
        stubber.assert_no_pending_responses()


# -- pure rules -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("status", "action", "says"),
    [
        (S.DISABLED, "enable", "enable it"),
        (S.ENABLED, "disable", "removes IAM access"),
        (S.ENABLED_BY_DEFAULT, None, "Enabled by default: it cannot be disabled"),
        (S.ENABLING, None, "Already enabling: wait until it settles"),
        (S.DISABLING, None, "wait until it settles"),
    ],
)
def test_region_action(status: RegionStatus, action: str | None, says: str) -> None:
    verb, reason = region_action(Region(AF, "Africa (Cape Town)", status))
    assert verb == action
    assert says in reason


def test_settled() -> None:
    assert {s for s in RegionStatus if not settled(s)} == {S.ENABLING, S.DISABLING}


def test_poll_delays_back_off_to_a_cap_forever() -> None:
    delays = list(itertools.islice(poll_delays(), 40))
    assert delays[:3] == pytest.approx([2.0, 3.2, 5.12])
    assert all(a <= b for a, b in itertools.pairwise(delays))
    assert max(delays) == delays[-1] == 60.0
    assert list(itertools.islice(poll_delays(1.0, 2.0, 3.0), 4)) == [1.0, 2.0, 3.0, 3.0]
    with pytest.raises(ValueError):
        next(poll_delays(first=0))


def test_opt_in_codes_come_from_the_statuses() -> None:
    regions = [Region(c, c, s) for c, s in zip("abcde", RegionStatus, strict=True)]
    assert opt_in_codes(regions) == {
        r.code for r in regions if r.status is not S.ENABLED_BY_DEFAULT
    }


def test_service_caches_the_regions_writer() -> None:
    service = AccountService(Settings(access_key_id="k", secret_access_key="s"))
    assert service.regions_writer is service.regions_writer
    assert service.regions_writer.session is service.session


# -- Stubber: parameters and shapes ---------------------------------------------------------
def test_list_regions_paginates_with_max_results_and_next_token(
    aws: AwsSession, stub: Stubber, sent: list[str]
) -> None:
    real = sorted(region_names())[:40]
    fake = [f"xx-test-{n:02d}" for n in range(1, 21)]
    statuses = {code: S.ENABLED_BY_DEFAULT for code in real} | {AF: S.DISABLED}
    statuses |= {code: S.ENABLED for code in fake[:10]} | {code: S.ENABLING for code in fake[10:]}
    everything = [{"RegionName": c, "RegionOptStatus": s.value} for c, s in statuses.items()]
    assert len(everything) > REGIONS_PAGE_SIZE
    first, second = everything[:REGIONS_PAGE_SIZE], everything[REGIONS_PAGE_SIZE:]
    stub.add_response(
        "list_regions",
        {"Regions": first, "NextToken": "page-2"},
        {"MaxResults": REGIONS_PAGE_SIZE},
    )
    stub.add_response(
        "list_regions",
        {"Regions": second},
        {"MaxResults": REGIONS_PAGE_SIZE, "NextToken": "page-2"},
    )
    listing = PostureReader(aws).regions()
    assert listing.source == "account" and listing.fallback_reason is None
    assert [r.code for r in listing.regions] == sorted(statuses)
    by_code = {r.code: r for r in listing.regions}
    assert by_code[AF].name == "Africa (Cape Town)" and by_code[AF].status is S.DISABLED
    assert by_code["xx-test-01"].name == "xx-test-01"  # unknown to botocore: its code
    assert opt_in_codes(listing.regions) == {AF, *fake}
    assert sent == ["ListRegions", "ListRegions"]


def test_get_region_opt_status(aws: AwsSession, stub: Stubber) -> None:
    stub.add_response(
        "get_region_opt_status", {**CAPE_TOWN, "RegionOptStatus": "ENABLING"}, CAPE_TOWN
    )
    assert RegionWriter(aws).status(AF) is S.ENABLING


def test_enable_and_disable_send_only_the_region_name(
    aws: AwsSession, stub: Stubber, sent: list[str]
) -> None:
    # Exactly {"RegionName": ...}: no AccountId (a management account naming itself fails).
    stub.add_response("enable_region", {}, CAPE_TOWN)
    stub.add_response("disable_region", {}, CAPE_TOWN)
    writer = RegionWriter(aws)
    writer.enable(AF, S.DISABLED)
    writer.disable(AF, S.ENABLED)
    assert sent == ["EnableRegion", "DisableRegion"]


@pytest.mark.parametrize(
    ("verb", "status", "says"),
    [
        ("enable", S.ENABLED_BY_DEFAULT, "Already enabled"),
        ("disable", S.ENABLED_BY_DEFAULT, "Enabled by default: it cannot be disabled"),
        ("enable", S.ENABLED, "Already enabled"),
        ("disable", S.DISABLED, "Already disabled"),
        ("enable", S.ENABLING, "Already enabling"),
        ("disable", S.ENABLING, "Still enabling"),
        ("enable", S.DISABLING, "wait until it settles"),
        ("disable", S.DISABLING, "wait until it settles"),
    ],
)
def test_impossible_changes_are_refused_without_a_call(
    aws: AwsSession, stub: Stubber, sent: list[str], verb: str, status: RegionStatus, says: str
) -> None:
    # Nothing is queued: any call would fail with UnStubbedResponseError instead.
    writer = RegionWriter(aws)
    with pytest.raises(RegionRefused) as info:
        getattr(writer, verb)(AF, status)
    assert isinstance(info.value, ValueError)
    assert says in info.value.reason and says in str(info.value)
    assert (info.value.code, info.value.verb) == (AF, verb)
    assert sent == [] and aws.counter.total() == 0


@pytest.mark.parametrize(
    ("method", "code", "http", "says"),
    [
        ("enable_region", "ValidationException", 400, "not in a state that allows this"),
        ("disable_region", "ValidationException", 400, "already enabling or enabled"),
        ("enable_region", "ConflictException", 409, "still disabling or enabling: wait"),
        ("disable_region", "ConflictException", 409, "wait until that finishes"),
        ("enable_region", "TooManyRequestsException", 429, "Too many Region changes at once"),
        ("disable_region", "TooManyRequestsException", 429, "wait a minute"),
        ("enable_region", "AccessDeniedException", 403, "account:EnableRegion"),
        ("disable_region", "AccessDeniedException", 403, "account:DisableRegion"),
        ("get_region_opt_status", "AccessDeniedException", 403, "account:GetRegionOptStatus"),
        ("get_region_opt_status", "TooManyRequestsException", 429, "wait a minute"),
    ],
)
def test_errors_come_back_with_plain_hints(
    aws: AwsSession, stub: Stubber, method: str, code: str, http: int, says: str
) -> None:
    stub.add_client_error(method, code, f"AWS says {code}", http, expected_params=CAPE_TOWN)
    writer = RegionWriter(aws)
    with pytest.raises(AwsFailure) as info:
        if method == "enable_region":
            writer.enable(AF, S.DISABLED)
        elif method == "disable_region":
            writer.disable(AF, S.ENABLED)
        else:
            writer.status(AF)
    error = info.value.error
    operation = "".join(part.title() for part in method.split("_"))
    assert (error.action, error.code) == (f"account:{operation}", code)
    assert error.message == f"AWS says {code}"
    assert says in error.hint
    assert error.denied == (code == "AccessDeniedException")


def test_read_only_refuses_changes_before_sending() -> None:
    ro = session(read_only=True)
    writer = RegionWriter(ro)
    for change in (writer.enable, writer.disable):
        with pytest.raises(AwsFailure) as info:
            change(AF, S.DISABLED if change == writer.enable else S.ENABLED)
        assert info.value.error.code == "ReadOnly"
    assert ro.counter.total() == 0 and ro.counter.attempts() == {}
    assert is_read_operation("GetRegionOptStatus") and is_read_operation("ListRegions")


# -- over the demo's stand-in ---------------------------------------------------------------
REGION_DELAY = 0.5
EXTRA_REGIONS = 30
POLL = {"first": 0.05, "factor": 1.5, "cap": 0.2}


@pytest.fixture(scope="module")
def demos() -> Iterator[tuple[DemoEndpoint, DemoEndpoint]]:
    """Two unseeded servers started side by side: the real Region set (34 in botocore
    1.44) with a short delay, and one with 30 made-up Regions to pass a page of 50."""
    plain, paged = DemoServer(), DemoServer()
    try:
        with ThreadPoolExecutor(2) as pool:
            a = pool.submit(plain.start, seed=False, region_delay=REGION_DELAY, extra_regions=0)
            b = pool.submit(paged.start, seed=False, extra_regions=EXTRA_REGIONS)
            endpoints = a.result(), b.result()
        yield endpoints
    finally:
        plain.stop()
        paged.stop()


def over(endpoint: DemoEndpoint) -> AwsSession:
    return session(
        endpoint_url=endpoint.endpoint_url,
        access_key_id=endpoint.access_key_id,
        secret_access_key=endpoint.secret_access_key,
        region=endpoint.region,
    )


@pytest.fixture
def demo(demos: tuple[DemoEndpoint, DemoEndpoint]) -> AwsSession:
    return over(demos[0])


def poll_until_settled(
    writer: RegionWriter, code: str, timeout: float = 10 * REGION_DELAY
) -> list[RegionStatus]:
    seen: list[RegionStatus] = []
    deadline = time.monotonic() + timeout
    for delay in poll_delays(**POLL):
        seen.append(writer.status(code))
        if settled(seen[-1]) or time.monotonic() > deadline:
            return seen
        time.sleep(delay)
    raise AssertionError("unreachable")


@pytest.mark.server
def test_enable_then_disable_with_polling(demo: AwsSession) -> None:
    writer = RegionWriter(demo)
    assert writer.status(AF) is S.DISABLED
    writer.enable(AF, S.DISABLED)
    assert writer.status(AF) is S.ENABLING
    seen = poll_until_settled(writer, AF)
    assert seen[-1] is S.ENABLED and set(seen[:-1]) <= {S.ENABLING}

    writer.disable(AF, S.ENABLED)
    assert writer.status(AF) is S.DISABLING
    seen = poll_until_settled(writer, AF)
    assert seen[-1] is S.DISABLED and set(seen[:-1]) <= {S.DISABLING}


@pytest.mark.server
def test_enabling_an_enabling_region(demo: AwsSession) -> None:
    writer = RegionWriter(demo)
    writer.enable("ca-west-1", S.DISABLED)
    # Known to be ENABLING: refused here, no call.
    before = demo.counter.total()
    with pytest.raises(RegionRefused):
        writer.enable("ca-west-1", S.ENABLING)
    assert demo.counter.total() == before
    # A stale view (still DISABLED on screen): AWS refuses, explained plainly.
    with pytest.raises(AwsFailure) as info:
        writer.enable("ca-west-1", S.DISABLED)
    error = info.value.error
    assert (error.action, error.code) == ("account:EnableRegion", "ValidationException")
    assert "not in a state that allows this" in error.hint


@pytest.mark.server
def test_changing_a_disabling_region_conflicts(demo: AwsSession) -> None:
    writer = RegionWriter(demo)
    assert writer.status("me-south-1") is S.ENABLED
    writer.disable("me-south-1", S.ENABLED)
    for change, stale in ((writer.disable, S.ENABLED), (writer.enable, S.DISABLED)):
        with pytest.raises(AwsFailure) as info:
            change("me-south-1", stale)
        assert info.value.error.code == "ConflictException"
        assert "wait until that finishes" in info.value.error.hint
    before = demo.counter.total()
    for change in (writer.enable, writer.disable):
        with pytest.raises(RegionRefused):
            change("me-south-1", S.DISABLING)
    assert demo.counter.total() == before


@pytest.mark.server
def test_enabled_by_default_is_refused_locally(demo: AwsSession) -> None:
    writer = RegionWriter(demo)
    assert writer.status("us-east-1") is S.ENABLED_BY_DEFAULT
    for change in (writer.enable, writer.disable):
        with pytest.raises(RegionRefused):
            change("us-east-1", S.ENABLED_BY_DEFAULT)
    assert dict(demo.counter.calls()) == {"account:GetRegionOptStatus": 1}


@pytest.mark.server
def test_posture_lists_every_region_in_one_page(demo: AwsSession) -> None:
    listing = PostureReader(demo).regions()
    partition = set(aws_partition_regions())
    assert listing.source == "account"
    assert {r.code for r in listing.regions} == partition
    assert opt_in_codes(listing.regions) == OPT_IN_REGIONS & partition
    assert demo.counter.calls()["account:ListRegions"] == 1


@pytest.mark.server
def test_posture_pages_past_50_regions(demos: tuple[DemoEndpoint, DemoEndpoint]) -> None:
    aws = over(demos[1])
    listing = PostureReader(aws).regions()
    codes = [r.code for r in listing.regions]
    partition = set(aws_partition_regions())
    extra = {f"xx-test-{n}" for n in range(1, EXTRA_REGIONS + 1)}
    assert len(codes) == len(set(codes)) == len(partition) + EXTRA_REGIONS > REGIONS_PAGE_SIZE
    assert set(codes) == partition | extra
    assert opt_in_codes(listing.regions) == (OPT_IN_REGIONS & partition) | extra
    assert aws.counter.calls()["account:ListRegions"] == 2


@pytest.mark.server
def test_read_only_over_the_demo(demos: tuple[DemoEndpoint, DemoEndpoint]) -> None:
    ro = session(
        read_only=True,
        endpoint_url=demos[0].endpoint_url,
        access_key_id=demos[0].access_key_id,
        secret_access_key=demos[0].secret_access_key,
        region=demos[0].region,
    )
    writer = RegionWriter(ro)
    assert writer.status("il-central-1") is S.DISABLED
    with pytest.raises(AwsFailure) as info:
        writer.enable("il-central-1", S.DISABLED)
    assert (info.value.error.code, info.value.error.action) == ("ReadOnly", "account:EnableRegion")
    assert writer.status("il-central-1") is S.DISABLED
    assert ro.counter.calls()["account:EnableRegion"] == 0
