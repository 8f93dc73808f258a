"""A caller that may read everything except GetAccountAuthorizationDetails.

The server is the demo server (``python -m tui.demo.server``: moto_server plus the Account
API Region stand-in) started empty, in its own process, with IAM enforcement switched on
by moto's INITIAL_NO_AUTH_ACTION_COUNT. The set-up calls run while the count allows them;
``POST /moto-api/reset-auth`` with body ``0`` then makes every later call go through
moto's policy evaluation. moto enforces each IAM, EC2 and Account action used here
(checked by hand); sts:GetCallerIdentity is never checked, as in AWS, where it needs no
permission.
"""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from textual.widgets import Static

from tests.support.app import make_app
from tests.support.pilot import reset_auth
from tui.aws.checks import Status
from tui.aws.models import ADMIN_POLICY_ARN
from tui.aws.posture import PostureReader
from tui.aws.service import AccountService
from tui.aws.session import AwsSession, Settings

pytestmark = pytest.mark.server

ROOT = Path(__file__).resolve().parents[2]
ACCOUNT = "123456789012"
DENIED_ACTION = "iam:GetAccountAuthorizationDetails"
START_TIMEOUT = 30.0
# Free calls for the set-up below (it makes 14); reset to 0 right after it.
SETUP_ALLOWANCE = 50
READER_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": [
                "iam:Get*",
                "iam:List*",
                "iam:GenerateCredentialReport",
                "sts:GetCallerIdentity",
                "ec2:DescribeRegions",
                "account:*",
            ],
            "Resource": "*",
        },
        {"Effect": "Deny", "Action": DENIED_ACTION, "Resource": "*"},
    ],
}


@dataclass(frozen=True)
class DeniedAccount:
    """The running server and the ``reader`` user's settings."""

    url: str
    settings: Settings


def _read_json_line(proc: subprocess.Popen[bytes], timeout: float) -> dict[str, Any]:
    assert proc.stdout is not None
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        if not sel.select(timeout):
            raise RuntimeError(f"demo server printed nothing in {timeout} s")
    line = proc.stdout.readline()
    if not line:
        raise RuntimeError(f"demo server exited with {proc.wait(timeout=5)}")
    result: dict[str, Any] = json.loads(line)
    return result


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
    for stream in (proc.stdin, proc.stdout):
        if stream is not None:
            stream.close()


def _set_up(url: str) -> dict[str, str]:
    """Within the free calls: the account, and the ``reader`` user with its key."""
    iam = boto3.client(
        "iam",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    iam.create_user(UserName="reader")
    iam.put_user_policy(
        UserName="reader", PolicyName="read-but-details", PolicyDocument=json.dumps(READER_POLICY)
    )
    key = iam.create_access_key(UserName="reader")["AccessKey"]
    iam.create_group(GroupName="administrators")
    iam.attach_group_policy(GroupName="administrators", PolicyArn=ADMIN_POLICY_ARN)
    iam.create_user(UserName="alice")
    iam.create_login_profile(UserName="alice", Password="Sup3r-Secret-Pw!")
    iam.add_user_to_group(UserName="alice", GroupName="administrators")
    iam.create_account_alias(AccountAlias="acme-denied")
    iam.update_account_password_policy(MinimumPasswordLength=16, PasswordReusePrevention=24)
    return {"AccessKeyId": key["AccessKeyId"], "SecretAccessKey": key["SecretAccessKey"]}


@pytest.fixture
def denied_account(tmp_path: Path) -> Iterator[DeniedAccount]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    log = (tmp_path / "demo-server.log").open("wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tui.demo.server",
            "--no-seed",
            "--initial-no-auth-action-count",
            str(SETUP_ALLOWANCE),
        ],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,  # the server exits when this closes
        stdout=subprocess.PIPE,
        stderr=log,
    )
    try:
        url = _read_json_line(proc, START_TIMEOUT)["endpoint_url"]
        assert url.startswith("http://127.0.0.1:")
        key = _set_up(url)
        reset_auth(url, 0)  # enforce from the next call on
        yield DeniedAccount(
            url,
            Settings(
                endpoint_url=url,
                region="us-east-1",
                access_key_id=key["AccessKeyId"],
                secret_access_key=key["SecretAccessKey"],
            ),
        )
    finally:
        _stop(proc)
        log.close()


