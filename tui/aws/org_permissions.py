"""What the Accounts view and ``acct-tui report --org`` need in the management account.

``policies/acct-tui-org-read.json`` (generated with the other policy files by ``python -m
tui.aws.permissions --write``, checked by the same test) grants the organization reads and
``sts:AssumeRole`` on the member role. In each member account, the role needs the read
policy (``policies/acct-tui-read.json``) to be read, or the admin policy for the flows;
``OrganizationAccountAccessRole``, which AWS makes in accounts it creates for an
organization, has AdministratorAccess.

``--read-only`` lets these reads through (they change nothing); ``sts:AssumeRole`` is made
by the credential chain, which ``--read-only`` never refuses.
"""

from __future__ import annotations

import re
from typing import Any

ORG_POLICY = "acct-tui-org-read.json"

DEFAULT_ROLE = "OrganizationAccountAccessRole"
DEFAULT_CONCURRENCY = 8
MAX_CONCURRENCY = 64
# sts:AssumeRole's ExternalId: 2-1224 of these (botocore's model).
_EXTERNAL_ID = re.compile(r"[\w+=,.@:/-]{2,1224}", re.ASCII)
# iam roleNameType: 1-64 of these.
_ROLE_NAME = re.compile(r"[\w+=,.@-]{1,64}", re.ASCII)


def role_problem(name: str) -> str | None:
    """Why ``name`` cannot be an IAM role name (None when it can)."""
    if _ROLE_NAME.fullmatch(name):
        return None
    return (
        f"{name!r} is not an IAM role name (1-64 letters, digits and +=,.@_- characters; "
        "a name, not an ARN)"
    )


def external_id_problem(value: str) -> str | None:
    if _EXTERNAL_ID.fullmatch(value):
        return None
    return "an external id has 2-1224 letters, digits and +=,.@:/_- characters"


def concurrency_problem(value: int) -> str | None:
    if 1 <= value <= MAX_CONCURRENCY:
        return None
    return f"member accounts read at once: 1 to {MAX_CONCURRENCY}"


ORG_READ_ACTIONS: tuple[str, ...] = (
    "organizations:DescribeOrganization",
    "organizations:ListAccounts",
    "organizations:ListAccountsForParent",
    "organizations:ListOrganizationalUnitsForParent",
    "organizations:ListRoots",
)
"""The management account's reads: the accounts, and the OU tree for their paths."""

ASSUME_ACTION = "sts:AssumeRole"


def org_document(role: str = DEFAULT_ROLE) -> dict[str, Any]:
    """The management account's policy: the organization reads, and assuming ``role`` in
    any account (an SCP or the role's trust policy narrows it further)."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AcctTuiOrgRead",
                "Effect": "Allow",
                "Action": list(ORG_READ_ACTIONS),
                "Resource": "*",
            },
            {
                "Sid": "AcctTuiAssumeMemberRole",
                "Effect": "Allow",
                "Action": [ASSUME_ACTION],
                "Resource": f"arn:aws:iam::*:role/{role}",
            },
        ],
    }
