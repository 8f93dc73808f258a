"""What the fault matrix drives, and how it reads the account back (tests only).

Shared by tests/wire/test_faults_wire.py (every operation × every fault, at the AWS layer) and
tests/wire/test_faults_app.py (every operation through the real app). :func:`operations_in_code`
reads the operations from tui/aws/, so a new call cannot escape the matrix.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.retries.standard import ExponentialBackoff

from tests.support.faultproxy import FaultProxy
from tests.support.operations import named_operations, operation_names
from tui.demo import DemoEndpoint

ROOT = Path(__file__).resolve().parents[2]
READ_TIMEOUT = 0.5  # the cells' Settings.read_timeout (acct-tui's default is 20 s)
# An unreadable answer is a real answer, forwarded from the demo server, whose large ones
# (ListPolicies) can take longer than READ_TIMEOUT on a busy machine: a timeout there would
# be another fault. These cells wait as long as acct-tui does by default.
READ_TIMEOUTS = {"unreadable": 20.0}
# The longest the proxy holds a "slow" answer: far past the read timeout, as the hold ends
# when the client gives up (a client that does not is a failed cell, not a slow one).
SLOW_HOLD = 30.0
GAVE_UP = "a held answer was waited for: the client did not give up at its read timeout"
READONLY_ARN = "arn:aws:iam::aws:policy/ReadOnlyAccess"
CHANGE_PASSWORD = "IAMUserChangePassword"
BASE_ALIAS = "faults-demo"
STALE = "out of date"  # how a pane marks rows it could not read again
# Attempts per call at the wire. botocore does not retry an answer it cannot parse (nor
# AccessDenied); every other fault: its total_max_attempts, 3.
ATTEMPTS = {"denied": 1, "unreadable": 1}
# What botocore's message says about an answer it could not parse (it goes on to quote the
# whole body): no text the app shows or logs may carry it.
PARSER_TEXT = ("Unable to parse response", "invalid XML received")
# How a plan reports an access key made by a call whose answer (and the secret in it) was
# lost, and then deleted.
SECRET_LOST = " was made, but its secret was lost: deleted"

# What a refresh reads, and the part of the posture each operation feeds.
READ_PARTS = {
    "sts:GetCallerIdentity": "caller",
    "iam:GetAccountSummary": "summary",
    "iam:GetAccountAuthorizationDetails": "details",
    "iam:GenerateCredentialReport": "report",
    "iam:GetCredentialReport": "report",
    "iam:ListAccountAliases": "aliases",
    "iam:GetAccountPasswordPolicy": "password_policy",
    "account:ListRegions": "regions",
    "ec2:DescribeRegions": "regions",
    # the CIS controls (tui/aws/control_reads.py)
    "account:GetAlternateContact": "contacts",
    "iam:ListVirtualMFADevices": "mfa_devices",
    "iam:ListServerCertificates": "certificates",
    "access-analyzer:ListAnalyzers": "analyzers",
    "iam:ListEntitiesForPolicy": "entities",
    "iam:ListOrganizationsFeatures": "org_root",
    "iam:ListSAMLProviders": "federation",
    "iam:ListOpenIDConnectProviders": "federation",
    "sso:ListInstances": "federation",
}
# The check each control part feeds (its row turns "? unknown" when the part fails).
CONTROL_FINDINGS = {
    "contacts": "security-contact",
    "certificates": "expired-certificates",
    "analyzers": "access-analyzer",
    "entities": "support-role",
    "org_root": "root-central",
    "federation": "people-federated",
}
CREATE_USER_OPS = (
    "iam:CreateUser",
    "iam:CreateLoginProfile",
    "iam:AttachUserPolicy",
    "iam:AddUserToGroup",
    "iam:CreateAccessKey",
)
CREATE_GROUP_OPS = ("iam:CreateGroup", "iam:AttachGroupPolicy", "iam:ListPolicies")
DELETE_USER_READS = (
    "iam:GetUser",
    "iam:GetLoginProfile",
    "iam:ListMFADevices",
    "iam:ListGroupsForUser",
    "iam:ListUserPolicies",
    "iam:ListAttachedUserPolicies",
)
# Listings the delete-user plan can do without (they become a note in the confirmation).
DELETE_USER_OPTIONAL = (
    "iam:ListSigningCertificates",
    "iam:ListSSHPublicKeys",
    "iam:ListServiceSpecificCredentials",
)
DELETE_USER_STEPS = (
    "iam:DeleteLoginProfile",
    "iam:DeactivateMFADevice",
    "iam:DeleteSigningCertificate",
    "iam:DeleteSSHPublicKey",
    "iam:DeleteServiceSpecificCredential",
    "iam:RemoveUserFromGroup",
    "iam:DeleteUserPolicy",
    "iam:DetachUserPolicy",
    "iam:DeleteUser",
)
DELETE_GROUP_OPS = (
    "iam:GetGroup",
    "iam:ListAttachedGroupPolicies",
    "iam:ListGroupPolicies",
    "iam:DetachGroupPolicy",
    "iam:DeleteGroupPolicy",
    "iam:DeleteGroup",
)
KEY_OPS = ("iam:ListAccessKeys", "iam:UpdateAccessKey", "iam:DeleteAccessKey")
MFA_OPS = ("iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:DeleteVirtualMFADevice")
ALIAS_OPS = ("iam:CreateAccountAlias", "iam:DeleteAccountAlias")
POLICY_OPS = ("iam:UpdateAccountPasswordPolicy",)
REGION_OPS = ("account:EnableRegion", "account:DisableRegion", "account:GetRegionOptStatus")
DOCUMENT_OPS = ("iam:GetPolicy", "iam:GetPolicyVersion", "iam:GetUserPolicy", "iam:GetGroupPolicy")
TAG_OPS = ("iam:TagUser", "iam:UntagUser")
ANALYZER_OPS = (
    "access-analyzer:CreateAnalyzer",
    "access-analyzer:GetAnalyzer",
    "access-analyzer:DeleteAnalyzer",
)

# Where each operation is driven from: one site per operation (its main use in the app).
SITES: dict[str, str] = {
    **dict.fromkeys(READ_PARTS, "refresh (r)"),
    **dict.fromkeys(CREATE_USER_OPS, "create user"),
    "iam:CreateGroup": "create group",
    "iam:AttachGroupPolicy": "create group",
    "iam:ListPolicies": "group form: policies",
    **dict.fromkeys(DELETE_USER_READS + DELETE_USER_OPTIONAL + DELETE_USER_STEPS, "delete user"),
    **dict.fromkeys(DELETE_GROUP_OPS, "delete group"),
    **dict.fromkeys(KEY_OPS, "access keys (k)"),
    **dict.fromkeys(MFA_OPS, "MFA enrollment"),
    **dict.fromkeys(ALIAS_OPS, "account alias"),
    **dict.fromkeys(POLICY_OPS, "password policy"),
    **dict.fromkeys(REGION_OPS, "Regions"),
    **dict.fromkeys(DOCUMENT_OPS, "policy document (v)"),
    **dict.fromkeys(TAG_OPS, "user tags"),
    **dict.fromkeys(ANALYZER_OPS, "Access Analyzer fix"),
}

SSC_ID = "ACCAFAULTSSERVICECRED1"
SSC_LIST = (
    "<ListServiceSpecificCredentialsResponse><ListServiceSpecificCredentialsResult>"
    "<ServiceSpecificCredentials><member><UserName>{user}</UserName><Status>Active</Status>"
    "<ServiceUserName>{user}-at-123456789012</ServiceUserName>"
    "<CreateDate>2026-01-01T00:00:00Z</CreateDate>"
    f"<ServiceSpecificCredentialId>{SSC_ID}</ServiceSpecificCredentialId>"
    "<ServiceName>codecommit.amazonaws.com</ServiceName></member></ServiceSpecificCredentials>"
    "</ListServiceSpecificCredentialsResult><ResponseMetadata><RequestId>1</RequestId>"
    "</ResponseMetadata></ListServiceSpecificCredentialsResponse>"
)
SSC_DELETE = (
    "<DeleteServiceSpecificCredentialResponse><ResponseMetadata><RequestId>2</RequestId>"
    "</ResponseMetadata></DeleteServiceSpecificCredentialResponse>"
)


# -- which operations the app makes: read from its code ------------------------------------
def operations_in_code() -> set[str]:
    """Every AWS action named in tui/aws/ (see :func:`tests.support.operations.named_operations`).

    A new call anywhere in the AWS layer shows up here, and the test below then fails
    until the matrix drives it.
    """
    names = operation_names()
    return {a for name in named_operations(ROOT / "tui" / "aws") for a in names[name]}


# -- fixtures (import them into a test module to use them) -----------------------------------
@pytest.fixture(scope="module")
def proxy(demo: DemoEndpoint) -> Iterator[FaultProxy]:
    """A fault proxy in front of the module's demo server."""
    with FaultProxy(demo.endpoint_url, slow_seconds=SLOW_HOLD) as running:
        yield running


