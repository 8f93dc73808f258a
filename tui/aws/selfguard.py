"""Self-protection: would an action remove or cripple the identity acct-tui runs as?

Pure functions over what acct-tui knows of itself (the caller ARN from GetCallerIdentity,
the access key id it signs with) and of the account (users, groups, policies). Each returns
a :class:`SelfHarm` — plain sentences for the confirmation and the name the user must type
to go on — or ``None`` when the action cannot touch acct-tui's own identity.

When acct-tui does not know who it is (the caller could not be read), every guarded action
is treated as possibly harmful: it cannot rule out that the target is itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tui.aws.models import ADMIN_POLICY_ARN, AuthDetails, Caller


@dataclass(frozen=True)
class Identity:
    """Who acct-tui runs as: the caller (``None`` when unread) and its signing key id."""

    caller: Caller | None
    key_id: str | None = None
    source_key_ids: frozenset[str] = frozenset()
    """Long-term keys the session's credentials are made from (an assume-role profile's
    ``source_profile``): removing one cripples acct-tui although it signs as a role."""

    @property
    def user(self) -> str | None:
        return self.caller.user_name if self.caller else None


@dataclass(frozen=True)
class SelfHarm:
    """Why an action would hurt acct-tui's own identity, and what to type to go on."""

    lines: tuple[str, ...]
    type_to_confirm: str


def _unknown(name: str, what: str) -> SelfHarm:
    return SelfHarm(
        (
            "acct-tui could not read who it runs as, so it cannot rule out that "
            f"{what} is its own identity.",
        ),
        name,
    )


def admin_paths(user: str, details: AuthDetails) -> set[str]:
    """How ``user`` gets AdministratorAccess: ``group:NAME`` for each admin group it is
    in, ``user`` when the policy is attached to it directly."""
    member = next((u for u in details.users if u.name == user), None)
    if member is None:
        return set()
    paths = {f"group:{g.name}" for g in details.groups if g.name in member.groups and g.has_admin()}
    if any(p.arn == ADMIN_POLICY_ARN for p in member.attached_policies):
        paths.add("user")
    return paths


def delete_user(me: Identity, name: str, keys: Sequence[str] = ()) -> SelfHarm | None:
    """Deleting IAM user ``name``, whose access key ids are ``keys``."""
    if me.caller is None:
        return _unknown(name, f"user {name}")
    sources = sorted(me.source_key_ids.intersection(keys))
    if me.user != name and sources:
        return SelfHarm(
            (
                f"acct-tui runs as {me.caller.arn}, with credentials made from {name}'s "
                f"access key {', '.join(sources)} (the profile's source_profile).",
                "Once the user is gone, this session fails when its credentials are renewed, "
                "and the profile stops working.",
            ),
            name,
        )
    if me.user != name:
        return None
    key = f" with access key {me.key_id}" if me.key_id else ""
    return SelfHarm(
        (
            f"This is you: acct-tui signs every call as {me.caller.arn}{key}.",
            "Once the user is gone, every call of this session fails; you will need other "
            "credentials to get back in.",
        ),
        name,
    )


def change_key(me: Identity, user: str, key_id: str, *, delete: bool) -> SelfHarm | None:
    """Deactivating (``delete=False``) or deleting access key ``key_id`` of ``user``."""
    if me.caller is None:
        return _unknown(key_id, f"access key {key_id}")
    verb = "deleted" if delete else "deactivated"
    if key_id in me.source_key_ids:
        return SelfHarm(
            (
                f"acct-tui runs as {me.caller.arn}, with credentials made from this key (the "
                "profile's source_profile).",
                f"Once it is {verb}, this session fails when its credentials are renewed, and "
                "the profile stops working.",
            ),
            user,
        )
    if me.user == user and (me.key_id is None or not me.key_id.startswith("AKIA")):
        # Temporary credentials (aws-vault, a credential_process, an MFA session) or a key
        # that cannot be read: they may be made from any of the user's long-term keys.
        how = f"temporary credentials ({me.key_id})" if me.key_id else "a key it cannot see"
        return SelfHarm(
            (
                f"acct-tui runs as {me.caller.arn} with {how}, which may come from this key.",
                f"If so, once it is {verb}, this session fails when its credentials are "
                "renewed, and the profile stops working.",
            ),
            user,
        )
    if me.key_id is None or key_id != me.key_id:
        return None
    return SelfHarm(
        (
            f"This is the key acct-tui signs with right now ({me.caller.arn}).",
            f"Once it is {verb}, every call of this session fails"
            + ("." if delete else " until the key is activated again from other credentials."),
        ),
        user,
    )


