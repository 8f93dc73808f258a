"""An AWS Organization's member accounts and the posture of each (no Textual here).

:class:`OrgReader` lists the organization from the management (or a delegated
administrator) account: ``organizations:ListAccounts`` for the accounts, then the OU tree
(``ListRoots``, and per parent ``ListOrganizationalUnitsForParent`` and
``ListAccountsForParent``) for each account's OU path, which costs a few calls per OU,
never one per account.

:class:`OrgScan` reads each member account as the console reads one account (the same
parts, the same API floor: no call per user), through a role assumed in it
(``OrganizationAccountAccessRole`` unless told otherwise), at most ``concurrency`` at a
time. Each account fails alone: a role that cannot be assumed, a suspended account or a
read that fails gives that account's row an error and the others load. The caller's own
account is read with its own credentials (no role).

An organization of N accounts therefore costs N × (the one-account floor + one
sts:AssumeRole) + the ListAccounts pages + the OU tree's pages.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from tui.aws.errors import AwsError, AwsFailure, from_exception
from tui.aws.findings import Finding, Severity, Status, verdict
from tui.aws.models import Posture, utcnow
from tui.aws.org_permissions import DEFAULT_CONCURRENCY, DEFAULT_ROLE, MAX_CONCURRENCY
from tui.aws.threads import run_bounded

if TYPE_CHECKING:
    from tui.aws.service import AccountService
    from tui.aws.session import AwsSession


# The parts of one member account read at once. Accounts are read ``concurrency`` at a time
# already: 8 accounts × 15 parts would be 120 threads (3: 24, each part's calls still
# overlapping on the network).
PART_THREADS = 3


def role_arn(account_id: str, role: str, partition: str = "aws") -> str:
    return f"arn:{partition}:iam::{account_id}:role/{role}"


@dataclass(frozen=True)
class MemberAccount:
    """One account of the organization, as ListAccounts describes it."""

    id: str
    name: str
    email: str
    status: str  # ACTIVE, SUSPENDED, PENDING_CLOSURE
    arn: str = ""
    ou_path: str | None = None  # "Root/Prod/Web"; None when the OU tree could not be read

    @property
    def active(self) -> bool:
        return self.status == "ACTIVE"


@dataclass(frozen=True)
class Organization:
    """The organization as the caller can see it."""

    id: str
    management_account_id: str
    accounts: tuple[MemberAccount, ...]
    tree_error: AwsError | None = None  # the OU tree could not be read (paths unknown)
    calls: int = 0  # organizations:* calls it took


@dataclass(frozen=True)
class AccountSummary:
    """What the Accounts view shows of one member account's posture."""

    verdict: str
    failing: dict[Severity, int] = field(default_factory=dict)
    unknown: int = 0
    root_mfa: bool | None = None  # None: could not be read
    admins_without_mfa: int | None = None
    oldest_key_days: int | None = None  # None: unknown; -1: no active access key


@dataclass(frozen=True)
class MemberRead:
    """One member account read: its findings and summary, or why it could not be read."""

    account: MemberAccount
    via_role: str | None  # the role assumed (None: the caller's own account)
    posture: Posture | None = None
    findings: tuple[Finding, ...] = ()
    summary: AccountSummary | None = None
    error: AwsError | None = None
    read_at: datetime | None = None

    @property
    def failed(self) -> bool:
        return self.error is not None

    def problem(self) -> str:
        """The row's one line when the account could not be read."""
        error = self.error
        if error is None:
            return ""
        if error.action == "sts:AssumeRole":
            what = "access denied" if error.denied else f"{error.code}"
            return f"? {what} assuming {self.via_role} in {self.account.id}"
        if error.code == "AccountNotActive":
            return f"? not read: the account is {self.account.status.lower()}"
        return f"? {error.headline()}"


class OrgUnavailable(Exception):
    """The caller cannot list the organization; ``error`` says why and what to do."""

    def __init__(self, error: AwsError) -> None:
        super().__init__(error.summary())
        self.error = error


# -- listing --------------------------------------------------------------------------------
_NOT_IN_ORG = "AWSOrganizationsNotInUseException"


