"""The benchmark account server: moto_server seeded with a large account, as a child process.

``python benchmarks/server.py --users 5000 --groups 300 [--seed 1] [--port 0]``
``python benchmarks/server.py --users 20 --groups 2 --org 100 [--member-users 5]``

Serves moto's WSGI app with werkzeug (threaded) on 127.0.0.1, behind the Account-API Region
stand-in of ``tui.demo.regionapi`` (moto has no ListRegions), seeds the account, then prints
exactly one JSON line on stdout::

    {"endpoint_url": "http://127.0.0.1:PORT", "access_key_id": "testing",
     "secret_access_key": "testing", "account_id": "123456789012", "region": "us-east-1",
     "users": 5000, "groups": 300, "seed_seconds": 1.9, "facts": {...}}

Seeding goes straight into moto's IAM backend, in this process (the one that holds it),
instead of through the API: 5,000 users with login profiles, MFA devices, keys and group
memberships are ~25,000 API calls over HTTP (minutes), but about two seconds this way. The
app under test still talks HTTP to this separate process, as it would to AWS.

Two departures from stock moto 5.2, both towards real AWS behaviour:

- GetAccountAuthorizationDetails is paged here. moto returns every entity in one response
  and ignores MaxItems/Marker; AWS pages at MaxItems (default 100, at most 1000). The patch
  slices the users-then-groups(-then-roles-then-policies) sequence, so a refresh of 5,000
  users and 300 groups makes ceil(5300 / 1000) = 6 page calls, as it would on AWS.
- The credential report is generated during the seed, as in an account where someone
  already asked for one, so GenerateCredentialReport answers COMPLETE at once.

With ``--org N`` the account is also an organization's management account with N member
accounts (``benchmarks/orgbench.py``), seeded the same way: moto's Organizations backend
(an organization, OUs ``Root/{Security, Workloads/{Prod, Dev}, Sandbox}``, N accounts spread
over the four OUs below Root; moto makes OrganizationAccountAccessRole in each) and each
member's own IAM backend (the account its role's keys act in): ``--member-users`` users and
``--member-groups`` groups in the same mix, an alias, a password policy and a generated
credential report. The line then also holds ``"org": {...}`` (the member ids, how many
accounts and OUs each parent holds, the seeding time). ListAccounts is paged at 20 accounts,
AWS's page (moto's default is 100); ListAccountsForParent and
ListOrganizationalUnitsForParent already page at 20 in moto.

ListUsers is left as moto has it (one response with every user, whatever MaxItems says):
the per-user "naive" count is then exactly 1 + 4 × users.

Lives exactly as long as its parent: a daemon thread blocks on stdin and exits the process
at EOF (also when the parent dies). SIGTERM/SIGINT exit too.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

# The child-process plumbing (exit on stdin EOF or a signal, quiet HTTP) is the demo's.
from tui.demo.server import become_child, exit_now, start_http

ACCOUNT_ID = "123456789012"
REGION = "us-east-1"
HOST = "127.0.0.1"
ALIAS = "bench-account"
DEPARTMENTS = ("engineering", "finance", "support", "sales", "platform", "data", "security")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python benchmarks/server.py",
        description="moto_server seeded with a large IAM account, for benchmarks/bench.py.",
    )
    parser.add_argument("--users", type=int, default=100, help="IAM users (default 100)")
    parser.add_argument("--groups", type=int, default=10, help="IAM groups (default 10)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free)")
    parser.add_argument(
        "--org", type=int, default=0, help="member accounts of an organization (default 0: none)"
    )
    parser.add_argument(
        "--member-users", type=int, default=5, help="IAM users in each member (default 5)"
    )
    parser.add_argument(
        "--member-groups", type=int, default=2, help="IAM groups in each member (default 2)"
    )
    return parser


def _policy_document(actions: list[str]) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}],
        }
    )


_ACTION_POOL = (
    "s3:GetObject",
    "s3:PutObject",
    "s3:ListBucket",
    "ec2:Describe*",
    "ec2:StartInstances",
    "ec2:StopInstances",
    "logs:Get*",
    "cloudwatch:Get*",
    "dynamodb:Query",
    "dynamodb:GetItem",
    "lambda:InvokeFunction",
    "sqs:SendMessage",
    "kms:Decrypt",
    "ssm:GetParameter",
)


def seed_backend(
    users: int, groups: int, *, seed: int = 1, account_id: str = ACCOUNT_ID, alias: str = ALIAS
) -> dict[str, int]:
    """Write the account straight into moto's IAM backend (this process only).

    A deterministic, realistic mix: ~70% console users (login profile, a password last used
    0-400 days ago or never), MFA on ~60% of those, 0-2 access keys per user (back-dated
    creation, some never used, ~10% inactive), 0-3 group memberships, 0-3 tags, a few users
    with a policy attached directly or inline; groups with 1-2 customer managed policies,
    some with an inline one. Also an account alias and a password policy.
    Returns counts of what was made.
    """
    from moto.iam.models import AccessKeyLastUsed, iam_backends

    rng = random.Random(seed)
    backend = iam_backends[account_id]["aws"]
    # moto keeps naive UTC datetimes.
    now = datetime.now(UTC).replace(tzinfo=None)

    def ago(days: float) -> datetime:
        return now - timedelta(days=days)

    facts = {"users": users, "groups": groups, "console": 0, "mfa": 0, "keys": 0}
    facts |= {"memberships": 0, "policies": 0, "user_policies": 0}

    # Customer managed policies (AWS managed ones would need MOTO_IAM_LOAD_MANAGED_POLICIES,
    # which costs ~1 s and 1,000+ objects: not needed to exercise the reads).
    policy_count = max(3, groups // 2)
    policies = []
    for n in range(policy_count):
        actions = rng.sample(_ACTION_POOL, k=rng.randint(1, 4))
        policy = backend.create_policy(
            description=f"bench policy {n}",
            path="/",
            policy_document=_policy_document(actions),
            policy_name=f"bench-policy-{n}",
            tags=[],
        )
        policies.append(policy)
    facts["policies"] = policy_count

    group_names = []
    for n in range(groups):
        name = f"team-{n}"
        group = backend.create_group(name)
        group.create_date = ago(rng.uniform(30, 2000))
        for policy in rng.sample(policies, k=rng.randint(1, 2)):
            policy.attach_to(group)
        if rng.random() < 0.2:
            group.put_policy(f"{name}-inline", _policy_document([rng.choice(_ACTION_POOL)]))
        group_names.append(name)

    for n in range(users):
        name = f"user-{n}"
        tags = [
            {"Key": key, "Value": value}
            for key, value in (
                ("department", rng.choice(DEPARTMENTS)),
                ("cost-center", f"cc-{rng.randint(1000, 9999)}"),
                ("email", f"{name}@example.com"),
            )[: rng.randint(0, 3)]
        ]
        user = backend.create_user(REGION, name, "/", tags)
        created_days = rng.uniform(1, 1500)
        user.create_date = ago(created_days)
        if rng.random() < 0.7:
            backend.create_login_profile(name, "Bench-" + str(rng.random()) + "a1!")
            facts["console"] += 1
            if rng.random() < 0.9:
                # moto documents the attribute as settable (getmoto/moto#5927).
                user.password_last_used = ago(rng.uniform(0, min(400.0, created_days)))
            if rng.random() < 0.6:
                device = backend.create_virtual_mfa_device(name, "/")
                backend.enable_mfa_device(name, device.serial_number, "123456", "654321")
                enabled = ago(rng.uniform(0, created_days))
                device.enable_date = enabled
                user.mfa_devices[device.serial_number].enable_date = enabled
                facts["mfa"] += 1
        key_count = rng.choices((0, 1, 2), weights=(35, 45, 20))[0]
        for _ in range(key_count):
            status = "Inactive" if rng.random() < 0.1 else "Active"
            key = backend.create_access_key(name, status=status)
            age = rng.uniform(0, created_days)
            key.create_date = ago(age)
            if rng.random() < 0.85:
                key.last_used = AccessKeyLastUsed(
                    timestamp=ago(rng.uniform(0, age)),
                    service=rng.choice(("s3", "ec2", "iam", "sts", "logs")),
                    region=rng.choice(("us-east-1", "eu-west-1", "us-west-2")),
                )
        facts["keys"] += key_count
        if group_names:
            for group_name in rng.sample(group_names, k=min(rng.randint(0, 3), groups)):
                backend.groups[group_name].users.append(user)
                facts["memberships"] += 1
        roll = rng.random()
        if roll < 0.05:
            rng.choice(policies).attach_to(user)
            facts["user_policies"] += 1
        elif roll < 0.08:
            user.put_policy(f"{name}-inline", _policy_document([rng.choice(_ACTION_POOL)]))
            facts["user_policies"] += 1

    backend.create_account_alias(alias)
    backend.update_account_password_policy(
        allow_change_password=True,
        hard_expiry=False,
        max_password_age=90,
        minimum_password_length=14,
        password_reuse_prevention=24,
        require_lowercase_characters=True,
        require_numbers=True,
        require_symbols=True,
        require_uppercase_characters=True,
    )
    backend.generate_report()
    return facts


#: The organization's OUs below Root (parent path, name); members go round-robin into LEAVES.
OUS = (("Root", "Security"), ("Root", "Workloads"), ("Root/Workloads", "Prod"))
OUS += (("Root/Workloads", "Dev"), ("Root", "Sandbox"))
LEAVES = ("Root/Security", "Root/Workloads/Prod", "Root/Workloads/Dev", "Root/Sandbox")
#: AWS's ListAccounts page (its MaxResults is at most 20); moto's default is 100.
LIST_ACCOUNTS_PAGE = 20


def seed_org(
    members: int, member_users: int, member_groups: int, *, seed: int = 1
) -> dict[str, Any]:
    """Make ACCOUNT_ID an organization's management account with ``members`` member
    accounts, each seeded like the main account at a small size (in this process).

    Returns the member ids and, for each parent (Root and every OU), how many accounts and
    OUs it holds: what the OU walk's page count follows from.
    """
    from moto.organizations.models import organizations_backends

    org = organizations_backends[ACCOUNT_ID]["aws"]
    org.create_organization(REGION, FeatureSet="ALL")
    root = org.ou[0].id
    ids = {"Root": root}
    for parent, name in OUS:
        made = org.create_organizational_unit(ParentId=ids[parent], Name=name)
        ids[f"{parent}/{name}"] = made["OrganizationalUnit"]["Id"]
    accounts_in = {path: 0 for path in ids}
    accounts_in["Root"] = 1  # the management account
    member_ids = []
    for n in range(members):
        status = org.create_account(AccountName=f"member-{n:03d}", Email=f"m{n}@example.com")
        account = str(status["CreateAccountStatus"]["AccountId"])
        leaf = LEAVES[n % len(LEAVES)]
        org.move_account(AccountId=account, SourceParentId=root, DestinationParentId=ids[leaf])
        accounts_in[leaf] += 1
        seed_backend(
            member_users,
            member_groups,
            seed=seed * 1000 + n,
            account_id=account,
            alias=f"bench-member-{n:03d}",
        )
        member_ids.append(account)
    ous_in = {path: sum(1 for parent, _ in OUS if parent == path) for path in ids}
    return {
        "organization_id": org.org.id,
        "members": member_ids,
        "accounts": members + 1,
        "member_users": member_users,
        "member_groups": member_groups,
        "parents": [
            {"path": path, "accounts": accounts_in[path], "ous": ous_in[path]} for path in ids
        ],
        "list_accounts_page": LIST_ACCOUNTS_PAGE,
        "page": 20,  # ListAccountsForParent and ListOrganizationalUnitsForParent (moto)
    }


def install_list_accounts_paging() -> None:
    """Page organizations:ListAccounts at 20 accounts, as AWS does (moto: 100)."""
    from moto.organizations.utils import PAGINATION_MODEL

    PAGINATION_MODEL["list_accounts"]["limit_default"] = LIST_ACCOUNTS_PAGE


def install_auth_details_paging() -> None:
    """Make moto's GetAccountAuthorizationDetails page at MaxItems/Marker, as AWS does."""
    from moto.core.responses import ActionResult
    from moto.iam.responses import IamResponse

    lists = (
        ("UserDetailList", "users"),
        ("GroupDetailList", "groups"),
        ("RoleDetailList", "roles"),
        ("Policies", "managed_policies"),
    )

    def get_account_authorization_details(self: Any) -> ActionResult:
        filter_param = self._get_param("Filter", [])
        max_items = int(self._get_param("MaxItems") or 100)
        start = int(self._get_param("Marker") or 0)
        details = self.backend.get_account_authorization_details(filter_param)
        items = [(key, item) for key, name in lists for item in details[name]]
        page = items[start : start + max_items]
        result: dict[str, Any] = {key: [i for k, i in page if k == key] for key, _ in lists}
        truncated = start + max_items < len(items)
        result["IsTruncated"] = truncated
        if truncated:
            result["Marker"] = str(start + max_items)
        return ActionResult(result)

    IamResponse.get_account_authorization_details = get_account_authorization_details


