"""Tests that the shared fixtures in conftest.py do what they promise."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest


def _iam(url: str) -> Any:
    return boto3.client(
        "iam",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def test_aws_env_is_isolated(tmp_path: Path) -> None:
    assert os.environ["AWS_EC2_METADATA_DISABLED"] == "true"
    for name in ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        assert Path(os.environ[name]).is_relative_to(tmp_path)
    leaked = {
        k
        for k in os.environ
        if k.startswith("AWS_")
        and k not in {"AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_EC2_METADATA_DISABLED"}
    }
    assert not leaked
    assert boto3.session.Session().get_credentials() is None


@pytest.mark.server
def test_moto_url_is_local(moto_url: str) -> None:
    # Each xdist worker starts its own server from this fixture; nothing outside the tests does.
    parts = urlsplit(moto_url)
    assert parts.scheme == "http"
    assert parts.hostname == "127.0.0.1"


@pytest.mark.server
def test_moto_server_answers_iam_list_users(moto_reset: str) -> None:
    iam = _iam(moto_reset)
    assert iam.list_users()["Users"] == []
    iam.create_user(UserName="infra-probe")
    names = [u["UserName"] for u in iam.list_users()["Users"]]
    assert names == ["infra-probe"]


@pytest.mark.server
def test_moto_reset_clears_state(moto_reset: str) -> None:
    iam = _iam(moto_reset)
    iam.create_user(UserName="to-be-reset")
    assert iam.list_users()["Users"]
    import urllib.request

    req = urllib.request.Request(f"{moto_reset}/moto-api/reset", method="POST", data=b"")
    with urllib.request.urlopen(req, timeout=60) as resp:
        assert resp.status == 200
    assert iam.list_users()["Users"] == []


@pytest.mark.server
def test_moto_server_has_aws_managed_policies(moto_reset: str) -> None:
    iam = _iam(moto_reset)
    arn = "arn:aws:iam::aws:policy/IAMUserChangePassword"
    assert iam.get_policy(PolicyArn=arn)["Policy"]["Arn"] == arn


def test_real_keyring_round_trip(real_keyring: Any) -> None:
    import keyring
    from keyring.backends import SecretService, fail

    assert isinstance(real_keyring, SecretService.Keyring)
    assert not isinstance(real_keyring, fail.Keyring)
    # The fixture installs the backend, so module-level keyring calls use it too.
    assert keyring.get_keyring() is real_keyring

    service = "acct-tui-test-infra"
    user = f"probe-{uuid.uuid4().hex[:8]}"
    secret = f"s3cr3t-{uuid.uuid4().hex}"
    try:
        keyring.set_password(service, user, secret)
        assert keyring.get_password(service, user) == secret
        assert real_keyring.get_password(service, user) == secret
    finally:
        keyring.delete_password(service, user)
    assert keyring.get_password(service, user) is None


def test_secret_service_expected_under_ci_session() -> None:
    """Under .ci/run the fixture must not skip: prove the environment is as promised."""
    if os.environ.get("ACCT_TUI_SECRET_SERVICE") != "1":
        pytest.skip("ACCT_TUI_SECRET_SERVICE is not 1 (not inside .ci/run's D-Bus session)")
    assert os.environ.get("DBUS_SESSION_BUS_ADDRESS")
    import keyring
    from keyring.backends import SecretService

    backend = keyring.core._detect_backend()
    assert isinstance(backend, SecretService.Keyring), backend
