"""Pilot tests of four CIS fixes started by enter on their recommendation, on a moto_server
(the unused-password one on the demo account, whose users are aged): the security contact
form (bad input refused before any call), the support role, deleting expired server
certificates and removing an unused console password. Each success turns the row ✓ after a
refresh; an AWS failure is reported with what was and was not done."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.compat import HTTPHeaders
from textual.widgets import SelectionList, Static

from tests.support.app import make_app
from tests.support.calls import inject
from tests.support.faultmatrix import certificate
from tests.support.pilot import iam, loaded, plain, wait_for_screen, wait_until
from tui.app import AcctApp
from tui.aws.findings import Finding, Fix, Severity, Status
from tui.demo import DemoEndpoint
from tui.flows.fixes import start_fix
from tui.panes import TablePane
from tui.screens.dialogs.choose import ChooseScreen
from tui.screens.dialogs.confirm import ConfirmScreen
from tui.screens.dialogs.pick_many import PickManyScreen
from tui.screens.dialogs.review import ReviewScreen
from tui.screens.forms.security_contact import SecurityContactScreen
from tui.screens.forms.support_role import SupportRoleScreen
from tui.screens.plan import PlanScreen
from tui.widgets.fields import Field

pytestmark = pytest.mark.server

KEY = "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n"


def account(url: str) -> Any:
    return boto3.client(
        "account",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def row(app: AcctApp, finding: str) -> str:
    recs = app.query_one("#recommendations", TablePane)
    return str(recs.table.get_row(finding)[0].plain)


async def open_fix(app: AcctApp, pilot: Any, finding: str) -> None:
    await loaded(app, pilot)
    await pilot.press("1")
    recs = app.query_one("#recommendations", TablePane)
    await wait_until(pilot, lambda: row(app, finding).startswith("✗"))
    recs.table.move_cursor(row=recs.table.get_row_index(finding))
    await pilot.press("enter")


async def refreshed(app: AcctApp, pilot: Any) -> None:
    generation = app.generation
    await pilot.press("r")
    await wait_until(pilot, lambda: app.generation > generation and not app.refreshing, 30)


def flow_running(app: AcctApp) -> bool:
    return any(w.group == "flow" and not w.is_finished for w in app.workers)


async def plan_ended(app: AcctApp, pilot: Any) -> PlanScreen | None:
    """The plan screen that failed (still open), or None when the flow went through."""

    def ended() -> bool:
        screen = app.screen
        if isinstance(screen, PlanScreen):
            return screen.result is not None and not screen.running
        return not flow_running(app)

    await wait_until(pilot, ended, 30)
    return app.screen if isinstance(app.screen, PlanScreen) else None


def error_of(form: Any, field_id: str) -> str:
    return plain(form.query_one(f"#{field_id}", Field).query_one(".field-error", Static))


async def type_into(pilot: Any, form: Any, field_id: str, text: str) -> None:
    field = form.query_one(f"#{field_id}", Field)
    field.input.value = ""
    field.input.focus()
    await pilot.press(*text)


def fail_account(app: AcctApp, operation: str, code: str) -> None:
    """The app's Account client answers ``code`` for ``operation`` (HTTP 403)."""

    def answer(**_: Any) -> tuple[AWSResponse, dict[str, Any]]:
        parsed = {
            "Error": {"Code": code, "Message": f"injected {code}"},
            "ResponseMetadata": {"HTTPStatusCode": 403},
        }
        return AWSResponse("https://account.amazonaws.com/", 403, HTTPHeaders(), None), parsed

    handler: Any = answer
    client = app.service.session.account()
    client.meta.events.register_first(f"before-call.account.{operation}", handler)


# -- the security contact (CIS 1.2) -----------------------------------------------------------
async def fill_contact(pilot: Any, form: Any, email: str, phone: str) -> None:
    await type_into(pilot, form, "contact-name", "Sec Team")
    await type_into(pilot, form, "contact-title", "Security")
    await type_into(pilot, form, "contact-email", email)
    await type_into(pilot, form, "contact-phone", phone)


