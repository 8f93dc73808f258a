"""How an AWS action is named (``iam:ListUsers``) and which operations only read.

Shared by :mod:`tui.aws.errors` and :mod:`tui.aws.session`, so neither imports the other.
"""

from __future__ import annotations

# Service prefixes as IAM policies spell them, keyed by botocore's service model name.
_IAM_PREFIX = {
    "iam": "iam",
    "sts": "sts",
    "ec2": "ec2",
    "account": "account",
    "accessanalyzer": "access-analyzer",
    "sso-admin": "sso",
}

# Operations that change nothing, by name: only how a failure is worded (a read that got
# no answer cannot have changed anything, see AwsError.outcome_unknown). Never what
# --read-only allows: that is tui.aws.session.READ_ONLY_ALLOWED.
_READ_PREFIXES = ("Get", "List", "Describe", "GenerateCredentialReport", "Simulate")


def action_name(service: str, operation: str) -> str:
    """``("iam", "ListUsers")`` → ``"iam:ListUsers"``."""
    return f"{_IAM_PREFIX.get(service, service)}:{operation}"


def is_read_operation(operation: str) -> bool:
    """True when ``operation`` (a botocore operation name) looks like it changes nothing.

    For wording failures only; ``--read-only`` checks
    :func:`tui.aws.session.read_only_allows`.
    """
    return operation.startswith(_READ_PREFIXES)
