"""IAM access plans: group memberships, attaching and detaching managed policies on users
and groups, and moving a user's directly attached policies to a group.

Every plan is built first (input validated, nothing sent) and run step by step; the
additions are undone in reverse by a rollback. Removals (remove from a group, detach)
are single-step plans that count "already gone" as done.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from tui.aws.iam.models import FIELD_GROUPS, FIELD_NAME, FIELD_POLICIES, MAX_GROUPS_PER_USER
from tui.aws.iam.steps import AFTER_CREATE, GROUP, IamPlanWriter, described, short_arn
from tui.aws.plan import Operation, Plan
from tui.aws.validate import group_name_error, user_name_error
from tui.aws.writer import InvalidRequest

Kind = Literal["user", "group"]
FIELD_USERS = "users"


def _policy_errors(arns: Sequence[str]) -> dict[str, str]:
    bad = [a for a in arns if not (a.startswith("arn:") and ":policy/" in a)]
    return {FIELD_POLICIES: f"Not a managed policy ARN: {bad[0]}"} if bad else {}


def _owner(kind: Kind, name: str) -> dict[str, str]:
    return {"UserName": name} if kind == "user" else {"GroupName": name}


def _kind_error(kind: str, name: str) -> str | None:
    if kind == "user":
        return user_name_error(name)
    if kind == "group":
        return group_name_error(name)
    return f"Not a user or a group: {kind}"


class AccessPlans(IamPlanWriter):
    """Membership and policy-attachment plans of the IAM writer."""

    def _addition(
        self,
        operation: str,
        description: str,
        what: str,
        params: dict[str, Any],
        undo: str,
        undo_description: str,
        *,
        after_create: bool = False,
    ) -> Operation:
        """A step that adds something, undone by ``undo`` with the same parameters.
        ``after_create``: the step follows a create in the same plan (IAM may lag)."""
        op = self._op(
            operation, description, what, params, retry=AFTER_CREATE if after_create else ()
        )
        op.undo = self._undo(op.step.id, undo, undo_description, **params)
        return op

    def _membership(self, user: str, group: str, *, after_create: bool = False) -> Operation:
        return self._addition(
            "AddUserToGroup",
            f"Add {user} to group {group}",
            f"membership of group {group}",
            {"GroupName": group, "UserName": user},
            "RemoveUserFromGroup",
            f"Remove {user} from group {group}",
            after_create=after_create,
        )

    def _member(self, group: str, user: str) -> Operation:
        op = self._membership(user, group)
        op.what = f"member {user}"
        return op

    def _attachment(
        self, kind: Kind, name: str, arn: str, *, after_create: bool = False
    ) -> Operation:
        verb = "User" if kind == "user" else "Group"
        return self._addition(
            f"Attach{verb}Policy",
            f"Attach {short_arn(arn)} to {kind} {name}",
            f"policy {short_arn(arn)}",
            {**_owner(kind, name), "PolicyArn": arn},
            f"Detach{verb}Policy",
            f"Detach {short_arn(arn)} from {kind} {name}",
            after_create=after_create,
        )

    # -- memberships ---------------------------------------------------------------------
    def plan_add_to_groups(
        self, user: str, groups: Sequence[str], *, already: Sequence[str] = ()
    ) -> Plan:
        """AddUserToGroup for each of ``groups``; ``already``: the groups the user is in
        (AWS allows :data:`MAX_GROUPS_PER_USER`). Raises :class:`InvalidRequest`."""
        wanted = [g for g in dict.fromkeys(groups) if g not in already]
        errors: dict[str, str] = {}
        if not wanted:
            errors[FIELD_GROUPS] = "Choose at least one group the user is not in"
        elif len(wanted) + len(already) > MAX_GROUPS_PER_USER:
            room = max(0, MAX_GROUPS_PER_USER - len(already))
            errors[FIELD_GROUPS] = (
                f"A user can be in at most {MAX_GROUPS_PER_USER} groups: {user} is in "
                f"{len(already)}, so at most {room} more"
            )
        if problem := next(filter(None, map(group_name_error, wanted)), None):
            errors[FIELD_GROUPS] = problem
        if problem := user_name_error(user):
            errors[FIELD_NAME] = problem
        if errors:
            raise InvalidRequest(errors)
        ops = [self._membership(user, g) for g in wanted]
        return self._plan(f"Add {user} to {', '.join(wanted)}", ops, kind="create")

    def plan_add_members(self, group: str, users: Sequence[str]) -> Plan:
        """AddUserToGroup for each of ``users``. Raises :class:`InvalidRequest`."""
        wanted = list(dict.fromkeys(users))
        errors: dict[str, str] = {}
        if not wanted:
            errors[FIELD_USERS] = "Choose at least one user"
        if problem := next(filter(None, map(user_name_error, wanted)), None):
            errors[FIELD_USERS] = problem
        if problem := group_name_error(group):
            errors[FIELD_NAME] = problem
        if errors:
            raise InvalidRequest(errors)
        ops = [self._member(group, u) for u in wanted]
        return self._plan(f"Add {', '.join(wanted)} to group {group}", ops, kind="create")

    def plan_remove_from_group(self, user: str, group: str) -> Plan:
        """RemoveUserFromGroup (already out of it counts as done); undone by adding back."""
        params = {"GroupName": group, "UserName": user}
        op = self._remove("RemoveUserFromGroup", f"membership of group {group}", **params)
        op = described(op, f"Remove {user} from group {group}")
        op.undo = self._undo(
            op.step.id, "AddUserToGroup", f"Add {user} to group {group} again", **params
        )
        return self._plan(f"Remove {user} from group {group}", [op], kind="delete")

    # -- managed policies ----------------------------------------------------------------
    def plan_attach_policies(self, kind: Kind, name: str, arns: Sequence[str]) -> Plan:
        """AttachUserPolicy / AttachGroupPolicy for each of ``arns``."""
        wanted = list(dict.fromkeys(arns))
        errors = _policy_errors(wanted)
        if not wanted:
            errors[FIELD_POLICIES] = "Choose at least one policy"
        if problem := _kind_error(kind, name):
            errors[FIELD_NAME] = problem
        if errors:
            raise InvalidRequest(errors)
        ops = [self._attachment(kind, name, arn) for arn in wanted]
        names = ", ".join(map(short_arn, wanted))
        return self._plan(f"Attach {names} to {kind} {name}", ops, kind="create")

    def plan_detach_policy(self, kind: Kind, name: str, arn: str) -> Plan:
        """DetachUserPolicy / DetachGroupPolicy (already detached counts as done)."""
        if errors := _policy_errors([arn]):
            raise InvalidRequest(errors)
        if problem := _kind_error(kind, name):
            raise InvalidRequest({FIELD_NAME: problem})
        verb = "User" if kind == "user" else "Group"
        params = {**_owner(kind, name), "PolicyArn": arn}
        op = self._remove(f"Detach{verb}Policy", f"policy {short_arn(arn)}", **params)
        op = described(op, f"Detach {short_arn(arn)} from {kind} {name}")
        op.undo = self._undo(
            op.step.id, f"Attach{verb}Policy", f"Attach {short_arn(arn)} again", **params
        )
        return self._plan(f"Detach {short_arn(arn)} from {kind} {name}", [op], kind="delete")

    # -- permissions from groups, not users ----------------------------------------------
    def plan_move_policies_to_group(
        self, user: str, group: str, arns: Sequence[str], *, new_group: bool, member: bool
    ) -> Plan:
        """Move ``user``'s directly attached managed policies ``arns`` to ``group``:
        (CreateGroup when ``new_group``) → AttachGroupPolicy each → AddUserToGroup (unless
        ``member`` already) → DetachUserPolicy each. The user keeps every permission at
        each step; a rollback undoes the completed steps in reverse."""
        wanted = list(dict.fromkeys(arns))
        errors = _policy_errors(wanted)
        if not wanted:
            errors[FIELD_POLICIES] = f"{user} has no directly attached managed policy"
        if problem := group_name_error(group):
            errors[FIELD_GROUPS] = problem
        if errors:
            raise InvalidRequest(errors)
        ops: list[Operation] = []
        if new_group:
            ops.append(self._create_step(GROUP, group, {"GroupName": group}))
        for arn in wanted:
            op = self._attachment("group", group, arn, after_create=new_group)
            op.what = f"policy {short_arn(arn)} on group {group}"
            ops.append(op)
        if not member:
            ops.append(self._membership(user, group, after_create=new_group))
        for arn in wanted:
            params = {"UserName": user, "PolicyArn": arn}
            op = self._addition(
                "DetachUserPolicy",
                f"Detach {short_arn(arn)} from user {user}",
                f"policy {short_arn(arn)} detached from user {user}",
                params,
                "AttachUserPolicy",
                f"Attach {short_arn(arn)} to user {user} again",
            )
            ops.append(op)
        title = f"Move {user}'s policies to group {group}"
        return self._plan(title, ops, kind="create")
