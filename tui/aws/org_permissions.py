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

from typing import Any

ORG_POLICY = "acct-tui-org-read.json"
DEFAULT_ROLE = "OrganizationAccountAccessRole"

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
