"""IAM write operations, each a reported :class:`Plan` of steps.

A plan is built first (input validated, nothing sent), shown for review with the
equivalent ``aws iam`` commands, then run step by step: the first failure stops it and
the steps after it are skipped. A create plan can be rolled back (completed steps undone
in reverse, each reported). IAM is eventually consistent, so a ``NoSuchEntity`` right
after a create is retried with a short backoff rather than reported.

No secret appears in a step, a report, an error or a log record: commands show
``'<password>'``, :class:`UserCredentials` keeps its secrets out of ``repr``/``str``.
"""

from __future__ import annotations

import email.utils
import functools
import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from botocore import xform_name

from tui.aws.errors import AwsError, AwsFailure, from_exception
from tui.aws.models import PasswordPolicy, sign_in_url, utcnow
from tui.aws.plan import (
    Operation,
    Plan,
    PlanResult,
    Progress,
    Recovery,
    Step,
    StepReport,
    StepState,
    cli_command,
    step_id,
)
from tui.aws.session import AwsSession
from tui.aws.validate import (
    generate_password,
    group_name_error,
    password_errors,
    path_error,
    tag_errors,
    user_name_error,
)

if TYPE_CHECKING:
    from mypy_boto3_iam import IAMClient

log = logging.getLogger(__name__)

# AWS stamps CreateDate to the second: an entity made by this plan's first attempt can read
# up to a second before the local time taken just before it.
_CLOCK_SLACK = timedelta(seconds=2)


def _on_aws_clock(local: datetime, response: Any) -> datetime:
    """``local`` (a wall-clock time of this machine) on AWS's clock, from the ``Date``
    header of ``response`` (an answer received just now); ``local`` itself without one."""
    try:
        header = response["ResponseMetadata"]["HTTPHeaders"]["date"]
        aws_now = email.utils.parsedate_to_datetime(header)
    except (KeyError, TypeError, ValueError, IndexError):
        return local
    if aws_now.tzinfo is None:
        aws_now = aws_now.replace(tzinfo=UTC)
    return aws_now - (datetime.now(UTC) - local)


def _stamp(since: list[datetime]) -> None:
    """Record, once, the wall-clock time a create was first attempted (compared with AWS's
    CreateDate, so the real clock, not the app's pinnable one)."""
    if not since:
        since.append(datetime.now(UTC))


CHANGE_PASSWORD_POLICY_ARN = "arn:aws:iam::aws:policy/IAMUserChangePassword"
MAX_GROUPS_PER_USER = 10
# Waits between attempts while IAM catches up with a create: ~10 s in all.
RETRY_DELAYS: tuple[float, ...] = (0.25, 0.5, 1.0, 2.0, 3.0, 3.0)
POLICIES_PAGE_SIZE = 1000
SERVICE_ROLE_PATH = "/aws-service-role/"
PASSWORD_PLACEHOLDER = "<password>"

__all__ = [
    "AccessKey",
    "IamWriter",
    "InvalidRequest",
    "ManagedPolicy",
    "NewGroup",
    "NewUser",
    "Plan",
    "PlanResult",
    "Progress",
    "Step",
    "StepReport",
    "StepState",
    "UserCredentials",
    "field_for",
    "users_can_change_own_password",
]

# Form fields an error can belong to: the attribute names of NewUser / NewGroup.
FIELD_NAME = "name"
FIELD_PATH = "path"
FIELD_PASSWORD = "password"
FIELD_REQUIRE_RESET = "require_reset"
FIELD_GROUPS = "groups"
FIELD_TAGS = "tags"
FIELD_ACCESS_KEY = "access_key"
FIELD_POLICIES = "policy_arns"


