"""Every AWS operation acct-tui makes × every fault, on a real wire, at the AWS layer.

Each cell builds a fresh AccountService (as acct-tui does at start) pointed at
:class:`tests.support.faultproxy.FaultProxy` in front of the demo server, arms one fault on one
operation, and makes the call exactly as the app does: the same reader, writer or plan.
Cells run side by side, each signing with its own access key id, which the proxy uses to
fault only that cell's calls. Each cell checks:

- **retries**: 3 attempts reach the wire per call for throttling, 500, 503, a reset
  connection and a read timeout; 1 for AccessDenied and an unreadable answer; and the
  app's code does not loop on the failing call;
- **bounded**: a held answer is given up at the client's read timeout (the proxy sees the
  client close the connection before it answers), and no cell hangs (:data:`HANG`);
- **says what failed**: the text the app shows for the failure (the error's summary, or the
  plan's report) names the action, says "denied" for AccessDenied, and says the change
  may have been made when AWS did not answer;
- **plans**: every "what exists now" line, after the run and after the rollback, is true
  of the account; no step after the failure was sent; a console password that is (or may
  be) in force is still held by the plan's credentials;
- **no false claims**: after a failure AWS did answer, the account is unchanged;
- **unreadable answers**: called unreadable; neither the secrets the answer carried nor
  botocore's parser message (which quotes the body) reach the text shown or acct-tui's log
  records; a create-user plan says exactly what became of the console password and the
  access key (a key whose secret was lost is deleted), and an MFA device whose seed was lost
  is deleted.

tests/wire/test_faults_app.py drives every operation through the real app. The table of both
is printed at the end of the run (``pytest -m faults``; ``python -m tests.support.faults_table``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import itertools
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field, replace
from email.utils import parsedate_to_datetime
from typing import Any

import boto3
import pytest

from tests.support.faultmatrix import (
    ALIAS_OPS,
    ANALYZER_OPS,
    ATTEMPTS,
    BASE_ALIAS,
    CERT_KEY,
    CERT_OPS,
    CONTACT_OPS,
    CREATE_GROUP_OPS,
    CREATE_USER_OPS,
    DELETE_GROUP_OPS,
    DELETE_USER_OPTIONAL,
    DELETE_USER_READS,
    DELETE_USER_STEPS,
    DOCUMENT_OPS,
    EXISTING_USER_OPS,
    FAULT_ROLE,
    FIX_OPS,
    GAVE_UP,
    KEY_OPS,
    MFA_OPS,
    ORG_OPS,
    PASSWORD_OPS,
    POLICY_OPS,
    READ_PARTS,
    READ_TIMEOUT,
    READ_TIMEOUTS,
    READONLY_ARN,
    ROLE_LOST,
    ROLE_OPS,
    SECRET_LOST,
    SITES,
    SSC_DELETE,
    SSC_LIST,
    TAG_OPS,
    Upstream,
    certificate,
    certificate_exists,
    check_exists_now,
    check_secrets,
    current_alias,
    make_full_group,
    make_full_user,
    operations_in_code,
    own_log,
    proxy,
    purge_role,
    region_status,
    regions_moving,
    role_has,
    security_contact_name,
    short_waits,
)
from tests.support.faultproxy import FAULTS, FaultProxy
from tests.support.faults_table import RESULTS, CellResult
from tui.aws.analyzers import ANALYZER_NAME
from tui.aws.control_models import AlternateContact
from tui.aws.errors import AwsError, AwsFailure
from tui.aws.iam import NewGroup, NewUser, PasswordChange
from tui.aws.iam.control_fixes import SupportRole
from tui.aws.models import AWS_DEFAULT_PASSWORD_POLICY, RegionStatus
from tui.aws.password_policy import proposed_policy
from tui.aws.plan import Plan, PlanResult
from tui.aws.posture import PostureReader
from tui.aws.service import AccountService
from tui.aws.session import Settings, is_read_operation
from tui.aws.totp import totp
from tui.demo import DemoEndpoint

pytestmark = [pytest.mark.faults, pytest.mark.server]
__all__ = ["proxy", "short_waits"]  # fixtures, imported for pytest

DEMO_REGION_DELAY = 1.0  # read by the demo fixture: ENABLING/DISABLING settle after 1 s
WORKERS = 10
ACCOUNT = "123456789012"
keys = itertools.count(1)


def test_the_matrix_drives_every_operation_the_app_makes() -> None:
    used = operations_in_code()
    assert "iam:CreateUser" in used and "account:ListRegions" in used  # the scan works
    assert sorted(used - SITES.keys()) == [], "operations with no fault cell"
    assert sorted(SITES.keys() - used) == [], "cells for operations the app no longer makes"


CALM_READ_TIMEOUT = 20.0  # the read timeout of cells whose fault is not "slow"


@dataclass
class Wire:
    """One cell at the AWS layer: its own key, service and findings."""

    action: str
    fault: str
    up: Upstream
    proxy: FaultProxy
    demo: DemoEndpoint
    key: str = field(default_factory=lambda: f"AKIAFAULTS{next(keys):010d}")
    problems: list[str] = field(default_factory=list)
    shown: str = ""  # what the app would show for the failure
    error: AwsError | None = None
    verified: str = ""  # set when the call took effect and the code checked that it did
    calls: int = 0
    attempts: int = 0

    def __post_init__(self) -> None:
        settings = Settings(
            region=self.demo.region,
            endpoint_url=self.proxy.url,
            access_key_id=self.key,
            secret_access_key="faults",
            # The short timeout is what makes a held ("slow") answer a timeout; a cell with
            # another fault gets a generous one, so a sluggish moment of a loaded machine on
            # an unfaulted step is not taken for a timeout (seen once in CI).
            read_timeout=READ_TIMEOUTS.get(
                self.fault, READ_TIMEOUT if self.fault == "slow" else CALM_READ_TIMEOUT
            ),
        )
        self.service = AccountService(settings, report_poll_interval=0.05)

    def check(self, ok: bool, problem: str) -> None:
        if not ok:
            self.problems.append(problem)

    def arm(self, background: dict[str, str] | None = None) -> None:
        for action, fault in (background or {}).items():
            self.proxy.inject(action, fault, key=self.key)
        self.proxy.inject(self.action, self.fault, key=self.key)

    def settle(self) -> None:
        """Stop faulting, and count what the failing operation did up to now."""
        self.proxy.clear(self.key)
        self.calls = self.service.counter.calls()[self.action]
        self.attempts = self.proxy.count(self.action, key=self.key)

    def failed(self, exc: BaseException) -> None:
        error = getattr(exc, "error", None)
        if not isinstance(error, AwsError):
            raise exc
        self.error = error
        self.shown = error.summary()


# -- the calls, as the app makes them ------------------------------------------------------------
def read(w: Wire) -> None:
    part = READ_PARTS[w.action]
    describe = w.action == "ec2:DescribeRegions"
    w.arm({"account:ListRegions": "denied"} if describe else None)
    reader = PostureReader(w.service.session, poll_interval=0.05)
    if w.action == "access-analyzer:ListAnalyzers":
        # Asked once per enabled Region, each failing alone: one Region is the cell.
        region = reader._region_analyzers(w.service.session.region)
        w.settle()
        w.check(not region.analyzers, "a failed Region still lists analyzers")
        w.error = region.error
        w.shown = w.error.summary() if w.error else ""
        return
    got = reader.read_part(part)
    w.settle()
    if w.action == "account:ListRegions":
        listing = got.value
        w.check(listing is not None and listing.source == "ec2", "no fallback to EC2")
        w.error = listing.fallback_reason if listing else got.error
    else:
        w.check(got.value is None, "a failed part still carries a value")
        w.error = got.error
    if w.error is not None:
        w.shown = w.error.summary()


def run_plan(w: Wire, plan: Plan, has: Callable[[str], bool | None]) -> PlanResult:
    w.arm()
    result = plan.run()
    w.settle()
    w.shown = str(result)
    failure = result.failure
    w.error = failure.error if failure else None
    check_exists_now(w.problems, result.exists_now, has)
    steps = [r.step.action for r in result.reports]
    if w.action in steps:
        index = steps.index(w.action)
        later = set(steps[index + 1 :]) - set(steps[: index + 1])
        sent = sorted(a for a in later if w.proxy.count(a, key=w.key))
        w.check(not sent, f"steps after the failure were sent: {sent}")
    return result


def create_user(w: Wire) -> None:
    name = f"wu-{w.key[-6:]}"
    plan = w.service.writer.plan_create_user(
        NewUser(name, console=True, access_key=True, groups=("billing",), tags=(("f", "1"),)),
        account_id=ACCOUNT,
        alias=None,
        policy=AWS_DEFAULT_PASSWORD_POLICY,
    )

    def has(what: str) -> bool | None:
        return w.up.user_has(name, what)

    result = run_plan(w, plan, has)
    if w.up.user_exists(name) and w.up.user_has(name, "console password"):
        kept = plan.credentials
        w.check(kept is not None and bool(kept.password), "the console password was dropped")
    if w.fault == "unreadable":
        unreadable_create_user(w, name, result)
    undone = plan.rollback()
    check_exists_now(w.problems, undone.exists_now, has)
    if undone.ok:
        w.check(not w.up.user_exists(name), "the rollback reports success; the user is there")
    w.up.purge_user(name)


def unreadable_create_user(w: Wire, name: str, result: PlanResult) -> None:
    """After an unreadable answer, the plan read the account again: what it says of the
    console password and the access key is exact, and no key whose secret was lost is left."""
    lines = result.exists_now
    if w.action == "iam:CreateLoginProfile":
        w.check(
            any(line.startswith("with console password") for line in lines),
            f"the console password is in force; the plan says {lines}",
        )
    if w.action == "iam:CreateAccessKey":
        keys = w.up.iam.list_access_keys(UserName=name)["AccessKeyMetadata"]
        w.check(not keys, f"a key whose secret was lost is left: {keys}")
        w.check(
            any(line.endswith(SECRET_LOST) for line in lines),
            f"the plan does not say the key whose secret was lost was deleted: {lines}",
        )
        kept = result.credentials
        w.check(kept is not None and not kept.has_access_key, "credentials with a lost key")


def create_group(w: Wire) -> None:
    writer = w.service.writer
    if w.action == "iam:ListPolicies":
        w.arm()
        try:
            writer.list_managed_policies()
        except AwsFailure as exc:
            w.failed(exc)
        w.settle()
        return
    name = f"wg-{w.key[-6:]}"
    plan = writer.plan_create_group(NewGroup(name, policy_arns=(READONLY_ARN,)))

    def has(what: str) -> bool | None:
        return w.up.group_has(name, what)

    run_plan(w, plan, has)
    undone = plan.rollback()
    check_exists_now(w.problems, undone.exists_now, has)
    if undone.ok:
        w.check(not w.up.group_exists(name), "the rollback reports success; the group is there")
    w.up.purge_group(name)


def delete(w: Wire, kind: str) -> None:
    name = f"w{kind[0]}-{w.key[-6:]}"
    if kind == "user":
        make_full_user(w.up, name, CERT)
    else:
        member = f"wm-{w.key[-6:]}"
        w.up.iam.create_user(UserName=member)
        make_full_group(w.up, name, member)
    writer = w.service.writer
    w.arm()
    try:
        plan = writer.plan_delete_user(name) if kind == "user" else writer.plan_delete_group(name)
    except AwsFailure as exc:
        w.failed(exc)
        w.settle()
    else:

        def has(what: str) -> bool | None:
            return w.up.user_has(name, what) if kind == "user" else w.up.group_has(name, what)

        notes = "\n".join(plan.notes)
        run_plan(w, plan, has)
        w.shown = f"{notes}\n{w.shown}"
    if kind == "user":
        w.up.purge_user(name)
    else:
        w.up.purge_group(name)
        w.up.purge_user(f"wm-{w.key[-6:]}")


def access_keys(w: Wire) -> None:
    name = f"wk-{w.key[-6:]}"
    w.up.iam.create_user(UserName=name)
    key_id = w.up.iam.create_access_key(UserName=name)["AccessKey"]["AccessKeyId"]
    writer = w.service.writer
    w.arm()
    try:
        if w.action == "iam:ListAccessKeys":
            writer.list_access_keys(name)
        elif w.action == "iam:UpdateAccessKey":
            writer.set_access_key_status(name, key_id, False)
        else:
            writer.delete_access_key(name, key_id)
    except AwsFailure as exc:
        w.failed(exc)
    w.settle()
    if w.error is not None and not w.error.outcome_unknown:
        keys = w.up.iam.list_access_keys(UserName=name)["AccessKeyMetadata"]
        w.check(
            [(k["AccessKeyId"], k["Status"]) for k in keys] == [(key_id, "Active")],
            f"the key changed although the call failed: {keys}",
        )
    w.up.purge_user(name)


def mfa(w: Wire) -> None:
    name = f"wf-{w.key[-6:]}"
    w.up.iam.create_user(UserName=name)
    writer = w.service.mfa
    device = None
    if w.action != "iam:CreateVirtualMFADevice":
        device = writer.create(name)
    w.arm()
    try:
        if device is None:
            device = writer.create(name)
        elif w.action == "iam:EnableMFADevice":
            now = time.time()
            writer.enable(name, device.serial, totp(device.seed, now - 30), totp(device.seed, now))
            w.verified = "no answer, and the device turned out to be assigned: success is true"
        else:
            writer.discard(device.serial)
    except AwsFailure as exc:
        w.failed(exc)
    w.settle()
    assigned = [d["SerialNumber"] for d in w.up.iam.list_mfa_devices(UserName=name)["MFADevices"]]
    loose = [
        d["SerialNumber"]
        for d in w.up.iam.list_virtual_mfa_devices(AssignmentStatus="Unassigned")[
            "VirtualMFADevices"
        ]
        if d["SerialNumber"].rsplit("/", 1)[-1].startswith(name)
    ]
    if w.action == "iam:EnableMFADevice":
        w.check(bool(assigned) == (w.error is None), f"enabled: {assigned}; error: {w.error}")
        w.check(not loose, f"a failed enrollment left unassigned devices: {loose}")
    elif w.action == "iam:CreateVirtualMFADevice" and w.fault == "unreadable":
        w.check(not loose, f"a device whose seed was lost is left: {loose}")
        w.check("the device was deleted" in w.shown, f"the error does not say so: {w.shown!r}")
    elif w.action == "iam:CreateVirtualMFADevice" and loose:
        w.check(
            w.error is not None and name in w.shown and "may" in w.shown,
            f"an unassigned device is left ({loose}) and the error does not say it may be",
        )
    for serial in assigned:
        w.up.iam.deactivate_mfa_device(UserName=name, SerialNumber=serial)
    for serial in {*assigned, *loose}:
        w.up.iam.delete_virtual_mfa_device(SerialNumber=serial)
    w.up.purge_user(name)


def alias(w: Wire) -> None:
    if current_alias(w.up) != BASE_ALIAS:
        w.up.iam.create_account_alias(AccountAlias=BASE_ALIAS)
    writer = w.service.alias_writer
    w.arm()
    try:
        if w.action == "iam:CreateAccountAlias":
            writer.set(f"faults-wire-{w.key[-4:]}")
        else:
            writer.delete(BASE_ALIAS)
    except AwsFailure as exc:
        w.failed(exc)
    w.settle()
    if w.error is not None and not w.error.outcome_unknown:
        w.check(current_alias(w.up) == BASE_ALIAS, "the alias changed although the call failed")
    if current_alias(w.up) != BASE_ALIAS:
        w.up.iam.create_account_alias(AccountAlias=BASE_ALIAS)


def password_policy(w: Wire) -> None:
    before = w.up.iam.get_account_password_policy()["PasswordPolicy"]
    current = w.service.reader.password_policy()
    w.arm()
    try:
        w.service.policy_writer.update(proposed_policy(current))
    except AwsFailure as exc:
        w.failed(exc)
    w.settle()
    after = w.up.iam.get_account_password_policy()["PasswordPolicy"]
    if w.error is not None and not w.error.outcome_unknown:
        w.check(after == before, "the policy changed although the call failed")
    names = (
        "MinimumPasswordLength",
        "RequireSymbols",
        "RequireNumbers",
        "RequireUppercaseCharacters",
        "RequireLowercaseCharacters",
        "AllowUsersToChangePassword",
        "HardExpiry",
    )
    w.up.iam.update_account_password_policy(**{k: before[k] for k in names if k in before})


REGIONS: dict[str, list[str]] = {"enable": [], "disable": [], "status": []}
_regions_lock = threading.Lock()


def regions(w: Wire) -> None:
    verb = {"account:EnableRegion": "enable", "account:DisableRegion": "disable"}.get(
        w.action, "status"
    )
    with _regions_lock:
        code = REGIONS[verb].pop()
    before = region_status(w.up, code)
    writer = w.service.regions_writer
    w.arm()
    try:
        if verb == "enable":
            writer.enable(code, RegionStatus.DISABLED)
        elif verb == "disable":
            writer.disable(code, RegionStatus.ENABLED)
        else:
            writer.status(code)
    except AwsFailure as exc:
        w.failed(exc)
    w.settle()
    if w.error is not None and not w.error.outcome_unknown:
        after = region_status(w.up, code)
        w.check(after == before, f"{code} went {before} → {after} although the call failed")


ANALYZER_REGION = "us-west-2"  # an enabled Region the demo leaves without an analyzer


def analyzers(w: Wire) -> None:
    """The create-analyzers plan: CreateAnalyzer faulted; its lost answer read back with a
    faulted GetAnalyzer; its rollback's DeleteAnalyzer faulted. Cells run side by side in
    one Region, each with an analyzer name of its own (the plan's "-N" suffix)."""
    upstream: Any = boto3.client(
        "accessanalyzer",
        endpoint_url=w.demo.endpoint_url,
        region_name=ANALYZER_REGION,
        aws_access_key_id=w.demo.access_key_id,
        aws_secret_access_key=w.demo.secret_access_key,
    )
    # Names taken up to this cell's number, so the plan picks "acct-tui-external-access-N".
    number = 2 + int(w.key[-6:])  # each cell's key is numbered apart
    taken = [ANALYZER_NAME, *(f"{ANALYZER_NAME}-{n}" for n in range(2, number))]
    mine = f"{ANALYZER_NAME}-{number}"

    def exists() -> bool:
        return any(a["name"] == mine for a in upstream.list_analyzers()["analyzers"])

    def has(what: str) -> bool | None:
        return exists() if mine in what else None

    plan = w.service.analyzers_writer.plan_create([ANALYZER_REGION], {ANALYZER_REGION: taken})
    assert mine in plan.steps[0].id, plan.steps[0].id
    if w.action == "access-analyzer:DeleteAnalyzer":
        assert plan.run().ok, "the plan did not run without a fault"
        w.arm()
        undone = plan.rollback()
        w.settle()
        failure = undone.failure
        w.error = failure.error if failure else None
        w.shown = str(undone)
        check_exists_now(w.problems, undone.exists_now, has)
    else:
        # GetAnalyzer reads back a create whose answer was lost (the connection reset).
        background = {"access-analyzer:CreateAnalyzer": "reset"}
        w.arm(background if w.action == "access-analyzer:GetAnalyzer" else None)
        result = plan.run()
        w.settle()
        check_exists_now(w.problems, result.exists_now, has)
        if w.action == "access-analyzer:GetAnalyzer":
            # Reading the account again failed too: the outcome stays unknown, and the
            # plan must say it may have happened, never that it did not.
            shown = str(result)
            w.check("may" in shown, f"a lost create, unreadable after, is not 'may': {shown!r}")
            w.verified = "the read-back failed: the plan says the analyzer may exist"
        else:
            w.shown = str(result)
            failure = result.failure
            w.error = failure.error if failure else None
        plan.rollback()
    if exists():
        upstream.delete_analyzer(analyzerName=mine)


def assume_role(w: Wire) -> None:
    """A member account read through a role whose AssumeRole fails: that row says so and
    nothing else of the account is read."""
    from tui.aws.org import MemberAccount, OrgScan

    w.arm()
    scan = OrgScan(w.service, role=FAULT_ROLE, caller_account="000000000000")
    read = scan.read(MemberAccount(ACCOUNT, "faults", "faults@example.com", "ACTIVE"))
    w.proxy.clear(w.key)
    w.calls = scan.calls[w.action]
    w.attempts = w.proxy.count(w.action, key=w.key)
    w.check(read.summary is None and read.posture is None, "a failed role session was read")
    others = sorted(a for a in scan.calls if a != w.action)
    w.check(not others, f"the account was read although its role failed: {others}")
    w.error = read.error
    if read.error is not None:
        w.check(read.error.action == w.action, f"the row blames {read.error.action}")
        w.shown = f"{read.problem()}: {read.error.summary()}"


CERT = ""  # a signing certificate for the delete-user cells, made once per run

DRIVES: dict[str, Callable[[Wire], None]] = {
    **dict.fromkeys(READ_PARTS, read),
    **dict.fromkeys(CREATE_USER_OPS, create_user),
    **dict.fromkeys(CREATE_GROUP_OPS, create_group),
    **dict.fromkeys(
        DELETE_USER_READS + DELETE_USER_OPTIONAL + DELETE_USER_STEPS,
        lambda w: delete(w, "user"),
    ),
    **dict.fromkeys(DELETE_GROUP_OPS, lambda w: delete(w, "group")),
    **dict.fromkeys(KEY_OPS, access_keys),
    **dict.fromkeys(MFA_OPS, mfa),
    **dict.fromkeys(ALIAS_OPS, alias),
    **dict.fromkeys(POLICY_OPS, password_policy),
    "account:EnableRegion": regions,
    "account:DisableRegion": regions,
    "account:GetRegionOptStatus": regions,
    **dict.fromkeys(ANALYZER_OPS, analyzers),
    **dict.fromkeys(ORG_OPS, assume_role),
}
# Account-wide settings: one cell at a time, or cells would see each other's changes.
SINGLETONS = frozenset(ALIAS_OPS + POLICY_OPS)


def run(w: Wire) -> CellResult:
    result = CellResult(w.action, w.fault, SITES[w.action], tier="wire")
    began = time.monotonic()
    try:
        DRIVES[w.action](w)
    except Exception as exc:  # noqa: BLE001 - a broken cell is a failed cell, not a crash
        w.problems.append(f"could not drive the cell: {type(exc).__name__}: {exc}")
    finally:
        w.proxy.clear(w.key)
    result.seconds = time.monotonic() - began
    judge(w)
    result.problems, result.calls, result.attempts = w.problems, w.calls, w.attempts
    return result


def judge(w: Wire) -> None:
    expected = ATTEMPTS.get(w.fault, 3)
    w.check(w.calls >= 1, "the faulted operation was never called")
    w.check(w.calls <= 1, f"the code called it {w.calls} times")
    w.check(
        w.attempts == expected * w.calls,
        f"{w.attempts} attempts reached the wire for {w.calls} call(s); expected {expected} each",
    )
    held = [r for r in w.proxy.handled(w.action, key=w.key) if r.fault == "slow"]
    w.check(all(r.abandoned for r in held), GAVE_UP)
    if w.error is None and not w.verified and not w.shown:
        w.problems.append("the call failed every attempt, yet nothing says so")
    if not w.shown:
        return
    w.check(w.action in w.shown, f"the error shown does not name {w.action}: {w.shown[:200]!r}")
    check_secrets(w.problems, w.shown, w.proxy.secrets(key=w.key))
    if w.fault == "denied":
        w.check("denied" in w.shown.lower(), "the error does not say access was denied")
    if w.fault == "unreadable":
        w.check("unreadable" in w.shown.lower(), "the error does not say the answer was unreadable")
    mutating = not is_read_operation(w.action.partition(":")[2])
    if mutating and w.fault in ("reset", "slow", "unreadable"):
        w.check("may" in w.shown, "no answer came, and the app does not say it may have happened")


HANG = 600.0  # a cell still running after this long has hung (a guard, not a speed)


def finished(future: Future[CellResult]) -> CellResult:
    try:
        return future.result(timeout=HANG)
    except FutureTimeout:
        raise AssertionError(f"hung: a cell did not finish in {HANG:.0f} s") from None


def regions_settled(up: Upstream) -> None:
    """Until no Region of the demo is ENABLING or DISABLING."""
    deadline = time.monotonic() + 120  # a hang guard
    while moving := regions_moving(up):
        if time.monotonic() > deadline:
            raise AssertionError(f"hung: Regions still moving: {moving}")
        time.sleep(0.1)


def server_clock_past(up: Upstream, when: dt.datetime) -> None:
    """Until the demo server's clock (its answers' Date header) is past ``when``."""
    deadline = time.monotonic() + 60  # a hang guard
    while True:
        date = up.iam.list_users(MaxItems=1)["ResponseMetadata"]["HTTPHeaders"]["date"]
        if parsedate_to_datetime(date) > when:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"hung: the server's clock stays at {date}")
        time.sleep(0.1)


