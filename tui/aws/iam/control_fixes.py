"""The IAM plans behind two CIS fixes: a support role (1.16) and deleting expired server
certificates (1.18).

The support role: CreateRole, trusted by this account's root principal (so any of its IAM
identities that is allowed sts:AssumeRole on it can use it), optionally only with MFA; then
AttachRolePolicy AWSSupportAccess. The rollback detaches the policy, then deletes the role
(only once it is proven to be this plan's).

Deleting a server certificate cannot be undone: IAM keeps the private key nowhere else, so
those plans have no rollback.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tui.aws.control_models import SUPPORT_POLICY_ARN, ServerCertificate
from tui.aws.errors import AwsFailure
from tui.aws.iam.steps import CLOCK_SLACK, IamPlanWriter, described, on_aws_clock, stamp
from tui.aws.plan import Operation, Plan, Recovery
from tui.aws.validate import role_name_error
from tui.aws.writer import InvalidRequest

__all__ = [
    "DEFAULT_SUPPORT_ROLE",
    "FIELD_ROLE_NAME",
    "ControlFixPlans",
    "SupportRole",
    "trust_policy",
]

DEFAULT_SUPPORT_ROLE = "aws-support"
FIELD_ROLE_NAME = "role-name"
SUPPORT_ROLE_DESCRIPTION = "Opens and manages AWS Support cases (CIS 1.16; made by acct-tui)"


@dataclass(frozen=True)
class SupportRole:
    """What the support-role form returns: the role's name, and whether assuming it
    needs MFA."""

    name: str = DEFAULT_SUPPORT_ROLE
    require_mfa: bool = True


def trust_policy(account_id: str, require_mfa: bool) -> dict[str, Any]:
    """Who may assume the role: this account's principals (``…:root`` stands for the
    account, not the root user), with MFA when ``require_mfa``."""
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
        "Action": "sts:AssumeRole",
    }
    if require_mfa:
        statement["Condition"] = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
    return {"Version": "2012-10-17", "Statement": [statement]}


def expiry_text(expires: datetime | None) -> str:
    return f"expired {expires:%Y-%m-%d}" if expires is not None else "expiry unknown"


class ControlFixPlans(IamPlanWriter):
    """The support-role and expired-certificate plans, on the IAM writer base."""

    def plan_support_role(self, role: SupportRole, *, account_id: str) -> Plan:
        """CreateRole → AttachRolePolicy AWSSupportAccess; rollback detaches, then deletes.

        Raises :class:`InvalidRequest` without calling AWS when the name breaks IAM's rules."""
        if problem := role_name_error(role.name):
            raise InvalidRequest({FIELD_ROLE_NAME: problem})
        name = role.name
        document = json.dumps(trust_policy(account_id, role.require_mfa), separators=(",", ":"))
        params = {
            "RoleName": name,
            "AssumeRolePolicyDocument": document,
            "Description": SUPPORT_ROLE_DESCRIPTION,
        }
        mfa = ", with MFA" if role.require_mfa else ""
        create = self._create_role(
            name, params, f"Create role {name}, assumable by this account's identities{mfa}"
        )
        attach = self._reversible(
            "AttachRolePolicy",
            f"Attach AWSSupportAccess to role {name}",
            "policy AWSSupportAccess",
            {"RoleName": name, "PolicyArn": SUPPORT_POLICY_ARN},
            "DetachRolePolicy",
            f"Detach AWSSupportAccess from role {name}",
        )
        return self._plan(f"Create support role {name}", [create, attach], kind="create")

    def plan_delete_certificates(self, certificates: Sequence[ServerCertificate]) -> Plan:
        """DeleteServerCertificate for each of ``certificates`` (one already gone counts
        as deleted). Not reversible."""
        if not certificates:
            raise InvalidRequest({"certificates": "Choose at least one certificate"})
        ops = [
            described(
                self._remove(
                    "DeleteServerCertificate",
                    f"certificate {c.name}",
                    ServerCertificateName=c.name,
                ),
                f"Delete server certificate {c.name} ({expiry_text(c.expires)})",
            )
            for c in certificates
        ]
        count = len(ops)
        title = (
            f"Delete server certificate {certificates[0].name}"
            if count == 1
            else f"Delete {count} server certificates"
        )
        return self._plan(title, ops, kind="delete")

    def _create_role(self, name: str, params: dict[str, Any], description: str) -> Operation:
        """CreateRole, undone by DeleteRole only once the role is proven to be this plan's
        (as :meth:`IamPlanWriter._create_step` does for users and groups)."""
        started: list[datetime] = []
        main = self._op(
            "CreateRole",
            description,
            f"role {name}",
            params,
            before=functools.partial(stamp, started),
        )
        main.undo = self._undo(main.step.id, "DeleteRole", f"Delete role {name}", RoleName=name)
        main.recover = lambda: self._recover_role(name, started)
        main.undo_needs_proof = True
        return main

    def _recover_role(self, name: str, since: list[datetime]) -> Recovery:
        """After a CreateRole with no answer: made by this plan only if created after it
        started (on AWS's clock). A role that cannot be read back is never rolled back, and
        the plan says why it cannot tell."""
        try:
            response = self._call("GetRole", {"RoleName": name})
            created = response["Role"]["CreateDate"]
        except AwsFailure as exc:
            if exc.error.code == "NoSuchEntity":
                return Recovery(None)  # not there yet (IAM lags), or never made
            return Recovery(
                None, f"whether role {name} is this plan's is unknown: {exc.error.summary()}"
            )
        except (KeyError, TypeError):
            return Recovery(None)
        if not since:
            return Recovery(None)
        if created < on_aws_clock(since[0], response) - CLOCK_SLACK:
            return Recovery(
                False,
                f"role {name} existed before this plan (created {created:%Y-%m-%d %H:%M} UTC): "
                "not made by acct-tui, left alone (never rolled back)",
            )
        return Recovery(True)
