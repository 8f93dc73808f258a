"""Every IAM action acct-tui can take, by flow: the one list both shipped policies come from.

``policies/acct-tui-read.json`` grants the read flows (the refresh, a user's MFA devices, a
user's access keys); ``--read-only`` lets exactly those actions reach AWS and refuses every
other one (:data:`tui.aws.session.READ_ONLY_ALLOWED`), so a read the code starts making
must be added here or it is refused under ``--read-only``. ``policies/acct-tui-admin.json``
grants every flow. Both files are generated from this module and a test fails when they
drift from it; other tests count the calls each flow really makes against the list and run
both policies on a moto_server that enforces IAM.

    python -m tui.aws.permissions --write    # regenerate policies/*.json
    python -m tui.aws.permissions --check    # exit 1 when they differ from this list
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tui.aws.org_permissions import ASSUME_ACTION, ORG_POLICY, ORG_READ_ACTIONS, org_document

POLICY_DIR = Path(__file__).resolve().parents[2] / "policies"
READ_POLICY = "acct-tui-read.json"
ADMIN_POLICY = "acct-tui-admin.json"


@dataclass(frozen=True)
class Flow:
    """One thing acct-tui does, how a user starts it, and the IAM actions it needs.

    ``actions`` are the API operations the flow calls (rollback steps included);
    ``implied`` are actions AWS checks on top of them, which no call counter sees:
    CreateUser with tags also needs iam:TagUser.
    """

    name: str
    start: str
    actions: tuple[str, ...]
    implied: tuple[str, ...] = ()

    @property
    def needs(self) -> tuple[str, ...]:
        """Everything the flow's caller must be allowed."""
        return _unique((*self.actions, *self.implied))


READ_FLOWS: tuple[Flow, ...] = (
    Flow(
        "refresh",
        "start-up, r, and the Region status polling",
        (
            "sts:GetCallerIdentity",
            "iam:GetAccountSummary",
            "iam:GetAccountAuthorizationDetails",
            # Not a pure read: it asks IAM to build a new credential report (at most one
            # every 4 hours). It changes no setting, identity or credential, and the
            # checks on passwords, keys and MFA need the report, so --read-only allows it.
            "iam:GenerateCredentialReport",
            "iam:GetCredentialReport",
            "iam:ListAccountAliases",
            "iam:GetAccountPasswordPolicy",
            "account:ListRegions",
            "account:GetRegionOptStatus",
            "ec2:DescribeRegions",
        ),
    ),
    Flow(
        "CIS controls",
        "start-up, r and `acct-tui report` (one read each; ListAnalyzers once per enabled Region)",
        (
            "account:GetAlternateContact",
            "iam:ListVirtualMFADevices",
            "iam:ListServerCertificates",
            "access-analyzer:ListAnalyzers",
            "iam:ListEntitiesForPolicy",
            "iam:ListOrganizationsFeatures",
            "iam:ListSAMLProviders",
            "iam:ListOpenIDConnectProviders",
            "sso:ListInstances",
        ),
    ),
    Flow(
        "user details",
        "enter on a user (the workspace)",
        ("iam:ListMFADevices", "iam:ListAccessKeys", "iam:GetAccessKeyLastUsed"),
    ),
    Flow(
        "policy documents",
        "v on a policy of a user or group",
        ("iam:GetPolicy", "iam:GetPolicyVersion", "iam:GetUserPolicy", "iam:GetGroupPolicy"),
    ),
    Flow("access keys", "k on a user", ("iam:ListAccessKeys", "iam:GetAccessKeyLastUsed")),
)

