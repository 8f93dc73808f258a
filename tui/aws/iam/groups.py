"""IAM group plans: create a group with its policies; delete a group and all it holds."""

from __future__ import annotations

from typing import Any

from tui.aws.iam.models import FIELD_NAME, FIELD_PATH, FIELD_POLICIES, NewGroup
from tui.aws.iam.steps import GROUP, IamPlanWriter, short_arn
from tui.aws.plan import Operation, Plan
from tui.aws.validate import group_name_error, path_error
from tui.aws.writer import InvalidRequest


def _group_errors(new: NewGroup, arns: tuple[str, ...]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if problem := group_name_error(new.name):
        errors[FIELD_NAME] = problem
    if problem := path_error(new.path):
        errors[FIELD_PATH] = problem
    bad = [a for a in arns if not (a.startswith("arn:") and ":policy/" in a)]
    if bad:
        errors[FIELD_POLICIES] = f"Not a managed policy ARN: {bad[0]}"
    return errors


class GroupPlans(IamPlanWriter):
    """Group plans of the IAM writer."""

    def plan_create_group(self, new: NewGroup) -> Plan:
        """CreateGroup, then AttachGroupPolicy for each policy. Raises
        :class:`InvalidRequest` (a ValueError) without calling AWS when input is bad."""
        arns = tuple(dict.fromkeys(new.policy_arns))
        if errors := _group_errors(new, arns):
            raise InvalidRequest(errors)
        name = new.name
        params: dict[str, Any] = {"GroupName": name}
        if new.path != "/":
            params["Path"] = new.path
        ops = [self._create_step(GROUP, name, params)]
        ops += [
            self._reversible(
                "AttachGroupPolicy",
                f"Attach {short_arn(arn)} to group {name}",
                f"policy {short_arn(arn)}",
                {"GroupName": name, "PolicyArn": arn},
                "DetachGroupPolicy",
                f"Detach {short_arn(arn)} from group {name}",
            )
            for arn in arns
        ]
        return self._plan(f"Create group {name}", ops, kind="create")

    def plan_delete_group(self, name: str) -> Plan:
        """Remove the members, detach and delete the policies, then DeleteGroup.
        Raises :class:`AwsFailure` when a read fails (``NoSuchEntity``: no such group)."""
        ops: list[Operation] = []
        for u in self._pages("GetGroup", "Users", GroupName=name):
            user = u["UserName"]
            ops.append(
                self._remove("RemoveUserFromGroup", f"member {user}", GroupName=name, UserName=user)
            )
        ops += self._detachments("DetachGroupPolicy", "ListAttachedGroupPolicies", GroupName=name)
        ops += self._inline_deletions("DeleteGroupPolicy", "ListGroupPolicies", GroupName=name)
        ops.append(self._delete_main(GROUP, name))
        return self._plan(f"Delete group {name}", ops, kind="delete")
