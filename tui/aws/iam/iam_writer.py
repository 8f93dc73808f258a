"""The IAM writer: every IAM user, group, access-key and policy operation in one object.

Each subject lives in its own module (:mod:`tui.aws.iam.users`,
:mod:`tui.aws.iam.user_removal`, :mod:`tui.aws.iam.groups`, :mod:`tui.aws.iam.keys`,
:mod:`tui.aws.iam.policies`, :mod:`tui.aws.iam.login`); the calls all go through
:class:`tui.aws.writer.IamWriterBase`.
"""

from __future__ import annotations

from tui.aws.iam.access import AccessPlans
from tui.aws.iam.documents import DocumentReads
from tui.aws.iam.groups import GroupPlans
from tui.aws.iam.login import LoginPlans
from tui.aws.iam.policies import PolicyCalls
from tui.aws.iam.tags import TagPlans
from tui.aws.iam.user_removal import UserRemovalPlans


# LoginPlans builds on UserPlans (the create-user plan's console-password steps), so it
# stands in for it here.
class IamWriter(
    UserRemovalPlans, GroupPlans, PolicyCalls, AccessPlans, DocumentReads, TagPlans, LoginPlans
):
    """Builds IAM plans, and makes the single-call access-key changes.

    A plan is built first (input validated, nothing sent), shown for review with the
    equivalent ``aws iam`` commands, then run step by step: the first failure stops it
    and the steps after it are skipped. A create plan can be rolled back (completed steps
    undone in reverse, each reported). ``sleep`` and ``retry_delays`` are injectable so
    tests need not wait.
    """
