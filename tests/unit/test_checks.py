"""The security checks on hand-built Posture data: each one passing and failing on purpose.

No AWS here: every Posture is built from the dataclasses of ``tui.aws.models``, and every
check runs at a fixed ``NOW`` so ages are exact.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tui.aws import checks
from tui.aws.checks import Finding, Severity, Status, evaluate
from tui.aws.control_models import (
    CLOUDSHELL_POLICY_ARN,
    SUPPORT_POLICY_ARN,
    AlternateContact,
    Analyzer,
    AnalyzerScan,
    Federation,
    LocalPolicies,
    PolicyEntities,
    PolicyHolders,
    RegionAnalyzers,
    RootAccess,
    RootAccessStanding,
    SecurityContact,
    ServerCertificate,
    VirtualMfa,
    VirtualMfaList,
)
from tui.aws.errors import AwsError
from tui.aws.models import (
    ADMIN_POLICY_ARN,
    AWS_DEFAULT_PASSWORD_POLICY,
    ROOT_REPORT_USER,
    AccountSummary,
    AuthDetails,
    Caller,
    CredentialReport,
    CredentialRow,
    IamGroup,
    IamUser,
    KeyInfo,
    Part,
    PasswordPolicy,
    PolicyRef,
    Posture,
)

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
ACCOUNT = "123456789012"
ADMIN = PolicyRef("AdministratorAccess", ADMIN_POLICY_ARN)
READ_ONLY = PolicyRef("ReadOnlyAccess", "arn:aws:iam::aws:policy/ReadOnlyAccess")
IAM_CALLER = Caller(ACCOUNT, f"arn:aws:iam::{ACCOUNT}:user/alice", "AIDAALICE")
ROOT_CALLER = Caller(ACCOUNT, f"arn:aws:iam::{ACCOUNT}:root", ACCOUNT)
STRONG_POLICY = PasswordPolicy(
    minimum_length=14,
    require_symbols=True,
    require_numbers=True,
    require_uppercase=True,
    require_lowercase=True,
    reuse_prevention=24,
    max_age_days=90,
)


# ------------------------------------------------------------------------------- builders
def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def user(
    name: str,
    *,
    groups: tuple[str, ...] = (),
    policies: tuple[PolicyRef, ...] = (),
    inline: tuple[str, ...] = (),
) -> IamUser:
    return IamUser(
        name=name,
        arn=f"arn:aws:iam::{ACCOUNT}:user/{name}",
        user_id=f"AIDA{name.upper()}",
        path="/",
        created=ago(400),
        groups=groups,
        attached_policies=policies,
        inline_policies=inline,
    )


def group(name: str, *policies: PolicyRef) -> IamGroup:
    return IamGroup(
        name=name,
        arn=f"arn:aws:iam::{ACCOUNT}:group/{name}",
        path="/",
        created=ago(400),
        attached_policies=policies,
    )


def key(slot: int = 1, *, age: float, used: float | None = None, active: bool = True) -> KeyInfo:
    return KeyInfo(
        slot=slot,
        active=active,
        last_rotated=ago(age),
        last_used=None if used is None else ago(used),
        last_used_service=None if used is None else "iam",
    )


def row(
    name: str,
    *,
    console: bool | None = False,
    mfa: bool = False,
    keys: tuple[KeyInfo, ...] = (),
    password_used: float | None = None,
) -> CredentialRow:
    arn = f"arn:aws:iam::{ACCOUNT}:root" if name == ROOT_REPORT_USER else f"user/{name}"
    return CredentialRow(
        user=name,
        arn=arn,
        created=ago(400),
        password_enabled=console,
        password_last_used=None if password_used is None else ago(password_used),
        mfa_active=mfa,
        keys=keys,
    )


def report(*rows: CredentialRow) -> CredentialReport:
    return CredentialReport(generated=ago(0.01), rows=rows)


def posture(**values: Any) -> Posture:
    """A Posture whose named parts loaded with ``values`` (others still pending)."""
    parts = {
        name: value if isinstance(value, Part) else Part.ok(value) for name, value in values.items()
    }
    return Posture(**parts)


def denied(action: str) -> Part[Any]:
    return Part.failed(
        AwsError(
            action,
            "AccessDenied",
            f"User: arn:aws:iam::{ACCOUNT}:user/alice is not authorized to perform: {action}",
            f"Your identity needs {action}",
        )
    )


def assert_status(finding: Finding, status: Status) -> None:
    assert finding.status is status, f"{finding.id}: {finding.status} ({finding.reason})"


# ----------------------------------------------------------------------------------- root
def test_root_mfa_enabled_passes() -> None:
    p = posture(summary=AccountSummary(root_mfa_enabled=True, root_access_keys_present=False))
    assert_status(checks.check_root_mfa(p, NOW), Status.PASS)


def test_root_without_mfa_fails_critical_with_console_steps_at_root_sign_in() -> None:
    p = posture(
        caller=IAM_CALLER,
        aliases=("acme-prod",),
        summary=AccountSummary(root_mfa_enabled=False, root_access_keys_present=False),
    )
    f = checks.check_root_mfa(p, NOW)
    assert_status(f, Status.FAIL)
    assert f.severity is Severity.CRITICAL
    assert f.fix is not None
    # The API cannot enable root MFA: the fix is a guide of console steps starting at the
    # root sign-in page (and a "check again"), not an API call. The account's sign-in URL
    # is the IAM users' form, not root's.
    assert f.fix.action == "root_mfa_guide"
    assert any("https://console.aws.amazon.com/" in step for step in f.fix.console_steps)
    assert not any("signin.aws.amazon.com" in step for step in f.fix.console_steps)


def test_root_access_keys_present_fails_and_absent_passes() -> None:
    with_keys = posture(
        caller=IAM_CALLER,
        summary=AccountSummary(root_mfa_enabled=True, root_access_keys_present=True),
    )
    f = checks.check_root_keys(with_keys, NOW)
    assert_status(f, Status.FAIL)
    assert f.severity is Severity.CRITICAL
    # Not signed in as root: deleting root's keys takes the console.
    assert f.fix is not None and f.fix.action is None and f.fix.console_steps

    without = posture(summary=AccountSummary(root_mfa_enabled=True, root_access_keys_present=False))
    assert_status(checks.check_root_keys(without, NOW), Status.PASS)


def test_root_keys_fix_is_an_app_action_when_signed_in_as_root() -> None:
    p = posture(
        caller=ROOT_CALLER,
        summary=AccountSummary(root_mfa_enabled=True, root_access_keys_present=True),
    )
    f = checks.check_root_keys(p, NOW)
    assert_status(f, Status.FAIL)
    assert f.fix is not None and f.fix.action == "delete_root_keys"


def test_root_used_three_days_ago_fails() -> None:
    p = posture(report=report(row(ROOT_REPORT_USER, console=None, mfa=True, password_used=3)))
    f = checks.check_root_recent_use(p, NOW)
    assert_status(f, Status.FAIL)
    assert "3 days ago" in f.reason


def test_root_key_used_recently_fails_too() -> None:
    root = row(ROOT_REPORT_USER, console=None, keys=(key(1, age=300, used=2),), password_used=200)
    f = checks.check_root_recent_use(posture(report=report(root)), NOW)
    assert_status(f, Status.FAIL)
    assert "2 days ago" in f.reason


def test_root_used_a_hundred_days_ago_passes() -> None:
    p = posture(report=report(row(ROOT_REPORT_USER, console=None, mfa=True, password_used=100)))
    assert_status(checks.check_root_recent_use(p, NOW), Status.PASS)


def test_no_root_row_in_the_report_is_unknown() -> None:
    # moto's report has no <root_account> row; neither should make this PASS.
    p = posture(report=report(row("alice", console=True, mfa=True)))
    f = checks.check_root_recent_use(p, NOW)
    assert_status(f, Status.UNKNOWN)
    assert "root row" in f.reason


def test_caller_is_root_fails_and_iam_user_passes() -> None:
    f = checks.check_caller_not_root(posture(caller=ROOT_CALLER), NOW)
    assert_status(f, Status.FAIL)
    assert f.severity is Severity.CRITICAL
    assert f.fix is not None and f.fix.action == "create_user"

    ok = checks.check_caller_not_root(posture(caller=IAM_CALLER), NOW)
    assert_status(ok, Status.PASS)
    assert IAM_CALLER.arn in ok.reason


# ------------------------------------------------------------------------ users and groups
def test_admin_group_present_passes_and_names_it() -> None:
    details = AuthDetails(groups=(group("developers", READ_ONLY), group("administrators", ADMIN)))
    f = checks.check_admin_group(posture(details=details), NOW)
    assert_status(f, Status.PASS)
    assert "administrators" in f.reason
    assert "developers" not in f.reason


def test_no_group_with_administrator_access_fails() -> None:
    details = AuthDetails(groups=(group("developers", READ_ONLY), group("empty")))
    f = checks.check_admin_group(posture(details=details), NOW)
    assert_status(f, Status.FAIL)
    assert f.fix is not None and f.fix.action == "create_admin_group"


def test_admin_user_via_group_passes() -> None:
    details = AuthDetails(
        users=(user("alice", groups=("administrators",)), user("bob", groups=("developers",))),
        groups=(group("administrators", ADMIN), group("developers", READ_ONLY)),
    )
    f = checks.check_admin_user(posture(details=details), NOW)
    assert_status(f, Status.PASS)
    assert "alice" in f.reason
    assert "bob" not in f.reason


def test_admin_user_via_direct_attachment_passes() -> None:
    details = AuthDetails(users=(user("carol", policies=(ADMIN,)),), groups=())
    f = checks.check_admin_user(posture(details=details), NOW)
    assert_status(f, Status.PASS)
    assert "carol" in f.reason


def test_admin_group_without_members_is_no_admin_user() -> None:
    details = AuthDetails(
        users=(user("bob", groups=("developers",), policies=(READ_ONLY,)),),
        groups=(group("administrators", ADMIN), group("developers", READ_ONLY)),
    )
    assert_status(checks.check_admin_user(posture(details=details), NOW), Status.FAIL)


def test_console_user_without_mfa_fails_and_names_the_user() -> None:
    p = posture(
        report=report(
            row("alice", console=True, mfa=True),
            row("bob", console=True, mfa=False),
            row("svc-deploy", console=False, mfa=False),
        )
    )
    f = checks.check_console_mfa(p, NOW)
    assert_status(f, Status.FAIL)
    assert "bob" in f.reason
    assert f.subjects == ("bob",)
    assert f.fix is not None and f.fix.action == "enroll_mfa"


def test_console_users_all_with_mfa_pass_and_api_only_users_need_none() -> None:
    p = posture(
        report=report(
            row(ROOT_REPORT_USER, console=None, mfa=False),  # root is a separate check
            row("alice", console=True, mfa=True),
            row("svc-deploy", console=False, mfa=False),
        )
    )
    assert_status(checks.check_console_mfa(p, NOW), Status.PASS)


# ------------------------------------------------------------------------------ access keys
def test_hundred_day_old_active_key_fails_rotation() -> None:
    p = posture(report=report(row("bob", keys=(key(1, age=100, used=1),))))
    f = checks.check_old_keys(p, NOW)
    assert_status(f, Status.FAIL)
    assert "bob key 1 (100 d)" in f.reason
    assert f.subjects == ("bob key 1 (100 d)",)
    assert f.users == ("bob",)


def test_ten_day_old_key_passes_rotation() -> None:
    p = posture(report=report(row("bob", keys=(key(1, age=10, used=1),))))
    assert_status(checks.check_old_keys(p, NOW), Status.PASS)


def test_old_but_inactive_key_is_not_an_old_key() -> None:
    p = posture(report=report(row("bob", keys=(key(1, age=300, active=False),))))
    assert_status(checks.check_old_keys(p, NOW), Status.PASS)


def test_key_unused_for_sixty_days_fails() -> None:
    p = posture(report=report(row("bob", keys=(key(1, age=80, used=60),))))
    f = checks.check_unused_keys(p, NOW)
    assert_status(f, Status.FAIL)
    assert "bob key 1 (60 d idle)" in f.reason


def test_never_used_key_older_than_the_grace_period_fails() -> None:
    p = posture(report=report(row("bob", keys=(key(2, age=30),))))
    f = checks.check_unused_keys(p, NOW)
    assert_status(f, Status.FAIL)
    assert "bob key 2 (never used)" in f.reason


def test_brand_new_never_used_key_passes() -> None:
    p = posture(report=report(row("bob", keys=(key(1, age=1),))))
    assert_status(checks.check_unused_keys(p, NOW), Status.PASS)


def test_recently_used_key_passes() -> None:
    p = posture(report=report(row("bob", keys=(key(1, age=80, used=10),))))
    assert_status(checks.check_unused_keys(p, NOW), Status.PASS)


def test_two_active_keys_fail_and_one_active_one_inactive_passes() -> None:
    both = posture(report=report(row("bob", keys=(key(1, age=5, used=1), key(2, age=3, used=1)))))
    f = checks.check_two_keys(both, NOW)
    assert_status(f, Status.FAIL)
    assert f.subjects == ("bob",)

    one = posture(
        report=report(row("bob", keys=(key(1, age=5, used=1), key(2, age=3, used=1, active=False))))
    )
    assert_status(checks.check_two_keys(one, NOW), Status.PASS)


# ------------------------------------------------------------- thresholds, at their limits
def test_the_thresholds_are_the_ones_the_readme_promises() -> None:
    """The README states the limits in days; the constants must say the same."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    line = " ".join(readme[readme.index("- **Thresholds**") :].split("\n- ")[0].split())
    assert f"{checks.KEY_MAX_AGE_DAYS}-day key age" in line, line
    assert f"{checks.KEY_UNUSED_DAYS}-day unused key" in line, line
    assert f"{checks.ROOT_RECENT_USE_DAYS}-day root use" in line, line
    assert f"access keys older than {checks.KEY_MAX_AGE_DAYS} days" in " ".join(readme.split())
    assert f"keys unused for {checks.KEY_UNUSED_DAYS}+ days" in " ".join(readme.split())