def test_every_operation_under_every_fault(proxy: FaultProxy, demo: DemoEndpoint) -> None:
    global CERT
    up = Upstream(demo)
    CERT = certificate()
    proxy.stub("iam:ListServiceSpecificCredentials", SSC_LIST.format(user="someone"))
    proxy.stub("iam:DeleteServiceSpecificCredential", SSC_DELETE)
    if current_alias(up) != BASE_ALIAS:
        up.iam.create_account_alias(AccountAlias=BASE_ALIAS)
    # Regions: the demo's moving ones settle; then one per Region cell, in the right state.
    regions_settled(up)
    listing = up.account.list_regions(MaxResults=50)["Regions"]
    by_status: dict[str, list[str]] = {}
    for r in listing:
        by_status.setdefault(r["RegionOptStatus"], []).append(r["RegionName"])
    per = len(FAULTS)
    disabled, enabled = by_status["DISABLED"], by_status.get("ENABLED", [])
    REGIONS["enable"][:] = disabled[:per]
    REGIONS["disable"][:] = (enabled + disabled[per:])[:per]
    REGIONS["status"][:] = by_status["ENABLED_BY_DEFAULT"][:per]
    for code in REGIONS["disable"]:
        if code not in enabled:
            up.account.enable_region(RegionName=code)
    up.iam.create_user(UserName="someone")  # the stub's service credential belongs to it
    trust = '{"Version": "2012-10-17", "Statement": []}'
    up.iam.create_role(RoleName=FAULT_ROLE, AssumeRolePolicyDocument=trust)  # (AssumeRole)
    # moto builds its EC2 backend on the first EC2 call (seconds): not on a cell's clock.
    up.warm_ec2()
    regions_settled(up)

    def cell(action: str, fault: str) -> CellResult:
        return run(Wire(action, fault, up, proxy, demo))

    pairs = [(a, f) for a in SITES if a not in DOCUMENT_OPS + TAG_OPS + FIX_OPS for f in FAULTS]
    parallel = [p for p in pairs if p[0] not in SINGLETONS]
    serial = [p for p in pairs if p[0] in SINGLETONS]
    gc.collect()
    gc.freeze()  # collections scan only what the cells make: short pauses, fewer late answers
    pool = ThreadPoolExecutor(max_workers=WORKERS)
    try:
        with own_log() as log:
            futures = [pool.submit(cell, *p) for p in parallel]
            results = [finished(future) for future in futures]
            results += [cell(*p) for p in serial]
    finally:
        pool.shutdown(wait=False, cancel_futures=True)  # a hung cell must not hold the test
        gc.unfreeze()
    RESULTS.extend(results)
    failed = [r for r in results if not r.passed]
    report = "\n".join(f"{r.action} × {r.fault}: {'; '.join(r.problems)}" for r in failed)
    assert not failed, f"{len(failed)} of {len(results)} cells failed:\n{report}"
    assert proxy.secrets(), "no unreadable answer carried a secret: the check below is empty"
    leaks = log.leaks(proxy.secrets())
    assert not leaks, f"acct-tui logged an unreadable answer's body or secret: {leaks[:3]}"


