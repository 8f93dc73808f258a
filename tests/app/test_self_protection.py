"""Self-protection: an action that would remove or cripple the identity acct-tui runs as
says so in plain words and needs the name typed (``y`` alone is not enough).

The Pilot tests run the real app over the seeded demo account, where acct-tui signs as
``alice`` (console, virtual MFA, one key, AdministratorAccess attached directly). The
destructive test (deleting alice herself) runs last in the module.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from textual.widgets import Button, Input, Static

from tests.support.app import make_app, make_service
from tests.support.calls import ACCOUNT, answer_as_root, record
from tests.support.pilot import (
    iam,
    loaded,
    plain,
    recorded_notifications,
    wait_for_screen,
    wait_until,
)
from tui.aws import selfguard
from tui.aws.models import AuthDetails, Caller, IamGroup, IamUser, PolicyRef
from tui.aws.selfguard import Identity
from tui.demo import DemoEndpoint
from tui.demo.seed import CALLER
from tui.panes import TablePane
from tui.screens.access_keys import AccessKeysScreen
from tui.screens.dialogs.confirm import ConfirmScreen
from tui.screens.user import UserScreen

ADMIN = PolicyRef("AdministratorAccess", "arn:aws:iam::aws:policy/AdministratorAccess")
ME = Caller("123456789012", "arn:aws:iam::123456789012:user/alice", "AIDAALICE")
ROLE = Caller("123456789012", "arn:aws:sts::123456789012:assumed-role/ops/s", "AROA:s")
WHEN = datetime(2026, 1, 1, tzinfo=UTC)


def _details(alice_groups: tuple[str, ...], direct: bool = False) -> AuthDetails:
    alice = IamUser(
        "alice", ME.arn, "AIDAALICE", "/", WHEN, alice_groups, (ADMIN,) if direct else ()
    )
    groups = tuple(
        IamGroup(name, f"arn:aws:iam::123456789012:group/{name}", "/", WHEN, (ADMIN,))
        for name in ("administrators", "admins-2")
    )
    return AuthDetails(users=(alice,), groups=groups)


# ------------------------------------------------------------------------- pure rules
def test_rules_name_the_identity_and_ask_for_the_name() -> None:
    me = Identity(ME, "AKIAALICE")
    harm = selfguard.delete_user(me, "alice")
    assert harm is not None and harm.type_to_confirm == "alice"
    assert "This is you" in harm.lines[0] and "AKIAALICE" in harm.lines[0]
    assert selfguard.delete_user(me, "bob") is None
    assert selfguard.change_key(me, "alice", "AKIAALICE", delete=True) is not None
    assert selfguard.change_key(me, "alice", "AKIAOTHER", delete=True) is None
    assert selfguard.remove_mfa(me, "alice", "arn:aws:iam::1:mfa/alice") is not None
    assert selfguard.remove_mfa(me, "bob", "arn:aws:iam::1:mfa/bob") is None


def test_last_admin_path_only() -> None:
    me = Identity(ME, "AKIAALICE")
    only = _details(("administrators",))
    harm = selfguard.delete_group(me, only, "administrators")
    assert harm is not None and "no other way" in harm.lines[0]
    # another admin group, or the policy attached directly: not the last path
    assert (
        selfguard.delete_group(me, _details(("administrators", "admins-2")), "administrators")
        is None
    )
    assert selfguard.delete_group(me, _details(("administrators",), True), "administrators") is None
    assert selfguard.delete_group(me, only, "admins-2") is None
    # a role's rights do not come from IAM groups
    assert selfguard.delete_group(Identity(ROLE), only, "administrators") is None


def test_detaching_the_policy_attached_directly() -> None:
    me = Identity(ME, "AKIAALICE")
    harm = selfguard.lose_admin_path(me, _details((), True), "user", "AdministratorAccess")
    assert harm is not None and harm.type_to_confirm == "AdministratorAccess"
    both = _details(("administrators",), True)
    assert selfguard.lose_admin_path(me, both, "user", "AdministratorAccess") is None
    unread = selfguard.lose_admin_path(me, None, "group:administrators", "administrators")
    assert unread is not None and "could not read" in unread.lines[0]


def test_unknown_identity_cannot_rule_itself_out() -> None:
    unknown = Identity(None)
    for harm in (
        selfguard.delete_user(unknown, "bob"),
        selfguard.change_key(unknown, "bob", "AKIABOB", delete=False),
        selfguard.delete_group(unknown, None, "g"),
        selfguard.remove_mfa(unknown, "bob", "s"),
        selfguard.delete_root_keys(unknown, "123456789012"),
    ):
        assert harm is not None and "could not read who it runs as" in harm.lines[0]


def test_own_keys_need_the_name_when_the_signing_key_is_temporary_or_unknown() -> None:
    # aws-vault, a credential_process or an MFA session sign as alice with temporary
    # (ASIA) credentials made from one of her long-term keys; or the key cannot be read.
    # Any of her keys may be the source: deactivating it cripples acct-tui's next run.
    for signing in ("ASIAALICESESSION", None):
        me = Identity(ME, signing)
        for delete in (False, True):
            harm = selfguard.change_key(me, "alice", "AKIAALICE", delete=delete)
            assert harm is not None, (signing, delete)
            assert harm.type_to_confirm == "alice"
        # another user's key cannot be where alice's session comes from
        assert selfguard.change_key(me, "bob", "AKIABOB", delete=True) is None


def test_root_deleting_root_keys_types_the_account() -> None:
    root = Identity(Caller("123456789012", "arn:aws:iam::123456789012:root", "123456789012"))
    harm = selfguard.delete_root_keys(root, "123456789012")
    assert harm is not None and harm.type_to_confirm == "123456789012"
    assert selfguard.delete_root_keys(Identity(ME), "123456789012") is None


# ---------------------------------------------------------------------- the app (Pilot)
def _warning(confirm: ConfirmScreen) -> str:
    return plain(confirm.query_one("#confirm-warning", Static))


async def _refused_until_typed(app: Any, pilot: Any, confirm: ConfirmScreen, name: str) -> None:
    """y does nothing (it lands in the name field); a wrong name does nothing either."""
    field = confirm.query_one("#confirm-typed", Input)
    assert app.focused is field
    assert confirm.query_one("#ok", Button).disabled
    await pilot.press("y", "enter")
    await pilot.pause(0.2)
    assert app.screen is confirm
    await pilot.press("backspace", *name[:-1], "enter")
    await pilot.pause(0.2)
    assert app.screen is confirm
    assert confirm.query_one("#ok", Button).disabled


async def test_deactivating_the_key_in_use_needs_the_name(demo: DemoEndpoint) -> None:
    app = make_app(demo)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(app, pilot)
        await pilot.press("2", "slash", *CALLER, "enter", "a")
        await wait_for_screen(app, pilot, AccessKeysScreen)
        await pilot.press("d")
        confirm = await wait_for_screen(app, pilot, ConfirmScreen)
        warning = _warning(confirm)
        assert "key acct-tui signs with" in warning and "user/alice" in warning
        await _refused_until_typed(app, pilot, confirm, CALLER)
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, AccessKeysScreen))
    keys = iam(demo).list_access_keys(UserName=CALLER)["AccessKeyMetadata"]
    assert {k["AccessKeyId"]: k["Status"] for k in keys}[demo.access_key_id] == "Active"


async def test_another_users_key_needs_only_y(demo: DemoEndpoint) -> None:
    client = iam(demo)
    client.create_user(UserName="spare")
    client.create_access_key(UserName="spare")
    app = make_app(demo)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(app, pilot)
        await pilot.press("2", "slash", *"spare", "enter", "a")
        await wait_for_screen(app, pilot, AccessKeysScreen)
        await pilot.press("d")
        confirm = await wait_for_screen(app, pilot, ConfirmScreen)
        assert not confirm.query("#confirm-typed")
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, AccessKeysScreen))
    keys = client.list_access_keys(UserName="spare")["AccessKeyMetadata"]
    assert keys[0]["Status"] == "Inactive"


async def test_removing_your_own_mfa_device_needs_the_name(demo: DemoEndpoint) -> None:
    app = make_app(demo)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(app, pilot)
        await pilot.press("2", "slash", *CALLER, "enter", "enter")
        screen = await wait_for_screen(app, pilot, UserScreen)
        await wait_until(pilot, lambda: bool(screen.devices))
        screen.query_one("#mfa-devices").focus()  # the MFA section's ctrl+d
        await pilot.press("ctrl+d")
        confirm = await wait_for_screen(app, pilot, ConfirmScreen)
        assert "your own MFA device" in _warning(confirm)
        await _refused_until_typed(app, pilot, confirm, CALLER)
        await pilot.press("escape")
    assert iam(demo).list_mfa_devices(UserName=CALLER)["MFADevices"]


async def test_deleting_your_last_admin_group_needs_its_name(demo: DemoEndpoint) -> None:
    client = iam(demo)
    client.create_group(GroupName="administrators")
    client.attach_group_policy(GroupName="administrators", PolicyArn=ADMIN.arn)
    client.add_user_to_group(GroupName="administrators", UserName=CALLER)
    client.detach_user_policy(UserName=CALLER, PolicyArn=ADMIN.arn)
    try:
        app = make_app(demo)
        async with app.run_test(size=(100, 30)) as pilot:
            await loaded(app, pilot)
            await pilot.press("3", "slash", *"administrators", "enter", "ctrl+d")
            confirm = await wait_for_screen(app, pilot, ConfirmScreen)
            assert "no other way" in _warning(confirm)
            await _refused_until_typed(app, pilot, confirm, "administrators")
            await pilot.press("escape")
        assert client.get_group(GroupName="administrators")["Users"]
    finally:
        client.attach_user_policy(UserName=CALLER, PolicyArn=ADMIN.arn)
    # With the policy attached directly again, the group is not the last path: y deletes.
    app = make_app(demo)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(app, pilot)
        await pilot.press("3", "slash", *"administrators", "enter", "ctrl+d")
        confirm = await wait_for_screen(app, pilot, ConfirmScreen)
        assert not confirm.query("#confirm-typed")
        await pilot.press("y")
        await wait_until(pilot, lambda: not isinstance(app.screen, ConfirmScreen))
        await wait_until(
            pilot, lambda: any("administrators deleted" in n.message for n in app._notifications)
        )
    assert "administrators" not in [g["GroupName"] for g in client.list_groups()["Groups"]]


def root_has_keys(session: Any) -> None:
    """Make GetAccountSummary say root has access keys (moto's root never has any)."""

    def mark(parsed: dict[str, Any], **_: Any) -> None:
        parsed.setdefault("SummaryMap", {})["AccountAccessKeysPresent"] = 1

    session.iam().meta.events.register("after-call.iam.GetAccountSummary", mark)


@pytest.mark.server
async def test_root_deletes_its_keys_from_the_recommendation_typing_the_account(
    moto_reset: str,
) -> None:
    """Signed in as root with keys: the recommendation's fix, by keys, asks for the account
    id typed (acct-tui's own key is one of them), then deletes every key, its own last.

    moto has no root: a user's two keys stand in, as ListAccessKeys without a user name
    lists the keys of whoever signs; sts and the account summary answer as for root.
    """
    client = iam(moto_reset)
    client.create_user(UserName="stand-in")
    own = client.create_access_key(UserName="stand-in")["AccessKey"]
    other = client.create_access_key(UserName="stand-in")["AccessKey"]
    service = make_service(moto_reset, key=(own["AccessKeyId"], own["SecretAccessKey"]))
    answer_as_root(service.session)
    root_has_keys(service.session)
    deletions = record(service.session, "DeleteAccessKey")
    app = make_app(service)
    notes = recorded_notifications(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(app, pilot)
        await pilot.press("1", "slash", *"no access keys", "enter", "enter")
        confirm = await wait_for_screen(app, pilot, ConfirmScreen)
        warning = _warning(confirm)
        assert "acct-tui signs as root" in warning, warning
        await _refused_until_typed(app, pilot, confirm, ACCOUNT)
        assert deletions == [], "nothing deleted before the account id is typed"
        await pilot.press(ACCOUNT[-1])
        assert not confirm.query_one("#ok", Button).disabled
        await pilot.press("enter")
        await wait_until(pilot, lambda: any("Deleted 2 root access key(s)" in n for n in notes))
        recs = app.query_one("#recommendations", TablePane)
        await wait_until(pilot, lambda: recs.table.get_row("root-keys")[0].plain.startswith("✓"))
    assert [d["AccessKeyId"] for d in deletions] == [other["AccessKeyId"], own["AccessKeyId"]]
    assert client.list_access_keys(UserName="stand-in")["AccessKeyMetadata"] == []


async def test_deleting_yourself_needs_your_name_typed(demo: DemoEndpoint) -> None:
    """The trust report's case: in the demo, 2, alice, ctrl+d, y deleted alice herself."""
    client = iam(demo)
    app = make_app(demo)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(app, pilot)
        await pilot.press("2", "slash", *CALLER, "enter", "ctrl+d")
        confirm = await wait_for_screen(app, pilot, ConfirmScreen)
        warning = _warning(confirm)
        assert "This is you" in warning and demo.access_key_id in warning
        await _refused_until_typed(app, pilot, confirm, CALLER)
        assert client.get_user(UserName=CALLER)["User"]["UserName"] == CALLER
        await pilot.press(CALLER[-1])
        assert not confirm.query_one("#ok", Button).disabled
        await pilot.press("enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, ConfirmScreen), 30)
        await wait_until(
            pilot,
            lambda: any(f"User {CALLER} deleted" in n.message for n in app._notifications),
            60,
        )
    with pytest.raises(client.exceptions.NoSuchEntityException):
        client.get_user(UserName=CALLER)


# ------------------------------------------------- assume-role profiles: the source keys
def test_source_profile_keys_are_acct_tuis_own(tmp_path: Any, monkeypatch: Any) -> None:
    from tui.aws.session import AwsSession, Settings

    config = tmp_path / "config"
    config.write_text(
        "[profile ops]\nrole_arn = arn:aws:iam::123456789012:role/ops\nsource_profile = hop\n"
        "[profile hop]\nrole_arn = arn:aws:iam::123456789012:role/hop\nsource_profile = alice\n"
        "[profile env-role]\nrole_arn = arn:aws:iam::123456789012:role/x\n"
        "credential_source = Environment\n"
    )
    credentials = tmp_path / "credentials"
    credentials.write_text(
        "[alice]\naws_access_key_id = AKIAALICESOURCE00001\naws_secret_access_key = s\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    ops = AwsSession(Settings(profile="ops", region="us-east-1"))
    assert ops.source_key_ids() == {"AKIAALICESOURCE00001"}
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAFROMENVIRONMENT1")
    env_role = AwsSession(Settings(profile="env-role", region="us-east-1"))
    assert env_role.source_key_ids() == {"AKIAFROMENVIRONMENT1"}
    assert AwsSession(Settings(profile="alice", region="us-east-1")).source_key_ids() == {
        "AKIAALICESOURCE00001"
    }

    role = Identity(ROLE, "ASIATEMPORARY0000001", frozenset({"AKIAALICESOURCE00001"}))
    harm = selfguard.change_key(role, "alice", "AKIAALICESOURCE00001", delete=True)
    assert harm is not None and harm.type_to_confirm == "alice"
    assert "source_profile" in harm.lines[0]
    assert selfguard.change_key(role, "alice", "AKIAOTHERKEY00000001", delete=True) is None
    gone = selfguard.delete_user(role, "alice", ["AKIAALICESOURCE00001"])
    assert gone is not None and gone.type_to_confirm == "alice"
    assert selfguard.delete_user(role, "bob", ["AKIABOB0000000000001"]) is None