# -- data ----------------------------------------------------------------------------------
@dataclass(frozen=True, repr=False)
class UserCredentials:
    """What a new user signs in with. Shown once; the secrets never appear in ``repr``."""

    account_id: str
    user_name: str
    sign_in_url: str
    password: str | None = field(default=None, repr=False)
    access_key_id: str | None = None
    secret_access_key: str | None = field(default=None, repr=False)
    created: datetime = field(default_factory=utcnow)

    def __repr__(self) -> str:
        def hidden(value: str | None) -> str:
            return "None" if value is None else "'<hidden>'"

        return (
            f"UserCredentials(account_id={self.account_id!r}, user_name={self.user_name!r}, "
            f"sign_in_url={self.sign_in_url!r}, password={hidden(self.password)}, "
            f"access_key_id={self.access_key_id!r}, "
            f"secret_access_key={hidden(self.secret_access_key)}, created={self.created!r})"
        )

    __str__ = __repr__

    @property
    def has_access_key(self) -> bool:
        return self.access_key_id is not None and self.secret_access_key is not None


@dataclass(frozen=True)
class NewGroup:
    """A group to create: name, path, managed policies to attach."""

    name: str
    path: str = "/"
    policy_arns: tuple[str, ...] = ()


@dataclass(frozen=True)
class NewUser:
    """A user to create. With ``console`` and ``password=None``, a password is generated."""

    name: str
    path: str = "/"
    console: bool = False
    password: str | None = field(default=None, repr=False)
    require_reset: bool = True
    access_key: bool = False
    groups: tuple[str, ...] = ()
    tags: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class AccessKey:
    """An access key's id and state (never its secret: AWS returns that only once)."""

    user_name: str
    key_id: str
    active: bool
    created: datetime | None = None


@dataclass(frozen=True)
class ManagedPolicy:
    """An attachable managed policy, for the picker. ListPolicies returns no
    description, so ``description`` falls back to the policy's path."""

    name: str
    arn: str
    description: str
    aws_managed: bool