# -- an answer lost once: the retry goes through, and meets what the first attempt did --------
def test_a_retried_create_user_meets_the_user_its_lost_answer_made(
    proxy: FaultProxy, demo: DemoEndpoint
) -> None:
    """AWS creates the user, the answer is lost, botocore retries, AWS says
    EntityAlreadyExists. The plan must not report "user … does not exist"."""
    up = Upstream(demo)
    w = Wire("iam:CreateUser", "slow", up, proxy, demo)
    name = f"lost-{w.key[-6:]}"
    plan = w.service.writer.plan_create_user(
        NewUser(name, access_key=True),
        account_id=ACCOUNT,
        alias=None,
        policy=AWS_DEFAULT_PASSWORD_POLICY,
    )
    proxy.inject("iam:CreateUser", "slow", times=1, key=w.key)
    result = plan.run()
    assert proxy.count("iam:CreateUser", key=w.key) == 2, "one retry"
    assert up.user_exists(name), "the first, unanswered attempt made the user"
    failure = result.failure
    assert failure is not None and failure.error is not None
    assert failure.error.code == "EntityAlreadyExists"
    assert "earlier attempt may have made" in failure.error.summary()
    # Read again, the user is newer than the plan: this plan made it.
    assert result.exists_now[0].startswith(f"user {name} exists"), result.exists_now
    assert plan.can_rollback
    undone = plan.rollback()
    assert undone.ok and not up.user_exists(name), "rolling back removes it"


