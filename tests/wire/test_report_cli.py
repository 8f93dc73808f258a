"""The installed `acct-tui report`, run as CI or cron would: a subprocess with no terminal
(stdin closed, output to pipes, ``CI=true``, ``TERM=dumb``), against a moto_server.

- Formats and ``--fail-on``: a moto_server behind the fault proxy, whose account summary is
  stubbed to say root has MFA (moto's never does), so the critical checks pass and the
  high ones (no administrators group) fail.
- A denied part, and the shipped read policy alone: the demo server with IAM enforcement
  (INITIAL_NO_AUTH_ACTION_COUNT, as tests/wire/test_partial_denial.py): one user holds
  policies/acct-tui-read.json, another the same plus a Deny of iam:GetAccountSummary.
"""

from __future__ import annotations

import csv
import io
import json
import os
import socket
import stat
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import jsonschema
import pytest

from tests.support.faultproxy import FaultProxy
from tests.support.pilot import reset_auth
from tui.aws.permissions import READ_POLICY
from tui.demo import DemoServer

pytestmark = pytest.mark.server

ROOT = Path(__file__).resolve().parents[2]
ACCT_TUI = Path(sys.executable).with_name("acct-tui")
TIMEOUT = 240  # a hang guard on a busy machine, not a speed limit
DENIED_CODES = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation"}
SUMMARY = (
    '<GetAccountSummaryResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">'
    "<GetAccountSummaryResult><SummaryMap>"
    "<entry><key>AccountMFAEnabled</key><value>1</value></entry>"
    "<entry><key>AccountAccessKeysPresent</key><value>0</value></entry>"
    "<entry><key>Users</key><value>0</value></entry>"
    "</SummaryMap></GetAccountSummaryResult>"
    "<ResponseMetadata><RequestId>stub</RequestId></ResponseMetadata>"
    "</GetAccountSummaryResponse>"
)
SECRET = "hunter2-not-for-logs"


def report(
    *args: str,
    key: tuple[str, str] | None = ("testing", "testing"),
    cwd: Path | None = None,
    stdout: int = subprocess.PIPE,
    shell_prefix: tuple[str, ...] = (),
) -> subprocess.CompletedProcess[str]:
    """``acct-tui report ARGS`` with no terminal, signed with ``key`` from the environment."""
    assert ACCT_TUI.exists(), f"the console script is not installed: {ACCT_TUI}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_ACCESS")}
    env.pop("AWS_SECRET_ACCESS_KEY", None)
    env.update(CI="true", TERM="dumb", AWS_DEFAULT_REGION="us-east-1")
    if key is not None:
        env.update(AWS_ACCESS_KEY_ID=key[0], AWS_SECRET_ACCESS_KEY=key[1])
    return subprocess.run(
        [*shell_prefix, str(ACCT_TUI), "report", *args],
        stdin=subprocess.DEVNULL,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=cwd or ROOT,
        timeout=TIMEOUT,
    )


def schema(path: str) -> jsonschema.protocols.Validator:
    document = json.loads((ROOT / path).read_text())
    validator: jsonschema.protocols.Validator = jsonschema.validators.validator_for(document)(
        document
    )
    return validator


def as_json(result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(result.stdout)
    schema("docs/report-schema.json").validate(document)
    return document


@pytest.fixture
def stubbed(moto_reset: str) -> Iterator[str]:
    """A moto_server (behind the fault proxy) whose root has MFA: the proxy's URL."""
    with FaultProxy(moto_reset) as proxy:
        proxy.stub("iam:GetAccountSummary", SUMMARY)
        yield proxy.url


# ------------------------------------------------------------------------- formats, --fail-on
def _check_format(fmt: str, out: str) -> set[str]:
    """The check ids the output ``out`` of format ``fmt`` lists (after validating it)."""
    if fmt == "json":
        document = json.loads(out)
        schema("docs/report-schema.json").validate(document)
        return {f["id"] for f in document["findings"]}
    if fmt == "sarif":
        document = json.loads(out)
        schema("tests/support/sarif-schema-2.1.0.json").validate(document)
        return {r["ruleId"] for r in document["runs"][0]["results"]}
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(out, newline="")))
        assert rows[0][0] == "id"
        return {r[0] for r in rows[1:]}
    if fmt == "markdown":
        rows = [line for line in out.splitlines() if line.startswith("| ")][2:]
        return {row.split(" | ")[2] for row in rows}
    assert "\x1b" not in out  # text: never a colour
    return {line.split()[1] for line in out.splitlines() if line.startswith("[")}