def delete_group(me: Identity, details: AuthDetails | None, group: str) -> SelfHarm | None:
    """Deleting group ``group`` (its members are removed and its policies detached first)."""
    return lose_admin_path(me, details, f"group:{group}", group)


def lose_admin_path(
    me: Identity, details: AuthDetails | None, path: str, name: str
) -> SelfHarm | None:
    """Taking away admin path ``path`` (see :func:`admin_paths`) from acct-tui's user:
    deleting the group, removing the user from it, detaching AdministratorAccess from the
    group (all ``group:NAME``) or from the user (``user``). ``name`` is what to type."""
    if me.caller is None:
        return _unknown(name, name)
    user = me.user
    if user is None:  # root or a role: IAM groups and user policies are not how it is admin
        return None
    if details is None:
        return SelfHarm(
            (
                f"acct-tui could not read the account's groups and policies, so it cannot "
                f"tell whether {name} is how {user} (acct-tui's identity) is an administrator.",
            ),
            name,
        )
    paths = admin_paths(user, details)
    if path not in paths or paths - {path}:
        return None
    how = f"{name}" if path.startswith("group:") else "AdministratorAccess attached to it"
    return SelfHarm(
        (
            f"{how} is how {user} — the identity acct-tui runs as — gets AdministratorAccess, "
            "and it has no other way.",
            f"After this, {user} is no longer an administrator: this session can no longer "
            "manage IAM.",
        ),
        name,
    )


def remove_mfa(me: Identity, user: str, serial: str) -> SelfHarm | None:
    """Deactivating and deleting MFA device ``serial`` of ``user``."""
    if me.caller is None:
        return _unknown(user, f"{user}'s MFA device")
    if me.user != user:
        return None
    return SelfHarm(
        (
            f"This is your own MFA device: acct-tui runs as {me.caller.arn}.",
            f"{user} signs in without MFA afterwards, and any policy or role that requires MFA "
            "stops working for you until a new device is enrolled.",
        ),
        user,
    )


def remove_password(me: Identity, user: str) -> SelfHarm | None:
    """Removing the console password of ``user`` (DeleteLoginProfile)."""
    if me.caller is None:
        return _unknown(user, f"{user}'s console password")
    if me.user != user:
        return None
    return SelfHarm(
        (
            f"This is your own console password: acct-tui runs as {me.caller.arn}.",
            f"acct-tui keeps working (it signs with an access key), but {user} can no longer "
            "sign in to the AWS console until a password is given again.",
        ),
        user,
    )


def delete_root_keys(me: Identity, account_id: str) -> SelfHarm | None:
    """Deleting every access key of root (only root can, so the caller is root)."""
    if me.caller is None:
        return _unknown(account_id, "the root user")
    if not me.caller.is_root:
        return None
    return SelfHarm(
        (
            "acct-tui signs as root, with one of these keys: once it is deleted (last), "
            "every call of this session fails.",
            "Create your admin user first (Getting started, steps 3-5) and restart with its "
            "profile.",
        ),
        account_id,
    )


def switch_identity(me: Identity, user: str) -> SelfHarm:
    """Switching acct-tui's own session to ``user``'s key (always confirmed by name)."""
    was = me.caller.arn if me.caller else "the current identity"
    return SelfHarm(
        (f"acct-tui stops signing as {was}; going back means quitting and starting it again.",),
        user,
    )
