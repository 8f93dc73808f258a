"""Account-wide flows: the password policy, the account alias, opt-in Regions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import App

from tui.aws.models import AWS_DEFAULT_PASSWORD_POLICY, Part, RegionStatus, sign_in_url
from tui.runtime.workers import failure_text, in_thread
from tui.screens.dialogs.confirm import ConfirmScreen
from tui.screens.forms.alias import AliasScreen
from tui.screens.forms.password_policy import PasswordPolicyScreen

if TYPE_CHECKING:
    from tui.state import AccountState


async def password_policy(state: AccountState, screens: App[Any]) -> None:
    current = state.posture.password_policy.value or AWS_DEFAULT_PASSWORD_POLICY
    applied = await screens.push_screen_wait(PasswordPolicyScreen(state, current))
    if applied is not None:
        state.apply_posture(state.posture.with_part("password_policy", Part.ok(applied)))
        state.notify("Password policy updated.", title="Account")


async def set_alias(state: AccountState, screens: App[Any]) -> None:
    account, alias = state.account()
    new = await screens.push_screen_wait(AliasScreen(state, account, alias))
    if new is not None:
        state.apply_posture(state.posture.with_aliases((new,)))
        state.notify(f"Sign-in URL is now {sign_in_url(account, new)}", title="Account alias")


async def delete_alias(state: AccountState, screens: App[Any]) -> None:
    account, alias = state.account()
    if alias is None:
        state.notify("There is no alias to delete.", severity="warning")
        return
    lines = [
        f"Delete the alias {alias}.",
        f"{sign_in_url(account, alias)} stops working;",
        f"{sign_in_url(account)} keeps working.",
    ]
    if not await screens.push_screen_wait(ConfirmScreen("Delete the account alias?", lines)):
        return
    writer = state.service.alias_writer
    try:
        await in_thread(screens, lambda: writer.delete(alias), "DeleteAccountAlias")
    except Exception as exc:  # noqa: BLE001
        state.notify(failure_text(exc), title="Account alias", severity="error")
        state.refresh_if_unknown(exc)
        return
    state.apply_posture(state.posture.with_aliases(()))
    state.notify(f"Alias {alias} deleted.", title="Account alias")


# What each change says before it is confirmed: title, button, lines ({name}, {code}).
_REGION_CHANGES = {
    "enable": (
        "Enable",
        [
            "Enable {name} ({code}) for this account.",
            "AWS takes from a few minutes to a few hours; acct-tui shows the status as it "
            "changes, and you can keep working meanwhile.",
        ],
    ),
    "disable": (
        "Disable",
        [
            "Disable {name} ({code}).",
            "IAM principals lose access to resources in this Region. The resources are not "
            "deleted and may still cost money; re-enabling gives access back.",
        ],
    ),
}


async def change_region(state: AccountState, screens: App[Any], code: str) -> None:
    """Enable a DISABLED opt-in Region or disable an ENABLED one, after a confirmation."""
    from tui.aws.regions import region_action

    listing = state.posture.regions.value
    region = next((r for r in listing.regions if r.code == code), None) if listing else None
    if region is None:
        return
    action, reason = region_action(region)
    if action is None:
        state.notify(reason, title=region.name)
        return
    label, template = _REGION_CHANGES[action]
    lines = [line.format(name=region.name, code=code) for line in template]
    confirm = ConfirmScreen(
        f"{label} {code}?", lines, confirm_label=label, danger=action == "disable"
    )
    if not await screens.push_screen_wait(confirm):
        return
    writer = state.service.regions_writer
    call = writer.enable if action == "enable" else writer.disable
    try:
        await in_thread(screens, lambda: call(code, region.status), f"{label} {code}")
    except Exception as exc:  # noqa: BLE001 - RegionRefused, AwsFailure
        state.notify(failure_text(exc), title=region.name, severity="error")
        state.refresh_if_unknown(exc)
        return
    moving = RegionStatus.ENABLING if action == "enable" else RegionStatus.DISABLING
    state.watch_region(code)  # first: the new status is drawn with its elapsed time
    state.apply_posture(state.posture.with_region_status(code, moving))