AGE, IDLE = checks.KEY_MAX_AGE_DAYS, checks.KEY_UNUSED_DAYS


@pytest.mark.parametrize(
    ("check", "age", "idle", "subject"),
    [
        # Old: more than KEY_MAX_AGE_DAYS days since the key was made (or rotated).
        (checks.check_old_keys, AGE - 1, 1, None),
        (checks.check_old_keys, AGE, 1, None),
        (checks.check_old_keys, AGE + 1, 1, f"bob key 1 ({AGE + 1} d)"),
        # Unused: not used for KEY_UNUSED_DAYS days or more.
        (checks.check_unused_keys, IDLE + 5, IDLE - 1, None),
        (checks.check_unused_keys, IDLE + 5, IDLE, f"bob key 1 ({IDLE} d idle)"),
        (checks.check_unused_keys, IDLE + 5, IDLE + 1, f"bob key 1 ({IDLE + 1} d idle)"),
    ],
)
def test_key_checks_at_their_limits(check: Any, age: int, idle: int, subject: str | None) -> None:
    p = posture(report=report(row("bob", keys=(key(1, age=age, used=idle),))))
    f = check(p, NOW)
    assert_status(f, Status.PASS if subject is None else Status.FAIL)
    assert f.subjects == (() if subject is None else (subject,))


