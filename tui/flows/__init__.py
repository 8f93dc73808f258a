"""Multi-screen flows (form → review → plan → result), run as async workers of the app.

Each flow awaits its screens with ``push_screen_wait`` and runs AWS calls in thread
workers, so the event loop stays free. After a change the app applies what it did to its
posture at once (IAM reads right after a write can miss it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from textual.worker import WorkerFailed

from tui.aws import selfguard
from tui.aws.checks import Finding
from tui.aws.errors import AwsError
from tui.aws.iam import NewGroup, NewUser, UserCredentials, users_can_change_own_password
from tui.aws.models import (
    ADMIN_POLICY_ARN,
    AWS_DEFAULT_PASSWORD_POLICY,
    CredentialRow,
    IamGroup,
    IamUser,
    KeyInfo,
    Part,
    PolicyRef,
    RegionStatus,
    sign_in_url,
    utcnow,
)
from tui.aws.redact import redact
from tui.aws.selfguard import Identity, SelfHarm

if TYPE_CHECKING:
    from tui.app import AcctApp
    from tui.aws.plan import Plan
    from tui.screens.dialogs.confirm import ConfirmScreen

T = TypeVar("T")


async def in_thread(app: AcctApp, fn: Callable[[], T], description: str) -> T:
    """Run blocking ``fn`` (an AWS or keyring call) in a thread worker and await it."""
    worker = app.run_worker(
        fn, thread=True, exit_on_error=False, group="flow-io", description=description
    )
    try:
        await worker.wait()
    except WorkerFailed as failed:
        # The caller handles the function's own exception (AwsFailure, ExportError…).
        raise failed.error from None
    result: T = worker.result  # type: ignore[assignment]
    return result


def _account(app: AcctApp) -> tuple[str, str | None]:
    caller = app.posture.caller.value
    return (caller.account_id if caller else "unknown"), app.posture.alias


# -- groups ---------------------------------------------------------------------------------
async def create_group(app: AcctApp, prefill: NewGroup | None = None) -> None:
    from tui.screens.forms.create_group import CreateGroupScreen
    from tui.screens.plan import PlanScreen

    writer = app.service.writer
    errors: dict[str, str] = {}
    while True:
        details = app.posture.details.value
        form = CreateGroupScreen(
            existing=[g.name for g in details.groups] if details else [],
            load_policies=app.managed_policies,
            planner=writer.plan_create_group,
            prefill=prefill,
            errors=errors,
        )
        request = await app.push_screen_wait(form)
        if request is None:
            return
        plan = writer.plan_create_group(request)
        outcome = await app.push_screen_wait(PlanScreen(f"Creating group {request.name}", plan))
        if outcome.succeeded:
            account, _ = _account(app)
            names = {p.arn: p.name for p in app.cached_policies()}
            group = IamGroup(
                name=request.name,
                arn=f"arn:aws:iam::{account}:group{request.path}{request.name}",
                path=request.path,
                created=utcnow(),
                attached_policies=tuple(
                    PolicyRef(names.get(a, a.rsplit("/", 1)[-1]), a) for a in request.policy_arns
                ),
            )
            app.apply_posture(app.posture.with_group(group))
            app.notify(f"Group {request.name} created.", title="Groups")
            return
        reread_if_changed(app, plan)
        prefill = request
        errors = {outcome.field or "name": _error_line(outcome)}


# -- users ----------------------------------------------------------------------------------
async def create_user(app: AcctApp, prefill: NewUser | None = None) -> None:
    from tui.screens.credentials import CredentialsScreen
    from tui.screens.forms.create_user import CreateUserScreen
    from tui.screens.plan import PlanScreen

    writer = app.service.writer
    errors: dict[str, str] = {}
    while True:
        account, alias = _account(app)
        policy = app.posture.password_policy.value or AWS_DEFAULT_PASSWORD_POLICY
        details = app.posture.details.value

        planner = partial(writer.plan_create_user, account_id=account, alias=alias, policy=policy)

        form = CreateUserScreen(
            existing=[u.name for u in details.users] if details else [],
            groups=[g.name for g in details.groups] if details else [],
            policy=policy,
            planner=planner,
            prefill=prefill,
            errors=errors,
        )
        request = await app.push_screen_wait(form)
        if request is None:
            return
        plan = planner(request)
        outcome = await app.push_screen_wait(PlanScreen(f"Creating user {request.name}", plan))
        if outcome.succeeded:
            credentials: UserCredentials | None = outcome.result.credentials
            app.apply_posture(_with_new_user(app, request, credentials))
            if credentials is not None and (credentials.password or credentials.secret_access_key):
                screen = CredentialsScreen(credentials, app.vault)
                del plan, credentials, outcome  # the screen is now the only holder
                await app.push_screen_wait(screen)
            app.notify(f"User {request.name} created.", title="Users")
            return
        # Failed, kept or rolled back: a password that is (or may be) in force now must be
        # shown and kept, or it is lost.
        kept = plan.credentials
        if kept is not None and (kept.password or kept.secret_access_key):
            screen = CredentialsScreen(kept, app.vault)
            del kept
            await app.push_screen_wait(screen)
        reread_if_changed(app, plan)
        prefill = request
        errors = {outcome.field or "name": _error_line(outcome)}


def _with_new_user(app: AcctApp, request: NewUser, credentials: UserCredentials | None) -> Any:
    account, _ = _account(app)
    now = utcnow()
    policies = []
    if request.console and request.require_reset:
        policy = app.posture.password_policy.value or AWS_DEFAULT_PASSWORD_POLICY
        if not users_can_change_own_password(policy):
            policies.append(
                PolicyRef("IAMUserChangePassword", "arn:aws:iam::aws:policy/IAMUserChangePassword")
            )
    user = IamUser(
        name=request.name,
        arn=f"arn:aws:iam::{account}:user{request.path}{request.name}",
        user_id="",
        path=request.path,
        created=now,
        groups=request.groups,
        attached_policies=tuple(policies),
        tags=request.tags,
    )
    keys = (KeyInfo(1, True, now, None),) if request.access_key else ()
    row = CredentialRow(
        user=request.name,
        arn=user.arn,
        created=now,
        password_enabled=request.console,
        password_last_used=None,
        mfa_active=False,
        keys=keys,
    )
    return app.posture.with_user(user, row)


def _error_line(outcome: Any) -> str:
    error = outcome.error
    if error is None:
        return "The plan failed; see the report."
    text = f"{error.headline()}: {error.message}" if error.message else error.headline()
    if outcome.rolled_back:
        text += " (rolled back)"
    return text


# -- self-protection ----------------------------------------------------------------------
async def whoami(app: AcctApp) -> Identity:
    """Who acct-tui runs as: the caller read at refresh, and the key it signs with now."""
    key_id = await in_thread(app, app.service.signing_key_id, "signing key")
    sources = await in_thread(app, app.service.source_key_ids, "source profile")
    return Identity(app.posture.caller.value, key_id, sources)


def confirm_screen(
    title: str, lines: list[str], harm: SelfHarm | None, **options: Any
) -> ConfirmScreen:
    """A confirmation; when ``harm`` says it hits acct-tui's own identity, it says so first
    and asks for the name typed (``y`` alone is not enough)."""
    from tui.screens.dialogs.confirm import ConfirmScreen

    if harm is None:
        return ConfirmScreen(title, lines, **options)
    warning = (f"⚠ {harm.lines[0]}", *harm.lines[1:])
    return ConfirmScreen(title, lines, typed=harm.type_to_confirm, warning=warning, **options)


# -- deletes --------------------------------------------------------------------------------
async def delete_user(app: AcctApp, name: str) -> None:
    from tui.screens.plan import PlanScreen

    writer = app.service.writer
    try:
        plan = await in_thread(app, lambda: writer.plan_delete_user(name), f"inspect {name}")
    except Exception as exc:  # noqa: BLE001 - AwsFailure or a network error
        app.notify(failure_text(exc), title=f"Cannot delete {name}", severity="error")
        return
    account, _ = _account(app)
    entry = await in_thread(app, lambda: _vault_has(app, account, name), "keyring lookup")
    me = await whoami(app)
    keys: list[str] = []
    if me.source_key_ids:  # an assume-role profile: is one of its source keys this user's?
        try:
            listed = await in_thread(app, lambda: writer.list_access_keys(name), "keys")
            keys = [k.key_id for k in listed]
        except Exception:  # noqa: BLE001 - cannot tell: guard as if it were
            keys = list(me.source_key_ids)
    harm = selfguard.delete_user(me, name, keys)
    confirm = confirm_screen(
        f"Delete user {name}?",
        [
            "These steps will run, in order:",
            *(f"  • {s.description}" for s in plan.steps),
            *(f"Note: {note}" for note in plan.notes),
        ],
        harm,
        option="Also remove its entry from the OS keyring" if entry else None,
    )
    if not await app.push_screen_wait(confirm):
        return
    outcome = await app.push_screen_wait(PlanScreen(f"Deleting user {name}", plan))
    if outcome.succeeded:
        app.apply_posture(app.posture.without_user(name))
        message = f"User {name} deleted."
        if confirm.option:
            removed = await in_thread(app, lambda: app.vault.delete(account, name), "keyring")
            message += " Keyring entry removed." if removed else " No keyring entry was found."
        app.notify(message, title="Users")
    else:
        reread_if_changed(app, plan)


async def delete_group(app: AcctApp, name: str) -> None:
    from tui.screens.plan import PlanScreen

    writer = app.service.writer
    try:
        plan = await in_thread(app, lambda: writer.plan_delete_group(name), f"inspect {name}")
    except Exception as exc:  # noqa: BLE001
        app.notify(failure_text(exc), title=f"Cannot delete {name}", severity="error")
        return
    harm = selfguard.delete_group(await whoami(app), app.posture.details.value, name)
    confirm = confirm_screen(
        f"Delete group {name}?",
        ["These steps will run, in order:", *(f"  • {s.description}" for s in plan.steps)],
        harm,
    )
    if not await app.push_screen_wait(confirm):
        return
    outcome = await app.push_screen_wait(PlanScreen(f"Deleting group {name}", plan))
    if outcome.succeeded:
        app.apply_posture(app.posture.without_group(name))
        app.notify(f"Group {name} deleted.", title="Groups")
    else:
        reread_if_changed(app, plan)


def _vault_has(app: AcctApp, account: str, name: str) -> bool:
    try:
        return app.vault.get(account, name) is not None
    except Exception:  # noqa: BLE001 - no usable keyring: nothing to remove
        return False


def reread_if_changed(app: AcctApp, plan: Plan) -> None:
    """After a plan that failed part-way (or got no answer), read the account again:
    the panes must not show what was there before as if it still were."""
    if plan.changed:
        app.action_refresh()


def reread_if_unknown(app: AcctApp, exc: BaseException) -> None:
    """After a change that got no answer (it may have been made), read the account again."""
    error = getattr(exc, "error", None)
    if isinstance(error, AwsError) and error.outcome_unknown:
        app.action_refresh()


def failure_text(exc: BaseException) -> str:
    """What went wrong, for the screen (AWS's text with its control characters visible,
    secret fields masked)."""
    from tui.support.visible import visible

    error = getattr(exc, "error", None)
    if error is not None and hasattr(error, "summary"):
        return visible(redact(error.summary()), multiline=True)
    return visible(redact(f"{type(exc).__name__}: {exc}"), multiline=True)


async def access_keys(app: AcctApp, name: str) -> None:
    from tui.screens.access_keys import AccessKeysScreen

    writer = app.service.writer
    try:
        keys = await in_thread(app, lambda: writer.list_access_keys(name), f"keys of {name}")
    except Exception as exc:  # noqa: BLE001
        app.notify(failure_text(exc), title=f"Access keys of {name}", severity="error")
        return
    screen = AccessKeysScreen(app, name, keys)
    if await app.push_screen_wait(screen):
        pairs = [(k.active, k.created) for k in screen.keys]
        app.apply_posture(app.posture.with_user_keys(name, pairs))


# -- fixes behind enter on a recommendation ------------------------------------------------
async def choose_user(app: AcctApp, finding: Finding) -> str | None:
    """The user a fix applies to: the only one, or the one the user picks."""
    from tui.screens.dialogs.choose import ChooseScreen

    if len(finding.users) == 1:
        return finding.users[0]
    if not finding.users:
        return None
    return await app.push_screen_wait(
        ChooseScreen(finding.title, "Which user?", list(finding.users))
    )


async def fix(app: AcctApp, finding: Finding) -> None:
    """Run the fix of ``finding`` (its ``fix.action``), or show its details."""
    action = finding.fix.action if finding.fix else None
    if action == "create_admin_group":
        await create_group(app, NewGroup("administrators", policy_arns=(ADMIN_POLICY_ARN,)))
    elif action == "create_user":
        await create_user(app)
    elif action in ("enroll_mfa", "user_keys"):
        user = await choose_user(app, finding)
        if user is None:
            return
        if action == "user_keys":
            await access_keys(app, user)
        else:
            await enroll_mfa(app, user)
    elif action == "password_policy":
        await password_policy(app)
    elif action == "root_mfa_guide":
        from tui.screens.root_mfa import RootMfaScreen

        await app.push_screen_wait(RootMfaScreen(app))
    elif action == "delete_root_keys":
        await delete_root_keys(app)
    elif action == "set_alias":
        await set_alias(app)


async def enroll_mfa(app: AcctApp, user: str) -> None:
    """Create a virtual device, show its QR, check two codes, enable; never leave orphans."""
    from tui.screens.mfa import MfaScreen

    mfa = app.service.mfa
    while True:
        try:
            device = await in_thread(app, lambda: mfa.create(user), f"MFA device for {user}")
        except Exception as exc:  # noqa: BLE001
            app.notify(failure_text(exc), title=f"MFA for {user}", severity="error")
            return
        screen = MfaScreen(app, device)
        outcome: str | None = None
        serial = device.serial
        try:
            outcome = await app.push_screen_wait(screen)
        except BaseException:
            if not screen.enabled and not screen.failed:
                # The app is closing: the unassigned device must still go (best effort).
                _discard_quietly(mfa, serial)
            raise
        if not screen.enabled and not screen.failed:
            # Cancelled: the unassigned device must go, off the UI thread.
            try:
                await in_thread(app, partial(mfa.discard, serial), f"discard {serial}")
            except Exception as exc:  # noqa: BLE001
                app.notify(
                    f"The unassigned device {serial} could not be removed: {failure_text(exc)}",
                    severity="error",
                )
        del device, screen
        if outcome == "enabled":
            app.apply_posture(app.posture.with_row(user, mfa_active=True))
            app.notify(f"MFA enabled for {user}.", title="Users")
            return
        if outcome != "retry":
            return


def _discard_quietly(mfa: Any, serial: str) -> None:
    try:
        mfa.discard(serial)
    except Exception:  # noqa: BLE001 - closing anyway; nothing left to tell
        return


async def password_policy(app: AcctApp) -> None:
    from tui.screens.forms.password_policy import PasswordPolicyScreen

    current = app.posture.password_policy.value or AWS_DEFAULT_PASSWORD_POLICY
    applied = await app.push_screen_wait(PasswordPolicyScreen(app, current))
    if applied is not None:
        app.apply_posture(app.posture.with_part("password_policy", Part.ok(applied)))
        app.notify("Password policy updated.", title="Account")


async def delete_root_keys(app: AcctApp) -> None:
    mfa = app.service.mfa
    lines = [
        "Every access key of the root user will be deleted. Root keys are never needed for",
        "daily work; use an IAM user's keys instead.",
        "",
        "If acct-tui itself is signed in with a root access key, this session stops working",
        "once that key is gone (it is deleted last): restart with an IAM user's profile.",
    ]
    account, _ = _account(app)
    harm = selfguard.delete_root_keys(await whoami(app), account)
    if not await app.push_screen_wait(confirm_screen("Delete root access keys?", lines, harm)):
        return
    try:
        deleted = await in_thread(app, mfa.delete_root_access_keys, "root access keys")
    except Exception as exc:  # noqa: BLE001 - NotRoot, RootKeysFailure (some deleted)
        app.notify(failure_text(exc), title="Root access keys", severity="error")
        return
    summary = app.posture.summary.value
    if summary is not None:
        summary = replace(summary, root_access_keys_present=False)
        app.apply_posture(app.posture.with_part("summary", Part.ok(summary)))
    app.notify(f"Deleted {len(deleted)} root access key(s).", title="Root")


# -- alias and Regions ----------------------------------------------------------------------
async def set_alias(app: AcctApp) -> None:
    from tui.screens.forms.alias import AliasScreen

    account, alias = _account(app)
    new = await app.push_screen_wait(AliasScreen(app, account, alias))
    if new is not None:
        app.apply_posture(app.posture.with_aliases((new,)))
        app.notify(f"Sign-in URL is now {sign_in_url(account, new)}", title="Account alias")


async def delete_alias(app: AcctApp) -> None:
    from tui.screens.dialogs.confirm import ConfirmScreen

    account, alias = _account(app)
    if alias is None:
        app.notify("There is no alias to delete.", severity="warning")
        return
    lines = [
        f"Delete the alias {alias}.",
        f"{sign_in_url(account, alias)} stops working;",
        f"{sign_in_url(account)} keeps working.",
    ]
    if not await app.push_screen_wait(ConfirmScreen("Delete the account alias?", lines)):
        return
    writer = app.service.alias_writer
    try:
        await in_thread(app, lambda: writer.delete(alias), "DeleteAccountAlias")
    except Exception as exc:  # noqa: BLE001
        app.notify(failure_text(exc), title="Account alias", severity="error")
        reread_if_unknown(app, exc)
        return
    app.apply_posture(app.posture.with_aliases(()))
    app.notify(f"Alias {alias} deleted.", title="Account alias")


async def change_region(app: AcctApp, code: str) -> None:
    """Enable a DISABLED opt-in Region or disable an ENABLED one, after a confirmation."""
    from tui.aws.regions import region_action
    from tui.screens.dialogs.confirm import ConfirmScreen

    listing = app.posture.regions.value
    region = next((r for r in listing.regions if r.code == code), None) if listing else None
    if region is None:
        return
    action, reason = region_action(region)
    if action is None:
        app.notify(reason, title=region.name)
        return
    if action == "enable":
        lines = [
            f"Enable {region.name} ({code}) for this account.",
            "AWS takes from a few minutes to a few hours; acct-tui shows the status as it",
            "changes, and you can keep working meanwhile.",
        ]
        title, label = f"Enable {code}?", "Enable"
    else:
        lines = [
            f"Disable {region.name} ({code}).",
            "IAM principals lose access to resources in this Region. The resources are not",
            "deleted and may still cost money; re-enabling gives access back.",
        ]
        title, label = f"Disable {code}?", "Disable"
    confirm = ConfirmScreen(title, lines, confirm_label=label, danger=action == "disable")
    if not await app.push_screen_wait(confirm):
        return
    writer = app.service.regions_writer
    call = writer.enable if action == "enable" else writer.disable
    try:
        await in_thread(app, lambda: call(code, region.status), f"{label} {code}")
    except Exception as exc:  # noqa: BLE001 - RegionRefused, AwsFailure
        app.notify(failure_text(exc), title=region.name, severity="error")
        reread_if_unknown(app, exc)
        return
    moving = RegionStatus.ENABLING if action == "enable" else RegionStatus.DISABLING
    app.watch_region(code)  # first: the new status is drawn with its elapsed time
    app.apply_posture(app.posture.with_region_status(code, moving))