@pytest.fixture(autouse=True)
def short_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Timing knobs for a short run; which errors are retried, and how often, is unchanged.

    botocore's throttling back-off base drops from 1 s to 50 ms, Region status polls come
    every 50 ms, and the sessions the cells create share botocore's model loader (the
    models are parsed once, as in one acct-tui run).
    """
    import tui.aws.regions

    config = {**ExponentialBackoff._DEFAULT_BACKOFF_CONFIG, "throttling_base_scale": 0.05}
    monkeypatch.setattr(ExponentialBackoff, "_DEFAULT_BACKOFF_CONFIG", config)

    def fast_polls(*_: Any, **__: Any) -> Iterator[float]:
        return itertools.repeat(0.05)

    monkeypatch.setattr(tui.aws.regions, "poll_delays", fast_polls)
    loader = botocore.session.create_loader()
    monkeypatch.setattr(botocore.session, "create_loader", lambda *_: loader)


# -- the account, read directly (not through the proxy) --------------------------------------
class Upstream:
    """Plain boto3 clients on the demo server, to set cells up and to check what is true."""

    def __init__(self, demo: DemoEndpoint) -> None:
        self.demo = demo
        kwargs = {
            "endpoint_url": demo.endpoint_url,
            "region_name": "us-east-1",
            "aws_access_key_id": demo.access_key_id,
            "aws_secret_access_key": demo.secret_access_key,
        }
        self.iam: Any = boto3.client("iam", **kwargs)
        self.account: Any = boto3.client("account", **kwargs)

    def warm_ec2(self) -> None:
        """moto builds its EC2 backend on the first EC2 call, which takes seconds."""
        client: Any = boto3.client(
            "ec2",
            endpoint_url=self.demo.endpoint_url,
            region_name=self.demo.region,
            aws_access_key_id=self.demo.access_key_id,
            aws_secret_access_key=self.demo.secret_access_key,
        )
        client.describe_regions(AllRegions=True)

    def user_exists(self, name: str) -> bool:
        try:
            self.iam.get_user(UserName=name)
        except self.iam.exceptions.NoSuchEntityException:
            return False
        return True

    def group_exists(self, name: str) -> bool:
        try:
            self.iam.get_group(GroupName=name)
        except self.iam.exceptions.NoSuchEntityException:
            return False
        return True

    def purge_user(self, name: str) -> None:
        iam = self.iam
        if not self.user_exists(name):
            return
        for call in (
            lambda: iam.delete_login_profile(UserName=name),
            *(
                (lambda k=k: iam.delete_access_key(UserName=name, AccessKeyId=k["AccessKeyId"]))
                for k in iam.list_access_keys(UserName=name)["AccessKeyMetadata"]
            ),
        ):
            with contextlib.suppress(iam.exceptions.NoSuchEntityException):
                call()
        for d in iam.list_mfa_devices(UserName=name)["MFADevices"]:
            iam.deactivate_mfa_device(UserName=name, SerialNumber=d["SerialNumber"])
            iam.delete_virtual_mfa_device(SerialNumber=d["SerialNumber"])
        for c in iam.list_signing_certificates(UserName=name)["Certificates"]:
            iam.delete_signing_certificate(UserName=name, CertificateId=c["CertificateId"])
        for k in iam.list_ssh_public_keys(UserName=name)["SSHPublicKeys"]:
            iam.delete_ssh_public_key(UserName=name, SSHPublicKeyId=k["SSHPublicKeyId"])
        for g in iam.list_groups_for_user(UserName=name)["Groups"]:
            iam.remove_user_from_group(UserName=name, GroupName=g["GroupName"])
        for p in iam.list_user_policies(UserName=name)["PolicyNames"]:
            iam.delete_user_policy(UserName=name, PolicyName=p)
        for p in iam.list_attached_user_policies(UserName=name)["AttachedPolicies"]:
            iam.detach_user_policy(UserName=name, PolicyArn=p["PolicyArn"])
        iam.delete_user(UserName=name)

    def purge_group(self, name: str) -> None:
        iam = self.iam
        if not self.group_exists(name):
            return
        for u in iam.get_group(GroupName=name)["Users"]:
            iam.remove_user_from_group(GroupName=name, UserName=u["UserName"])
        for p in iam.list_attached_group_policies(GroupName=name)["AttachedPolicies"]:
            iam.detach_group_policy(GroupName=name, PolicyArn=p["PolicyArn"])
        for p in iam.list_group_policies(GroupName=name)["PolicyNames"]:
            iam.delete_group_policy(GroupName=name, PolicyName=p)
        iam.delete_group(GroupName=name)

    def user_has(self, user: str, what: str) -> bool | None:
        """Whether ``what`` (a plan's name for a part of ``user``) exists now; None: unknown."""
        iam = self.iam
        if what.startswith("user "):
            return self.user_exists(what.removeprefix("user "))
        if not self.user_exists(user):
            return False
        if what.startswith("console password"):
            try:
                iam.get_login_profile(UserName=user)
            except iam.exceptions.NoSuchEntityException:
                return False
            return True
        if what.startswith("access key"):
            keys = [
                k["AccessKeyId"] for k in iam.list_access_keys(UserName=user)["AccessKeyMetadata"]
            ]
            key_id = what.removeprefix("access key").strip()
            return key_id in keys if key_id else bool(keys)
        if what.startswith("MFA device "):
            serial = what.removeprefix("MFA device ").split(" ")[0]
            devices = iam.list_mfa_devices(UserName=user)["MFADevices"]
            return any(d["SerialNumber"] == serial for d in devices)
        if what.startswith("virtual MFA device "):
            serial = what.removeprefix("virtual MFA device ")
            devices = iam.list_virtual_mfa_devices()["VirtualMFADevices"]
            return any(d["SerialNumber"] == serial for d in devices)
        if what.startswith("signing certificate "):
            certs = iam.list_signing_certificates(UserName=user)["Certificates"]
            return bool(certs)
        if what.startswith("SSH public key "):
            return bool(iam.list_ssh_public_keys(UserName=user)["SSHPublicKeys"])
        if what.startswith(("group ", "membership of group ")):
            group = what.rsplit(" ", 1)[-1]
            groups = iam.list_groups_for_user(UserName=user)["Groups"]
            return any(g["GroupName"] == group for g in groups)
        if what.startswith("inline policy "):
            return (
                what.removeprefix("inline policy ")
                in iam.list_user_policies(UserName=user)["PolicyNames"]
            )
        if what.startswith("policy "):
            name = what.removeprefix("policy ")
            attached = iam.list_attached_user_policies(UserName=user)["AttachedPolicies"]
            return any(p["PolicyName"] == name for p in attached)
        return None  # e.g. the service-specific credential, which only the stub knows

    def group_has(self, group: str, what: str) -> bool | None:
        iam = self.iam
        if what.startswith("group "):
            return self.group_exists(what.removeprefix("group "))
        if not self.group_exists(group):
            return False
        if what.startswith("member "):
            users = iam.get_group(GroupName=group)["Users"]
            return any(u["UserName"] == what.removeprefix("member ") for u in users)
        if what.startswith("inline policy "):
            return (
                what.removeprefix("inline policy ")
                in iam.list_group_policies(GroupName=group)["PolicyNames"]
            )
        if what.startswith("policy "):
            attached = iam.list_attached_group_policies(GroupName=group)["AttachedPolicies"]
            return any(p["PolicyName"] == what.removeprefix("policy ") for p in attached)
        return None


# -- acct-tui's own log ------------------------------------------------------------------------
class OwnLog(logging.Handler):
    """Every record of acct-tui's own loggers (``tui.*``), tracebacks included."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))

    def leaks(self, secrets: list[str]) -> list[str]:
        """Lines holding one of ``secrets`` or botocore's parser message (which quotes the
        unreadable body)."""
        bad = [*secrets, *PARSER_TEXT]
        return [line for line in self.lines if any(b in line for b in bad)]


@contextlib.contextmanager
def own_log() -> Iterator[OwnLog]:
    """Collect acct-tui's log records, from DEBUG up, while the block runs."""
    logger = logging.getLogger("tui")
    handler, level = OwnLog(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def check_secrets(problems: list[str], shown: str, secrets: list[str]) -> None:
    """Text the app shows holds no secret of an unreadable answer, nor botocore's parser
    message (which quotes the whole body)."""
    if any(s in shown for s in secrets):
        problems.append("a secret from the unreadable answer is shown")
    if any(t in shown for t in PARSER_TEXT):
        problems.append("botocore's parser message, which quotes the body, is shown")


# -- checks and set-ups ------------------------------------------------------------------------
def check_exists_now(
    problems: list[str], lines: tuple[str, ...], has: Callable[[str], bool | None]
) -> None:
    """Each "what exists now" line of a plan must be true of the account."""
    for line in lines:
        if "may " in line or "unknown" in line:
            continue  # the app says it cannot know; nothing to contradict
        if line.startswith("with "):
            claims = [(line.removeprefix("with "), True)]
        elif line.startswith("removed "):
            claims = [(line.removeprefix("removed "), False)]
        elif line.endswith(SECRET_LOST):
            claims = [(line.removesuffix(SECRET_LOST), False)]
        elif line.endswith(" does not exist"):
            claims = [(line.removesuffix(" does not exist"), False)]
        elif line.endswith(" deleted"):
            claims = [(line.removesuffix(" deleted"), False)]
        elif line.endswith(" still exists (rollback failed)"):
            claims = [(line.removesuffix(" still exists (rollback failed)"), True)]
        elif " exists" in line:
            main, _, rest = line.partition(" exists")
            claims = [(main.removesuffix(" still"), True)]
            if rest.startswith(", without "):
                claims += [(w, False) for w in rest.removeprefix(", without ").split(", ")]
            elif rest.startswith(", with "):
                claims += [(w, True) for w in rest.removeprefix(", with ").split(", ")]
        else:
            problems.append(f"unreadable 'exists now' line: {line!r}")
            continue
        for what, claimed in claims:
            actual = has(what)
            if actual is not None and actual != claimed:
                state = "exists" if actual else "does not exist"
                problems.append(f"the plan says {line!r}, but {what} {state}")


def certificate() -> str:
    from datetime import UTC, datetime, timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "acct-tui faults")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode()


