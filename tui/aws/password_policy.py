"""The account password policy: the strong policy to propose, a side-by-side diff, and
the write.

UpdateAccountPasswordPolicy has no partial update: every field left out reverts to its
default. So :class:`PolicyWriter` always sends every field, and the proposal starts
from the current policy so that nothing ever gets weaker.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from tui.aws.checks import PASSWORD_MIN_LENGTH, PASSWORD_REUSE_PREVENTION
from tui.aws.errors import AwsFailure, from_exception
from tui.aws.models import PasswordPolicy
from tui.aws.plan import cli_command
from tui.aws.session import AwsSession
from tui.aws.writer import InvalidRequest

log = logging.getLogger(__name__)

# Ranges of the IAM model (UpdateAccountPasswordPolicy).
MIN_LENGTH_RANGE = (6, 128)
MAX_AGE_RANGE = (1, 1095)
REUSE_RANGE = (1, 24)

AWS_DEFAULT_TEXT = "AWS default (8, 3 of 4 classes)"

# Form fields: the attribute names of PasswordPolicy.
FIELD_MINIMUM_LENGTH = "minimum_length"
FIELD_MAX_AGE = "max_age_days"
FIELD_REUSE = "reuse_prevention"


def proposed_policy(current: PasswordPolicy) -> PasswordPolicy:
    """The strong policy (length ≥ 14, the last 24 passwords remembered, all four
    character classes, users may change their own password) merged with ``current`` so
    that no setting gets weaker: a longer minimum length is kept, and so are the
    maximum age and hard expiry.

    ``hard_expiry`` is kept as it is, neither forced on nor off. It only matters with
    a maximum age, which the proposal does not add (forced periodic changes push people
    to weaker, predictable passwords), and it means that once a password expires only
    an administrator can reset it: forcing it on would lock users out each time their
    password ages, while forcing it off would undo a stricter choice the owner made.
    The maximum age is kept for the same reason: dropping it would weaken the policy,
    adding one is not a recommendation.
    """
    return replace(
        current,
        minimum_length=max(current.minimum_length, PASSWORD_MIN_LENGTH),
        require_symbols=True,
        require_numbers=True,
        require_uppercase=True,
        require_lowercase=True,
        allow_users_to_change=True,
        reuse_prevention=max(current.reuse_prevention or 0, PASSWORD_REUSE_PREVENTION),
        # AWS reads an age or a count of 0 as "not set" (moto reports MaxPasswordAge 0).
        max_age_days=current.max_age_days or None,
        hard_expiry=current.hard_expiry,
        is_aws_default=False,
    )


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _rows(p: PasswordPolicy) -> list[tuple[str, str]]:
    if p.is_aws_default:
        return [
            ("Minimum length", AWS_DEFAULT_TEXT),
            ("Require uppercase letters", "any 3 of 4 classes"),
            ("Require lowercase letters", "any 3 of 4 classes"),
            ("Require numbers", "any 3 of 4 classes"),
            ("Require symbols", "any 3 of 4 classes"),
            ("Users may change their own password", "no"),
            ("Remember previous passwords", "off"),
            ("Passwords expire after", "never"),
            ("Expired passwords need an admin reset", "no"),
        ]
    return [
        ("Minimum length", f"{p.minimum_length} characters"),
        ("Require uppercase letters", _yes(p.require_uppercase)),
        ("Require lowercase letters", _yes(p.require_lowercase)),
        ("Require numbers", _yes(p.require_numbers)),
        ("Require symbols", _yes(p.require_symbols)),
        ("Users may change their own password", _yes(p.allow_users_to_change)),
        (
            "Remember previous passwords",
            f"last {p.reuse_prevention}" if p.reuse_prevention else "off",
        ),
        ("Passwords expire after", f"{p.max_age_days} days" if p.max_age_days else "never"),
        ("Expired passwords need an admin reset", _yes(p.hard_expiry)),
    ]


def diff(current: PasswordPolicy, proposed: PasswordPolicy) -> list[tuple[str, str, str]]:
    """Every setting as ``(setting, current text, proposed text)``, for a side-by-side
    view; compare the two texts to highlight changes. With no policy set, the current
    column describes AWS's default (``"AWS default (8, 3 of 4 classes)"``)."""
    return [
        (name, now, then)
        for (name, now), (_, then) in zip(_rows(current), _rows(proposed), strict=True)
    ]


def policy_errors(policy: PasswordPolicy) -> dict[str, str]:
    """Field → why UpdateAccountPasswordPolicy would refuse ``policy`` (model ranges)."""
    errors: dict[str, str] = {}
    # 0 is accepted for the two optional numbers: AWS reads it as "not set".
    low, high = MIN_LENGTH_RANGE
    if not low <= policy.minimum_length <= high:
        errors[FIELD_MINIMUM_LENGTH] = f"The minimum length must be {low} to {high}"
    low, high = MAX_AGE_RANGE
    if policy.max_age_days and not low <= policy.max_age_days <= high:
        errors[FIELD_MAX_AGE] = f"The maximum age must be {low} to {high} days, or none"
    low, high = REUSE_RANGE
    if policy.reuse_prevention and not low <= policy.reuse_prevention <= high:
        errors[FIELD_REUSE] = f"Remembered passwords must be {low} to {high}, or none"
    return errors


def update_params(policy: PasswordPolicy) -> dict[str, Any]:
    """UpdateAccountPasswordPolicy's parameters: every field, every time (an omitted
    field reverts to its default). The two optional numbers are left out only when
    not set (``None``, or 0, which AWS reads the same way)."""
    params: dict[str, Any] = {
        "MinimumPasswordLength": policy.minimum_length,
        "RequireSymbols": policy.require_symbols,
        "RequireNumbers": policy.require_numbers,
        "RequireUppercaseCharacters": policy.require_uppercase,
        "RequireLowercaseCharacters": policy.require_lowercase,
        "AllowUsersToChangePassword": policy.allow_users_to_change,
        "HardExpiry": policy.hard_expiry,
    }
    if policy.max_age_days:
        params["MaxPasswordAge"] = policy.max_age_days
    if policy.reuse_prevention:
        params["PasswordReusePrevention"] = policy.reuse_prevention
    return params


class PolicyWriter:
    """Sets the account password policy. Blocking: call it from a thread worker."""

    def __init__(self, session: AwsSession) -> None:
        self.session = session

    @staticmethod
    def command(policy: PasswordPolicy) -> str:
        """The equivalent ``aws iam update-account-password-policy`` line."""
        return cli_command("UpdateAccountPasswordPolicy", update_params(policy))

    def update(self, policy: PasswordPolicy) -> None:
        """UpdateAccountPasswordPolicy with all of ``policy``'s fields.

        Raises :class:`InvalidRequest` (a ValueError) without calling AWS when a value
        is out of range or ``policy`` is AWS's default (sending it would set a custom
        policy weaker than the default), and :class:`AwsFailure`.
        """
        if policy.is_aws_default:
            raise InvalidRequest(
                {FIELD_MINIMUM_LENGTH: "AWS's default is not a policy that can be set"}
            )
        if errors := policy_errors(policy):
            raise InvalidRequest(errors)
        try:
            self.session.iam().update_account_password_policy(**update_params(policy))
        except Exception as exc:  # noqa: BLE001 - reported as data
            raise AwsFailure(from_exception(exc, "iam", "UpdateAccountPasswordPolicy")) from None
        log.info("updated the account password policy")