class OrgReader:
    """Lists the organization through ``session`` (the management account's)."""

    def __init__(self, session: AwsSession) -> None:
        self._session = session

    def read(self) -> Organization:
        """The organization; raises :class:`OrgUnavailable` when it cannot be listed."""
        client = self._session.organizations()
        calls = 0
        try:
            described = client.describe_organization()["Organization"]
            calls += 1
            accounts: list[MemberAccount] = []
            for page in client.get_paginator("list_accounts").paginate():
                calls += 1
                accounts.extend(_account(a) for a in page.get("Accounts", []))
        except Exception as exc:  # noqa: BLE001 - said to the user as an AwsError
            raise OrgUnavailable(_unavailable(exc)) from None
        paths: dict[str, str] = {}
        tree_error: AwsError | None = None
        try:
            calls += self._walk(client, paths)
        except Exception as exc:  # noqa: BLE001 - OU paths are extra: the accounts still show
            tree_error = _error(exc, "ListOrganizationalUnitsForParent")
        accounts = [replace(a, ou_path=paths.get(a.id)) for a in accounts]
        accounts.sort(key=lambda a: (a.ou_path or "", a.name.lower(), a.id))
        return Organization(
            id=str(described.get("Id", "")),
            management_account_id=str(described.get("MasterAccountId", "")),
            accounts=tuple(accounts),
            tree_error=tree_error,
            calls=calls,
        )

    @staticmethod
    def _walk(client: Any, paths: dict[str, str]) -> int:
        """Fill ``paths`` (account id → "Root/OU/…") from the OU tree; the calls made."""
        calls = 1
        roots = client.list_roots().get("Roots", [])
        todo: list[tuple[str, str]] = [(str(r["Id"]), str(r.get("Name") or "Root")) for r in roots]
        while todo:
            parent, path = todo.pop()
            for page in client.get_paginator("list_accounts_for_parent").paginate(ParentId=parent):
                calls += 1
                for account in page.get("Accounts", []):
                    paths[str(account["Id"])] = path
            for page in client.get_paginator("list_organizational_units_for_parent").paginate(
                ParentId=parent
            ):
                calls += 1
                for unit in page.get("OrganizationalUnits", []):
                    todo.append((str(unit["Id"]), f"{path}/{unit.get('Name', unit['Id'])}"))
        return calls


def _account(raw: Mapping[str, Any]) -> MemberAccount:
    return MemberAccount(
        id=str(raw["Id"]),
        name=str(raw.get("Name", "")),
        email=str(raw.get("Email", "")),
        status=str(raw.get("Status") or raw.get("State") or "ACTIVE").upper(),
        arn=str(raw.get("Arn", "")),
    )


def _error(exc: BaseException, operation: str) -> AwsError:
    if isinstance(exc, AwsFailure):
        return exc.error
    return from_exception(exc, "organizations", getattr(exc, "operation_name", operation))


def _unavailable(exc: BaseException) -> AwsError:
    error = _error(exc, "ListAccounts")
    if error.code == _NOT_IN_ORG:
        return replace(
            error,
            hint="This account is not in an AWS Organization: there are no member accounts to show",
        )
    if error.denied:
        return replace(
            error,
            hint="Run acct-tui as the organization's management account or a delegated "
            "administrator, with policies/acct-tui-org-read.json",
        )
    return error


