"""Console passwords of existing IAM users: give one, reset it, remove it (plans).

Giving one is the create-user plan's own console-password steps (CreateLoginProfile, then
IAMUserChangePassword when a reset is required and the account's policy does not let users
change their own password), reused from :class:`~tui.aws.iam.users.UserPlans`. Resetting is
UpdateLoginProfile (the old password cannot be put back, so it has no undo). Removing is
DeleteLoginProfile.

A password sent without an answer may be in force: the plan's :attr:`Plan.credentials` keeps
it until the flow has shown it. No secret appears in a step, a report, an error or a log
record: the CLI line shows ``'<password>'``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from tui.aws.errors import AwsFailure
from tui.aws.iam.models import (
    CHANGE_PASSWORD_POLICY_ARN,
    FIELD_PASSWORD,
    PASSWORD_PLACEHOLDER,
    PasswordChange,
    UserCredentials,
    needs_change_password_policy,
)
from tui.aws.iam.steps import described
from tui.aws.iam.users import UserPlans
from tui.aws.models import PasswordPolicy, sign_in_url, utcnow
from tui.aws.plan import Operation, Plan
from tui.aws.validate import generate_password, password_errors
from tui.aws.writer import InvalidRequest


@dataclass
class _PasswordRun:
    """The password a plan sends, and the step sending it, for :class:`UserCredentials`."""

    account_id: str
    alias: str | None
    name: str
    password: str = field(repr=False)
    login: Operation | None = None

    def credentials(self, plan: Plan) -> UserCredentials | None:
        """The password, while it is (or may be) in force; ``None`` once it surely is not."""
        if self.login is None or not plan.may_have_effect(self.login):
            return None
        return UserCredentials(
            account_id=self.account_id,
            user_name=self.name,
            sign_in_url=sign_in_url(self.account_id, self.alias),
            password=self.password,
            created=utcnow(),
        )


class LoginPlans(UserPlans):
    """Console-password plans for existing users, on the IAM writer."""

    def has_login_profile(self, user: str) -> bool:
        """Whether ``user`` has a console password (GetLoginProfile). Raises
        :class:`AwsFailure` when that cannot be read."""
        try:
            self._call("GetLoginProfile", {"UserName": user})
        except AwsFailure as exc:
            if exc.error.code == "NoSuchEntity":
                return False
            raise
        return True

    def validate_password_change(
        self, change: PasswordChange, policy: PasswordPolicy
    ) -> dict[str, str]:
        """Field → message for a typed password the account's policy refuses."""
        if change.password is not None and (problems := password_errors(change.password, policy)):
            return {FIELD_PASSWORD: "; ".join(problems)}
        return {}

    def plan_add_password(
        self,
        change: PasswordChange,
        *,
        account_id: str,
        alias: str | None,
        policy: PasswordPolicy,
        attached: Sequence[str] = (),
        groups: Sequence[str] = (),
        self_service: frozenset[str] = frozenset(),
    ) -> Plan:
        """CreateLoginProfile → AttachUserPolicy IAMUserChangePassword (only when a reset is
        required, the policy does not let users change their own password, and the user,
        whose managed policy ARNs are ``attached``, does not have it yet).

        Raises :class:`InvalidRequest` without calling AWS when the typed password is bad."""
        run = self._password_run(change, account_id, alias, policy)
        run.login = self._login_step(change.name, run.password, change.require_reset)
        ops = [
            run.login,
            *self._change_password_steps(change, policy, attached, groups, self_service),
        ]
        return self._plan(
            f"Give {change.name} console access", ops, kind="create", credentials=run.credentials
        )

    def plan_reset_password(
        self,
        change: PasswordChange,
        *,
        account_id: str,
        alias: str | None,
        policy: PasswordPolicy,
        attached: Sequence[str] = (),
        groups: Sequence[str] = (),
        self_service: frozenset[str] = frozenset(),
    ) -> Plan:
        """UpdateLoginProfile (a new password, reset required or not) → AttachUserPolicy
        IAMUserChangePassword as in :meth:`plan_add_password`. The old password cannot be
        put back: the reset has no undo.

        Raises :class:`InvalidRequest` without calling AWS when the typed password is bad."""
        run = self._password_run(change, account_id, alias, policy)
        reset = change.require_reset
        name = change.name
        run.login = self._op(
            "UpdateLoginProfile",
            f"Set a new console password for {name}"
            + (", to be changed at next sign-in" if reset else ""),
            "new console password" + (" (to be changed at next sign-in)" if reset else ""),
            {"UserName": name, "Password": run.password, "PasswordResetRequired": reset},
            placeholders={"Password": PASSWORD_PLACEHOLDER},
        )
        ops = [
            run.login,
            *self._change_password_steps(change, policy, attached, groups, self_service),
        ]
        return self._plan(
            f"Reset the password of {name}", ops, kind="create", credentials=run.credentials
        )

    def plan_remove_password(self, user: str) -> Plan:
        """DeleteLoginProfile: ``user`` can no longer sign in to the console (a password that
        is already gone counts as removed)."""
        remove = self._remove("DeleteLoginProfile", "console password", UserName=user)
        remove = described(remove, f"Remove the console password of {user}")
        return self._plan(f"Remove console access of {user}", [remove], kind="delete")

    # -- shared ------------------------------------------------------------------------------
    def _password_run(
        self, change: PasswordChange, account_id: str, alias: str | None, policy: PasswordPolicy
    ) -> _PasswordRun:
        if errors := self.validate_password_change(change, policy):
            raise InvalidRequest(errors)
        password = change.password if change.password is not None else generate_password(policy)
        return _PasswordRun(account_id, alias, change.name, password)

    def _change_password_steps(
        self,
        change: PasswordChange,
        policy: PasswordPolicy,
        attached: Sequence[str],
        groups: Sequence[str],
        self_service: frozenset[str],
    ) -> list[Operation]:
        """IAMUserChangePassword, as the create-user plan decides it
        (:func:`needs_change_password_policy`), unless the user already has it."""
        needed = needs_change_password_policy(policy, change.require_reset, groups, self_service)
        if not needed or CHANGE_PASSWORD_POLICY_ARN in attached:
            return []
        return [self._change_password_step(change.name)]
