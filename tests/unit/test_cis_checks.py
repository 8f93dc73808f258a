"""The CIS controls added for issue 16, on hand-built postures: what fails, what passes,
and what can never pass without evidence. (Both states on a real wire:
tests/wire/test_cis_controls.py; the seeded demo: tests/wire/test_demo_controls.py.)"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from tui.aws import checks
from tui.aws.checks import Finding, Status, evaluate, verdict
from tui.aws.control_models import (
    CLOUDSHELL_POLICY_ARN,
    SUPPORT_POLICY_ARN,
    Analyzer,
    AnalyzerScan,
    Federation,
    LocalPolicies,
    LocalPolicy,
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
from tui.aws.findings import CIS_IDS, Severity
from tui.aws.models import (
    AccountSummary,
    AuthDetails,
    CredentialReport,
    CredentialRow,
    IamGroup,
    KeyInfo,
    Part,
    PolicyRef,
    Posture,
)

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
ACCOUNT = "123456789012"
ADMIN_ALL = {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def finding(posture: Posture, id_: str) -> Finding:
    return {f.id: f for f in evaluate(posture, NOW)}[id_]


def ok(**parts: object) -> Posture:
    return Posture(**{k: Part.ok(v) for k, v in parts.items()})


def denied(action: str) -> Part[object]:
    return Part.failed(AwsError(action, "AccessDenied", "not authorized", "needs it"))


def row(
    user: str,
    *,
    console: bool = True,
    created_days: float = 400,
    password_used_days: float | None = None,
    keys: tuple[KeyInfo, ...] = (),
) -> CredentialRow:
    return CredentialRow(
        user=user,
        arn=f"arn:aws:iam::{ACCOUNT}:user/{user}",
        created=NOW - timedelta(days=created_days),
        password_enabled=console,
        password_last_used=None
        if password_used_days is None
        else NOW - timedelta(days=password_used_days),
        mfa_active=True,
        keys=keys,
    )


def report(*rows: CredentialRow) -> CredentialReport:
    return CredentialReport(NOW, rows)


def test_every_check_has_an_entry_and_cis_ids_come_from_one_table() -> None:
    found = evaluate(Posture(), NOW)
    assert len(found) == len(checks.CHECKS) == 24
    for f in found:
        assert f.cis == CIS_IDS.get(f.id, ())
    ids = {i for ids in CIS_IDS.values() for i in ids}
    # CIS v5.0.0 section 1, minus 1.1 (contact details: manual) and 1.17 (EC2 instance
    # roles: outside IAM); README "Checks" says so.
    expected = {f"1.{n}" for n in range(2, 22)} - {"1.17"}
    assert ids == expected


def test_nothing_loaded_is_unknown_never_pass_or_note() -> None:
    assert {f.status for f in evaluate(Posture(), NOW)} == {Status.UNKNOWN}
    assert verdict(evaluate(Posture(), NOW)) == "checking…"


def test_security_contact() -> None:
    assert finding(ok(contacts=SecurityContact(None)), "security-contact").status is Status.FAIL
    p = Posture(contacts=denied("account:GetAlternateContact"))
    f = finding(p, "security-contact")
    assert f.status is Status.UNKNOWN and "account:GetAlternateContact denied" in f.reason


def test_root_hardware_mfa_virtual_fails_hardware_or_passkey_passes() -> None:
    summary = AccountSummary(root_mfa_enabled=True, root_access_keys_present=False)
    root_app = VirtualMfa(f"arn:aws:iam::{ACCOUNT}:mfa/root-account-mfa-device", None)
    assigned = replace(root_app, user_arn=f"arn:aws:iam::{ACCOUNT}:root")
    virtual = finding(
        ok(summary=summary, mfa_devices=VirtualMfaList((assigned,))), "root-hardware-mfa"
    )
    assert virtual.status is Status.FAIL and "virtual" in virtual.reason
    # An unassigned leftover root device is not root's MFA: root's is a key or passkey.
    other = finding(
        ok(summary=summary, mfa_devices=VirtualMfaList((root_app,))), "root-hardware-mfa"
    )
    assert other.status is Status.PASS
    none = replace(summary, root_mfa_enabled=False)
    assert (
        finding(ok(summary=none, mfa_devices=VirtualMfaList()), "root-hardware-mfa").status
        is Status.FAIL
    )
    unread = Posture(summary=Part.ok(summary), mfa_devices=denied("iam:ListVirtualMFADevices"))
    assert finding(unread, "root-hardware-mfa").status is Status.UNKNOWN


def test_keys_made_at_set_up_and_never_used() -> None:
    fresh = KeyInfo(1, True, NOW - timedelta(days=400) + timedelta(minutes=1), None)
    later = KeyInfo(1, True, NOW - timedelta(days=10), None)
    used = replace(fresh, last_used=NOW - timedelta(days=1))
    f = finding(ok(report=report(row("ann", keys=(fresh,)))), "keys-at-setup")
    assert f.status is Status.FAIL and f.users == ("ann",)
    for k in (later, used):
        assert (
            finding(ok(report=report(row("ann", keys=(k,)))), "keys-at-setup").status is Status.PASS
        )
    # Not a console user: CIS 1.10 is about console users' set-up.
    no_console = report(row("ci", console=False, keys=(fresh,)))
    assert finding(ok(report=no_console), "keys-at-setup").status is Status.PASS


def test_unused_console_passwords() -> None:
    stale = finding(ok(report=report(row("bob", password_used_days=60))), "unused-passwords")
    assert stale.status is Status.FAIL and stale.users == ("bob",) and "60 d" in stale.reason
    never = finding(ok(report=report(row("new", created_days=50))), "unused-passwords")
    assert never.status is Status.FAIL and "never signed in" in never.reason
    recent = report(row("ann", password_used_days=3), row("kid", created_days=2))
    assert finding(ok(report=recent), "unused-passwords").status is Status.PASS


def test_full_admin_customer_policies_only_when_attached() -> None:
    admin = LocalPolicy("god-mode", f"arn:aws:iam::{ACCOUNT}:policy/god-mode", 2, ADMIN_ALL)
    group = IamGroup(
        "ops", "arn:g", "/", NOW, attached_policies=(PolicyRef("god-mode", admin.arn),)
    )
    p = ok(local_policies=LocalPolicies((admin,)), details=AuthDetails((), (group,)))
    f = finding(p, "admin-policies")
    assert f.status is Status.FAIL and f.severity is Severity.HIGH
    assert "god-mode (attached to group ops, 1 role(s))" in f.reason
    assert '"Action": "*"' in f.reason and f.subjects == ("god-mode",)
    unattached = ok(local_policies=LocalPolicies((replace(admin, attachments=0),)))
    assert finding(unattached, "admin-policies").status is Status.PASS
    listed = {"Statement": [{"Effect": "Allow", "Action": ["s3:*", "*"], "Resource": ["*"]}]}
    as_list = ok(local_policies=LocalPolicies((replace(admin, document=listed),)))
    assert finding(as_list, "admin-policies").status is Status.FAIL
    narrow = {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::b"}]}
    deny = {"Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}
    for document in (narrow, deny):
        safe = ok(local_policies=LocalPolicies((replace(admin, document=document),)))
        assert finding(safe, "admin-policies").status is Status.PASS


def test_support_role_and_cloudshell() -> None:
    nobody = PolicyEntities(PolicyHolders(SUPPORT_POLICY_ARN), PolicyHolders(CLOUDSHELL_POLICY_ARN))
    assert finding(ok(entities=nobody), "support-role").status is Status.FAIL
    assert finding(ok(entities=nobody), "cloudshell-access").status is Status.PASS
    # A user or group with AWSSupportAccess is not a support role (CIS 1.16 asks for a role).
    user_only = replace(nobody, support=PolicyHolders(SUPPORT_POLICY_ARN, users=("ann",)))
    assert finding(ok(entities=user_only), "support-role").status is Status.FAIL
    shell = replace(nobody, cloudshell=PolicyHolders(CLOUDSHELL_POLICY_ARN, groups=("devs",)))
    f = finding(ok(entities=shell), "cloudshell-access")
    assert f.status is Status.FAIL and "group devs" in f.reason


def test_expired_certificates() -> None:
    old = ServerCertificate("www", "arn:c/www", "/", NOW - timedelta(days=3))
    new = ServerCertificate("api", "arn:c/api", "/", NOW + timedelta(days=30))
    f = finding(ok(certificates=(old, new)), "expired-certificates")
    assert f.status is Status.FAIL and f.subjects == ("www",)
    assert finding(ok(certificates=(new,)), "expired-certificates").status is Status.PASS
    assert finding(ok(certificates=()), "expired-certificates").status is Status.PASS


def test_access_analyzer_external_active_in_every_region() -> None:
    external = Analyzer("ext", "arn:a", "ACCOUNT", "ACTIVE")
    unused = Analyzer("unused", "arn:u", "ACCOUNT_UNUSED_ACCESS", "ACTIVE")
    failed = Analyzer("broken", "arn:b", "ORGANIZATION", "FAILED")
    scan = AnalyzerScan(
        (
            RegionAnalyzers("us-east-1", (external,)),
            RegionAnalyzers("eu-west-1", (unused, failed)),
        )
    )
    f = finding(ok(analyzers=scan), "access-analyzer")
    assert f.status is Status.FAIL and f.subjects == ("eu-west-1",)
    good = AnalyzerScan((RegionAnalyzers("us-east-1", (external,)),))
    assert finding(ok(analyzers=good), "access-analyzer").status is Status.PASS
    error = AwsError("access-analyzer:ListAnalyzers", "AccessDeniedException", "no", "")
    half = AnalyzerScan((*good.regions, RegionAnalyzers("ap-south-1", error=error)))
    f = finding(ok(analyzers=half), "access-analyzer")
    assert f.status is Status.UNKNOWN and "ap-south-1" in f.reason
    # No Region read at all is no evidence.
    assert finding(ok(analyzers=AnalyzerScan()), "access-analyzer").status is Status.UNKNOWN


def test_centralized_root_access_and_federation_are_advice_where_they_do_not_apply() -> None:
    def standing(s: RootAccessStanding) -> Status:
        return finding(ok(org_root=RootAccess(s)), "root-central").status

    assert standing(RootAccessStanding.NOT_IN_ORGANIZATION) is Status.INFO
    assert standing(RootAccessStanding.MEMBER) is Status.INFO
    assert standing(RootAccessStanding.DISABLED) is Status.FAIL
    assert standing(RootAccessStanding.NO_TRUSTED_ACCESS) is Status.FAIL
    assert standing(RootAccessStanding.ENABLED) is Status.PASS
    people = report(row("ann"), row("ci", console=False))
    note = finding(ok(federation=Federation(), report=people), "people-federated")
    assert note.status is Status.INFO and "ann" in note.reason and "ci" not in note.reason
    sso = Federation(identity_center=("arn:aws:sso:::instance/ssoins-1",))
    assert finding(ok(federation=sso, report=people), "people-federated").status is Status.PASS
    nobody = report(row("ci", console=False))
    assert (
        finding(ok(federation=Federation(), report=nobody), "people-federated").status
        is Status.PASS
    )
    # Without the credential report it cannot tell whether people use IAM users.
    unread = Posture(federation=Part.ok(Federation()), report=denied("iam:GetCredentialReport"))
    assert finding(unread, "people-federated").status is Status.UNKNOWN


def test_notes_never_block_all_clear_and_are_counted() -> None:
    passing = Finding("a", "A", Severity.LOW, Status.PASS, "fine")
    note = Finding("b", "B", Severity.LOW, Status.INFO, "consider")
    fail = Finding("c", "C", Severity.HIGH, Status.FAIL, "bad")
    assert verdict([passing, note]) == "all clear · 1 note"
    assert verdict([passing, note, note]) == "all clear · 2 notes"
    assert verdict([passing, note, fail]) == "1 to fix"
