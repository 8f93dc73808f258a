"""policies/acct-tui-read.json grants exactly what a refresh uses."""

from __future__ import annotations

import json
from pathlib import Path

from moto import mock_aws

from tui.aws.posture import PostureReader
from tui.aws.session import AwsSession, Settings

POLICY = Path(__file__).resolve().parents[2] / "policies" / "acct-tui-read.json"


def policy_actions() -> set[str]:
    doc = json.loads(POLICY.read_text())
    return {a for s in doc["Statement"] if s["Effect"] == "Allow" for a in s["Action"]}


def test_read_policy_covers_every_call_of_a_refresh() -> None:
    with mock_aws():
        session = AwsSession(
            Settings(region="us-east-1", access_key_id="testing", secret_access_key="testing")
        )
        session.iam().create_user(UserName="someone")
        session.counter.reset()
        PostureReader(session, poll_interval=0.05).read_all()
        used = set(session.counter.calls())
    missing = used - policy_actions()
    assert not missing, f"policies/acct-tui-read.json lacks {sorted(missing)}"
    assert "iam:GetAccountAuthorizationDetails" in used


def test_read_policy_grants_nothing_that_writes() -> None:
    writes = [
        a
        for a in policy_actions()
        if not a.split(":")[1].startswith(("Get", "List", "Describe", "GenerateCredentialReport"))
    ]
    assert writes == []
