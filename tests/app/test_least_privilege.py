"""The shipped policies on a moto_server that enforces IAM, and --read-only over a whole session.

One seeded demo server per module (moto_server plus the Account API Region stand-in,
``python -m tui.demo.server``), started with INITIAL_NO_AUTH_ACTION_COUNT as
tests/wire/test_partial_denial.py does. While the free calls last, the set-up
creates ``policies/acct-tui-read.json`` and ``acct-tui-admin.json`` as customer managed
policies, attaches each to its own user, and builds the things the write flows remove;
``reset-auth 0`` then makes every call go through moto's policy evaluation, the Region
stand-in's included. sts:GetCallerIdentity is never checked, as in AWS.

What moto cannot check: iam:TagUser (AWS requires it for CreateUser with tags; moto
does not) and iam:DeleteServiceSpecificCredential (moto has no service-specific
credentials: its ListServiceSpecificCredentials answers 500, which the delete plan
reports as a note), and iam:CreateServiceLinkedRole (implied by an account's first
CreateAnalyzer; moto does not check it). ``UNTESTED`` lists what no client calls, and the
coverage test fails if anything else in the list is never called.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from textual.widgets import DataTable, Static

from tests.support.app import make_app
from tests.support.keyrings import MemoryKeyring
from tests.support.pilot import (
    loaded,
    plain,
    recorded_notifications,
    reset_auth,
    wait_for_screen,
    wait_until,
)
from tui.app import AcctApp
from tui.aws.analyzers import ANALYZER_NAME
from tui.aws.control_models import AlternateContact
from tui.aws.iam import NewGroup, NewUser, PasswordChange
from tui.aws.iam.control_fixes import SupportRole
from tui.aws.iam.rotation import KeyRotation
from tui.aws.mfa import NotRoot
from tui.aws.models import ADMIN_POLICY_ARN, RegionStatus
from tui.aws.password_policy import proposed_policy
from tui.aws.permissions import (
    ADMIN_ACTIONS,
    ADMIN_POLICY,
    FLOWS,
    READ_ACTIONS,
    READ_FLOWS,
    READ_POLICY,
    WRITE_FLOWS,
    flow,
)
from tui.aws.service import AccountService
from tui.aws.session import Settings, read_only_allows
from tui.aws.totp import totp
from tui.demo import DemoEndpoint, DemoServer
from tui.panes import TablePane
from tui.runtime.read_only import NOTICE
from tui.screens.access_keys import AccessKeysScreen
from tui.screens.dialogs.confirm import ConfirmScreen
from tui.screens.dialogs.details import DetailsScreen
from tui.screens.dialogs.help import HelpScreen
from tui.screens.dialogs.review import ReviewScreen
from tui.screens.forms.alias import AliasScreen
from tui.screens.forms.create_group import CreateGroupScreen
from tui.screens.forms.create_user import CreateUserScreen
from tui.screens.forms.password_policy import PasswordPolicyScreen
from tui.screens.group import GroupScreen
from tui.screens.plan import PlanScreen
from tui.screens.root_mfa import RootMfaScreen
from tui.screens.user import UserScreen
from tui.support.vault import Vault
from tui.widgets.fields import Field

pytestmark = [pytest.mark.server, pytest.mark.privilege]

ROOT = Path(__file__).resolve().parents[2]
ACCOUNT = "123456789012"
READONLY_ARN = "arn:aws:iam::aws:policy/ReadOnlyAccess"
# Free calls for the set-up (it makes about 40); reset to 0 right after it.
SETUP_ALLOWANCE = 200
# DeleteServiceSpecificCredential: moto has no service-specific credentials.
# CreateServiceLinkedRole: implied, AWS checks it on an account's first CreateAnalyzer; no
# client calls it (moto does not check it).
UNTESTED = frozenset({"iam:DeleteServiceSpecificCredential", "iam:CreateServiceLinkedRole"})
ADMIN_HINT = f"policies/{ADMIN_POLICY}"


@dataclass(frozen=True)
class Enforced:
    """The enforcing demo server and the settings of the users holding each policy."""

    endpoint: DemoEndpoint
    reader: Settings  # policies/acct-tui-read.json only
    admin: Settings  # policies/acct-tui-admin.json only
    reader_without_account_api: Settings  # the read policy, and account:* denied

    def as_endpoint(self, settings: Settings) -> DemoEndpoint:
        assert settings.access_key_id and settings.secret_access_key
        return replace(
            self.endpoint,
            access_key_id=settings.access_key_id,
            secret_access_key=settings.secret_access_key,
        )

    def client(self, service: str, settings: Settings | None = None) -> Any:
        s = settings or self.admin
        return boto3.client(
            service,
            endpoint_url=self.endpoint.endpoint_url,
            region_name="us-east-1",
            aws_access_key_id=s.access_key_id,
            aws_secret_access_key=s.secret_access_key,
        )


def _certificate() -> str:
    """A self-signed PEM certificate (UploadSigningCertificate checks the format)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "acct-tui-test")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def _set_up(url: str) -> dict[str, Settings]:
    """Within the free calls: the two policies, their users, and what the flows remove."""
    iam = boto3.client(
        "iam",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    arns = {}
    for name in (READ_POLICY, ADMIN_POLICY):
        document = (ROOT / "policies" / name).read_text()
        policy = iam.create_policy(PolicyName=name.removesuffix(".json"), PolicyDocument=document)
        arns[name] = policy["Policy"]["Arn"]

    def principal(user: str, policy: str) -> Settings:
        iam.create_user(UserName=user)
        iam.attach_user_policy(UserName=user, PolicyArn=arns[policy])
        key = iam.create_access_key(UserName=user)["AccessKey"]
        return Settings(
            endpoint_url=url,
            region="us-east-1",
            access_key_id=key["AccessKeyId"],
            secret_access_key=key["SecretAccessKey"],
            demo=True,
        )

    settings = {
        "reader": principal("lp-reader", READ_POLICY),
        "admin": principal("lp-admin", ADMIN_POLICY),
        "no-account": principal("lp-reader-ec2", READ_POLICY),
    }
    deny_account = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Action": "account:*", "Resource": "*"}],
    }
    iam.put_user_policy(
        UserName="lp-reader-ec2", PolicyName="no-account", PolicyDocument=json.dumps(deny_account)
    )
    # A user with one of everything the delete-user plan removes.
    iam.create_user(UserName="lp-victim")
    iam.create_login_profile(UserName="lp-victim", Password="Victim-pw-1!")
    iam.create_access_key(UserName="lp-victim")
    serial = iam.create_virtual_mfa_device(VirtualMFADeviceName="lp-victim")["VirtualMFADevice"][
        "SerialNumber"
    ]
    iam.enable_mfa_device(
        UserName="lp-victim",
        SerialNumber=serial,
        AuthenticationCode1="123456",
        AuthenticationCode2="654321",
    )
    iam.upload_signing_certificate(UserName="lp-victim", CertificateBody=_certificate())
    iam.upload_ssh_public_key(
        UserName="lp-victim",
        SSHPublicKeyBody="ssh-ed25519 "
        + "AAAAC3NzaC1lZDI1NTE5AAAAIGd3Y2FjY3QtdHVpLXRlc3Qta2V5LXh4eHh4 lp-victim",
    )
    iam.add_user_to_group(GroupName="developers", UserName="lp-victim")
    iam.put_user_policy(
        UserName="lp-victim", PolicyName="inline", PolicyDocument=json.dumps(deny_account)
    )
    iam.attach_user_policy(UserName="lp-victim", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    # A group with a member, a managed and an inline policy.
    iam.create_group(GroupName="lp-doomed")
    iam.create_user(UserName="lp-member")
    iam.add_user_to_group(GroupName="lp-doomed", UserName="lp-member")
    iam.attach_group_policy(
        GroupName="lp-doomed", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess"
    )
    iam.put_group_policy(
        GroupName="lp-doomed", PolicyName="inline", PolicyDocument=json.dumps(deny_account)
    )
    # Users whose key and MFA the admin changes.
    iam.create_user(UserName="lp-keys")
    iam.create_access_key(UserName="lp-keys")
    iam.create_user(UserName="lp-mfa")
    return settings


@pytest.fixture(scope="module")
def enforced() -> Iterator[Enforced]:
    server = DemoServer()
    try:
        endpoint = server.start(region_delay=600.0, initial_no_auth_action_count=SETUP_ALLOWANCE)
        settings = _set_up(endpoint.endpoint_url)
        reset_auth(endpoint.endpoint_url, 0)  # enforce from the next call on
        yield Enforced(endpoint, settings["reader"], settings["admin"], settings["no-account"])
    finally:
        server.stop()


def _code(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return str(exc.value.response["Error"]["Code"])


def test_enforcement_is_on(enforced: Enforced) -> None:
    """The premise of the rest: moto really evaluates the attached policies."""
    reader_iam = enforced.client("iam", enforced.reader)
    with pytest.raises(ClientError) as write:
        reader_iam.create_user(UserName="mallory")
    assert _code(write) == "AccessDenied"
    with pytest.raises(ClientError) as unlisted:
        reader_iam.list_users()  # a read, but not one acct-tui makes
    assert _code(unlisted) == "AccessDenied"
    with pytest.raises(ClientError) as region:
        enforced.client("account", enforced.reader).enable_region(RegionName="af-south-1")
    assert _code(region) == "AccessDeniedException"
    with pytest.raises(ClientError) as beyond:
        enforced.client("iam").put_user_policy(  # admin, but not an action acct-tui takes
            UserName="lp-admin", PolicyName="x", PolicyDocument=json.dumps({})
        )
    assert _code(beyond) == "AccessDenied"


def _calls(service: AccountService) -> set[str]:
    return set(service.counter.calls())


CONTROL_PARTS = (
    "contacts",
    "mfa_devices",
    "certificates",
    "analyzers",
    "entities",
    "local_policies",
    "org_root",
    "federation",
)


def _read_flows(service: AccountService) -> dict[str, set[str]]:
    """Run every read flow once through the AWS layer; the actions each one called."""
    counted: dict[str, set[str]] = {}
    service.counter.reset()
    posture = service.reader.read_all()
    for name in ("caller", "summary", "details", "report", "aliases", "password_policy"):
        part = getattr(posture, name)
        assert part.loaded and part.error is None, f"{name}: {part.error}"
    regions = posture.regions.value
    assert regions is not None and regions.source == "account", posture.regions.error
    moving = next(r.code for r in regions.regions if r.status is RegionStatus.ENABLING)
    assert service.regions_writer.status(moving) is RegionStatus.ENABLING  # the polling
    # The CIS controls' parts: each loaded, every Region's analyzers listed.
    for name in CONTROL_PARTS:
        part = getattr(posture, name)
        assert part.loaded and part.error is None, f"{name}: {part.error}"
    scan = posture.analyzers.value
    assert scan is not None and scan.regions and not scan.unreadable, scan
    calls = _calls(service)
    controls = set(flow("CIS controls").actions)
    counted["CIS controls"] = calls & controls
    counted["refresh"] = calls - controls
    service.counter.reset()
    assert service.mfa.list_devices("carol")
    keys = service.writer.list_access_keys("bob")
    assert keys
    service.writer.access_key_last_used(keys[0].key_id)  # the workspace's key section
    counted["user details"] = _calls(service)
    service.counter.reset()
    keys = service.writer.list_access_keys("bob")
    service.writer.access_key_last_used(keys[0].key_id)  # the key list's last-used columns
    counted["access keys"] = _calls(service)
    service.counter.reset()
    writer = service.writer
    assert "Statement" in writer.managed_policy_document(READONLY_ARN)[1]
    assert "Statement" in writer.inline_policy_document("user", "erin", "billing-console")
    assert "Statement" in writer.inline_policy_document("group", "lp-doomed", "inline")
    counted["policy documents"] = _calls(service)
    return counted


def test_every_read_works_under_the_read_policy(enforced: Enforced) -> None:
    counted = _read_flows(AccountService(enforced.reader, report_poll_interval=0.05))
    for f in READ_FLOWS:
        assert counted[f.name] <= set(f.needs), f"{f.name} called {counted[f.name] - set(f.needs)}"
    assert set().union(*counted.values()) == set(READ_ACTIONS) - {"ec2:DescribeRegions"}


def test_the_ec2_region_fallback_works_under_the_read_policy(enforced: Enforced) -> None:
    service = AccountService(enforced.reader_without_account_api, report_poll_interval=0.05)
    part = service.read_part("regions")
    assert part.error is None and part.value is not None
    assert part.value.source == "ec2"
    assert part.value.fallback_reason is not None and part.value.fallback_reason.denied
    assert _calls(service) == {"account:ListRegions", "ec2:DescribeRegions"}


# -------------------------------------------------------------- read policy: writes denied
async def _new_note(notes: list[str], pilot: Any, before: int, needle: str) -> str:
    await wait_until(pilot, lambda: len(notes) > before)
    text = "\n".join(notes[before:])
    assert needle in text, text
    return text


def _denied(text: str, action: str) -> None:
    """What the user reads names the action and says it was denied."""
    assert action in text, text
    assert "denied" in text.lower() or "AccessDenied" in text, text


async def _open(pilot: Any, pane_key: str, row: str) -> None:
    """Focus a pane and put its cursor on ``row`` (by filtering for it)."""
    await pilot.press(pane_key, "slash", *row, "enter")


async def test_forms_under_the_read_policy_show_the_denied_action(enforced: Enforced) -> None:
    app = make_app(enforced.as_endpoint(enforced.reader))
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        # create group: the policy list and CreateGroup are both denied, each named
        await pilot.press("3", "n")
        form = await wait_for_screen(app, pilot, CreateGroupScreen)
        picker = form.query_one("#policies")
        await wait_until(pilot, lambda: "iam:ListPolicies" in app.export_screenshot())
        _denied(app.export_screenshot(), "iam:ListPolicies")
        assert picker is not None
        await pilot.press(*"lp-new-group", "ctrl+s")
        await wait_for_screen(app, pilot, ReviewScreen)
        await pilot.press("ctrl+s")
        plan = await wait_for_screen(app, pilot, PlanScreen)
        await wait_until(pilot, lambda: not plan.running)
        _denied(plain(plan.query_one("#plan-steps", Static)), "iam:CreateGroup")
        await pilot.press("k")
        form = await wait_for_screen(app, pilot, CreateGroupScreen)
        error = plain(form.query_one("#name", Field).query_one(".field-error", Static))
        _denied(error, "iam:CreateGroup")
        await pilot.press("escape")

        # create user: back in the form, the error under the name
        await pilot.press("2", "n")
        await wait_for_screen(app, pilot, CreateUserScreen)
        await pilot.press(*"lp-new-user", "ctrl+s")
        await wait_for_screen(app, pilot, ReviewScreen)
        await pilot.press("ctrl+s")
        plan = await wait_for_screen(app, pilot, PlanScreen)
        await wait_until(pilot, lambda: not plan.running)
        await pilot.press("k")
        form = await wait_for_screen(app, pilot, CreateUserScreen)
        _denied(
            plain(form.query_one("#name", Field).query_one(".field-error", Static)),
            "iam:CreateUser",
        )
        await pilot.press("escape")

        # alias: the error under the field, with the policy that grants it
        await pilot.press("4", "n")
        alias_form = await wait_for_screen(app, pilot, AliasScreen)
        await pilot.press(*"lp-acme", "enter")
        field = alias_form.query_one("#alias", Field)
        await wait_until(pilot, lambda: bool(plain(field.query_one(".field-error", Static))))
        text = plain(field.query_one(".field-error", Static))
        _denied(text, "iam:CreateAccountAlias")
        assert ADMIN_HINT in text
        await pilot.press("escape")  # typed into: escape asks before discarding
        await wait_until(pilot, lambda: app.screen is not alias_form)
        await pilot.press("y")
        await wait_until(pilot, lambda: alias_form not in app.screen_stack)

        # password policy (the fix behind enter on its finding)
        await pilot.press("1")
        recs = app.query_one("#recommendations", TablePane)
        recs.table.move_cursor(row=recs.table.get_row_index("password-policy"))
        await pilot.press("enter")
        policy_form = await wait_for_screen(app, pilot, PasswordPolicyScreen)
        await pilot.press("ctrl+s")
        message = policy_form.query_one("#policy-message", Static)
        await wait_until(pilot, lambda: "Not changed" in plain(message))
        _denied(plain(message), "iam:UpdateAccountPasswordPolicy")
        assert ADMIN_HINT in plain(message)
        await pilot.press("escape")
    assert enforced.client("iam").list_account_aliases()["AccountAliases"] == []


async def test_confirmed_changes_under_the_read_policy_name_the_action(enforced: Enforced) -> None:
    app = make_app(enforced.as_endpoint(enforced.reader))
    notes = recorded_notifications(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        # delete user / group: the first read the plan needs is denied, and named
        await _open(pilot, "2", "erin")
        before = len(notes)
        await pilot.press("ctrl+d")
        _denied(await _new_note(notes, pilot, before, "erin"), "iam:GetUser")
        await _open(pilot, "3", "billing")
        before = len(notes)
        await pilot.press("ctrl+d")
        _denied(await _new_note(notes, pilot, before, "billing"), "iam:GetGroup")

        # MFA enrollment: CreateVirtualMFADevice
        await _open(pilot, "2", "bob")
        before = len(notes)
        await pilot.press("m")
        text = await _new_note(notes, pilot, before, "MFA for bob")
        _denied(text, "iam:CreateVirtualMFADevice")
        assert ADMIN_HINT in text

        # enable a Region: account:EnableRegion, after the confirmation
        await _open(pilot, "5", "af-south-1")
        await pilot.press("enter")
        await wait_for_screen(app, pilot, ConfirmScreen)
        before = len(notes)
        await pilot.press("y")
        text = await _new_note(notes, pilot, before, "account:EnableRegion")
        _denied(text, "account:EnableRegion")
        assert ADMIN_HINT in text
    # nothing changed
    admin = enforced.client("iam")
    assert admin.get_user(UserName="erin")["User"]["UserName"] == "erin"
    assert admin.list_mfa_devices(UserName="bob")["MFADevices"] == []
    status = enforced.client("account").get_region_opt_status(RegionName="af-south-1")
    assert status["RegionOptStatus"] == "DISABLED"


async def test_key_and_mfa_changes_under_the_read_policy_name_the_action(
    enforced: Enforced,
) -> None:
    app = make_app(enforced.as_endpoint(enforced.reader))
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        # a lists the keys (ListAccessKeys is in the read policy); changing one is denied
        await _open(pilot, "2", "bob")
        await pilot.press("a")
        keys = await wait_for_screen(app, pilot, AccessKeysScreen)
        note = keys.query_one("#keys-note", Static)
        await pilot.press("d")
        await wait_for_screen(app, pilot, ConfirmScreen)
        await pilot.press("y")
        await wait_until(pilot, lambda: "iam:UpdateAccessKey" in plain(note))
        _denied(plain(note), "iam:UpdateAccessKey")
        await pilot.press("ctrl+d")
        await wait_for_screen(app, pilot, ConfirmScreen)
        await pilot.press("y")
        await wait_until(pilot, lambda: "iam:DeleteAccessKey" in plain(note))
        _denied(plain(note), "iam:DeleteAccessKey")
        await pilot.press("escape")

        # enter lists carol's MFA device (ListMFADevices is in the read policy); removing
        # it is denied at its first step
        await _open(pilot, "2", "carol")
        await pilot.press("enter")
        user = await wait_for_screen(app, pilot, UserScreen)
        devices = user.query_one("#mfa-devices", DataTable)
        await wait_until(pilot, lambda: devices.row_count == 1)
        devices.focus()
        await pilot.press("ctrl+d")
        await wait_for_screen(app, pilot, ConfirmScreen)
        await pilot.press("y")
        plan = await wait_for_screen(app, pilot, PlanScreen)
        await wait_until(pilot, lambda: not plan.running)
        _denied(plain(plan.query_one("#plan-steps", Static)), "iam:DeactivateMFADevice")
    admin = enforced.client("iam")
    statuses = {k["Status"] for k in admin.list_access_keys(UserName="bob")["AccessKeyMetadata"]}
    assert statuses == {"Active"}
    assert len(admin.list_mfa_devices(UserName="carol")["MFADevices"]) == 1


# --------------------------------------------------------------- --read-only: a whole session
def _account_state(enforced: Enforced) -> dict[str, Any]:
    """What a change would show at the server (read with the admin policy)."""
    iam = enforced.client("iam")
    details = iam.get_account_authorization_details()
    users = {
        u["UserName"]: (
            sorted(g for g in u.get("GroupList", [])),
            sorted(p["PolicyArn"] for p in u.get("AttachedManagedPolicies", [])),
            sorted(
                (k["AccessKeyId"], k["Status"])
                for k in iam.list_access_keys(UserName=u["UserName"])["AccessKeyMetadata"]
            ),
            sorted(
                d["SerialNumber"]
                for d in iam.list_mfa_devices(UserName=u["UserName"])["MFADevices"]
            ),
        )
        for u in details["UserDetailList"]
    }
    groups = {
        g["GroupName"]: sorted(p["PolicyArn"] for p in g.get("AttachedManagedPolicies", []))
        for g in details["GroupDetailList"]
    }
    regions = enforced.client("account").list_regions(MaxResults=50)["Regions"]
    return {
        "users": users,
        "groups": groups,
        "alias": iam.list_account_aliases()["AccountAliases"],
        "password policy": iam.get_account_password_policy()["PasswordPolicy"],
        "regions": sorted((r["RegionName"], r["RegionOptStatus"]) for r in regions),
    }


class Session:
    """Presses keys in a read-only app and keeps count of what the user was told."""

    def __init__(self, app: AcctApp, pilot: Any, notes: list[str]) -> None:
        self.app = app
        self.pilot = pilot
        self.notes = notes
        self.refused = 0

    async def press(self, *keys: str) -> None:
        await self.pilot.press(*keys)
        await self.pilot.pause()

    async def refuse(self, key: str) -> None:
        """Press a key that would change something: the user is told read-only, at once."""
        before = len(self.notes)
        await self.pilot.press(key)
        await self.pilot.pause()
        new = [n for n in self.notes[before:] if "Copied" not in n]  # c copies, in a worker
        assert len(new) == 1 and NOTICE in new[0], f"{key}: {new}"
        self.refused += 1

    async def close(self, kind: type) -> None:
        await wait_for_screen(self.app, self.pilot, kind)
        await self.press("escape")
        await wait_until(self.pilot, lambda: not isinstance(self.app.screen, kind))

    def rows(self, pane: str) -> list[str]:
        return self.app.query_one(f"#{pane}", TablePane).visible_keys()

    def select(self, pane: str, key: str) -> None:
        table = self.app.query_one(f"#{pane}", TablePane).table
        table.move_cursor(row=table.get_row_index(key))


async def test_read_only_session_sends_no_change_and_says_so(enforced: Enforced) -> None:
    """Every key of every pane and screen under --read-only, with the read policy only."""
    before = _account_state(enforced)
    app = make_app(enforced.as_endpoint(enforced.reader), read_only=True)
    notes = recorded_notifications(app)
    async with app.run_test(size=(80, 24)) as pilot:
        s = Session(app, pilot, notes)
        await loaded(app, pilot)
        assert "READ-ONLY" in app.export_screenshot().replace("&#160;", " ")

        # 1 Recommendations: enter on every finding
        await s.press("1")
        recs: Any = app.query_one("#recommendations")
        told_in_details = 0
        for key in s.rows("recommendations"):
            s.select("recommendations", key)
            finding = recs.findings[key]
            await s.press("enter")
            if isinstance(app.screen, RootMfaScreen) or (
                finding.fix is not None and finding.fix.action == "root_mfa_guide"
            ):
                screen = await wait_for_screen(app, pilot, RootMfaScreen)
                await s.press("r")  # check again: a read
                await s.press("c")
                await s.close(type(screen))
                continue
            details = await wait_for_screen(app, pilot, DetailsScreen)
            if finding.status.name == "FAIL" and finding.fix and finding.fix.action:
                assert ("Read-only", f"the fix below changes the account, and {NOTICE}") in (
                    details.lines
                ), f"{key}: the details do not say read-only"
                told_in_details += 1
            await s.close(type(details))
        assert told_in_details >= 5, "the demo account fails many fixable checks"
        for key in ("n", "m", "k", "c", "ctrl+d"):
            await s.press(key)  # nothing bound here: nothing happens

        # 2 Users: every refused key; a and enter on users with keys, MFA, neither
        await s.press("2")
        for name in ("bob", "carol", "dave"):
            s.select("users", name)
            await s.press("a")
            keys = await wait_for_screen(app, pilot, AccessKeysScreen)
            await s.refuse("n")
            if keys.keys:
                await s.refuse("d")
                await s.refuse("ctrl+d")
                await s.press("c")
            await s.close(AccessKeysScreen)
            await s.press("enter")
            user = await wait_for_screen(app, pilot, UserScreen)
            await wait_until(pilot, lambda user=user: user.loaded)  # devices, keys, last use
            for note_id in ("#mfa-note", "#keys-note"):
                note = plain(user.query_one(note_id, Static))
                assert "denied" not in note.lower() and "failed" not in note, note
            if name != "bob":  # the sections' keys are the same for every user
                await s.close(UserScreen)
                continue
            # The workspace's sections, in tab order, and the keys each refuses.
            for number, keys in enumerate(
                (
                    ("p", "ctrl+d"),
                    ("m", "ctrl+d"),
                    ("n", "r"),
                    ("a", "ctrl+d"),
                    ("a", "ctrl+d", "g"),
                )
            ):
                if number:
                    await s.press("tab")
                for key in keys:
                    await s.refuse(key)
            await s.press("tab")
            await s.refuse("e")
            await s.close(UserScreen)
        s.select("users", "bob")
        for key in ("n", "m", "ctrl+d"):
            await s.refuse(key)
        await s.press("c", "slash", *"bo", "escape")

        # 3 Groups
        await s.press("3")
        for name in s.rows("groups"):
            s.select("groups", name)
            await s.press("enter")
            await wait_for_screen(app, pilot, GroupScreen)
            for key in ("a", "p", "ctrl+d"):
                await s.refuse(key)
            await s.close(GroupScreen)
        await s.refuse("n")
        await s.refuse("ctrl+d")
        await s.press("c")

        # 4 Account alias
        await s.press("4")
        await s.refuse("n")
        await s.refuse("ctrl+d")
        await s.press("c")

        # 5 Regions: enter on one Region of each status shows details; a changeable one
        # says why it cannot change here
        await s.press("5")
        changeable = 0
        listing = app.posture.regions.value
        assert listing is not None
        one_each = {r.status: r.code for r in listing.regions}
        assert len(one_each) == len(RegionStatus), "the demo has every status"
        for code in one_each.values():
            s.select("regions", code)
            await s.press("enter")
            details = await wait_for_screen(app, pilot, DetailsScreen)
            region = next(r for r in listing.regions if r.code == code)
            if region.status in (RegionStatus.ENABLED, RegionStatus.DISABLED):
                assert ("Change", "acct-tui runs with --read-only") in details.lines, code
                changeable += 1
            await s.close(type(details))
        assert changeable == 2

        # everywhere: refresh, help, tab, the command palette
        await s.press("tab", "shift+tab", "r")
        await loaded(app, pilot)
        await s.press("question_mark")
        await s.close(HelpScreen)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "app: refresh" in titles
        assert not [t for t in titles if "create" in t or "MFA" in t], titles
        await s.press("ctrl+p", *"refresh", "enter")
        await wait_until(pilot, lambda: app.refreshing or app.generation >= 3)
        await loaded(app, pilot)

        counter = app.service.counter
        calls, attempts, refused = counter.calls(), counter.attempts(), counter.refused()
        screen = app.export_screenshot().replace("&#160;", " ")
    # No mutating call was sent, or even tried (the UI never asked the AWS layer).
    assert [a for a in attempts if not read_only_allows(a)] == []
    assert refused == {}, refused
    # Every call is one the read policy grants, and none was denied.
    assert set(calls) <= set(READ_ACTIONS), set(calls) - set(READ_ACTIONS)
    assert {"iam:ListAccessKeys", "iam:ListMFADevices", "iam:GetAccountSummary"} <= set(calls)
    assert not [n for n in notes if "denied" in n.lower() or "AccessDenied" in n], notes
    assert "denied" not in screen
    # Each one told at once (Session.refuse): the access keys of 3 users (n ×3, d and ctrl+d
    # for bob's key), bob's workspace (12 keys), the Users pane (3), 4 group workspaces
    # (3 ×4), the Groups and Alias panes (2 each).
    assert s.refused == 3 + 2 + 12 + 3 + 12 + 2 + 2
    assert _account_state(enforced) == before


# ------------------------------------------------------------- admin policy: every flow works
def test_every_flow_works_under_the_admin_policy(enforced: Enforced) -> None:
    """Each flow through the AWS layer, with only the admin policy; each flow's calls are
    in its list, and every listed action is called by some flow (least privilege)."""
    service = AccountService(enforced.admin, report_poll_interval=0.05)
    counted = _read_flows(service)
    writer, mfa = service.writer, service.mfa
    policy = service.reader.password_policy()

    def ran(name: str) -> None:
        calls = _calls(service)
        assert calls <= set(flow(name).actions), f"{name} called {calls - set(flow(name).actions)}"
        counted[name] = calls
        service.counter.reset()

    service.counter.reset()
    assert ADMIN_POLICY_ARN in {p.arn for p in writer.list_managed_policies()}
    plan = writer.plan_create_group(NewGroup("lp-team", policy_arns=(ADMIN_POLICY_ARN,)))
    assert plan.run().ok
    assert plan.rollback().ok
    ran("create group")

    new = NewUser(
        "lp-new",
        console=True,
        require_reset=True,
        access_key=True,
        groups=("developers",),
        tags=(("team", "platform"),),
    )
    plan = writer.plan_create_user(new, account_id=ACCOUNT, alias=None, policy=policy)
    result = plan.run()
    assert result.ok, str(result)
    assert result.credentials and result.credentials.secret_access_key
    assert "iam:AttachUserPolicy" in {s.action for s in plan.steps}
    rolled = plan.rollback()
    assert rolled.ok, str(rolled)
    ran("create user")

    plan = writer.plan_delete_user("lp-victim")
    removes = {s.action for s in plan.steps}
    assert {"iam:DeleteSigningCertificate", "iam:DeleteSSHPublicKey"} <= removes
    result = plan.run()
    assert result.ok, str(result)
    ran("delete user")

    plan = writer.plan_delete_group("lp-doomed")
    assert {"iam:DeleteGroupPolicy", "iam:DetachGroupPolicy"} <= {s.action for s in plan.steps}
    assert plan.run().ok
    ran("delete group")

    (key,) = writer.list_access_keys("lp-keys")
    writer.set_access_key_status("lp-keys", key.key_id, False)
    writer.delete_access_key("lp-keys", key.key_id)
    ran("change access keys")

    device = mfa.create("lp-mfa")
    now = time.time()
    mfa.enable("lp-mfa", device.serial, totp(device.seed, now - 30), totp(device.seed, now))
    cancelled = mfa.create("lp-mfa")
    mfa.discard(cancelled.serial)
    ran("enroll MFA")

    assert mfa.plan_remove_device("lp-mfa", device.serial).run().ok
    ran("remove MFA device")

    service.policy_writer.update(proposed_policy(policy))
    ran("password policy")

    service.alias_writer.set("lp-acme")
    service.alias_writer.delete("lp-acme")
    ran("account alias")

    regions = service.regions_writer
    regions.enable("af-south-1", RegionStatus.DISABLED)
    regions.disable("me-south-1", RegionStatus.ENABLED)
    assert regions.status("af-south-1") is RegionStatus.ENABLING
    ran("opt-in Regions")

    with pytest.raises(NotRoot):  # moto's callers are never root; the actions are the same
        mfa.delete_root_access_keys()
    ran("root access keys")

    assert (
        writer.plan_create_user(
            NewUser("lp-console"), account_id=ACCOUNT, alias=None, policy=policy
        )
        .run()
        .ok
    )
    service.counter.reset()
    assert writer.has_login_profile("lp-console") is False
    change = PasswordChange("lp-console", require_reset=True)
    planned = {"account_id": ACCOUNT, "alias": None, "policy": policy}
    plan = writer.plan_add_password(change, **planned)
    assert plan.run().ok
    assert plan.rollback().ok
    assert writer.plan_add_password(change, **planned).run().ok
    assert writer.plan_reset_password(change, **planned).run().ok
    assert writer.plan_remove_password("lp-console").run().ok
    ran("console password")

    plan = writer.plan_create_access_key("lp-console", account_id=ACCOUNT, alias=None, before=())
    result = plan.run()
    assert result.ok and result.credentials and result.credentials.access_key_id
    made = result.credentials.access_key_id
    assert [k.key_id for k in writer.list_access_keys("lp-console")] == [made]
    writer.set_access_key_status("lp-console", made, False)
    writer.delete_access_key("lp-console", made)
    ran("new access key")
    assert writer.plan_delete_user("lp-console").run().ok
    service.counter.reset()

    # Day two: memberships, policies (and moving them to a group), tags, a rotation.
    assert writer.plan_create_group(NewGroup("lp-team")).run().ok
    service.counter.reset()
    assert writer.plan_add_to_groups("lp-keys", ["lp-team"]).run().ok
    assert writer.plan_add_members("lp-team", ["lp-mfa"]).run().ok
    assert writer.plan_remove_from_group("lp-mfa", "lp-team").run().ok
    ran("group memberships")
    for kind, name in (("user", "lp-keys"), ("group", "lp-team")):
        assert writer.plan_attach_policies(kind, name, [READONLY_ARN]).run().ok
        assert writer.plan_detach_policy(kind, name, READONLY_ARN).run().ok
    writer.list_managed_policies()  # the picker's list
    ran("attach and detach policies")
    assert writer.plan_attach_policies("user", "lp-keys", [READONLY_ARN]).run().ok
    service.counter.reset()
    moved = writer.plan_move_policies_to_group(
        "lp-keys", "lp-moved", [READONLY_ARN], new_group=True, member=False
    )
    assert moved.run().ok
    assert moved.rollback().ok
    ran("move policies to a group")
    tags = writer.plan_edit_tags("lp-keys", [("a=b", "1"), ("old", "x")], [("a=b", "2")])
    assert tags.run().ok
    ran("user tags")
    fresh = writer.plan_create_access_key("lp-keys", account_id=ACCOUNT, alias=None, before=())
    assert fresh.run().ok
    rotation = KeyRotation(
        service,
        Vault(MemoryKeyring()),
        account_id=ACCOUNT,
        user="lp-keys",
        key_id=writer.list_access_keys("lp-keys")[0].key_id,
        signing_key_id=None,
        sleep=lambda _: None,
    )
    service.counter.reset()
    rotation.check()
    assert rotation.plan().run().ok
    assert rotation.plan_delete().run().ok
    ran("rotate access key")

    # The CIS controls' fixes (issue 16): the seeded demo account fails each of them.
    posture = service.reader.read_all()
    service.counter.reset()
    contact = AlternateContact("Sec Team", "CISO", "security@example.com", "+1 555 0100")
    plan = service.contacts_writer.plan_security_contact(contact, None)
    assert plan.run().ok
    assert plan.rollback().ok
    ran("security contact")
    plan = service.control_fixes.plan_support_role(SupportRole("lp-support"), account_id=ACCOUNT)
    assert plan.run().ok
    # The read a lost CreateRole answer is proven with (the plan makes it only then).
    service.session.iam().get_role(RoleName="lp-support")
    assert plan.rollback().ok
    ran("support role")
    expired = posture.certificates.value
    assert expired, posture.certificates.error
    assert service.control_fixes.plan_delete_certificates(expired[:1]).run().ok
    ran("expired certificates")
    scan = posture.analyzers.value
    assert scan is not None and scan.lacking
    plan = service.analyzers_writer.plan_create(scan.lacking[:1])
    assert plan.run().ok
    # The read a lost CreateAnalyzer answer is proven with (the plan makes it only then).
    analyzers = service.session.access_analyzer(scan.lacking[0])
    analyzers.get_analyzer(analyzerName=ANALYZER_NAME)
    assert plan.rollback().ok
    ran("create analyzers")

    assert {f.name for f in FLOWS} == set(counted)
    never = set(ADMIN_ACTIONS) - set().union(*counted.values()) - {"ec2:DescribeRegions"}
    assert never == UNTESTED, f"listed but never called: {sorted(never - UNTESTED)}"
    gone = enforced.client("iam")
    for read in (
        lambda: gone.get_user(UserName="lp-victim"),
        lambda: gone.get_group(GroupName="lp-doomed"),
        lambda: gone.get_user(UserName="lp-new"),
    ):
        with pytest.raises(ClientError) as missing:
            read()
        assert _code(missing) == "NoSuchEntity"
    assert [f.name for f in WRITE_FLOWS if not counted[f.name]] == []