async def test_security_contact_refuses_bad_input_then_registers(moto_reset: str) -> None:
    app = make_app(moto_reset)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_fix(app, pilot, "security-contact")
        form = await wait_for_screen(app, pilot, SecurityContactScreen)
        await fill_contact(pilot, form, "not-an-address", "call me")
        await pilot.press("ctrl+s")
        await pilot.pause(0.2)
        assert app.screen is form, "the form stays open"
        assert "E-mail address" in error_of(form, "contact-email")
        assert "not “c”" in error_of(form, "contact-phone")
        calls = app.service.counter.calls()
        assert calls["account:PutAlternateContact"] == 0, "nothing sent while a field is bad"
        await fill_contact(pilot, form, "sec@example.com", "+1 (555) 010-0199")
        await pilot.press("ctrl+s")
        review = await wait_for_screen(app, pilot, ReviewScreen)
        text = plain(review.query_one(Static))
        assert "account:PutAlternateContact" in text and "sec@example.com" in text
        await pilot.press("ctrl+s")
        assert await plan_ended(app, pilot) is None
        await wait_until(pilot, lambda: row(app, "security-contact").startswith("✓"))
        await refreshed(app, pilot)
        assert row(app, "security-contact").startswith("✓")
    got = account(moto_reset).get_alternate_contact(AlternateContactType="SECURITY")
    assert got["AlternateContact"]["EmailAddress"] == "sec@example.com"


async def test_a_refused_contact_is_reported_and_the_form_comes_back(moto_reset: str) -> None:
    app = make_app(moto_reset)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_fix(app, pilot, "security-contact")
        form = await wait_for_screen(app, pilot, SecurityContactScreen)
        fail_account(app, "PutAlternateContact", "AccessDeniedException")
        await fill_contact(pilot, form, "sec@example.com", "+1 555 0100")
        await pilot.press("ctrl+s")
        await wait_for_screen(app, pilot, ReviewScreen)
        await pilot.press("ctrl+s")
        screen = await plan_ended(app, pilot)
        assert screen is not None, "the failure stays on screen"
        summary = plain(screen.query_one("#plan-summary", Static))
        assert "security contact Sec Team does not exist" in summary
        steps = plain(screen.query_one("#plan-steps", Static))
        assert "account:PutAlternateContact" in steps and "denied" in steps.lower()
        await pilot.press("k")
        again = await wait_for_screen(app, pilot, SecurityContactScreen)
        assert again.query_one("#contact-email", Field).value == "sec@example.com"
        assert "AccessDeniedException" in error_of(again, "contact-name")
        await pilot.press("escape")
        assert row(app, "security-contact").startswith("✗")


# -- a support role (CIS 1.16) ------------------------------------------------------------------
async def test_support_role_from_the_row(moto_reset: str) -> None:
    app = make_app(moto_reset)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_fix(app, pilot, "support-role")
        form = await wait_for_screen(app, pilot, SupportRoleScreen)
        assert form.query_one("#role-name", Field).value == "aws-support"
        trust = plain(form.query_one("#role-trust", Static))
        assert "arn:aws:iam::123456789012:root" in trust and "MultiFactorAuthPresent" in trust
        await type_into(pilot, form, "role-name", "aws support")
        await pilot.press("ctrl+s")
        await pilot.pause(0.2)
        assert app.screen is form and "not space" in error_of(form, "role-name")
        assert app.service.counter.calls()["iam:CreateRole"] == 0
        await type_into(pilot, form, "role-name", "support-cases")
        await pilot.press("ctrl+s")
        review = await wait_for_screen(app, pilot, ReviewScreen)
        text = plain(review.query_one(Static))
        assert "iam:CreateRole" in text and "iam:AttachRolePolicy" in text
        assert "sts:AssumeRole" in text and ":root" in text, "the trust policy is reviewed"
        await pilot.press("ctrl+s")
        assert await plan_ended(app, pilot) is None
        await wait_until(pilot, lambda: not app.refreshing)
        await refreshed(app, pilot)
        assert row(app, "support-role").startswith("✓")
    attached = iam(moto_reset).list_attached_role_policies(RoleName="support-cases")
    assert [p["PolicyName"] for p in attached["AttachedPolicies"]] == ["AWSSupportAccess"]