SSH_KEY = (
    "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7vbqajDhA7Lv4Y5TuDvPdUJq8ay6ZBL7Q8K0aN4X4Eq"
    "MhVEf1fC7wCk5HhpT6o0m9y3QYVbq6w8iY5m4e3D6Xz4e4cTzq2A1GkQ6K8fIuN3x0q0q9Kx3s2aR0b5"
    "aW3c4d5e6f7g8h9i0j1k2l3m4n5o6p7q8r9s0t1u2v3w4x5y6z7A8B9C0D1E2F3G4H5I6J7K8L9M0N1O"
    "2P3Q4R5S6T7U8V9W0X1Y2Z3a4b5c6d7e8f9g0h1i2j3k4l5m6n7o8p9q0r1s2t3u4v5w6x7y8z9 faults"
)


def make_full_user(h: Upstream, name: str, cert: str) -> None:
    """A user holding one of everything the delete plan removes."""
    iam = h.iam
    iam.create_user(UserName=name)
    iam.create_login_profile(UserName=name, Password="Faults-pass-2026!")
    iam.create_access_key(UserName=name)
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName=name)["VirtualMFADevice"]
    iam.enable_mfa_device(
        UserName=name,
        SerialNumber=device["SerialNumber"],
        AuthenticationCode1="123456",
        AuthenticationCode2="234567",
    )
    iam.upload_signing_certificate(UserName=name, CertificateBody=cert)
    iam.upload_ssh_public_key(UserName=name, SSHPublicKeyBody=SSH_KEY)
    iam.add_user_to_group(UserName=name, GroupName="billing")
    iam.put_user_policy(
        UserName=name,
        PolicyName="inline-faults",
        PolicyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
        '"Action":"s3:ListBucket","Resource":"*"}]}',
    )
    iam.attach_user_policy(UserName=name, PolicyArn=READONLY_ARN)