def test_every_format_lists_every_check(stubbed: str) -> None:
    reference = report("--format", "json", "--endpoint-url", stubbed)
    assert reference.returncode == 1, reference.stderr  # the administrators group is missing
    expected = {f["id"] for f in as_json(reference)["findings"]}
    assert len(expected) >= 20

    for fmt in ("text", "markdown", "sarif", "csv"):
        result = report("--format", fmt, "--endpoint-url", stubbed)
        assert result.returncode == 1, (fmt, result.stderr)
        assert _check_format(fmt, result.stdout) == expected, fmt
        assert result.stderr == ""


def test_fail_on_sets_the_threshold_of_exit_1(stubbed: str) -> None:
    base = ("--format", "json", "--endpoint-url", stubbed)
    critical = report(*base, "--fail-on", "critical")
    assert critical.returncode == 0, critical.stderr
    document = as_json(critical)
    by_id = {f["id"]: f for f in document["findings"]}
    assert by_id["root-mfa"]["status"] == "pass"  # the stubbed summary
    assert by_id["admin-group"]["status"] == "fail"
    assert by_id["admin-group"]["severity"] == "high"
    assert not [
        f for f in document["findings"] if f["severity"] == "critical" and f["status"] != "pass"
    ]
    for level in ("high", "medium", "low"):
        result = report(*base, "--fail-on", level)
        assert result.returncode == 1, (level, result.stderr)
        assert as_json(result)["summary"] == document["summary"]


def test_output_file_is_written_whole_and_never_over_a_file(stubbed: str, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "report.sarif"
    first = report("--format", "sarif", "--endpoint-url", stubbed, "--output", str(target))
    assert first.returncode == 1, first.stderr
    assert first.stdout == ""
    _check_format("sarif", target.read_text())
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in folder.iterdir()] == ["report.sarif"]  # no temporary left

    target.write_text("keep me")
    again = report("--endpoint-url", stubbed, "--output", str(target))
    assert again.returncode == 2
    assert "already exists" in again.stderr and "--force" in again.stderr
    assert target.read_text() == "keep me"

    forced = report("--endpoint-url", stubbed, "--output", str(target), "--force")
    assert forced.returncode == 1, forced.stderr
    assert target.read_text().startswith("acct-tui ")


