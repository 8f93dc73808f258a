"""Creating an IAM user: the input checks and the plan.

CreateUser (with tags) → CreateLoginProfile → AttachUserPolicy IAMUserChangePassword →
AddUserToGroup ×k → CreateAccessKey, each step with its undo. No secret appears in a
step, a report, an error or a log record: the CLI line shows ``'<password>'``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tui.aws.errors import AwsFailure
from tui.aws.iam.keys import AccessKeyCalls
from tui.aws.iam.models import (
    CHANGE_PASSWORD_POLICY_ARN,
    FIELD_GROUPS,
    FIELD_NAME,
    FIELD_PASSWORD,
    FIELD_PATH,
    FIELD_TAGS,
    MAX_GROUPS_PER_USER,
    PASSWORD_PLACEHOLDER,
    NewUser,
    UserCredentials,
    needs_change_password_policy,
)
from tui.aws.iam.steps import AFTER_CREATE, USER, IamPlanWriter, short_arn
from tui.aws.models import PasswordPolicy, sign_in_url, utcnow
from tui.aws.plan import Operation, Plan, Recovery
from tui.aws.validate import (
    generate_password,
    group_name_error,
    password_errors,
    path_error,
    tag_errors,
    user_name_error,
)
from tui.aws.writer import InvalidRequest


@dataclass
class _NewUserRun:
    """The new user's sign-in facts: given (account, alias, password) and learnt from AWS
    by the steps (creation time, access key id and secret), for :class:`UserCredentials`."""

    account_id: str
    alias: str | None
    name: str
    password: str | None = field(default=None, repr=False)
    created: datetime | None = None
    key_id: str | None = None
    secret: str | None = field(default=None, repr=False)
    main: Operation | None = None
    login: Operation | None = None
    key: Operation | None = None

    def credentials(self, plan: Plan) -> UserCredentials | None:
        """What the user signs in with, as far as ``plan`` made it (``None``: no user)."""
        if self.main is None or not plan.has_effect(self.main):
            return None
        has_key = self.key is not None and plan.has_effect(self.key)
        login = self.login
        return UserCredentials(
            account_id=self.account_id,
            user_name=self.name,
            sign_in_url=sign_in_url(self.account_id, self.alias),
            # A password sent without an answer may be in force: never drop it.
            password=self.password if login is not None and plan.may_have_effect(login) else None,
            access_key_id=self.key_id if has_key else None,
            secret_access_key=self.secret if has_key else None,
            created=self.created or utcnow(),
        )


def _groups_error(groups: tuple[str, ...]) -> str | None:
    folded = [g.casefold() for g in groups]
    if group_problem := next(filter(None, map(group_name_error, groups)), None):
        return group_problem
    if len(set(folded)) != len(folded):
        return "A group is listed twice"
    if len(groups) > MAX_GROUPS_PER_USER:
        return f"A user can be in at most {MAX_GROUPS_PER_USER} groups"
    return None


class UserPlans(AccessKeyCalls, IamPlanWriter):
    """The create-user plan of the IAM writer."""

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
        if group_problem := _groups_error(new.groups):
            errors[FIELD_GROUPS] = group_problem
        return errors

    def plan_create_user(
        self,
        new: NewUser,
        *,
        account_id: str,
        alias: str | None,
        policy: PasswordPolicy,
        self_service: frozenset[str] = frozenset(),
    ) -> Plan:
        """CreateUser (with tags) → CreateLoginProfile → AttachUserPolicy
        IAMUserChangePassword (only when a reset is required, the policy does not let
        users change their own password and none of the user's groups is in
        ``self_service``, the groups whose policies already allow it) → AddUserToGroup ×k
        → CreateAccessKey.

        CreateAccessKey comes last, so no failure can strand a key whose secret was
        never shown. The plan's :attr:`Plan.credentials` (and each result's) hold the
        :class:`UserCredentials`. Raises :class:`InvalidRequest` (a ValueError) without
        calling AWS when the input is bad.
        """
        if errors := self.validate_new_user(new, policy):
            raise InvalidRequest(errors)
        run = _NewUserRun(account_id, alias, new.name)
        if new.console:
            run.password = new.password if new.password is not None else generate_password(policy)
        run.main = self._create_user_step(new, run)
        ops = [run.main]
        if run.password is not None:
            run.login = self._login_step(new.name, run.password, new.require_reset)
            ops.append(run.login)
            reset = new.require_reset
            if needs_change_password_policy(policy, reset, new.groups, self_service):
                ops.append(self._change_password_step(new.name))
        ops += [self._add_to_group_step(new.name, group) for group in new.groups]
        if new.access_key:
            run.key = self._access_key_step(run)
            ops.append(run.key)
        return self._plan(
            f"Create user {new.name}", ops, kind="create", credentials=run.credentials
        )

    # -- the steps, in plan order -----------------------------------------------------
    def _create_user_step(self, new: NewUser, run: _NewUserRun) -> Operation:
        def user_created(response: Any) -> None:
            run.created = response["User"]["CreateDate"]

        params: dict[str, Any] = {"UserName": new.name}
        if new.path != "/":
            params["Path"] = new.path
        if new.tags:
            params["Tags"] = [{"Key": k, "Value": v} for k, v in new.tags]
        return self._create_step(USER, new.name, params, then=user_created)

    def _login_step(self, name: str, password: str, reset: bool) -> Operation:
        login = self._op(
            "CreateLoginProfile",
            f"Give {name} a console password"
            + (", to be changed at first sign-in" if reset else ""),
            "console password" + (" (to be changed at first sign-in)" if reset else ""),
            {"UserName": name, "Password": password, "PasswordResetRequired": reset},
            placeholders={"Password": PASSWORD_PLACEHOLDER},
            retry=AFTER_CREATE,
        )
        login.undo = self._undo(
            login.step.id,
            "DeleteLoginProfile",
            f"Remove the console password of {name}",
            UserName=name,
        )
        login.recover = lambda: self._recover_login(name)
        return login

    def _recover_login(self, name: str) -> Recovery:
        """After a CreateLoginProfile whose answer was lost or unreadable: is the password
        (which acct-tui holds) in force? Only a positive answer settles it: right after a
        create, IAM may not show the profile yet."""
        try:
            self._call("GetLoginProfile", {"UserName": name})
        except AwsFailure:
            return Recovery(None)
        return Recovery(True)

    def _change_password_step(self, name: str) -> Operation:
        arn = CHANGE_PASSWORD_POLICY_ARN
        return self._reversible(
            "AttachUserPolicy",
            f"Attach {short_arn(arn)} to {name}, so they can set their own password",
            f"policy {short_arn(arn)}",
            {"UserName": name, "PolicyArn": arn},
            "DetachUserPolicy",
            f"Detach {short_arn(arn)} from {name}",
        )

    def _add_to_group_step(self, name: str, group: str) -> Operation:
        return self._reversible(
            "AddUserToGroup",
            f"Add {name} to group {group}",
            f"group {group}",
            {"GroupName": group, "UserName": name},
            "RemoveUserFromGroup",
            f"Remove {name} from group {group}",
        )

    def _access_key_step(self, run: _NewUserRun) -> Operation:
        name = run.name

        def key_created(response: Any) -> None:
            run.key_id = response["AccessKey"]["AccessKeyId"]
            run.secret = response["AccessKey"]["SecretAccessKey"]
            if response.get("ResponseMetadata", {}).get("RetryAttempts"):
                # An earlier attempt may have made a key whose answer (and secret) was
                # lost: on this new user any other key is such a key. Delete it.
                self._delete_other_keys(name, run.key_id)
            key.what = f"access key {run.key_id}"
            # Only now can the undo name the key.
            key.undo = self._undo(
                key.step.id,
                "DeleteAccessKey",
                f"Delete access key {run.key_id} of {name}",
                UserName=name,
                AccessKeyId=run.key_id,
            )

        key = self._op(
            "CreateAccessKey",
            f"Create an access key for {name}",
            "access key",
            {"UserName": name},
            retry=AFTER_CREATE,
            then=key_created,
        )
        # Until AWS answers, the key has no id: if no answer comes, undoing removes
        # every key of the user, which this plan itself created.
        key.undo = self._undo_all_keys(key.step.id, name)
        # If the answer (and the secret in it) is lost, the key is deleted at once.
        key.recover = lambda: self._recover_keys(name)
        return key
