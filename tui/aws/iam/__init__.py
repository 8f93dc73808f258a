"""IAM write operations, each a reported :class:`Plan` of steps (re-exports only).

A plan is built first (input validated, nothing sent), shown for review with the
equivalent ``aws iam`` commands, then run step by step: the first failure stops it and
the steps after it are skipped. A create plan can be rolled back (completed steps undone
in reverse, each reported). IAM is eventually consistent, so a ``NoSuchEntity`` right
after a create is retried with a short backoff rather than reported.

No secret appears in a step, a report, an error or a log record: commands show
``'<password>'``, :class:`UserCredentials` keeps its secrets out of ``repr``/``str``.
"""

from tui.aws.iam.iam_writer import IamWriter
from tui.aws.iam.models import (
    CHANGE_PASSWORD_POLICY_ARN,
    FIELD_ACCESS_KEY,
    FIELD_GROUPS,
    FIELD_NAME,
    FIELD_PASSWORD,
    FIELD_PATH,
    FIELD_POLICIES,
    FIELD_REQUIRE_RESET,
    FIELD_TAGS,
    MAX_ACCESS_KEYS_PER_USER,
    MAX_GROUPS_PER_USER,
    PASSWORD_PLACEHOLDER,
    AccessKey,
    KeyLastUsed,
    ManagedPolicy,
    NewGroup,
    NewUser,
    PasswordChange,
    UserCredentials,
    field_for,
    needs_change_password_policy,
    self_service_groups,
    users_can_change_own_password,
)
from tui.aws.iam.policies import POLICIES_PAGE_SIZE, SERVICE_ROLE_PATH
from tui.aws.iam.rotation import KeyRotation
from tui.aws.plan import Plan, PlanResult, Progress, Step, StepReport, StepState
from tui.aws.writer import RETRY_DELAYS, InvalidRequest

__all__ = [
    "CHANGE_PASSWORD_POLICY_ARN",
    "FIELD_ACCESS_KEY",
    "FIELD_GROUPS",
    "FIELD_NAME",
    "FIELD_PASSWORD",
    "FIELD_PATH",
    "FIELD_POLICIES",
    "FIELD_REQUIRE_RESET",
    "FIELD_TAGS",
    "MAX_GROUPS_PER_USER",
    "PASSWORD_PLACEHOLDER",
    "POLICIES_PAGE_SIZE",
    "RETRY_DELAYS",
    "SERVICE_ROLE_PATH",
    "AccessKey",
    "IamWriter",
    "InvalidRequest",
    "KeyRotation",
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
    "needs_change_password_policy",
    "self_service_groups",
    "users_can_change_own_password",
    "MAX_ACCESS_KEYS_PER_USER",
    "KeyLastUsed",
    "PasswordChange",
]
