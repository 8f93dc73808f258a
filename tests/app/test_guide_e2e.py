"""Issue 8's "done when": the demo account secured through Getting started, keyboard only.

Every step is driven with key presses (no widget is set from the test), from the guide
that opens by itself on the demo account to the switch to the new admin user's key. The
end state is read back twice: from the guide (after the re-read as the new user) and from
the account itself (boto3 against the demo server).
"""

from __future__ import annotations

import time
from typing import Any

import boto3
import pytest
from textual.widgets import Static

from tests.support.app import make_app
from tests.support.guide import cursor_step, go_to, refreshed, states
from tests.support.keyrings import MemoryKeyring
from tests.support.pilot import iam, plain, wait_for_screen, wait_until
from tui.aws.checks import check_direct_policies
from tui.aws.models import ADMIN_POLICY_ARN, utcnow
from tui.aws.totp import totp
from tui.demo import DemoEndpoint
from tui.screens.credentials import CredentialsScreen
from tui.screens.dialogs.confirm import ConfirmScreen
from tui.screens.dialogs.review import ReviewScreen
from tui.screens.forms.alias import AliasScreen
from tui.screens.forms.create_group import CreateGroupScreen
from tui.screens.forms.create_user import CreateUserScreen
from tui.screens.guide import GuideScreen
from tui.screens.mfa import MfaScreen
from tui.screens.root_mfa import RootMfaScreen
from tui.support.vault import Vault

pytestmark = pytest.mark.server

# Region changes settle after 2 s, so the Regions step can finish within the test.
DEMO_REGION_DELAY = 2.0


def regions(demo: DemoEndpoint) -> dict[str, str]:
    account = boto3.client(
        "account",
        endpoint_url=demo.endpoint_url,
        region_name="us-east-1",
        aws_access_key_id=demo.access_key_id,
        aws_secret_access_key=demo.secret_access_key,
    )
    listed = account.list_regions()["Regions"]
    return {r["RegionName"]: r["RegionOptStatus"] for r in listed}


async def back_to_guide(app: Any, pilot: Any) -> GuideScreen:
    guide: GuideScreen = await wait_for_screen(app, pilot, GuideScreen)
    return guide