def test_a_retried_create_user_never_rolls_back_someone_elses_user(
    proxy: FaultProxy, demo: DemoEndpoint
) -> None:
    """The user already existed (someone else's): the first attempt's EntityAlreadyExists is
    lost, the retry meets it too. The outcome is unknown, but the re-read shows the user is
    older than the plan: it is reported as existing before, and rollback never deletes it."""
    up = Upstream(demo)
    w = Wire("iam:CreateUser", "slow", up, proxy, demo)
    name = f"theirs-{w.key[-6:]}"
    created = up.iam.create_user(UserName=name)["User"]["CreateDate"]
    # CreateDate has one-second steps: "before the plan" must be unambiguous on AWS's clock.
    server_clock_past(up, created + dt.timedelta(seconds=3))
    plan = w.service.writer.plan_create_user(
        NewUser(name), account_id=ACCOUNT, alias=None, policy=AWS_DEFAULT_PASSWORD_POLICY
    )
    proxy.inject("iam:CreateUser", "slow", times=1, key=w.key)
    result = plan.run()
    assert proxy.count("iam:CreateUser", key=w.key) == 2, "one retry"
    failure = result.failure
    assert failure is not None and failure.error is not None
    assert failure.error.code == "EntityAlreadyExists"
    assert result.exists_now[0].startswith(f"user {name} existed before this plan"), (
        result.exists_now
    )
    assert not plan.can_rollback, plan.rollback_steps()
    plan.rollback()
    assert up.user_exists(name), "someone else's user is never deleted by a rollback"
    up.purge_user(name)