WRITE_FLOWS: tuple[Flow, ...] = (
    Flow(
        "create group",
        "n in Groups, the administrators-group fix",
        (
            "iam:ListPolicies",
            "iam:CreateGroup",
            "iam:AttachGroupPolicy",
            "iam:DetachGroupPolicy",
            "iam:DeleteGroup",
        ),
    ),
    Flow(
        "create user",
        "n in Users, the new-user fix",
        (
            "iam:CreateUser",
            "iam:CreateLoginProfile",
            "iam:AttachUserPolicy",
            "iam:AddUserToGroup",
            "iam:CreateAccessKey",
            "iam:DeleteAccessKey",
            "iam:RemoveUserFromGroup",
            "iam:DetachUserPolicy",
            "iam:DeleteLoginProfile",
            "iam:DeleteUser",
        ),
        implied=("iam:TagUser",),
    ),
    Flow(
        "delete user",
        "ctrl+d in Users",
        (
            "iam:GetUser",
            "iam:GetLoginProfile",
            "iam:ListAccessKeys",
            "iam:ListMFADevices",
            "iam:ListSigningCertificates",
            "iam:ListSSHPublicKeys",
            "iam:ListServiceSpecificCredentials",
            "iam:ListGroupsForUser",
            "iam:ListUserPolicies",
            "iam:ListAttachedUserPolicies",
            "iam:DeleteLoginProfile",
            "iam:DeleteAccessKey",
            "iam:DeactivateMFADevice",
            "iam:DeleteVirtualMFADevice",
            "iam:DeleteSigningCertificate",
            "iam:DeleteSSHPublicKey",
            "iam:DeleteServiceSpecificCredential",
            "iam:RemoveUserFromGroup",
            "iam:DeleteUserPolicy",
            "iam:DetachUserPolicy",
            "iam:DeleteUser",
        ),
    ),
    Flow(
        "delete group",
        "ctrl+d in Groups",
        (
            "iam:GetGroup",
            "iam:ListAttachedGroupPolicies",
            "iam:ListGroupPolicies",
            "iam:RemoveUserFromGroup",
            "iam:DetachGroupPolicy",
            "iam:DeleteGroupPolicy",
            "iam:DeleteGroup",
        ),
    ),
    Flow(
        "change access keys",
        "d and ctrl+d in a user's access keys, the old-keys fixes",
        ("iam:ListAccessKeys", "iam:UpdateAccessKey", "iam:DeleteAccessKey"),
    ),
    Flow(
        "rotate access key",
        "r in a user's access keys or workspace, enter on the old-keys and unused-keys findings",
        (
            "iam:ListAccessKeys",
            "iam:CreateAccessKey",
            # Signed with the new key: the proof that it works before the old one goes.
            "sts:GetCallerIdentity",
            "iam:UpdateAccessKey",
            "iam:DeleteAccessKey",
        ),
    ),
    Flow(
        "enroll MFA",
        "m on a user, the MFA fix, 'users: add MFA for yourself'",
        (
            "iam:CreateVirtualMFADevice",
            "iam:EnableMFADevice",
            "iam:ListMFADevices",
            "iam:DeleteVirtualMFADevice",
        ),
    ),
    Flow(
        "remove MFA device",
        "ctrl+d in a user's details",
        ("iam:ListMFADevices", "iam:DeactivateMFADevice", "iam:DeleteVirtualMFADevice"),
    ),
    Flow(
        "password policy",
        "enter on the password-policy finding",
        ("iam:UpdateAccountPasswordPolicy",),
    ),
    Flow(
        "account alias",
        "n and ctrl+d in Account alias, the alias fix",
        ("iam:CreateAccountAlias", "iam:DeleteAccountAlias"),
    ),
    Flow(
        "opt-in Regions",
        "enter on a Region",
        ("account:EnableRegion", "account:DisableRegion", "account:GetRegionOptStatus"),
    ),
    Flow(
        "root access keys",
        "enter on the root-keys finding, signed in as root",
        ("sts:GetCallerIdentity", "iam:ListAccessKeys", "iam:DeleteAccessKey"),
    ),
    Flow(
        "group memberships",
        "a user's groups, a on a group's members, ctrl+d to remove",
        ("iam:AddUserToGroup", "iam:RemoveUserFromGroup"),
    ),
    Flow(
        "attach and detach policies",
        "p on a user or group, ctrl+d on an attached policy",
        (
            "iam:ListPolicies",
            "iam:AttachUserPolicy",
            "iam:AttachGroupPolicy",
            "iam:DetachUserPolicy",
            "iam:DetachGroupPolicy",
        ),
    ),
    Flow(
        "move policies to a group",
        "enter on the permissions-from-groups finding",
        (
            "iam:CreateGroup",
            "iam:AttachGroupPolicy",
            "iam:AddUserToGroup",
            "iam:DetachUserPolicy",
            "iam:AttachUserPolicy",
            "iam:RemoveUserFromGroup",
            "iam:DetachGroupPolicy",
            "iam:DeleteGroup",
        ),
    ),
    Flow("user tags", "e on a user's tags", ("iam:TagUser", "iam:UntagUser")),
    Flow(
        "console password",
        "add, reset or remove a console password (user details; the unused-passwords fix)",
        (
            "iam:GetLoginProfile",
            "iam:CreateLoginProfile",
            "iam:UpdateLoginProfile",
            "iam:DeleteLoginProfile",
            "iam:AttachUserPolicy",
            "iam:DetachUserPolicy",
        ),
    ),
    Flow(
        "new access key",
        "n in a user's access keys (at the two-key limit: deactivate or delete one first)",
        (
            "iam:ListAccessKeys",
            "iam:UpdateAccessKey",
            "iam:DeleteAccessKey",
            "iam:CreateAccessKey",
        ),
    ),
    Flow(
        "create analyzers",
        "enter on the Access Analyzer finding (CIS 1.19)",
        (
            "access-analyzer:CreateAnalyzer",
            # Reads back a create whose answer was lost; deletes on rollback.
            "access-analyzer:GetAnalyzer",
            "access-analyzer:DeleteAnalyzer",
        ),
        # The account's first analyzer makes the AWSServiceRoleForAccessAnalyzer role.
        implied=("iam:CreateServiceLinkedRole",),
    ),
    Flow(
        "security contact",
        "enter on the security-contact finding (rollback: the previous contact, or none)",
        ("account:PutAlternateContact", "account:DeleteAlternateContact"),
    ),
    Flow(
        "support role",
        "enter on the support-role finding",
        (
            "iam:CreateRole",
            "iam:GetRole",
            "iam:AttachRolePolicy",
            "iam:DetachRolePolicy",
            "iam:DeleteRole",
        ),
    ),
    Flow("expired certificates", "enter on that finding", ("iam:DeleteServerCertificate",)),
)