ROOT_DAYS = checks.ROOT_RECENT_USE_DAYS


@pytest.mark.parametrize(
    ("days", "status"),
    [(ROOT_DAYS - 1, Status.FAIL), (ROOT_DAYS, Status.PASS), (ROOT_DAYS + 1, Status.PASS)],
)
@pytest.mark.parametrize("how", ["password", "key"])
def test_root_use_at_the_recent_use_limit(days: int, status: Status, how: str) -> None:
    """Root counts as used lately when it signed in (or used a key) less than
    ROOT_RECENT_USE_DAYS days ago."""
    if how == "password":
        root = row(ROOT_REPORT_USER, console=None, mfa=True, password_used=days)
    else:
        root = row(ROOT_REPORT_USER, console=None, keys=(key(1, age=400, used=days),))
    f = checks.check_root_recent_use(posture(report=report(root)), NOW)
    assert_status(f, status)
    if status is Status.FAIL:
        assert f"{days} days ago" in f.reason


# -------------------------------------------------------------------------- password policy
def test_no_password_policy_fails_as_aws_default() -> None:
    f = checks.check_password_policy(posture(password_policy=AWS_DEFAULT_PASSWORD_POLICY), NOW)
    assert_status(f, Status.FAIL)
    assert "default" in f.reason
    assert f.fix is not None and f.fix.action == "password_policy"


