"""The demo server child process, over the wire with stock boto3 clients."""

from __future__ import annotations

import csv
import io
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tui.demo import DemoEndpoint, DemoServer, DemoServerError

pytestmark = pytest.mark.server

ROOT = Path(__file__).resolve().parents[2]
REGION_DELAY = 0.5
EXTRA_REGIONS = 60


def client(endpoint: DemoEndpoint, service: str, **creds: str) -> Any:
    return boto3.client(
        service,  # type: ignore[call-overload]
        endpoint_url=endpoint.endpoint_url,
        region_name=endpoint.region,
        aws_access_key_id=creds.get("key", endpoint.access_key_id),
        aws_secret_access_key=creds.get("secret", endpoint.secret_access_key),
    )


def error_code(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return str(excinfo.value.response["Error"]["Code"])


def post(endpoint: DemoEndpoint, path: str, body: bytes = b"") -> Any:
    # text/plain: with urllib's default form content type Flask hides the raw body from
    # moto (reset-auth then fails on float("")).
    request = urllib.request.Request(
        endpoint.endpoint_url + path,
        data=body,
        method="POST",
        headers={"Content-Type": "text/plain"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"null")


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.fixture(scope="module")
def servers() -> Iterator[tuple[DemoServer, DemoServer]]:
    """Two seeded servers, started side by side (each start costs ~1.5 s).

    The first is shared by the module; the second belongs to the enforcement/reset/stop
    test, which changes moto's auth settings and empties the account.
    """
    shared, own = DemoServer(), DemoServer()
    try:
        with ThreadPoolExecutor(2) as pool:
            started = [
                pool.submit(shared.start, region_delay=REGION_DELAY, extra_regions=EXTRA_REGIONS),
                pool.submit(own.start, initial_no_auth_action_count=0),
            ]
            for future in started:
                future.result()
        yield shared, own
    finally:
        shared.stop()
        own.stop()


@pytest.fixture(scope="module")
def demo(servers: tuple[DemoServer, DemoServer]) -> DemoEndpoint:
    endpoint = servers[0].endpoint
    assert endpoint is not None
    return endpoint


# ------------------------------------------------------------------- Regions
def test_list_regions_paginates_across_more_than_50(demo: DemoEndpoint) -> None:
    account = client(demo, "account")
    pages = list(account.get_paginator("list_regions").paginate())
    codes = [r["RegionName"] for page in pages for r in page["Regions"]]
    assert len(pages) >= 2
    assert all(len(page["Regions"]) <= 50 for page in pages)
    assert len(codes) == len(set(codes)) > 50
    assert {f"xx-test-{n}" for n in range(1, EXTRA_REGIONS + 1)} <= set(codes)
    assert {"us-east-1", "af-south-1", "me-south-1"} <= set(codes)
    small = account.get_paginator("list_regions").paginate(PaginationConfig={"PageSize": 7})
    assert [r["RegionName"] for page in small for r in page["Regions"]] == codes
    filtered = account.list_regions(RegionOptStatusContains=["ENABLED_BY_DEFAULT"])
    assert {r["RegionOptStatus"] for r in filtered["Regions"]} == {"ENABLED_BY_DEFAULT"}


def test_get_region_opt_status(demo: DemoEndpoint) -> None:
    account = client(demo, "account")
    answer = account.get_region_opt_status(RegionName="us-east-1")
    assert answer["RegionName"] == "us-east-1"
    assert answer["RegionOptStatus"] == "ENABLED_BY_DEFAULT"
    assert account.get_region_opt_status(RegionName="af-south-1")["RegionOptStatus"] == "DISABLED"


def test_enable_region_then_poll_until_enabled(demo: DemoEndpoint) -> None:
    account = client(demo, "account")
    account.enable_region(RegionName="xx-test-1")
    assert account.get_region_opt_status(RegionName="xx-test-1")["RegionOptStatus"] == "ENABLING"
    with pytest.raises(ClientError) as excinfo:
        account.enable_region(RegionName="xx-test-1")
    assert error_code(excinfo) == "ValidationException"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    deadline = time.monotonic() + 10 * REGION_DELAY
    status = "ENABLING"
    while status == "ENABLING" and time.monotonic() < deadline:
        time.sleep(0.1)
        status = account.get_region_opt_status(RegionName="xx-test-1")["RegionOptStatus"]
    assert status == "ENABLED"


def test_region_errors_arrive_as_client_errors(demo: DemoEndpoint) -> None:
    account = client(demo, "account")
    account.enable_region(RegionName="xx-test-3")
    with pytest.raises(ClientError) as excinfo:  # ENABLING → disable
        account.disable_region(RegionName="xx-test-3")
    assert error_code(excinfo) == "ValidationException"
    with pytest.raises(ClientError) as excinfo:
        account.disable_region(RegionName="us-west-2")
    assert error_code(excinfo) == "ValidationException"
    with pytest.raises(ClientError) as excinfo:
        account.get_region_opt_status(RegionName="mars-north-1")
    assert error_code(excinfo) == "ValidationException"
    with pytest.raises(ClientError) as excinfo:
        account.list_regions(AccountId="210987654321")
    assert error_code(excinfo) == "AccessDeniedException"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_disabling_region_conflicts(demo: DemoEndpoint) -> None:
    account = client(demo, "account")
    assert account.get_region_opt_status(RegionName="me-south-1")["RegionOptStatus"] == "ENABLED"
    account.disable_region(RegionName="me-south-1")
    for call in (account.enable_region, account.disable_region):
        with pytest.raises(ClientError) as excinfo:
            call(RegionName="me-south-1")
        assert error_code(excinfo) == "ConflictException"
        assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409


def test_injected_throttling_arrives_as_a_429_throttling_error(demo: DemoEndpoint) -> None:
    post(
        demo,
        "/_demo/regions/inject-error",
        json.dumps(
            {"operation": "GetRegionOptStatus", "code": "TooManyRequestsException"}
        ).encode(),
    )
    # One attempt only (retries["max_attempts"] counts retries, total_max_attempts the
    # initial call too): botocore would otherwise retry it after a random back-off.
    account = boto3.client(
        "account",
        endpoint_url=demo.endpoint_url,
        region_name=demo.region,
        aws_access_key_id=demo.access_key_id,
        aws_secret_access_key=demo.secret_access_key,
        config=Config(retries={"mode": "standard", "total_max_attempts": 1}),
    )
    with pytest.raises(ClientError) as excinfo:
        account.get_region_opt_status(RegionName="us-east-1")
    assert error_code(excinfo) == "TooManyRequestsException"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429
    assert account.get_region_opt_status(RegionName="us-east-1")["RegionOptStatus"] == (
        "ENABLED_BY_DEFAULT"
    )


# ------------------------------------------------------------ seeded account
def test_caller_is_alice(demo: DemoEndpoint) -> None:
    identity = client(demo, "sts").get_caller_identity()
    assert identity["Arn"] == "arn:aws:iam::123456789012:user/alice"
    assert identity["Account"] == demo.account_id == "123456789012"
    # The default demo is one account, in no organization (--org makes one).
    assert demo.organization is False and demo.members == ()
    with pytest.raises(ClientError) as excinfo:
        client(demo, "organizations").describe_organization()
    assert error_code(excinfo) == "AWSOrganizationsNotInUseException"


def test_seeded_users_groups_and_account_settings(demo: DemoEndpoint) -> None:
    iam = client(demo, "iam")
    users = {u["UserName"] for u in iam.list_users()["Users"]}
    assert {"alice", "bob", "carol", "dave", "deploy-bot"} <= users
    assert 7 <= len(users) <= 10
    groups = {g["GroupName"] for g in iam.list_groups()["Groups"]}
    assert groups == {"developers", "readonly", "billing"}  # no "administrators"
    attached = iam.list_attached_group_policies(GroupName="developers")["AttachedPolicies"]
    assert [p["PolicyName"] for p in attached] == ["PowerUserAccess"]
    assert iam.list_attached_group_policies(GroupName="billing")["AttachedPolicies"] == []
    alice = iam.list_attached_user_policies(UserName="alice")["AttachedPolicies"]
    assert [p["PolicyName"] for p in alice] == ["AdministratorAccess"]
    bot = iam.list_attached_user_policies(UserName="deploy-bot")["AttachedPolicies"]
    assert [p["PolicyName"] for p in bot] == ["AmazonS3FullAccess"]
    assert {"Key": "team", "Value": "platform"} in iam.list_user_tags(UserName="deploy-bot")["Tags"]
    with pytest.raises(ClientError):
        iam.get_login_profile(UserName="deploy-bot")
    assert iam.list_user_policies(UserName="erin")["PolicyNames"]
    assert iam.list_account_aliases()["AccountAliases"] == []
    policy = iam.get_account_password_policy()["PasswordPolicy"]
    assert policy["MinimumPasswordLength"] == 8
    assert not any(
        policy[k]
        for k in (
            "RequireSymbols",
            "RequireNumbers",
            "RequireUppercaseCharacters",
            "RequireLowercaseCharacters",
        )
    )
    summary = iam.get_account_summary()["SummaryMap"]
    assert summary["AccountMFAEnabled"] == 0


def test_credential_report_shows_backdated_keys_mfa_and_passwords(demo: DemoEndpoint) -> None:
    iam = client(demo, "iam")
    iam.generate_credential_report()
    content = iam.get_credential_report()["Content"].decode()
    rows = {row["user"]: row for row in csv.DictReader(io.StringIO(content))}
    assert "<root_account>" not in rows  # a moto gap: AWS always has this row
    now = datetime.now(UTC)

    def age_days(stamp: str) -> float:
        return (now - datetime.fromisoformat(stamp)).total_seconds() / 86400

    bob = rows["bob"]
    assert bob["password_enabled"] == "true" and bob["mfa_active"] == "false"
    assert bob["access_key_1_active"] == "true"
    assert 199 < age_days(bob["access_key_1_last_rotated"]) < 201
    assert 99 < age_days(bob["access_key_1_last_used_date"]) < 101
    bot = rows["deploy-bot"]
    assert bot["password_enabled"] == "false"
    assert bot["access_key_1_active"] == bot["access_key_2_active"] == "true"
    assert 119 < age_days(bot["access_key_2_last_rotated"]) < 121
    assert bot["access_key_2_last_used_date"] == "N/A"
    alice = rows["alice"]
    assert alice["mfa_active"] == "true" and alice["password_enabled"] == "true"
    assert rows["carol"]["mfa_active"] == "true"
    assert rows["dave"]["password_last_used"] == "no_information"  # never signed in
    assert rows["frank"]["access_key_1_active"] == "false"


# --------------------------------------------- enforcement, reset, lifecycle
def test_auth_reset_and_stop_leave_nothing_behind(
    servers: tuple[DemoServer, DemoServer],
) -> None:
    server = servers[1]
    endpoint = server.endpoint
    assert endpoint is not None
    pid = server.pid
    assert pid is not None
    try:
        iam = client(endpoint, "iam")
        account = client(endpoint, "account")
        # Initial transitions with the default 20 s delay: deterministic within this test.
        assert account.get_region_opt_status(RegionName="eu-south-1")["RegionOptStatus"] == (
            "ENABLING"
        )
        with pytest.raises(ClientError) as excinfo:
            account.enable_region(RegionName="ap-east-1")  # DISABLING
        assert error_code(excinfo) == "ConflictException"
        account.enable_region(RegionName="af-south-1")

        # Policies are enforced (N=0): a List-only user may not change Regions or users.
        iam.create_user(UserName="viewer")
        iam.put_user_policy(
            UserName="viewer",
            PolicyName="list-only",
            PolicyDocument=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Action": "iam:List*", "Resource": "*"}],
                }
            ),
        )
        key = iam.create_access_key(UserName="viewer")["AccessKey"]
        creds = {"key": key["AccessKeyId"], "secret": key["SecretAccessKey"]}
        viewer_account = client(endpoint, "account", **creds)
        with pytest.raises(ClientError) as excinfo:
            viewer_account.enable_region(RegionName="af-south-1")
        assert error_code(excinfo) == "AccessDeniedException"
        assert "viewer" in excinfo.value.response["Error"]["Message"]
        with pytest.raises(ClientError) as excinfo:
            client(endpoint, "iam", **creds).create_user(UserName="intruder")
        assert error_code(excinfo) == "AccessDenied"
        assert client(endpoint, "iam", **creds).list_users()["Users"]

        # Reset: IAM empties (alice's key with it, so lift enforcement first) and the
        # Regions return to their initial statuses.
        post(endpoint, "/moto-api/reset-auth", b"inf")
        assert post(endpoint, "/moto-api/reset") == {"status": "ok"}
        assert iam.list_users()["Users"] == []
        assert iam.list_groups()["Groups"] == []
        assert account.get_region_opt_status(RegionName="af-south-1")["RegionOptStatus"] == (
            "DISABLED"
        )
    finally:
        server.stop()
    assert gone(pid)
    assert not server.running and server.pid is None
    server.stop()  # idempotent
    port = int(endpoint.endpoint_url.rsplit(":", 1)[1])
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        pass