FLOWS: tuple[Flow, ...] = (*READ_FLOWS, *WRITE_FLOWS)


def _unique(actions: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(actions))


def _needs(flows: Iterable[Flow]) -> tuple[str, ...]:
    """Every action of ``flows``, sorted by service, then name."""
    return tuple(sorted(_unique(a for f in flows for a in f.needs)))


READ_ACTIONS: tuple[str, ...] = _needs(READ_FLOWS)
"""What the read policy grants: every call ``--read-only`` can make."""

ADMIN_ACTIONS: tuple[str, ...] = _needs(FLOWS)
"""What the admin policy grants: every action of every flow."""

WRITE_ACTIONS: tuple[str, ...] = tuple(a for a in ADMIN_ACTIONS if a not in READ_ACTIONS)
"""What only the admin policy grants (the reads that write flows plan with included)."""


def flow(name: str) -> Flow:
    """The flow called ``name``."""
    return next(f for f in FLOWS if f.name == name)


def policy_for(action: str) -> str:
    """The shipped policy file that grants ``action`` (read if it can, else admin)."""
    if action in ORG_READ_ACTIONS or action == ASSUME_ACTION:
        return f"policies/{ORG_POLICY}"
    return f"policies/{READ_POLICY if action in READ_ACTIONS else ADMIN_POLICY}"


def denied_hint(action: str) -> str:
    """What to tell a user whose identity was refused ``action``."""
    return f"Your identity needs {action}: {policy_for(action)} grants it"


def policy_document(statements: Sequence[tuple[str, Sequence[str]]]) -> dict[str, Any]:
    """An IAM policy allowing each ``(sid, actions)`` on every resource."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": sid, "Effect": "Allow", "Action": list(actions), "Resource": "*"}
            for sid, actions in statements
        ],
    }


def documents() -> dict[str, str]:
    """The text of each policy file, by file name, exactly as the repo holds it."""
    read = policy_document([("AcctTuiRead", READ_ACTIONS)])
    admin = policy_document([("AcctTuiRead", READ_ACTIONS), ("AcctTuiWrite", WRITE_ACTIONS)])
    docs = ((READ_POLICY, read), (ADMIN_POLICY, admin), (ORG_POLICY, org_document()))
    return {name: json.dumps(doc, indent=2) + "\n" for name, doc in docs}


def stale(directory: Path = POLICY_DIR) -> list[str]:
    """Names of the policy files in ``directory`` that differ from :func:`documents`."""
    return [
        name
        for name, text in documents().items()
        if not (directory / name).is_file() or (directory / name).read_text() != text
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """``--write`` regenerates the policy files; ``--check`` reports drift (exit 1)."""
    parser = argparse.ArgumentParser(
        prog="python -m tui.aws.permissions",
        description="Generate or check the policy files under policies/.",
    )
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true", help="write the policy files")
    mode.add_argument("--check", action="store_true", help="exit 1 when a file is out of date")
    parser.add_argument("--dir", type=Path, default=POLICY_DIR, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.write:
        args.dir.mkdir(parents=True, exist_ok=True)
        for name, text in documents().items():
            (args.dir / name).write_text(text)
            print(f"wrote {args.dir / name}")
        return 0
    out_of_date = stale(args.dir)
    for name in out_of_date:
        print(f"{args.dir / name} is out of date: run python -m tui.aws.permissions --write")
    return 1 if out_of_date else 0


if __name__ == "__main__":
    sys.exit(main())