def test_weak_password_policy_fails_and_says_why() -> None:
    weak = PasswordPolicy(minimum_length=8, require_lowercase=True, reuse_prevention=24)
    f = checks.check_password_policy(posture(password_policy=weak), NOW)
    assert_status(f, Status.FAIL)
    assert "length 8 < 14" in f.reason
    assert "symbols" in f.reason and "uppercase" in f.reason
    assert "lowercase" not in f.reason


def test_long_password_without_reuse_prevention_still_fails() -> None:
    no_reuse = PasswordPolicy(
        minimum_length=20,
        require_symbols=True,
        require_numbers=True,
        require_uppercase=True,
        require_lowercase=True,
    )
    f = checks.check_password_policy(posture(password_policy=no_reuse), NOW)
    assert_status(f, Status.FAIL)
    assert "reuse 0 < 24" in f.reason


def test_strong_password_policy_passes() -> None:
    assert_status(
        checks.check_password_policy(posture(password_policy=STRONG_POLICY), NOW), Status.PASS
    )


# ------------------------------------------------------------------- user policies, alias
def test_directly_attached_user_policy_fails() -> None:
    details = AuthDetails(users=(user("bob", policies=(READ_ONLY,)), user("alice")))
    f = checks.check_direct_policies(posture(details=details), NOW)
    assert_status(f, Status.FAIL)
    assert f.subjects == ("bob",)