def test_a_reader_gone_from_the_pipe_is_exit_2_not_a_traceback(stubbed: str) -> None:
    """``acct-tui report | head -1`` with a report longer than a pipe holds, or a
    consumer that died: the report cannot be delivered, so exit 2 (as for --output),
    one line on stderr, no traceback (which would also say 1, "failing")."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the report is written
    try:
        result = report("--format", "json", "--endpoint-url", stubbed, stdout=write_end)
    finally:
        os.close(write_end)
    assert "Traceback" not in result.stderr, result.stderr
    assert "Exception ignored" not in result.stderr, result.stderr
    assert result.returncode == 2, result.stderr
    assert "acct-tui: cannot write the report to standard output" in result.stderr


def test_a_closed_standard_output_is_exit_2_not_a_traceback(stubbed: str) -> None:
    """Run as ``acct-tui report >&-`` (cron with stdout closed): no traceback."""
    closed = ("/bin/sh", "-c", 'exec "$@" >&-', "sh")
    result = report("--endpoint-url", stubbed, shell_prefix=closed)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 2, result.stderr
    assert "acct-tui: cannot write the report to standard output" in result.stderr


# ----------------------------------------------------------------------------- exit 2
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "xml"], "argument --format: invalid choice: 'xml'"),
        (["--fail-on", "severe"], "argument --fail-on: invalid choice: 'severe'"),
        (["--unknown", "pass"], "argument --unknown: invalid choice: 'pass'"),
        (["--force"], "--force only applies to --output FILE"),
        (["--demo", "--profile", "x"], "cannot be combined with --profile"),
        (["--region", "not a region"], "argument --region: not a Region name"),
    ],
)
def test_usage_errors_exit_2(args: list[str], message: str) -> None:
    result = report(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "usage: acct-tui report" in result.stderr
    assert result.stdout == ""


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port  # nothing listens on it once closed


def test_an_unreachable_endpoint_exits_2_with_the_reason_and_no_password() -> None:
    url = f"http://reader:{SECRET}@127.0.0.1:{_closed_port()}/"
    result = report("--endpoint-url", url)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "nothing could be read from the account" in result.stderr
    assert "sts:GetCallerIdentity failed: ConnectionError" in result.stderr
    assert SECRET not in result.stderr


def test_plain_http_to_another_machine_is_refused_without_echoing_the_password() -> None:
    result = report("--endpoint-url", f"http://reader:{SECRET}@192.0.2.1:5000/")
    assert result.returncode == 2
    assert "is plain http to 192.0.2.1" in result.stderr
    assert SECRET not in result.stderr


def test_no_credentials_exits_2_with_the_fix() -> None:
    result = report(key=None)
    assert result.returncode == 2
    assert "no AWS credentials found" in result.stderr
    assert result.stdout == ""


# --------------------------------------------------------------- enforced policies (denial)
@dataclass(frozen=True)
class Enforced:
    url: str
    reader: tuple[str, str]  # policies/acct-tui-read.json alone
    no_summary: tuple[str, str]  # the same, and iam:GetAccountSummary denied


@pytest.fixture(scope="module")
def enforced() -> Iterator[Enforced]:
    server = DemoServer()
    try:
        endpoint = server.start(seed=False, region_delay=600.0, initial_no_auth_action_count=50)
        iam = boto3.client(
            "iam",
            endpoint_url=endpoint.endpoint_url,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        document = (ROOT / "policies" / READ_POLICY).read_text()
        arn = iam.create_policy(PolicyName="acct-tui-read", PolicyDocument=document)["Policy"][
            "Arn"
        ]
        keys = {}
        for user in ("reader", "no-summary"):
            iam.create_user(UserName=user)
            iam.attach_user_policy(UserName=user, PolicyArn=arn)
            key = iam.create_access_key(UserName=user)["AccessKey"]
            keys[user] = (key["AccessKeyId"], key["SecretAccessKey"])
        deny = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Deny", "Action": "iam:GetAccountSummary", "Resource": "*"}],
        }
        iam.put_user_policy(
            UserName="no-summary", PolicyName="deny-summary", PolicyDocument=json.dumps(deny)
        )
        reset_auth(endpoint.endpoint_url, 0)  # enforce from the next call on
        yield Enforced(endpoint.endpoint_url, keys["reader"], keys["no-summary"])
    finally:
        server.stop()


@pytest.mark.privilege
def test_the_read_policy_alone_reads_every_part(enforced: Enforced) -> None:
    result = report("--format", "json", "--endpoint-url", enforced.url, key=enforced.reader)
    assert result.returncode in (0, 1), result.stderr
    document = as_json(result)
    # Nothing denied by the policy, nothing refused by the read-only guard: only what moto
    # cannot answer (iam:ListOrganizationsFeatures, access-analyzer) stays unknown.
    refused = [u for u in document["unread"] if u["code"] in DENIED_CODES | {"ReadOnly"}]
    assert refused == []
    for finding in document["findings"]:
        assert " denied" not in finding["reason"], finding
        assert "--read-only" not in finding["reason"], finding
    assert document["caller_arn"] == "arn:aws:iam::123456789012:user/reader"


def test_a_denied_part_makes_its_checks_unknown_never_passing(enforced: Enforced) -> None:
    base = ("--format", "json", "--endpoint-url", enforced.url, "--fail-on", "critical")
    result = report(*base, key=enforced.no_summary)
    assert result.returncode == 1, result.stderr  # --unknown fail is the default
    document = as_json(result)
    by_id = {f["id"]: f for f in document["findings"]}
    for check in ("root-mfa", "root-keys"):  # both read the account summary
        assert by_id[check]["status"] == "unknown"
        assert "iam:GetAccountSummary denied" in by_id[check]["reason"]
    assert by_id["caller-root"]["status"] == "pass"
    unread = {(u["part"], u["action"], u["code"]) for u in document["unread"]}
    assert ("summary", "iam:GetAccountSummary", "AccessDenied") in unread
    assert document["summary"]["unknown"] >= 2
    assert "all clear" not in document["summary"]["verdict"]

    ignored = report(*base, "--unknown", "ignore", key=enforced.no_summary)
    assert ignored.returncode == 0, ignored.stderr
    text = report("--endpoint-url", enforced.url, key=enforced.no_summary)
    assert "[UNKNOWN] root-mfa · CIS 1.4 · critical" in text.stdout
    assert "[PASS] root-mfa" not in text.stdout