def test_an_unprovable_create_user_is_never_rolled_back(
    proxy: FaultProxy, demo: DemoEndpoint
) -> None:
    """Same, but the re-read that would tell whose user it is fails (denied): acct-tui
    cannot prove the plan made it, so no rollback deletes it."""
    up = Upstream(demo)
    w = Wire("iam:CreateUser", "slow", up, proxy, demo)
    name = f"unproven-{w.key[-6:]}"
    up.iam.create_user(UserName=name)
    plan = w.service.writer.plan_create_user(
        NewUser(name), account_id=ACCOUNT, alias=None, policy=AWS_DEFAULT_PASSWORD_POLICY
    )
    proxy.inject("iam:CreateUser", "slow", times=1, key=w.key)
    proxy.inject("iam:GetUser", "denied", key=w.key)
    result = plan.run()
    assert result.exists_now[0].startswith(f"user {name} may exist"), result.exists_now
    assert not plan.can_rollback, plan.rollback_steps()
    plan.rollback()
    assert proxy.count("iam:DeleteUser", key=w.key) == 0
    assert up.user_exists(name), "a user the plan cannot prove it made is never deleted"
    up.purge_user(name)


# Long enough for an unfaulted call on a loaded machine (0.5 s was not, once: CreateUser
# timed out, was retried, and answered EntityAlreadyExists), far shorter than a held answer.
RETRIED_READ_TIMEOUT = 5.0