async def test_keyboard_only_path_secures_the_demo_account(demo: DemoEndpoint) -> None:
    vault = Vault(MemoryKeyring())
    app = make_app(demo, vault=vault, open_guide=True)
    async with app.run_test(size=(80, 24)) as pilot:
        # The demo account has no administrators group: the guide opens by itself.
        guide = await back_to_guide(app, pilot)
        await refreshed(app, pilot)
        assert cursor_step(guide) == "root-mfa"

        # 1. Root MFA: only the console can do it; the guide shows how.
        await pilot.press("enter")
        await wait_for_screen(app, pilot, RootMfaScreen)
        await pilot.press("escape")
        guide = await back_to_guide(app, pilot)

        # 3. The administrators group, pre-filled: review, create.
        await go_to(pilot, guide, "admin-group")
        await pilot.press("enter")
        form = await wait_for_screen(app, pilot, CreateGroupScreen)
        await wait_until(
            pilot, lambda: form.query_one("#policies").selected_arns == (ADMIN_POLICY_ARN,)
        )
        await pilot.press("ctrl+s")
        await wait_for_screen(app, pilot, ReviewScreen)
        await pilot.press("ctrl+s")
        guide = await back_to_guide(app, pilot)
        await wait_until(pilot, lambda: states(guide)["admin-group"] == "✓ done")

        # 4. The admin user, in administrators, console + key: its secrets go to the keyring.
        assert cursor_step(guide) == "admin-user"
        await pilot.press("enter")
        await wait_for_screen(app, pilot, CreateUserScreen)
        await pilot.press(*"ada", "ctrl+s")
        await wait_for_screen(app, pilot, ReviewScreen)
        await pilot.press("ctrl+s")
        credentials = await wait_for_screen(app, pilot, CredentialsScreen)
        await wait_until(pilot, lambda: credentials.saved)
        await pilot.press("escape")
        guide = await back_to_guide(app, pilot)
        await wait_until(pilot, lambda: states(guide)["admin-user"] == "✓ done")

        # 5. MFA for ada: two consecutive codes from the device's secret.
        assert cursor_step(guide) == "admin-mfa"
        await pilot.press("enter")
        mfa = await wait_for_screen(app, pilot, MfaScreen)
        assert mfa.device.user_name == "ada"
        now = time.time()
        await pilot.press(*totp(mfa.device.seed, now - 30), "enter")
        await pilot.press(*totp(mfa.device.seed, now), "enter")
        guide = await back_to_guide(app, pilot)
        await wait_until(pilot, lambda: states(guide)["admin-mfa"] == "✓ done")

        # 6. The alias.
        assert cursor_step(guide) == "alias"
        await pilot.press("enter")
        await wait_for_screen(app, pilot, AliasScreen)
        await pilot.press(*"acme-demo-guided", "enter")
        guide = await back_to_guide(app, pilot)
        await wait_until(pilot, lambda: states(guide)["alias"] == "✓ done")

        # 7. Regions: enter leads to the Regions pane; enable Cape Town there, come back.
        await go_to(pilot, guide, "regions")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.active_pane == "regions")
        await pilot.press("slash", *"cape", "enter", "enter")
        await wait_for_screen(app, pilot, ConfirmScreen)
        await pilot.press("y")
        await wait_until(pilot, lambda: not isinstance(app.screen, ConfirmScreen))
        await pilot.press("g")
        guide = await back_to_guide(app, pilot)
        await wait_until(pilot, lambda: states(guide)["regions"] == "✓ done", seconds=60)

        # 8. Stop working as alice: switch to ada's key from the keyring; all re-checked.
        await go_to(pilot, guide, "sign-in")
        await pilot.press("enter")
        await wait_for_screen(app, pilot, ConfirmScreen)
        await pilot.press(*"ada", "enter")  # acct-tui's own identity: the name, typed
        guide = await back_to_guide(app, pilot)
        header = app.query_one("#account-header", Static)
        await wait_until(pilot, lambda: "user/ada" in plain(header))
        await refreshed(app, pilot, generation=2)

        # Done: every step green but root MFA, after a full re-read as ada.
        final = states(guide)
        assert final.pop("root-mfa") == "✗ to do"
        assert set(final.values()) == {"✓ done"}, final
        assert guide.query_one("#guide").border_title == "Getting started — 7 of 8 done"
        caller = app.posture.caller.value
        assert caller is not None
        assert caller.arn == f"arn:aws:iam::{demo.account_id}:user/ada"
        # Following the guide made no finding of its own: ada's right to change her
        # password comes from the administrators group, not a policy attached to her.
        direct = check_direct_policies(app.posture, utcnow())
        assert "ada" not in direct.subjects, direct.reason

    # …and the account agrees.
    client = iam(demo)
    members = client.get_group(GroupName="administrators")["Users"]
    assert [u["UserName"] for u in members] == ["ada"]
    attached = client.list_attached_group_policies(GroupName="administrators")
    assert [p["PolicyArn"] for p in attached["AttachedPolicies"]] == [ADMIN_POLICY_ARN]
    assert client.get_login_profile(UserName="ada")["LoginProfile"]["UserName"] == "ada"
    assert client.list_attached_user_policies(UserName="ada")["AttachedPolicies"] == []
    assert len(client.list_access_keys(UserName="ada")["AccessKeyMetadata"]) == 1
    assert len(client.list_mfa_devices(UserName="ada")["MFADevices"]) == 1
    assert client.list_account_aliases()["AccountAliases"] == ["acme-demo-guided"]
    assert regions(demo)["af-south-1"] == "ENABLED"
    assert vault.get(demo.account_id, "ada") is not None