def test_inline_user_policy_fails() -> None:
    details = AuthDetails(users=(user("alice"), user("dave", inline=("s3-access",))))
    f = checks.check_direct_policies(posture(details=details), NOW)
    assert_status(f, Status.FAIL)
    assert "dave" in f.reason


def test_permissions_only_through_groups_pass() -> None:
    details = AuthDetails(
        users=(user("alice", groups=("administrators",)),),
        groups=(group("administrators", ADMIN),),
    )
    assert_status(checks.check_direct_policies(posture(details=details), NOW), Status.PASS)


def test_alias_missing_fails_and_present_passes() -> None:
    missing = checks.check_alias(posture(aliases=()), NOW)
    assert_status(missing, Status.FAIL)
    # enter opens the alias form; the console/CLI way is in the details too.
    assert missing.fix is not None and missing.fix.action == "set_alias"
    assert any("create-account-alias" in step for step in missing.fix.console_steps)

    present = checks.check_alias(posture(aliases=("acme-prod",)), NOW)
    assert_status(present, Status.PASS)
    assert "acme-prod" in present.reason


# -------------------------------------------------------------- parts that failed to load
DEPENDENT_CHECKS = {
    "summary": ("iam:GetAccountSummary", ("root-mfa", "root-keys", "root-hardware-mfa")),
    "details": (
        "iam:GetAccountAuthorizationDetails",
        ("admin-group", "admin-user", "user-policies"),
    ),
    "report": (
        "iam:GetCredentialReport",
        (
            "root-recent-use",
            "user-mfa",
            "old-keys",
            "unused-keys",
            "two-keys",
            "keys-at-setup",
            "unused-passwords",
        ),
    ),
    "caller": ("sts:GetCallerIdentity", ("caller-root",)),
    "aliases": ("iam:ListAccountAliases", ("alias",)),
    "password_policy": ("iam:GetAccountPasswordPolicy", ("password-policy",)),
    "contacts": ("account:GetAlternateContact", ("security-contact",)),
    "mfa_devices": ("iam:ListVirtualMFADevices", ("root-hardware-mfa",)),
    "certificates": ("iam:ListServerCertificates", ("expired-certificates",)),
    "analyzers": ("account:ListRegions", ("access-analyzer",)),
    "entities": ("iam:ListEntitiesForPolicy", ("support-role", "cloudshell-access")),
    "local_policies": ("iam:GetAccountAuthorizationDetails", ("admin-policies",)),
    "org_root": ("iam:ListOrganizationsFeatures", ("root-central",)),
    "federation": ("iam:ListSAMLProviders", ("people-federated",)),
}


def healthy_posture() -> Posture:
    """Every part loaded, every check passing."""
    return posture(
        caller=IAM_CALLER,
        summary=AccountSummary(root_mfa_enabled=True, root_access_keys_present=False),
        details=AuthDetails(
            users=(user("alice", groups=("administrators",)),),
            groups=(group("administrators", ADMIN),),
        ),
        report=report(
            row(ROOT_REPORT_USER, console=None, mfa=True, password_used=200),
            row("alice", console=True, mfa=True, keys=(key(1, age=20, used=1),), password_used=2),
        ),
        aliases=("acme-prod",),
        password_policy=STRONG_POLICY,
        **healthy_controls(),
    )