def calm_but_for_one(w: Wire) -> Wire:
    """``w`` whose calls wait RETRIED_READ_TIMEOUT: only the one held answer times out."""
    settings = replace(w.service.settings, read_timeout=RETRIED_READ_TIMEOUT)
    w.service = AccountService(settings, report_poll_interval=0.05)
    return w


def test_a_retried_create_access_key_leaves_no_key_without_its_secret(
    proxy: FaultProxy, demo: DemoEndpoint
) -> None:
    up = Upstream(demo)
    w = calm_but_for_one(Wire("iam:CreateAccessKey", "slow", up, proxy, demo))
    name = f"lostkey-{w.key[-6:]}"
    plan = w.service.writer.plan_create_user(
        NewUser(name, access_key=True),
        account_id=ACCOUNT,
        alias=None,
        policy=AWS_DEFAULT_PASSWORD_POLICY,
    )
    proxy.inject("iam:CreateAccessKey", "slow", times=1, key=w.key)
    result = plan.run()
    assert result.ok, str(result)
    assert proxy.count("iam:CreateAccessKey", key=w.key) == 2, "the retry made a second key"
    held = plan.credentials
    assert held is not None and held.secret_access_key
    keys = up.iam.list_access_keys(UserName=name)["AccessKeyMetadata"]
    assert [k["AccessKeyId"] for k in keys] == [held.access_key_id], "the lost one is deleted"
    up.purge_user(name)


def test_a_retried_mfa_device_leaves_no_device_without_its_seed(
    proxy: FaultProxy, demo: DemoEndpoint
) -> None:
    up = Upstream(demo)
    w = calm_but_for_one(Wire("iam:CreateVirtualMFADevice", "slow", up, proxy, demo))
    name = f"lostmfa-{w.key[-6:]}"
    up.iam.create_user(UserName=name)
    proxy.inject("iam:CreateVirtualMFADevice", "slow", times=1, key=w.key)
    device = w.service.mfa.create(name)
    assert device.serial.endswith(f"/{name}-2"), "the first name was taken by the lost attempt"
    loose = [
        d["SerialNumber"]
        for d in up.iam.list_virtual_mfa_devices(AssignmentStatus="Unassigned")["VirtualMFADevices"]
        if d["SerialNumber"].rsplit("/", 1)[-1].startswith(name)
    ]
    assert loose == [device.serial], "the device whose seed was lost is gone"
    w.service.mfa.discard(device.serial)
    up.purge_user(name)


# -- policy documents and user tags (issue 15): their own cells, every fault ----------------------
INLINE_DOC = (
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'
)


def documents(w: Wire) -> None:
    writer, owner = w.service.writer, f"wd-{w.key[-6:]}"
    if w.action == "iam:GetUserPolicy":
        w.up.iam.create_user(UserName=owner)
        w.up.iam.put_user_policy(UserName=owner, PolicyName="p", PolicyDocument=INLINE_DOC)
    elif w.action == "iam:GetGroupPolicy":
        w.up.iam.create_group(GroupName=owner)
        w.up.iam.put_group_policy(GroupName=owner, PolicyName="p", PolicyDocument=INLINE_DOC)
    w.arm()
    try:
        if w.action == "iam:GetUserPolicy":
            writer.inline_policy_document("user", owner, "p")
        elif w.action == "iam:GetGroupPolicy":
            writer.inline_policy_document("group", owner, "p")
        else:
            writer.managed_policy_document(READONLY_ARN)
    except AwsFailure as exc:
        w.failed(exc)
    w.settle()
    w.up.purge_user(owner)
    w.up.purge_group(owner)