def test_child_exits_when_parent_stdin_closes() -> None:
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui.demo.server", "--no-seed"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    try:
        assert proc.stdout is not None and proc.stdin is not None
        line = json.loads(proc.stdout.readline())
        assert line["access_key_id"] == "testing"
        assert line["endpoint_url"].startswith("http://127.0.0.1:")
        proc.stdin.close()
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_start_timeout_is_a_clear_error_and_leaves_no_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    spawned: list[subprocess.Popen[bytes]] = []
    real_popen = subprocess.Popen

    def recording_popen(*args: Any, **kwargs: Any) -> subprocess.Popen[bytes]:
        proc = real_popen(*args, **kwargs)
        spawned.append(proc)
        return proc

    monkeypatch.setattr(subprocess, "Popen", recording_popen)
    server = DemoServer()
    with pytest.raises(DemoServerError, match="did not start within"):
        server.start(timeout=0.05)
    assert server.pid is None and not server.running
    assert len(spawned) == 1 and spawned[0].returncode is not None
    assert gone(spawned[0].pid)


def test_a_child_that_dies_at_start_up_reports_its_log_tail() -> None:
    server = DemoServer()
    with pytest.raises(DemoServerError, match="exited with status 1") as excinfo:
        server.start(seed=False, extra_regions=-1)
    assert "extra_regions must be >= 0" in str(excinfo.value)
    assert not server.running