def serve(argv: Sequence[str] | None = None) -> None:
    args = build_parser().parse_args(argv)

    json_out = become_child()
    os.environ.pop("MOTO_IAM_LOAD_MANAGED_POLICIES", None)

    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    from tui.demo.analyzers import AnalyzerStandIn
    from tui.demo.controlapi import ControlApiMiddleware
    from tui.demo.orgfeatures import OrgFeaturesStandIn
    from tui.demo.regionapi import RegionApiMiddleware
    from tui.demo.regions import RegionStandIn
    from tui.demo.server import ACCOUNT_ID, _moto_account_of, _moto_organization

    install_auth_details_paging()
    t0 = time.perf_counter()
    facts = seed_backend(args.users, args.groups, seed=args.seed)
    seed_seconds = time.perf_counter() - t0
    org: dict[str, Any] | None = None
    if args.org > 0:
        install_list_accounts_paging()
        t0 = time.perf_counter()
        org = seed_org(args.org, args.member_users, args.member_groups, seed=args.seed)
        org["seed_seconds"] = round(time.perf_counter() - t0, 3)

    # No Region in transit: an ENABLING one would make the app poll in the background.
    standin = RegionStandIn(initial_statuses={"me-south-1": "ENABLED"}, transition_seconds=0)
    # and the CIS controls' stand-ins (Access Analyzer, ListOrganizationsFeatures), as the demo
    app = ControlApiMiddleware(
        RegionApiMiddleware(DomainDispatcherApplication(create_backend_app), standin),
        AnalyzerStandIn(account_id=ACCOUNT_ID),
        OrgFeaturesStandIn(_moto_organization),
        account_of=_moto_account_of,
    )
    port = start_http(app, args.port)

    line = {
        "endpoint_url": f"http://{HOST}:{port}",
        "access_key_id": "testing",
        "secret_access_key": "testing",
        "account_id": ACCOUNT_ID,
        "region": REGION,
        "users": args.users,
        "groups": args.groups,
        "seed_seconds": round(seed_seconds, 3),
        "facts": facts,
        "pid": os.getpid(),
    }
    if org is not None:
        line["org"] = org
    json_out.write(json.dumps(line) + "\n")
    json_out.flush()
    json_out.close()
    threading.Event().wait()


def main(argv: Sequence[str] | None = None) -> None:
    try:
        serve(argv)
    except SystemExit:
        raise
    except BaseException:
        logging.getLogger(__name__).exception("bench server failed to start")
        exit_now(1)


if __name__ == "__main__":
    main()