def make_full_group(h: Upstream, name: str, member: str) -> None:
    iam = h.iam
    iam.create_group(GroupName=name)
    iam.add_user_to_group(GroupName=name, UserName=member)
    iam.attach_group_policy(GroupName=name, PolicyArn=READONLY_ARN)
    iam.put_group_policy(
        GroupName=name,
        PolicyName="inline-faults",
        PolicyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
        '"Action":"s3:ListBucket","Resource":"*"}]}',
    )


def current_alias(h: Upstream) -> str | None:
    aliases = h.iam.list_account_aliases()["AccountAliases"]
    return aliases[0] if aliases else None


def regions_moving(up: Upstream) -> list[str]:
    """The demo's Regions still ENABLING or DISABLING."""
    listing = up.account.list_regions(MaxResults=50)["Regions"]
    return [r["RegionName"] for r in listing if r["RegionOptStatus"] in ("ENABLING", "DISABLING")]


def region_status(h: Upstream, code: str) -> str:
    return str(h.account.get_region_opt_status(RegionName=code)["RegionOptStatus"])


# -- day two: console passwords and new keys of existing users ----------------------------------
# Reset a password (the only new write), and the key list's last-used column (the only new
# read). The other operations of these flows are each driven at their main site above; the
# wire and app tests drive them again from the new flows in their own cells (EXISTING_USER_OPS).
PASSWORD_OPS = ("iam:UpdateLoginProfile",)
LAST_USED_OPS = ("iam:GetAccessKeyLastUsed",)
SITES.update(
    {
        "iam:UpdateLoginProfile": "reset password",
        "iam:GetAccessKeyLastUsed": "access keys (k): last used",
    }
)
# Operations the day-two flows make on an existing user, with the site each is driven from.
EXISTING_USER_OPS: dict[str, str] = {
    "iam:GetLoginProfile": "add password",
    "iam:CreateLoginProfile": "add password",
    "iam:UpdateLoginProfile": "reset password",
    "iam:DeleteLoginProfile": "remove password",
    "iam:CreateAccessKey": "new key (n)",
}


