"""The bulk read: the whole security posture of an account in a fixed number of calls.

Every read here is account-wide (no per-user calls), so a refresh costs the same for
10 users as for 5,000, give or take a page. Each part fails on its own.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from functools import cache
from typing import Any

from botocore.loaders import create_loader

from tui.aws.control_reads import AUTH_DETAILS_PAGE_SIZE, ControlReads
from tui.aws.errors import AwsError, AwsFailure, aws_call, from_exception
from tui.aws.models import (
    AWS_DEFAULT_PASSWORD_POLICY,
    PART_NAMES,
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
    Region,
    RegionList,
    RegionStatus,
)
from tui.aws.session import AwsSession

REGIONS_PAGE_SIZE = 50

_EC2_OPT_IN = {
    "opt-in-not-required": RegionStatus.ENABLED_BY_DEFAULT,
    "opted-in": RegionStatus.ENABLED,
    "not-opted-in": RegionStatus.DISABLED,
}


@cache
def region_names() -> dict[str, str]:
    """Region code → display name ("af-south-1" → "Africa (Cape Town)"), from botocore."""
    endpoints = create_loader().load_data("endpoints")
    names: dict[str, str] = {}
    for partition in endpoints.get("partitions", []):
        for code, info in partition.get("regions", {}).items():
            names[code] = info.get("description", code)
    return names


def _error_code(exc: AwsFailure) -> str:
    return exc.error.code


# -- credential report parsing -------------------------------------------------------------
def _when(value: str | None) -> datetime | None:
    if not value or value in {"N/A", "no_information", "not_supported"}:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _flag(value: str | None) -> bool | None:
    if value == "true":
        return True
    if value == "false":
        return False
    return None


# The columns the checks read: a body without them is not a credential report.
_REPORT_COLUMNS = frozenset(
    {"user", "arn", "password_enabled", "mfa_active", "access_key_1_active", "access_key_2_active"}
)


def parse_credential_report(content: bytes, generated: datetime) -> CredentialReport:
    """Parse the report's CSV into rows; unknown columns are ignored.

    Raises ValueError for a body that is not a whole report (no header with the columns
    the checks read, or a row cut short): a partial report must not pass a check.
    """
    rows: list[CredentialRow] = []
    reader = csv.DictReader(io.StringIO(content.decode("utf-8")))
    missing = _REPORT_COLUMNS.difference(reader.fieldnames or ())
    if missing:
        raise ValueError(f"the credential report lacks the columns {', '.join(sorted(missing))}")
    for rec in reader:
        if None in rec.values():
            raise ValueError(f"the credential report is cut short (line {reader.line_num})")
        keys = []
        for slot in (1, 2):
            rotated = rec.get(f"access_key_{slot}_last_rotated")
            active = _flag(rec.get(f"access_key_{slot}_active")) or False
            if _when(rotated) is None and not active:
                continue  # this slot holds no key
            keys.append(
                KeyInfo(
                    slot=slot,
                    active=active,
                    last_rotated=_when(rotated),
                    last_used=_when(rec.get(f"access_key_{slot}_last_used_date")),
                    last_used_service=(rec.get(f"access_key_{slot}_last_used_service") or None)
                    if rec.get(f"access_key_{slot}_last_used_service")
                    not in {"N/A", "no_information", "not_supported", None}
                    else None,
                )
            )
        rows.append(
            CredentialRow(
                user=rec.get("user", ""),
                arn=rec.get("arn", ""),
                created=_when(rec.get("user_creation_time")),
                password_enabled=_flag(rec.get("password_enabled")),
                password_last_used=_when(rec.get("password_last_used")),
                mfa_active=_flag(rec.get("mfa_active")) or False,
                keys=tuple(keys),
            )
        )
    return CredentialReport(generated=generated, rows=tuple(rows))


def _policies(items: list[Any]) -> tuple[PolicyRef, ...]:
    return tuple(PolicyRef(p["PolicyName"], p["PolicyArn"]) for p in items)


class PostureReader(ControlReads):
    """Reads each part of a :class:`Posture` with account-wide calls only."""

    def __init__(
        self,
        session: AwsSession,
        *,
        report_timeout: float = 60.0,
        poll_interval: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.session = session
        self.report_timeout = report_timeout
        self.poll_interval = poll_interval
        self._sleep = sleep

    # -- parts -----------------------------------------------------------------------
    def caller(self) -> Caller:
        with aws_call("sts", "GetCallerIdentity"):
            ident = self.session.sts().get_caller_identity()
        return Caller(account_id=ident["Account"], arn=ident["Arn"], user_id=ident["UserId"])

    def summary(self) -> AccountSummary:
        with aws_call("iam", "GetAccountSummary"):
            summary = self.session.iam().get_account_summary()["SummaryMap"]
        absent = [k for k in ("AccountMFAEnabled", "AccountAccessKeysPresent") if k not in summary]
        if absent:
            # Read as 0 they would pass "root has no access keys" on no evidence.
            raise AwsFailure(
                AwsError(
                    "iam:GetAccountSummary",
                    "IncompleteAnswer",
                    f"the account summary has no {' or '.join(absent)}",
                    "Refresh (r); if it persists, check --endpoint-url",
                )
            )
        return AccountSummary(
            root_mfa_enabled=bool(summary.get("AccountMFAEnabled", 0)),
            root_access_keys_present=bool(summary.get("AccountAccessKeysPresent", 0)),
            users=summary.get("Users", 0),
            groups=summary.get("Groups", 0),
            users_quota=summary.get("UsersQuota", 0),
        )

    def details(self) -> AuthDetails:
        users: list[IamUser] = []
        groups: list[IamGroup] = []
        paginator = self.session.iam().get_paginator("get_account_authorization_details")
        with aws_call("iam", "GetAccountAuthorizationDetails"):
            for page in paginator.paginate(
                Filter=["User", "Group"],
                PaginationConfig={"PageSize": AUTH_DETAILS_PAGE_SIZE},
            ):
                for u in page.get("UserDetailList", []):
                    users.append(
                        IamUser(
                            name=u["UserName"],
                            arn=u["Arn"],
                            user_id=u["UserId"],
                            path=u.get("Path", "/"),
                            created=u["CreateDate"],
                            groups=tuple(u.get("GroupList", [])),
                            attached_policies=_policies(u.get("AttachedManagedPolicies", [])),
                            inline_policies=tuple(
                                p["PolicyName"] for p in u.get("UserPolicyList", [])
                            ),
                            tags=tuple((t["Key"], t["Value"]) for t in u.get("Tags", [])),
                        )
                    )
                for g in page.get("GroupDetailList", []):
                    groups.append(
                        IamGroup(
                            name=g["GroupName"],
                            arn=g["Arn"],
                            path=g.get("Path", "/"),
                            created=g["CreateDate"],
                            attached_policies=_policies(g.get("AttachedManagedPolicies", [])),
                            inline_policies=tuple(
                                p["PolicyName"] for p in g.get("GroupPolicyList", [])
                            ),
                        )
                    )
        users.sort(key=lambda u: u.name.lower())
        groups.sort(key=lambda g: g.name.lower())
        return AuthDetails(users=tuple(users), groups=tuple(groups))

    def report(self) -> CredentialReport:
        """Generate (if needed), wait for, and fetch the credential report."""
        iam = self.session.iam()
        deadline = time.monotonic() + self.report_timeout
        while True:
            try:
                with aws_call("iam", "GenerateCredentialReport"):
                    state = iam.generate_credential_report().get("State", "COMPLETE")
            except AwsFailure as exc:
                # LimitExceeded: a report was generated moments ago; fetch that one.
                if _error_code(exc) != "LimitExceeded":
                    raise
                state = "COMPLETE"
            if state == "COMPLETE":
                try:
                    with aws_call("iam", "GetCredentialReport"):
                        got = iam.get_credential_report()
                except AwsFailure as exc:
                    code = _error_code(exc)
                    retryable = code.startswith("ReportInProgress") or code in {
                        "ReportNotPresent",
                        "ReportExpired",
                    }
                    if not retryable:
                        raise
                else:
                    return parse_credential_report(got["Content"], got["GeneratedTime"])
            if time.monotonic() >= deadline:
                raise AwsFailure(
                    AwsError(
                        "iam:GetCredentialReport",
                        "ReportTimeout",
                        f"the credential report was not ready after {self.report_timeout:.0f} s",
                        "Refresh (r) in a minute",
                    )
                )
            self._sleep(self.poll_interval)

    def aliases(self) -> tuple[str, ...]:
        with aws_call("iam", "ListAccountAliases"):
            return tuple(self.session.iam().list_account_aliases().get("AccountAliases", []))

    def password_policy(self) -> PasswordPolicy:
        try:
            with aws_call("iam", "GetAccountPasswordPolicy"):
                p = self.session.iam().get_account_password_policy()["PasswordPolicy"]
        except AwsFailure as exc:
            if _error_code(exc) == "NoSuchEntity":
                return AWS_DEFAULT_PASSWORD_POLICY
            raise
        return PasswordPolicy(
            minimum_length=p.get("MinimumPasswordLength", 8),
            require_symbols=p.get("RequireSymbols", False),
            require_numbers=p.get("RequireNumbers", False),
            require_uppercase=p.get("RequireUppercaseCharacters", False),
            require_lowercase=p.get("RequireLowercaseCharacters", False),
            allow_users_to_change=p.get("AllowUsersToChangePassword", False),
            max_age_days=p.get("MaxPasswordAge"),
            reuse_prevention=p.get("PasswordReusePrevention"),
            hard_expiry=p.get("HardExpiry", False),
        )

    def regions(self) -> RegionList:
        """Regions from the Account API; the EC2 list (read-only) when that is unavailable."""
        names = region_names()
        try:
            regions: list[Region] = []
            paginator = self.session.account().get_paginator("list_regions")
            with aws_call("account", "ListRegions"):
                for page in paginator.paginate(PaginationConfig={"PageSize": REGIONS_PAGE_SIZE}):
                    for r in page.get("Regions", []):
                        code = r["RegionName"]
                        regions.append(
                            Region(code, names.get(code, code), RegionStatus(r["RegionOptStatus"]))
                        )
            return RegionList(tuple(sorted(regions, key=lambda r: r.code)))
        except AwsFailure as exc:
            account_error = exc.error
        try:
            with aws_call("ec2", "DescribeRegions"):
                got = self.session.ec2().describe_regions(AllRegions=True)
        except AwsFailure as exc:
            # Say why the fallback failed too, or a broken EC2 call would go unnamed.
            also = f"The read-only fallback failed too: {exc.error.headline()}"
            hint = f"{account_error.hint}. {also}" if account_error.hint else also
            raise AwsFailure(replace(account_error, hint=hint)) from None
        regions = [
            Region(
                r["RegionName"],
                names.get(r["RegionName"], r["RegionName"]),
                _EC2_OPT_IN.get(r.get("OptInStatus", ""), RegionStatus.ENABLED_BY_DEFAULT),
            )
            for r in got.get("Regions", [])
        ]
        return RegionList(
            tuple(sorted(regions, key=lambda r: r.code)),
            source="ec2",
            fallback_reason=account_error,
        )

    # -- whole posture ---------------------------------------------------------------
    def read_part(self, name: str) -> Part[Any]:
        """Read one part; failures come back as data, never as exceptions."""
        if name not in PART_NAMES:
            raise ValueError(f"unknown posture part {name!r}")
        reader: Callable[[], Any] = getattr(self, name)
        try:
            return Part.ok(reader())
        except AwsFailure as exc:
            return Part.failed(exc.error)
        except Exception as exc:  # noqa: BLE001 - a part must fail alone, never the app
            return Part.failed(from_exception(exc, "acct-tui", name))

    def read_all(self, threads: int = len(PART_NAMES)) -> Posture:
        """Read every part concurrently (they are independent), ``threads`` at a time,
        into one Posture."""
        from tui.aws.threads import run_bounded

        read = run_bounded(self.read_part, PART_NAMES, threads, "part")
        parts = dict(zip(PART_NAMES, read, strict=True))
        return Posture(**parts)