def test_enforcement_is_on(denied_account: DeniedAccount) -> None:
    """The premise of the other tests: moto really checks the reader's policy."""
    iam = AwsSession(denied_account.settings).iam()
    with pytest.raises(ClientError) as denied:
        iam.get_account_authorization_details(Filter=["User"])
    assert denied.value.response["Error"]["Code"] == "AccessDenied"
    with pytest.raises(ClientError) as write:
        iam.create_user(UserName="mallory")
    assert write.value.response["Error"]["Code"] == "AccessDenied"
    assert iam.list_users()["Users"]  # allowed by iam:List*


def test_details_denied_while_the_other_parts_load(denied_account: DeniedAccount) -> None:
    session = AwsSession(denied_account.settings)
    posture = PostureReader(session, poll_interval=0.05).read_all()

    details = posture.details
    assert details.loaded and details.value is None
    assert details.error is not None
    assert details.error.denied
    assert details.error.action == DENIED_ACTION
    assert details.error.headline() == f"{DENIED_ACTION} denied"
    assert DENIED_ACTION in details.error.hint

    for name in ("caller", "summary", "report", "aliases", "password_policy", "regions"):
        part = getattr(posture, name)
        assert part.loaded and part.error is None, f"{name}: {part.error}"
    assert posture.caller.value is not None
    assert posture.caller.value.arn == f"arn:aws:iam::{ACCOUNT}:user/reader"
    assert posture.summary.value is not None
    assert posture.summary.value.users == 2
    assert posture.report.value is not None
    assert {r.user for r in posture.report.value.users} == {"reader", "alice"}
    assert posture.alias == "acme-denied"
    assert posture.password_policy.value is not None
    assert posture.password_policy.value.minimum_length == 16
    assert posture.regions.value is not None
    assert posture.regions.value.source == "account"  # the demo's Account API stand-in
    # The customer-policies part (CIS 1.15) makes the same call: denied too, alone.
    assert posture.local_policies.error is not None and posture.local_policies.error.denied
    # Nothing was retried: AccessDenied is final (one attempt by each of the two parts).
    assert session.counter.attempts()[f"{DENIED_ACTION}"] == 2


def _text(widget: Static) -> str:
    content = widget.content
    plain = getattr(content, "plain", None)  # rich.text.Text and textual Content
    return plain if isinstance(plain, str) else str(content)


async def test_app_shows_the_denial_and_everything_else(denied_account: DeniedAccount) -> None:
    service = AccountService(denied_account.settings, report_poll_interval=0.1)
    app = make_app(service, vault=None, open_guide=True)
    async with app.run_test(size=(80, 24)) as pilot:
        deadline = time.monotonic() + 20
        while app.refreshing and time.monotonic() < deadline:
            await pilot.pause(0.1)
        assert not app.refreshing, "the refresh did not finish in 20 s"
        await pilot.pause()

        for pane_id in ("users", "groups"):
            status = app.query_one(f"#{pane_id}").query_one("#status", Static)
            assert f"{DENIED_ACTION} denied" in _text(status), pane_id
            assert status.display

        alias_body = _text(app.query_one("#alias").query_one("#alias-body", Static))
        assert ACCOUNT in alias_body
        assert "acme-denied" in alias_body

        recommendations: Any = app.query_one("#recommendations")
        assert recommendations.table.row_count > 0
        findings = recommendations.findings
        assert findings["admin-group"].status is Status.UNKNOWN
        assert f"{DENIED_ACTION} denied" in findings["admin-group"].reason
        assert findings["alias"].status is Status.PASS
        assert findings["caller-root"].status is Status.PASS