# -- CIS control fixes: the security contact, a support role, expired certificates -------------
# Each is driven by its own cells (test_faults_on_control_fixes in both tiers): the contact is
# account-wide, so its cells run one at a time; roles and certificates have a name per cell.
CONTACT_OPS = ("account:PutAlternateContact", "account:DeleteAlternateContact")
ROLE_OPS = (
    "iam:CreateRole",
    "iam:GetRole",
    "iam:AttachRolePolicy",
    "iam:DetachRolePolicy",
    "iam:DeleteRole",
)
CERT_OPS = ("iam:DeleteServerCertificate",)
FIX_OPS = CONTACT_OPS + ROLE_OPS + CERT_OPS
SITES.update(
    {
        **dict.fromkeys(CONTACT_OPS, "security contact"),
        **dict.fromkeys(ROLE_OPS, "support role"),
        **dict.fromkeys(CERT_OPS, "expired certificates"),
    }
)
# -- an organization's member accounts: the role session ---------------------------------------
# sts:AssumeRole is made for each member account (tui/aws/role_session.py); a cell assumes a
# role of the demo account as OrgScan assumes a member's: that account's row fails alone.
ORG_OPS = ("sts:AssumeRole",)
FAULT_ROLE = "acct-tui-faults-member"
SITES.update(dict.fromkeys(ORG_OPS, "Accounts (organization)"))
CERT_KEY = "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n"
# GetRole is called only after CreateRole got no answer (the plan reads the role back).
ROLE_LOST = {"iam:CreateRole": "reset"}


def security_contact_name(h: Upstream) -> str | None:
    try:
        got = h.account.get_alternate_contact(AlternateContactType="SECURITY")
    except h.account.exceptions.ResourceNotFoundException:
        return None
    return str(got["AlternateContact"]["Name"])


def role_has(h: Upstream, role: str, what: str) -> bool | None:
    """Whether ``what`` (a support-role plan's name for it) exists now."""
    try:
        h.iam.get_role(RoleName=role)
    except h.iam.exceptions.NoSuchEntityException:
        return False
    if what.startswith("role "):
        return True
    if what == "policy AWSSupportAccess":
        attached = h.iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]
        return any(p["PolicyName"] == "AWSSupportAccess" for p in attached)
    return None


def purge_role(h: Upstream, role: str) -> None:
    with contextlib.suppress(h.iam.exceptions.NoSuchEntityException):
        for p in h.iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]:
            h.iam.detach_role_policy(RoleName=role, PolicyArn=p["PolicyArn"])
        h.iam.delete_role(RoleName=role)


def certificate_exists(h: Upstream, name: str) -> bool:
    try:
        h.iam.get_server_certificate(ServerCertificateName=name)
    except h.iam.exceptions.NoSuchEntityException:
        return False
    return True