# -- reading member accounts ------------------------------------------------------------------
@dataclass
class OrgScan:
    """Reads member accounts through ``role``, at most ``concurrency`` at a time."""

    base: AccountService
    role: str = DEFAULT_ROLE
    external_id: str | None = None
    concurrency: int = DEFAULT_CONCURRENCY
    caller_account: str | None = None  # read with the base credentials, no role
    calls: Counter[str] = field(default_factory=Counter)
    """Every call the member reads made (sts:AssumeRole included), by action."""
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def service_for(self, account_id: str) -> AccountService:
        """A service acting in ``account_id`` (through the role unless it is the caller's)."""
        if account_id == self.caller_account:
            return self.base.through_role(None)
        return self.base.through_role(role_arn(account_id, self.role), self.external_id)

    def read(self, account: MemberAccount, now: datetime | None = None) -> MemberRead:
        """One account's read (never raises: a failure is on the returned row)."""
        own = account.id == self.caller_account
        via = None if own else self.role
        if not account.active:
            error = AwsError(
                "organizations:ListAccounts",
                "AccountNotActive",
                f"the account is {account.status}",
            )
            return MemberRead(account, via, error=error, read_at=utcnow())
        service = self.service_for(account.id)
        try:
            if not own:
                try:
                    service.session.assume()
                except Exception as exc:  # noqa: BLE001 - this account fails alone
                    return MemberRead(
                        account,
                        via,
                        error=from_exception(exc, "sts", "AssumeRole"),
                        read_at=utcnow(),
                    )
            posture = service.reader.read_all(PART_THREADS)
        finally:
            service.close()
            with self._lock:
                self.calls.update(service.counter.calls())
        when = now or utcnow()
        unread = posture.caller.error or posture.details.error
        if unread is not None and posture.report.error is not None:
            # Nothing that matters could be read: an error, not a row of unknowns.
            return MemberRead(account, via, posture=posture, error=unread, read_at=when)
        from tui.aws.checks import evaluate

        findings = tuple(evaluate(posture, when))
        return MemberRead(
            account,
            via,
            posture=posture,
            findings=findings,
            summary=summarize(posture, findings, when),
            read_at=when,
        )

    def scan(
        self,
        accounts: Sequence[MemberAccount],
        on_read: Callable[[MemberRead], None] | None = None,
        stop: threading.Event | None = None,
    ) -> list[MemberRead]:
        """Read ``accounts`` concurrently; ``on_read`` hears of each as it ends (from a
        worker thread). The reads come back in ``accounts``' order. Once ``stop`` is set,
        accounts not yet started are skipped (not in the result)."""
        bound = max(1, min(self.concurrency, MAX_CONCURRENCY))

        skipped: list[MemberRead] = []

        def one(account: MemberAccount) -> MemberRead:
            if stop is not None and stop.is_set():
                skipped.append(result := MemberRead(account, None))
                return result
            try:
                result = self.read(account)
            except Exception as exc:  # noqa: BLE001 - a bug: this account fails alone
                result = MemberRead(
                    account, self.role, error=from_exception(exc, "acct-tui", "read")
                )
            if on_read is not None:
                on_read(result)
            return result

        results = run_bounded(one, accounts, bound, "org")
        return [r for r in results if not any(r is s for s in skipped)]


def summarize(posture: Posture, findings: Iterable[Finding], now: datetime) -> AccountSummary:
    """The Accounts view's columns for one account."""
    findings = tuple(findings)
    failing: dict[Severity, int] = {}
    for f in findings:
        if f.status is Status.FAIL:
            failing[f.severity] = failing.get(f.severity, 0) + 1
    root = next((f for f in findings if f.id == "root-mfa"), None)
    root_mfa = None
    if root is not None and root.status in (Status.PASS, Status.FAIL):
        root_mfa = root.status is Status.PASS
    return AccountSummary(
        verdict=verdict(findings),
        failing=failing,
        unknown=sum(f.status is Status.UNKNOWN for f in findings),
        root_mfa=root_mfa,
        admins_without_mfa=_admins_without_mfa(posture),
        oldest_key_days=_oldest_key_days(posture, now),
    )


def _admins_without_mfa(posture: Posture) -> int | None:
    details, report = posture.details.value, posture.report.value
    if details is None or report is None:
        return None
    admins = set(details.admin_users())
    rows = {r.user: r for r in report.rows}
    return sum(1 for name in admins if name in rows and not rows[name].mfa_active)


def _oldest_key_days(posture: Posture, now: datetime) -> int | None:
    report = posture.report.value
    if report is None:
        return None
    ages = [
        (now - key.last_rotated).days
        for row in report.rows
        for key in row.keys
        if key.active and key.last_rotated is not None
    ]
    return max(ages) if ages else -1