def tags(w: Wire) -> None:
    name = f"wt-{w.key[-6:]}"
    old = (("team", "a"), ("gone", "x"))
    new = (("team", "b"), ("k=v", "1"))
    w.up.iam.create_user(UserName=name, Tags=[{"Key": k, "Value": v} for k, v in old])
    plan = w.service.writer.plan_edit_tags(name, old, new)

    def has(what: str) -> bool | None:
        now = {t["Key"]: t["Value"] for t in w.up.iam.list_user_tags(UserName=name)["Tags"]}
        if what == f"tags team, k=v of {name}":
            return now.get("team") == "b" and now.get("k=v") == "1"
        if what == f"tags gone removed from {name}":
            return "gone" not in now
        return None

    run_plan(w, plan, has)
    undone = plan.rollback()
    check_exists_now(w.problems, undone.exists_now, has)
    if undone.ok:
        now = {t["Key"]: t["Value"] for t in w.up.iam.list_user_tags(UserName=name)["Tags"]}
        w.check(now == dict(old), f"the rollback reports success; the tags are {now}")
    w.up.purge_user(name)


DRIVES.update({**dict.fromkeys(DOCUMENT_OPS, documents), **dict.fromkeys(TAG_OPS, tags)})


def test_policy_documents_and_tags_under_every_fault(proxy: FaultProxy, demo: DemoEndpoint) -> None:
    up = Upstream(demo)
    pairs = [(a, f) for a in DOCUMENT_OPS + TAG_OPS for f in FAULTS]
    with ThreadPoolExecutor(max_workers=WORKERS) as pool, own_log() as log:
        futures = [pool.submit(lambda p=p: run(Wire(p[0], p[1], up, proxy, demo))) for p in pairs]
        results = [finished(future) for future in futures]
    RESULTS.extend(results)
    failed = [r for r in results if not r.passed]
    report = "\n".join(f"{r.action} × {r.fault}: {'; '.join(r.problems)}" for r in failed)
    assert not failed, f"{len(failed)} of {len(results)} cells failed:\n{report}"
    leaks = log.leaks(proxy.secrets())
    assert not leaks, f"acct-tui logged an unreadable answer's body or secret: {leaks[:3]}"


# -- day two: console passwords and new keys of existing users ------------------------------------
def existing_user(w: Wire) -> None:
    """The credential flows of an existing user (it has a key, and a console password when
    the cell resets or removes it), made as the app makes them."""
    name = f"wx-{w.key[-6:]}"
    iam = w.up.iam
    iam.create_user(UserName=name)
    old = iam.create_access_key(UserName=name)["AccessKey"]["AccessKeyId"]
    if w.action in ("iam:UpdateLoginProfile", "iam:DeleteLoginProfile"):
        iam.create_login_profile(UserName=name, Password="Faults-pass-2026!")
    writer = w.service.writer

    def has(what: str) -> bool | None:
        return w.up.user_has(name, what)

    def key_ids() -> list[str]:
        return [k["AccessKeyId"] for k in iam.list_access_keys(UserName=name)["AccessKeyMetadata"]]

    if w.action == "iam:GetLoginProfile":
        w.arm()
        try:
            writer.has_login_profile(name)
        except AwsFailure as exc:
            w.failed(exc)
        w.settle()
    elif w.action == "iam:CreateAccessKey":
        plan = writer.plan_create_access_key(name, account_id=ACCOUNT, alias=None, before=[old])
        result = run_plan(w, plan, has)
        keys = key_ids()
        w.check(old in keys, "the key the user had before the plan was deleted")
        if w.error is not None and not w.error.outcome_unknown:
            w.check(keys == [old], f"a key was made although the call failed: {keys}")
        if w.fault == "unreadable":
            w.check(keys == [old], f"a key whose secret was lost is left: {keys}")
            w.check(
                any(line.endswith(SECRET_LOST) for line in result.exists_now),
                f"the plan does not say the key whose secret was lost was deleted: {result}",
            )
        undone = plan.rollback()
        check_exists_now(w.problems, undone.exists_now, has)
        w.check(old in key_ids(), "the rollback deleted the key the user had before")
    elif w.action == "iam:DeleteLoginProfile":
        run_plan(w, writer.plan_remove_password(name), has)
    else:
        create = w.action == "iam:CreateLoginProfile"
        planner = writer.plan_add_password if create else writer.plan_reset_password
        plan = planner(
            PasswordChange(name), account_id=ACCOUNT, alias=None, policy=AWS_DEFAULT_PASSWORD_POLICY
        )
        run_plan(w, plan, has)
        kept = plan.credentials
        if w.error is None or w.error.outcome_unknown:
            w.check(kept is not None and bool(kept.password), "the console password was dropped")
        else:
            w.check(kept is None, "a password AWS refused is offered as the one in force")
        if create:
            undone = plan.rollback()
            check_exists_now(w.problems, undone.exists_now, has)
    w.up.purge_user(name)


def key_last_used(w: Wire) -> None:
    name = f"wl-{w.key[-6:]}"
    w.up.iam.create_user(UserName=name)
    key_id = w.up.iam.create_access_key(UserName=name)["AccessKey"]["AccessKeyId"]
    w.arm()
    try:
        w.service.writer.access_key_last_used(key_id)
    except AwsFailure as exc:
        w.failed(exc)
    w.settle()
    w.up.purge_user(name)


DRIVES.update({"iam:UpdateLoginProfile": existing_user, "iam:GetAccessKeyLastUsed": key_last_used})


def run_existing(w: Wire) -> CellResult:
    """As :func:`run`, for an operation driven from the existing-user flows."""
    result = CellResult(w.action, w.fault, EXISTING_USER_OPS[w.action], tier="wire")
    began = time.monotonic()
    try:
        existing_user(w)
    except Exception as exc:  # noqa: BLE001 - a broken cell is a failed cell, not a crash
        w.problems.append(f"could not drive the cell: {type(exc).__name__}: {exc}")
    finally:
        w.proxy.clear(w.key)
    result.seconds = time.monotonic() - began
    judge(w)
    result.problems, result.calls, result.attempts = w.problems, w.calls, w.attempts
    return result