async def test_a_failed_attachment_is_reported_and_rolled_back(moto_reset: str) -> None:
    app = make_app(moto_reset)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_fix(app, pilot, "support-role")
        await wait_for_screen(app, pilot, SupportRoleScreen)
        inject(app.service.session, "AttachRolePolicy", "AccessDenied")
        await pilot.press("ctrl+s")
        await wait_for_screen(app, pilot, ReviewScreen)
        await pilot.press("ctrl+s")
        screen = await plan_ended(app, pilot)
        assert screen is not None
        summary = plain(screen.query_one("#plan-summary", Static))
        assert "role aws-support exists, without policy AWSSupportAccess" in summary
        await pilot.press("b")
        await wait_until(pilot, lambda: screen.rollback_result is not None and not screen.running)
        assert "role aws-support does not exist" in plain(screen.query_one("#plan-summary"))
        await pilot.press("enter", "escape")
    assert iam(moto_reset).list_roles()["Roles"] == []


# -- expired server certificates (CIS 1.18) -----------------------------------------------------
async def test_expired_certificates_are_picked_confirmed_and_deleted(moto_reset: str) -> None:
    client = iam(moto_reset)
    body = certificate()
    for name in ("old-web", "old-api"):  # moto dates every certificate 2012: expired
        client.upload_server_certificate(
            ServerCertificateName=name, CertificateBody=body, PrivateKey=KEY
        )
    app = make_app(moto_reset)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_fix(app, pilot, "expired-certificates")
        pick = await wait_for_screen(app, pilot, PickManyScreen)
        assert [i.split(" ")[0] for i in pick.items] == ["old-api", "old-web"]
        assert all("expired 2012-" in i for i in pick.items)
        box = pick.query_one(SelectionList)
        box.select_all()
        await pilot.press("ctrl+s")
        confirm = await wait_for_screen(app, pilot, ConfirmScreen)
        text = plain(confirm.query_one("#confirm-lines").query_one(Static))
        assert "old-api" in text and "old-web" in text and "cannot be undone" in text
        await pilot.press("y")
        assert await plan_ended(app, pilot) is None
        await wait_until(pilot, lambda: row(app, "expired-certificates").startswith("✓"))
        await refreshed(app, pilot)
        assert row(app, "expired-certificates").startswith("✓")
    assert client.list_server_certificates()["ServerCertificateMetadataList"] == []


async def test_a_refused_certificate_deletion_says_what_is_left(moto_reset: str) -> None:
    client = iam(moto_reset)
    client.upload_server_certificate(
        ServerCertificateName="old-web", CertificateBody=certificate(), PrivateKey=KEY
    )
    app = make_app(moto_reset)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_fix(app, pilot, "expired-certificates")
        inject(app.service.session, "DeleteServerCertificate", "AccessDenied")
        await wait_for_screen(app, pilot, ConfirmScreen)
        await pilot.press("y")
        screen = await plan_ended(app, pilot)
        assert screen is not None
        summary = plain(screen.query_one("#plan-summary", Static))
        assert "certificate old-web still exists" in summary
        assert "iam:DeleteServerCertificate" in plain(screen.query_one("#plan-steps", Static))
    assert len(client.list_server_certificates()["ServerCertificateMetadataList"]) == 1


# -- an unused console password (CIS 1.11) --------------------------------------------------------
async def test_unused_password_is_removed_from_the_row(demo: DemoEndpoint) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_fix(app, pilot, "unused-passwords")
        await wait_until(pilot, lambda: isinstance(app.screen, ChooseScreen | ConfirmScreen))
        if isinstance(app.screen, ChooseScreen):
            choose = app.screen
            assert "frank" in choose.items
            choose.query_one("OptionList").highlighted = choose.items.index("frank")
            await pilot.press("enter")
        confirm = await wait_for_screen(app, pilot, ConfirmScreen)
        assert "frank will no longer be able to sign in" in plain(
            confirm.query_one("#confirm-lines").query_one(Static)
        )
        await pilot.press("y")
        assert await plan_ended(app, pilot) is None
    with pytest.raises(iam(demo).exceptions.NoSuchEntityException):
        iam(demo).get_login_profile(UserName="frank")


# -- --read-only ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "action", ["security_contact", "support_role", "delete_certificates", "remove_console"]
)
async def test_read_only_refuses_each_new_fix(moto_reset: str, action: str) -> None:
    app = make_app(moto_reset, read_only=True)
    finding = Finding(
        "x", "x", Severity.LOW, Status.FAIL, "x", Fix("x", action=action), ("c",), ("bob",)
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        assert start_fix(app.state, app, finding) is False
        await pilot.pause(0.1)
        assert not any(w.group == "flow" for w in app.workers), "no flow started"
        assert len(app.screen_stack) == 1