def healthy_controls() -> dict[str, Any]:
    """The CIS-control parts of a healthy account (every control passing)."""
    return {
        "contacts": SecurityContact(
            AlternateContact("Sec Team", "CISO", "sec@example.com", "+1 555")
        ),
        "mfa_devices": VirtualMfaList(
            (VirtualMfa(f"arn:aws:iam::{ACCOUNT}:mfa/alice", IAM_CALLER.arn),)
        ),
        "certificates": (ServerCertificate("web", "arn:cert/web", "/", NOW + timedelta(days=90)),),
        "analyzers": AnalyzerScan(
            (RegionAnalyzers("us-east-1", (Analyzer("ext", "arn:a/ext", "ACCOUNT", "ACTIVE"),)),)
        ),
        "entities": PolicyEntities(
            PolicyHolders(SUPPORT_POLICY_ARN, roles=("aws-support",)),
            PolicyHolders(CLOUDSHELL_POLICY_ARN),
        ),
        "local_policies": LocalPolicies(),
        "org_root": RootAccess(RootAccessStanding.ENABLED, "o-abc", ("RootCredentialsManagement",)),
        "federation": Federation(saml=(f"arn:aws:iam::{ACCOUNT}:saml-provider/okta",)),
    }


def test_healthy_posture_passes_every_check() -> None:
    findings = evaluate(healthy_posture(), NOW)
    assert [f.id for f in findings if f.status is not Status.PASS] == []
    assert len(findings) == len(checks.CHECKS)


@pytest.mark.parametrize("part", sorted(DEPENDENT_CHECKS))
def test_denied_part_makes_its_checks_unknown_naming_the_action(part: str) -> None:
    action, ids = DEPENDENT_CHECKS[part]
    findings = {f.id: f for f in evaluate(healthy_posture().with_part(part, denied(action)), NOW)}
    for id_ in ids:
        assert_status(findings[id_], Status.UNKNOWN)
        assert f"{action} denied" in findings[id_].reason
    # Every other check still has its answer.
    others = [f for f in findings.values() if f.id not in ids]
    assert others and all(f.status is Status.PASS for f in others)


def test_pending_part_is_unknown_while_loading() -> None:
    findings = {f.id: f for f in evaluate(Posture(), NOW)}
    assert {f.status for f in findings.values()} == {Status.UNKNOWN}
    assert "loading" in findings["admin-group"].reason.lower()


# ------------------------------------------------------------------------------ ordering
def test_evaluate_lists_failures_first_most_severe_first() -> None:
    p = posture(
        caller=IAM_CALLER,  # PASS, critical
        summary=AccountSummary(root_mfa_enabled=False, root_access_keys_present=False),
        details=AuthDetails(
            users=(user("alice", groups=("administrators",), inline=("extra",)),),
            groups=(group("administrators", ADMIN),),
        ),  # user-policies FAIL (low); admin-group/admin-user PASS (high)
        report=denied("iam:GenerateCredentialReport"),  # five UNKNOWN
        aliases=(),  # alias FAIL (low)
        password_policy=AWS_DEFAULT_PASSWORD_POLICY,  # FAIL (medium)
        **healthy_controls(),  # root-hardware-mfa FAIL (medium): root has no MFA at all
    )
    findings = evaluate(p, NOW)
    order = {Status.FAIL: 0, Status.UNKNOWN: 1, Status.INFO: 2, Status.PASS: 3}
    keys = [(order[f.status], f.severity) for f in findings]
    assert keys == sorted(keys)
    assert [(f.id, f.status) for f in findings[:2]] == [
        ("root-mfa", Status.FAIL),
        ("password-policy", Status.FAIL),
    ]
    fails = [f.id for f in findings if f.status is Status.FAIL]
    assert set(fails) == {
        "root-mfa",
        "password-policy",
        "root-hardware-mfa",
        "user-policies",
        "alias",
    }
    assert findings[len(fails)].status is Status.UNKNOWN
    assert findings[len(fails)].severity is Severity.HIGH
    assert findings[-1].status is Status.PASS