class InvalidRequest(ValueError):
    """Input refused before any AWS call; ``errors`` maps field → message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def users_can_change_own_password(policy: PasswordPolicy) -> bool:
    """True when the account policy lets every IAM user change their own password.

    AWS's default (no custom policy) does not: the option exists only in a custom
    policy, where AllowUsersToChangePassword defaults to false.
    """
    return policy.allow_users_to_change and not policy.is_aws_default


def field_for(error: AwsError, step: Step) -> str | None:
    """The form field an error belongs to (``"name"``, ``"password"``…), or ``None``."""
    action, code, message = step.action, error.code, error.message.lower()
    if action in ("iam:CreateUser", "iam:CreateGroup"):
        if code == "EntityAlreadyExists":
            return FIELD_NAME
        if code in ("InvalidInput", "ValidationError", "MalformedInput", "LimitExceeded"):
            if "tag" in message:
                return FIELD_TAGS
            if "path" in message:
                return FIELD_PATH
            return FIELD_NAME if code != "LimitExceeded" else None
        return None
    if action == "iam:CreateLoginProfile" and code in ("PasswordPolicyViolation", "InvalidInput"):
        return FIELD_PASSWORD
    if action == "iam:AttachUserPolicy":
        return FIELD_REQUIRE_RESET
    if action == "iam:AddUserToGroup" and code in ("NoSuchEntity", "LimitExceeded"):
        return FIELD_GROUPS
    if action == "iam:AttachGroupPolicy" and code in (
        "NoSuchEntity",
        "InvalidInput",
        "LimitExceeded",
        "PolicyNotAttachable",
    ):
        return FIELD_POLICIES
    if action == "iam:CreateAccessKey" and code == "LimitExceeded":
        return FIELD_ACCESS_KEY
    return None


@dataclass
class _Learned:
    """What the create-user steps learn from AWS, for the credentials."""

    created: datetime | None = None
    key_id: str | None = None
    secret: str | None = field(default=None, repr=False)


# -- the writer -----------------------------------------------------------------------------
class IamWriter:
    """Builds IAM plans, and makes the single-call access-key changes.

    ``sleep`` and ``retry_delays`` are injectable so tests need not wait.
    """

    def __init__(
        self,
        session: AwsSession,
        *,
        sleep: Callable[[float], None] = time.sleep,
        retry_delays: Sequence[float] = RETRY_DELAYS,
    ) -> None:
        self.session = session
        self._sleep = sleep
        self._delays = tuple(retry_delays)

    def _iam(self) -> IAMClient:
        return self.session.iam()

    def _plan(self, title: str, ops: Sequence[Operation], **kwargs: Any) -> Plan:
        return Plan(title, ops, sleep=self._sleep, retry_delays=self._delays, **kwargs)

    def _call(self, operation: str, params: Mapping[str, Any]) -> Any:
        """Call ``operation``; any failure becomes :class:`AwsFailure`."""
        try:
            return getattr(self._iam(), xform_name(operation))(**params)
        except Exception as exc:  # noqa: BLE001 - reported as data
            raise AwsFailure(from_exception(exc, "iam", operation)) from None

    def _pages(self, operation: str, key: str, **params: Any) -> list[Any]:
        """Every item under ``key`` across the pages of ``operation``."""
        try:
            items: list[Any] = []
            for page in self._iam().get_paginator(xform_name(operation)).paginate(**params):  # type: ignore[call-overload]
                items += page.get(key, [])
            return items
        except Exception as exc:  # noqa: BLE001 - reported as data
            raise AwsFailure(from_exception(exc, "iam", operation)) from None

    def _op(
        self,
        operation: str,
        description: str,
        what: str,
        params: Mapping[str, Any],
        *,
        placeholders: Mapping[str, str] | None = None,
        retry: Iterable[str] = (),
        gone_ok: bool = False,
        then: Callable[[Any], None] | None = None,
        undoes: str | None = None,
        before: Callable[[], None] | None = None,
    ) -> Operation:
        """An op calling ``operation`` with ``params``. ``placeholders`` replace secret
        parameters in the CLI line; ``then`` receives the response."""
        shown = {**params, **(placeholders or {})}
        plain = {k: v for k, v in params.items() if k not in (placeholders or {})}
        ident = f"undo:{undoes}" if undoes else step_id(operation, plain)
        cli = cli_command(operation, shown)
        step = Step(ident, f"iam:{operation}", description, cli, undoes=undoes)

        def call() -> None:
            if before is not None:
                before()
            response = getattr(self._iam(), xform_name(operation))(**params)
            if then is not None:
                then(response)

        return Operation(step, call, what, retry_codes=frozenset(retry), gone_ok=gone_ok)

    def _recover_made(
        self, what: str, get: str, params: Mapping[str, Any], key: str, since: list[datetime]
    ) -> Recovery:
        """After a CreateUser/CreateGroup whose outcome is unknown (no answer, or a retry
        meeting EntityAlreadyExists): it exists, but did this plan make it? Only when it
        was created after the plan started. One that is older is someone else's: it is
        never rolled back. The plan's start is put on AWS's clock (the re-read's ``Date``
        header less the time since), so a local clock behind or ahead of AWS does not
        count someone else's entity as the plan's. When it cannot be read, nothing is
        settled, and the plan does not roll it back either (``Operation.undo_needs_proof``).
        """
        try:
            response = self._call(get, dict(params))
            created = response[key]["CreateDate"]
        except (AwsFailure, KeyError, TypeError):
            return Recovery(None)  # not there yet (IAM lags), or unreadable: cannot tell
        if not since:
            return Recovery(None)
        started = _on_aws_clock(since[0], response)
        if created < started - _CLOCK_SLACK:
            return Recovery(
                False,
                f"{what} existed before this plan (created {created:%Y-%m-%d %H:%M} UTC): "
                "not made by acct-tui, left alone (never rolled back)",
            )
        return Recovery(True)

    def _undo(self, of: str, operation: str, description: str, **params: Any) -> Operation:
        """An undo op: NoSuchEntity counts as undone; deletes wait out DeleteConflict."""
        retry = ("DeleteConflict",) if operation in ("DeleteUser", "DeleteGroup") else ()
        return self._op(
            operation, description, description, params, retry=retry, gone_ok=True, undoes=of
        )

    def _delete_other_keys(self, name: str, keep: str) -> None:
        try:
            for k in self._pages("ListAccessKeys", "AccessKeyMetadata", UserName=name):
                if k["AccessKeyId"] != keep:
                    self._call(
                        "DeleteAccessKey", {"UserName": name, "AccessKeyId": k["AccessKeyId"]}
                    )
                    log.info(
                        "deleted access key %s of %s: its secret was lost", k["AccessKeyId"], name
                    )
        except AwsFailure as exc:
            log.warning("could not check %s for keys whose secret was lost: %s", name, exc)

    def _undo_all_keys(self, of: str, name: str) -> Operation:
        """Undo for a CreateAccessKey that got no answer: delete whatever keys ``name``
        (a user this plan created) has."""
        step = Step(
            f"undo:{of}",
            "iam:DeleteAccessKey",
            f"Delete the access keys of {name}",
            cli_command("DeleteAccessKey", {"UserName": name, "AccessKeyId": "<each key>"}),
            undoes=of,
        )

        def call() -> None:
            for k in self._pages("ListAccessKeys", "AccessKeyMetadata", UserName=name):
                self._call("DeleteAccessKey", {"UserName": name, "AccessKeyId": k["AccessKeyId"]})

        return Operation(step, call, f"the access keys of {name}", gone_ok=True)

    def _recover_keys(self, name: str) -> Recovery:
        """After a CreateAccessKey whose answer was lost or unreadable, read the keys of
        ``name`` again. The user is this plan's own (it had no key before), so any key it
        has now was made by that call, and its secret, which only the answer carried, is
        lost: nobody can use the key, so it is deleted, and the report says so."""
        try:
            found = [
                k["AccessKeyId"]
                for k in self._pages("ListAccessKeys", "AccessKeyMetadata", UserName=name)
            ]
        except AwsFailure as exc:
            return Recovery(
                None,
                f"the access keys of {name} could not be read again ({exc.error.headline()}): "
                "a key it may have has lost its secret; delete it",
            )
        if not found:
            return Recovery(None)  # none yet; IAM may not show it yet: still unknown
        deleted: list[str] = []
        left: list[str] = []  # the delete failed
        unsure: list[str] = []  # the delete got no (readable) answer
        for key_id in found:
            try:
                self._call("DeleteAccessKey", {"UserName": name, "AccessKeyId": key_id})
            except AwsFailure as exc:
                if exc.error.code != "NoSuchEntity":
                    (unsure if exc.error.outcome_unknown else left).append(key_id)
                    continue
            deleted.append(key_id)
            log.info("deleted access key %s of %s: its secret was lost", key_id, name)
        if left:
            return Recovery(
                True,
                f"access key {', '.join(left)} exists, but its secret was lost: delete it",
            )
        if unsure:
            return Recovery(
                None,
                f"access key {', '.join(unsure)} may still exist, but its secret was lost: "
                "delete it",
            )
        return Recovery(
            False, f"access key {', '.join(deleted)} was made, but its secret was lost: deleted"
        )

    def _recover_login(self, name: str) -> Recovery:
        """After a CreateLoginProfile whose answer was lost or unreadable: is the password
        (which acct-tui holds) in force? Only a positive answer settles it: right after a
        create, IAM may not show the profile yet."""
        try:
            self._call("GetLoginProfile", {"UserName": name})
        except AwsFailure:
            return Recovery(None)
        return Recovery(True)

    def _remove(self, operation: str, what: str, **params: Any) -> Operation:
        """A delete-plan op: NoSuchEntity means it is already gone."""
        retry = ("DeleteConflict",) if operation in ("DeleteUser", "DeleteGroup") else ()
        return self._op(operation, f"Remove {what}", what, params, retry=retry, gone_ok=True)

    # -- groups ----------------------------------------------------------------------
    def plan_create_group(self, new: NewGroup) -> Plan:
        """CreateGroup, then AttachGroupPolicy for each policy. Raises
        :class:`InvalidRequest` (a ValueError) without calling AWS when input is bad."""
        errors: dict[str, str] = {}
        if problem := group_name_error(new.name):
            errors[FIELD_NAME] = problem
        if problem := path_error(new.path):
            errors[FIELD_PATH] = problem
        arns = tuple(dict.fromkeys(new.policy_arns))
        bad = [a for a in arns if not (a.startswith("arn:") and ":policy/" in a)]
        if bad:
            errors[FIELD_POLICIES] = f"Not a managed policy ARN: {bad[0]}"
        if errors:
            raise InvalidRequest(errors)
        name = new.name
        params = {"GroupName": name, **({"Path": new.path} if new.path != "/" else {})}
        started: list[datetime] = []
        main = self._op(
            "CreateGroup",
            f"Create group {name}",
            f"group {name}",
            params,
            before=functools.partial(_stamp, started),
        )
        main.undo = self._undo(main.step.id, "DeleteGroup", f"Delete group {name}", GroupName=name)
        main.recover = lambda: self._recover_made(
            f"group {name}", "GetGroup", {"GroupName": name}, "Group", started
        )
        main.undo_needs_proof = True
        ops = [main]
        for arn in arns:
            attach = self._op(
                "AttachGroupPolicy",
                f"Attach {_short(arn)} to group {name}",
                f"policy {_short(arn)}",
                {"GroupName": name, "PolicyArn": arn},
                retry=("NoSuchEntity",),
            )
            attach.undo = self._undo(
                attach.step.id,
                "DetachGroupPolicy",
                f"Detach {_short(arn)} from group {name}",
                GroupName=name,
                PolicyArn=arn,
            )
            ops.append(attach)
        return self._plan(f"Create group {name}", ops, kind="create")

    # -- users -----------------------------------------------------------------------
    def validate_new_user(self, new: NewUser, policy: PasswordPolicy) -> dict[str, str]:
        """Field → message for everything wrong with ``new`` (empty when all is fine)."""
        errors: dict[str, str] = {}
        if problem := user_name_error(new.name):
            errors[FIELD_NAME] = problem
        if problem := path_error(new.path):
            errors[FIELD_PATH] = problem
        typed = new.password if new.console else None  # None: one will be generated
        if typed is not None and (problems := password_errors(typed, policy)):
            errors[FIELD_PASSWORD] = "; ".join(problems)
        if tag_problems := tag_errors(new.tags):
            index, part, message = tag_problems[0]
            errors[FIELD_TAGS] = f"Tag {index + 1} {part}: {message}"
        folded = [g.casefold() for g in new.groups]
        if group_problem := next(filter(None, map(group_name_error, new.groups)), None):
            errors[FIELD_GROUPS] = group_problem
        elif len(set(folded)) != len(folded):
            errors[FIELD_GROUPS] = "A group is listed twice"
        elif len(new.groups) > MAX_GROUPS_PER_USER:
            errors[FIELD_GROUPS] = f"A user can be in at most {MAX_GROUPS_PER_USER} groups"
        return errors

    def plan_create_user(
        self,
        new: NewUser,
        *,
        account_id: str,
        alias: str | None,
        policy: PasswordPolicy,
    ) -> Plan:
        """CreateUser (with tags) → CreateLoginProfile → AttachUserPolicy
        IAMUserChangePassword (only when a reset is required and the policy does not let
        users change their own password) → AddUserToGroup ×k → CreateAccessKey.

        CreateAccessKey comes last, so no failure can strand a key whose secret was
        never shown. The plan's :attr:`Plan.credentials` (and each result's) hold the
        :class:`UserCredentials`. Raises :class:`InvalidRequest` (a ValueError) without
        calling AWS when the input is bad.
        """
        if errors := self.validate_new_user(new, policy):
            raise InvalidRequest(errors)
        name, learned = new.name, _Learned()
        password = None
        if new.console:
            password = new.password if new.password is not None else generate_password(policy)

        def user_created(response: Any) -> None:
            learned.created = response["User"]["CreateDate"]

        params: dict[str, Any] = {"UserName": name}
        if new.path != "/":
            params["Path"] = new.path
        if new.tags:
            params["Tags"] = [{"Key": k, "Value": v} for k, v in new.tags]
        started: list[datetime] = []
        main = self._op(
            "CreateUser",
            f"Create user {name}",
            f"user {name}",
            params,
            then=user_created,
            before=functools.partial(_stamp, started),
        )
        main.undo = self._undo(main.step.id, "DeleteUser", f"Delete user {name}", UserName=name)
        main.recover = lambda: self._recover_made(
            f"user {name}", "GetUser", {"UserName": name}, "User", started
        )
        main.undo_needs_proof = True
        ops = [main]
        retry = ("NoSuchEntity",)

        login: Operation | None = None
        if password is not None:
            reset = new.require_reset
            login = self._op(
                "CreateLoginProfile",
                f"Give {name} a console password"
                + (", to be changed at first sign-in" if reset else ""),
                "console password" + (" (to be changed at first sign-in)" if reset else ""),
                {"UserName": name, "Password": password, "PasswordResetRequired": reset},
                placeholders={"Password": PASSWORD_PLACEHOLDER},
                retry=retry,
            )
            login.undo = self._undo(
                login.step.id,
                "DeleteLoginProfile",
                f"Remove the console password of {name}",
                UserName=name,
            )
            login.recover = lambda: self._recover_login(name)
            ops.append(login)
            if reset and not users_can_change_own_password(policy):
                arn = CHANGE_PASSWORD_POLICY_ARN
                attach = self._op(
                    "AttachUserPolicy",
                    f"Attach {_short(arn)} to {name}, so they can set their own password",
                    f"policy {_short(arn)}",
                    {"UserName": name, "PolicyArn": arn},
                    retry=retry,
                )
                attach.undo = self._undo(
                    attach.step.id,
                    "DetachUserPolicy",
                    f"Detach {_short(arn)} from {name}",
                    UserName=name,
                    PolicyArn=arn,
                )
                ops.append(attach)
        for group in new.groups:
            add = self._op(
                "AddUserToGroup",
                f"Add {name} to group {group}",
                f"group {group}",
                {"GroupName": group, "UserName": name},
                retry=retry,
            )
            add.undo = self._undo(
                add.step.id,
                "RemoveUserFromGroup",
                f"Remove {name} from group {group}",
                GroupName=group,
                UserName=name,
            )
            ops.append(add)
        key: Operation | None = None
        if new.access_key:

            def key_created(response: Any) -> None:
                learned.key_id = response["AccessKey"]["AccessKeyId"]
                learned.secret = response["AccessKey"]["SecretAccessKey"]
                assert key is not None
                if response.get("ResponseMetadata", {}).get("RetryAttempts"):
                    # An earlier attempt may have made a key whose answer (and secret) was
                    # lost: on this new user any other key is such a key. Delete it.
                    self._delete_other_keys(name, learned.key_id)
                key.what = f"access key {learned.key_id}"
                # Only now can the undo name the key.
                key.undo = self._undo(
                    key.step.id,
                    "DeleteAccessKey",
                    f"Delete access key {learned.key_id} of {name}",
                    UserName=name,
                    AccessKeyId=learned.key_id,
                )

            key = self._op(
                "CreateAccessKey",
                f"Create an access key for {name}",
                "access key",
                {"UserName": name},
                retry=retry,
                then=key_created,
            )
            # Until AWS answers, the key has no id: if no answer comes, undoing removes
            # every key of the user, which this plan itself created.
            key.undo = self._undo_all_keys(key.step.id, name)
            # If the answer (and the secret in it) is lost, the key is deleted at once.
            key.recover = lambda: self._recover_keys(name)
            ops.append(key)

        def credentials(plan: Plan) -> UserCredentials | None:
            if not plan.has_effect(main):
                return None
            has_key = key is not None and plan.has_effect(key)
            return UserCredentials(
                account_id=account_id,
                user_name=name,
                sign_in_url=sign_in_url(account_id, alias),
                # A password sent without an answer may be in force: never drop it.
                password=password if login is not None and plan.may_have_effect(login) else None,
                access_key_id=learned.key_id if has_key else None,
                secret_access_key=learned.secret if has_key else None,
                created=learned.created or utcnow(),
            )

        return self._plan(f"Create user {name}", ops, kind="create", credentials=credentials)

    # -- deletes ---------------------------------------------------------------------
    def plan_delete_user(self, name: str) -> Plan:
        """Read everything the user has, then remove each item, DeleteUser last.

        The steps name every item, for the confirmation. Listings that AWS may refuse or
        an emulator may lack (signing certificates, SSH keys, service-specific
        credentials) do not stop the plan: they are left out with a note in
        :attr:`Plan.notes`, and DeleteUser would report the DeleteConflict. Raises
        :class:`AwsFailure` when a needed read fails (``NoSuchEntity``: no such user).
        """
        self._call("GetUser", {"UserName": name})
        notes: list[str] = []

        def optional(label: str, read: Callable[[], list[Any]]) -> list[Any]:
            try:
                return read()
            except AwsFailure as exc:
                notes.append(
                    f"Could not list the {label} of {name} ({exc.error.headline()}); "
                    "if there are any, deleting the user will fail"
                )
                return []

        ops: list[Operation] = []
        try:
            self._call("GetLoginProfile", {"UserName": name})
            ops.append(self._remove("DeleteLoginProfile", "console password", UserName=name))
        except AwsFailure as exc:
            if exc.error.code != "NoSuchEntity":
                raise
        for k in self._pages("ListAccessKeys", "AccessKeyMetadata", UserName=name):
            key_id = k["AccessKeyId"]
            ops.append(
                self._remove(
                    "DeleteAccessKey", f"access key {key_id}", UserName=name, AccessKeyId=key_id
                )
            )
        for d in self._pages("ListMFADevices", "MFADevices", UserName=name):
            serial = d["SerialNumber"]
            ops.append(
                self._remove(
                    "DeactivateMFADevice",
                    f"MFA device {serial} from {name}",
                    UserName=name,
                    SerialNumber=serial,
                )
            )
            if ":mfa/" in serial:  # a virtual device; hardware serials are not ARNs
                ops.append(
                    self._remove(
                        "DeleteVirtualMFADevice",
                        f"virtual MFA device {serial}",
                        SerialNumber=serial,
                    )
                )
        certs = optional(
            "signing certificates",
            lambda: self._pages("ListSigningCertificates", "Certificates", UserName=name),
        )
        for c in certs:
            cert_id = c["CertificateId"]
            ops.append(
                self._remove(
                    "DeleteSigningCertificate",
                    f"signing certificate {cert_id}",
                    UserName=name,
                    CertificateId=cert_id,
                )
            )
        ssh_keys = optional(
            "SSH public keys",
            lambda: self._pages("ListSSHPublicKeys", "SSHPublicKeys", UserName=name),
        )
        for s in ssh_keys:
            ssh_id = s["SSHPublicKeyId"]
            ops.append(
                self._remove(
                    "DeleteSSHPublicKey",
                    f"SSH public key {ssh_id}",
                    UserName=name,
                    SSHPublicKeyId=ssh_id,
                )
            )
        service_creds = optional(
            "service-specific credentials",
            lambda: self._call("ListServiceSpecificCredentials", {"UserName": name}).get(
                "ServiceSpecificCredentials", []
            ),
        )
        for sc in service_creds:
            cred_id = sc["ServiceSpecificCredentialId"]
            ops.append(
                self._remove(
                    "DeleteServiceSpecificCredential",
                    f"{sc.get('ServiceName', 'service')} credential {cred_id}",
                    UserName=name,
                    ServiceSpecificCredentialId=cred_id,
                )
            )
        for g in self._pages("ListGroupsForUser", "Groups", UserName=name):
            group = g["GroupName"]
            ops.append(
                self._remove(
                    "RemoveUserFromGroup",
                    f"membership of group {group}",
                    GroupName=group,
                    UserName=name,
                )
            )
        for policy in self._pages("ListUserPolicies", "PolicyNames", UserName=name):
            ops.append(
                self._remove(
                    "DeleteUserPolicy",
                    f"inline policy {policy}",
                    UserName=name,
                    PolicyName=policy,
                )
            )
        for p in self._pages("ListAttachedUserPolicies", "AttachedPolicies", UserName=name):
            arn = p["PolicyArn"]
            ops.append(
                self._remove(
                    "DetachUserPolicy",
                    f"policy {p.get('PolicyName') or _short(arn)}",
                    UserName=name,
                    PolicyArn=arn,
                )
            )
        delete = self._remove("DeleteUser", f"user {name}", UserName=name)
        ops.append(_described(delete, f"Delete user {name}"))
        return self._plan(f"Delete user {name}", ops, kind="delete", notes=notes)

    def plan_delete_group(self, name: str) -> Plan:
        """Remove the members, detach and delete the policies, then DeleteGroup.
        Raises :class:`AwsFailure` when a read fails (``NoSuchEntity``: no such group)."""
        ops: list[Operation] = []
        for u in self._pages("GetGroup", "Users", GroupName=name):
            user = u["UserName"]
            ops.append(
                self._remove("RemoveUserFromGroup", f"member {user}", GroupName=name, UserName=user)
            )
        for p in self._pages("ListAttachedGroupPolicies", "AttachedPolicies", GroupName=name):
            arn = p["PolicyArn"]
            ops.append(
                self._remove(
                    "DetachGroupPolicy",
                    f"policy {p.get('PolicyName') or _short(arn)}",
                    GroupName=name,
                    PolicyArn=arn,
                )
            )
        for policy in self._pages("ListGroupPolicies", "PolicyNames", GroupName=name):
            ops.append(
                self._remove(
                    "DeleteGroupPolicy",
                    f"inline policy {policy}",
                    GroupName=name,
                    PolicyName=policy,
                )
            )
        delete = self._remove("DeleteGroup", f"group {name}", GroupName=name)
        ops.append(_described(delete, f"Delete group {name}"))
        return self._plan(f"Delete group {name}", ops, kind="delete")

    # -- access keys and policies (single calls) -------------------------------------
    def list_access_keys(self, user: str) -> tuple[AccessKey, ...]:
        """The user's access keys (ids and states). Raises :class:`AwsFailure`."""
        return tuple(
            AccessKey(
                user_name=user,
                key_id=k["AccessKeyId"],
                active=k.get("Status") == "Active",
                created=k.get("CreateDate"),
            )
            for k in self._pages("ListAccessKeys", "AccessKeyMetadata", UserName=user)
        )

    def set_access_key_status(self, user: str, key_id: str, active: bool) -> None:
        """Activate or deactivate one access key. Raises :class:`AwsFailure`."""
        status = "Active" if active else "Inactive"
        self._call("UpdateAccessKey", {"UserName": user, "AccessKeyId": key_id, "Status": status})

    def delete_access_key(self, user: str, key_id: str) -> None:
        """Delete one access key. Raises :class:`AwsFailure`."""
        self._call("DeleteAccessKey", {"UserName": user, "AccessKeyId": key_id})

    def list_managed_policies(self) -> tuple[ManagedPolicy, ...]:
        """Every attachable managed policy (AWS and customer), sorted by name.

        About 1,300 AWS policies in two pages: cache the result for the session.
        Raises :class:`AwsFailure`.
        """
        found = {
            p["Arn"]: ManagedPolicy(
                name=p["PolicyName"],
                arn=p["Arn"],
                description=p.get("Description") or p.get("Path", "/"),
                aws_managed=p["Arn"].split(":")[4:5] == ["aws"],
            )
            for p in self._pages(
                "ListPolicies",
                "Policies",
                Scope="All",
                PaginationConfig={"PageSize": POLICIES_PAGE_SIZE},
            )
            # Service-linked role policies cannot be attached to users or groups.
            if p.get("IsAttachable", True) and not p.get("Path", "/").startswith(SERVICE_ROLE_PATH)
        }
        return tuple(sorted(found.values(), key=lambda p: (p.name.lower(), p.arn)))


def _described(op: Operation, description: str) -> Operation:
    """``op`` with its step described differently (the main step of a delete plan)."""
    op.step = replace(op.step, description=description)
    return op


def _short(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]