def test_faults_on_credentials_of_existing_users(proxy: FaultProxy, demo: DemoEndpoint) -> None:
    """GetLoginProfile, CreateLoginProfile, DeleteLoginProfile and CreateAccessKey, made by the
    flows of an existing user, × every fault (UpdateLoginProfile is in the matrix above)."""
    up = Upstream(demo)
    pairs = [(a, f) for a in EXISTING_USER_OPS if a not in PASSWORD_OPS for f in FAULTS]
    pool = ThreadPoolExecutor(max_workers=WORKERS)
    try:
        with own_log() as log:
            futures = [pool.submit(run_existing, Wire(a, f, up, proxy, demo)) for a, f in pairs]
            results = [finished(future) for future in futures]
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    RESULTS.extend(results)
    failed = [r for r in results if not r.passed]
    report = "\n".join(f"{r.action} × {r.fault}: {'; '.join(r.problems)}" for r in failed)
    assert not failed, f"{len(failed)} of {len(results)} cells failed:\n{report}"
    leaks = log.leaks(proxy.secrets())
    assert not leaks, f"acct-tui logged an unreadable answer's body or secret: {leaks[:3]}"


# -- CIS control fixes: security contact, support role, expired certificates --------------------
def contact_cell(w: Wire) -> None:
    """PutAlternateContact replacing a contact; DeleteAlternateContact rolling a new one back."""
    old = AlternateContact("Old Team", "Ops", "ops@example.com", "+1 555 0100")
    new = AlternateContact("New Team", "Security", "sec@example.com", "+1 555 0199")
    writer = w.service.contacts_writer

    def has(what: str) -> bool | None:
        return security_contact_name(w.up) == what.removeprefix("security contact ")

    if w.action == "account:PutAlternateContact":
        w.up.account.put_alternate_contact(
            AlternateContactType="SECURITY", **contact_params_of(old)
        )
        run_plan(w, writer.plan_security_contact(new, old), has)
        if w.error is not None and not w.error.outcome_unknown:
            w.check(security_contact_name(w.up) == old.name, "the contact changed on a failure")
    else:
        with contextlib.suppress(w.up.account.exceptions.ResourceNotFoundException):
            w.up.account.delete_alternate_contact(AlternateContactType="SECURITY")
        plan = writer.plan_security_contact(new, None)
        plan.run()
        rolled_back(w, plan, has)
    with contextlib.suppress(w.up.account.exceptions.ResourceNotFoundException):
        w.up.account.delete_alternate_contact(AlternateContactType="SECURITY")


def contact_params_of(c: AlternateContact) -> dict[str, str]:
    return {"Name": c.name, "Title": c.title, "EmailAddress": c.email, "PhoneNumber": c.phone}


def rolled_back(w: Wire, plan: Plan, has: Callable[[str], bool | None]) -> None:
    """Arm the cell's fault, roll ``plan`` back, and check what it says."""
    w.arm()
    undone = plan.rollback()
    w.settle()
    w.shown = str(undone)
    failure = undone.failure
    w.error = failure.error if failure else None
    check_exists_now(w.problems, undone.exists_now, has)


def role_cell(w: Wire) -> None:
    name = f"wr-{w.key[-6:]}"
    plan = w.service.control_fixes.plan_support_role(SupportRole(name), account_id=ACCOUNT)

    def has(what: str) -> bool | None:
        return role_has(w.up, name, what)

    if w.action in ("iam:CreateRole", "iam:AttachRolePolicy"):
        run_plan(w, plan, has)
        if w.error is not None and not w.error.outcome_unknown and w.action == "iam:CreateRole":
            w.check(not role_has(w.up, name, f"role {name}"), "a role was made on a failure")
        undone = plan.rollback()
        check_exists_now(w.problems, undone.exists_now, has)
    elif w.action == "iam:GetRole":
        w.arm(ROLE_LOST)
        result = plan.run()
        w.settle()
        w.shown = str(result)
        w.check(not plan.can_rollback, "a role not proven to be the plan's is offered for rollback")
    else:
        plan.run()
        rolled_back(w, plan, has)
    purge_role(w.up, name)


def certificate_cell(w: Wire) -> None:
    name = f"wc-{w.key[-6:]}"
    w.up.iam.upload_server_certificate(
        ServerCertificateName=name, CertificateBody=CERT or certificate(), PrivateKey=CERT_KEY
    )
    listed = [c for c in w.service.reader.certificates() if c.name == name]
    plan = w.service.control_fixes.plan_delete_certificates(listed)

    def has(what: str) -> bool | None:
        return certificate_exists(w.up, what.removeprefix("certificate "))

    run_plan(w, plan, has)
    if w.error is not None and not w.error.outcome_unknown:
        w.check(certificate_exists(w.up, name), "the certificate is gone although the call failed")
    with contextlib.suppress(w.up.iam.exceptions.NoSuchEntityException):
        w.up.iam.delete_server_certificate(ServerCertificateName=name)


DRIVES.update(
    {
        **dict.fromkeys(CONTACT_OPS, contact_cell),
        **dict.fromkeys(ROLE_OPS, role_cell),
        **dict.fromkeys(CERT_OPS, certificate_cell),
    }
)


def test_faults_on_control_fixes(proxy: FaultProxy, demo: DemoEndpoint) -> None:
    """The security contact (one cell at a time: it is account-wide), the support role and
    expired-certificate plans, × every fault."""
    up = Upstream(demo)
    pairs = [(a, f) for a in FIX_OPS for f in FAULTS]
    serial = [p for p in pairs if p[0] in CONTACT_OPS]
    pool = ThreadPoolExecutor(max_workers=WORKERS)
    try:
        with own_log() as log:
            futures = [
                pool.submit(lambda p=p: run(Wire(p[0], p[1], up, proxy, demo)))
                for p in pairs
                if p not in serial
            ]
            results = [finished(future) for future in futures]
            results += [run(Wire(a, f, up, proxy, demo)) for a, f in serial]
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    RESULTS.extend(results)
    failed = [r for r in results if not r.passed]
    report = "\n".join(f"{r.action} × {r.fault}: {'; '.join(r.problems)}" for r in failed)
    assert not failed, f"{len(failed)} of {len(results)} cells failed:\n{report}"
    leaks = log.leaks(proxy.secrets())
    assert not leaks, f"acct-tui logged an unreadable answer's body or secret: {leaks[:3]}"
