"""An assume-role profile with mfa_serial: the code is asked inside the TUI, never on stdin."""

from __future__ import annotations

from pathlib import Path

import pytest
from moto import mock_aws
from textual.widgets import Input

from tests.support.app import make_app
from tui.aws.service import AccountService
from tui.aws.session import Settings
from tui.screens.dialogs.mfa_token import MfaTokenScreen

ROLE_ARN = "arn:aws:iam::123456789012:role/admin"
MFA_SERIAL = "arn:aws:iam::123456789012:mfa/alice"


@pytest.fixture
def mfa_profile(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    config = tmp_path / "config"
    config.write_text(
        "[profile base]\n"
        "aws_access_key_id = testing\n"
        "aws_secret_access_key = testing\n"
        "region = us-east-1\n"
        "[profile admin]\n"
        f"role_arn = {ROLE_ARN}\n"
        "source_profile = base\n"
        f"mfa_serial = {MFA_SERIAL}\n"
        "region = us-east-1\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    # Any attempt to read the terminal would fail loudly instead of hanging the test.
    monkeypatch.setattr("getpass.getpass", lambda *a, **k: pytest.fail("prompted on stdin"))
    return "admin"


def test_layer_raises_instead_of_prompting_then_uses_the_code(mfa_profile: str) -> None:
    with mock_aws():
        service = AccountService(Settings(profile=mfa_profile))
        part = service.read_part("caller")
        assert part.error is not None
        assert part.error.code == "MfaTokenRequired"
        assert MFA_SERIAL in part.error.message
        service.set_mfa_token("123456")
        caller = service.read_part("caller").value
        assert caller is not None
        assert ":assumed-role/admin/" in caller.arn


async def test_app_asks_for_the_code_in_a_modal(mfa_profile: str) -> None:
    with mock_aws():
        service = AccountService(Settings(profile=mfa_profile), report_poll_interval=0.05)
        app = make_app(service, vault=None, open_guide=True)
        async with app.run_test(size=(80, 24)) as pilot:
            for _ in range(100):
                await pilot.pause(0.05)
                if isinstance(app.screen, MfaTokenScreen):
                    break
            assert isinstance(app.screen, MfaTokenScreen)
            await pilot.press(*"12a3")  # letters are refused as you type
            assert app.screen.query_one("#token", Input).value == "123"
            await pilot.press(*"456", "enter")
            for _ in range(200):
                await pilot.pause(0.05)
                if app.generation >= 2 and not app.refreshing:
                    break
            caller = app.posture.caller.value
            assert caller is not None and ":assumed-role/admin/" in caller.arn
            assert not isinstance(app.screen, MfaTokenScreen)


def test_an_organization_is_read_without_asking_the_code_again(mfa_profile: str) -> None:
    """Member sessions start from the credentials the code already made: one code for the
    whole organization, never a prompt (or a failed row) per account."""
    import boto3

    from tui.aws.org import OrgReader, OrgScan

    with mock_aws():
        org = boto3.client("organizations", region_name="us-east-1")
        org.create_organization(FeatureSet="ALL")
        for name in ("prod", "dev"):
            org.create_account(AccountName=name, Email=f"{name}@example.com")
        service = AccountService(Settings(profile=mfa_profile, read_only=True))
        service.set_mfa_token("123456")
        organization = OrgReader(service.session).read()
        scan = OrgScan(service, caller_account=organization.management_account_id)
        reads = scan.scan(organization.accounts)
        assert len(reads) == 3
        problems = [r.problem() for r in reads if r.error is not None]
        assert problems == []
        members = [r for r in reads if r.via_role is not None]
        assert len(members) == 2
        for read in members:
            assert read.posture is not None and read.posture.caller.value is not None
            assert read.posture.caller.value.account_id == read.account.id
