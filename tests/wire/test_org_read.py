"""An organization read over a real moto_server: the accounts and their OU paths, each
member read through its role (at the one-account floor, no call per user), one that
cannot be assumed failing alone, all of it under --read-only."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.support.app import make_service
from tests.support.faultproxy import FaultProxy
from tests.support.org import build_org
from tui.aws.org import MemberAccount, OrgReader, OrgScan, OrgUnavailable
from tui.aws.org_permissions import DEFAULT_ROLE

pytestmark = pytest.mark.server

# The credential report's reads repeat while AWS builds it; everything else is read once.
POLLED = {"iam:GetCredentialReport", "iam:GenerateCredentialReport"}


def test_the_organization_is_listed_with_ou_paths_at_a_cost_per_ou(moto_reset: str) -> None:
    ids = build_org(moto_reset)
    service = make_service(moto_reset, read_only=True)
    org = OrgReader(service.session).read()
    paths = {a.name: a.ou_path for a in org.accounts}
    assert paths == {
        "master": "Root",
        "audit": "Root/Security",
        "prod-web": "Root/Workloads/Prod",
        "dev-box": "Root/Workloads/Dev",
    }
    assert {a.id for a in org.accounts} >= set(ids.values())
    assert org.management_account_id == "123456789012"
    # DescribeOrganization + one ListAccounts page + ListRoots + 2 per parent (Root and
    # its 4 OUs): never a call per account.
    calls = service.counter.calls()
    assert calls["organizations:ListAccounts"] == 1
    assert sum(calls.values()) == org.calls == 1 + 1 + 1 + 2 * 5
    assert not service.counter.refused(), "an organization read refused under --read-only"


def test_outside_an_organization_the_reason_is_said(moto_reset: str) -> None:
    service = make_service(moto_reset, read_only=True)
    with pytest.raises(OrgUnavailable) as caught:
        OrgReader(service.session).read()
    error = caught.value.error
    assert error.code == "AWSOrganizationsNotInUseException"
    assert "not in an AWS Organization" in error.hint


def test_each_member_is_read_through_its_role_and_one_denied_fails_alone(
    moto_reset: str,
) -> None:
    ids = build_org(moto_reset)
    with FaultProxy(moto_reset) as proxy:
        base = make_service(proxy.url, read_only=True)
        org = OrgReader(base.session).read()
        members = [a for a in org.accounts if a.id != org.management_account_id]
        # The first member's role cannot be assumed; the reads run one at a time so that
        # the fault lands on it.
        proxy.inject("sts:AssumeRole", "denied", times=1)
        scan = OrgScan(base, concurrency=1, caller_account=org.management_account_id)
        heard: list[str] = []
        reads = scan.scan(org.accounts, lambda r: heard.append(r.account.id))
    assert [r.account.id for r in reads] == [a.id for a in org.accounts]
    assert sorted(heard) == sorted(a.id for a in org.accounts)
    by_id = {r.account.id: r for r in reads}
    denied = by_id[members[0].id]
    assert denied.error is not None and denied.error.action == "sts:AssumeRole"
    assert denied.problem() == f"? access denied assuming {DEFAULT_ROLE} in {members[0].id}"
    assert denied.summary is None
    for member in members[1:]:
        read = by_id[member.id]
        assert read.error is None and read.summary is not None, read.problem()
        assert read.posture is not None and read.posture.caller.value is not None
        caller = read.posture.caller.value
        assert caller.account_id == member.id
        assert f":assumed-role/{DEFAULT_ROLE}/" in caller.arn
    web = by_id[ids["prod-web"]]
    assert web.posture is not None and web.posture.details.value is not None
    assert len(web.posture.details.value.users) == 5  # that account's users, not the caller's
    own = by_id[org.management_account_id]
    assert own.via_role is None and own.error is None
    assert own.posture is not None and own.posture.caller.value is not None
    assert own.posture.caller.value.account_id == org.management_account_id
    # The floor: each account costs what one account's read costs (no call per user), plus
    # one AssumeRole per member (the denied one's included).
    single = make_service(moto_reset, read_only=True)
    single.reader.read_all()
    floor = Counter({a: n for a, n in single.counter.calls().items() if a not in POLLED})
    read_ok = len(org.accounts) - 1
    for action, n in floor.items():
        assert scan.calls[action] == n * read_ok, (action, scan.calls[action], n)
    assert scan.calls["sts:AssumeRole"] == len(members)


def test_a_suspended_account_is_not_read() -> None:
    scan = OrgScan(make_service("http://127.0.0.1:9"), caller_account="123456789012")
    read = scan.read(MemberAccount("111122223333", "old", "old@example.com", "SUSPENDED"))
    assert read.error is not None
    assert read.problem() == "? not read: the account is suspended"
    assert not scan.calls, "a call was made for a suspended account"


def test_accounts_are_read_in_threads_quitting_never_waits_for() -> None:
    """The scan's and a read's threads are daemon threads: quitting while an account is read
    does not wait for botocore's timeouts (a thread pool's threads are joined at exit)."""
    import threading

    from tui.aws.threads import run_bounded

    seen: list[bool] = []

    def note(n: int) -> int:
        seen.append(threading.current_thread().daemon)
        return n

    assert run_bounded(note, [1, 2, 3], 2, "t") == [1, 2, 3]
    assert seen == [True, True, True]
