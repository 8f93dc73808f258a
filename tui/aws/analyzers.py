"""IAM Access Analyzer: create an external-access analyzer in each Region that lacks one
(CIS 1.19), as a plan with rollback.

An analyzer of type ACCOUNT reports resources shared outside the account; it is regional,
so the plan makes one CreateAnalyzer call per Region, each undone by DeleteAnalyzer. The
first analyzer of an account also makes the service-linked role
AWSServiceRoleForAccessAnalyzer (hence iam:CreateServiceLinkedRole in the permissions).
botocore fills ``clientToken`` once per call, so a retry after a lost answer gets the same
analyzer back instead of a ConflictException.
"""

from __future__ import annotations

import shlex
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Final, Literal

from botocore.exceptions import ClientError

from tui.aws.iam.steps import CLOCK_SLACK, on_aws_clock, stamp
from tui.aws.plan import Operation, Plan, Recovery, Step
from tui.aws.session import AwsSession
from tui.aws.writer import RETRY_DELAYS

if TYPE_CHECKING:
    from mypy_boto3_accessanalyzer import AccessAnalyzerClient

__all__ = ["ANALYZER_NAME", "ANALYZER_TYPE", "AnalyzerWriter", "analyzer_name"]

ANALYZER_NAME = "acct-tui-external-access"
ANALYZER_TYPE: Final[Literal["ACCOUNT"]] = "ACCOUNT"
_SERVICE = "access-analyzer"


def analyzer_name(taken: Sequence[str] = ()) -> str:
    """The name for a new analyzer: :data:`ANALYZER_NAME`, or ``-2``, ``-3``… when taken."""
    used = set(taken)
    name, n = ANALYZER_NAME, 1
    while name in used:
        n += 1
        name = f"{ANALYZER_NAME}-{n}"
    return name


def _cli(operation: str, region: str, name: str) -> str:
    words = ["aws", "accessanalyzer", operation, "--analyzer-name", name]
    if operation == "create-analyzer":
        words += ["--type", ANALYZER_TYPE]
    return " ".join(shlex.quote(w) for w in [*words, "--region", region])


class AnalyzerWriter:
    """Builds the create-analyzers plan. Blocking: run plans in a thread worker."""

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

    def _client(self, region: str) -> AccessAnalyzerClient:
        return self.session.access_analyzer(region)

    def plan_create(
        self, regions: Sequence[str], taken: Mapping[str, Sequence[str]] | None = None
    ) -> Plan:
        """One CreateAnalyzer (type ACCOUNT) per Region in ``regions``, each undone by
        DeleteAnalyzer. ``taken``: the analyzer names each Region already has."""
        if not regions:
            raise ValueError("no Region lacks an external-access analyzer")
        ops = [self._create(r, analyzer_name((taken or {}).get(r, ()))) for r in regions]
        return Plan(
            f"Create an external-access analyzer in {len(ops)} Region(s)",
            ops,
            kind="create",
            sleep=self._sleep,
            retry_delays=self._delays,
            notes=(
                "Analyzers of type ACCOUNT report resources shared outside this account; "
                "Access Analyzer's external-access findings cost nothing.",
            ),
        )

    def _create(self, region: str, name: str) -> Operation:
        what = f"analyzer {name} in {region}"
        started: list[datetime] = []

        def call() -> None:
            stamp(started)
            self._client(region).create_analyzer(analyzerName=name, type=ANALYZER_TYPE)

        def undo() -> None:
            try:
                self._client(region).delete_analyzer(analyzerName=name)
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") != "ResourceNotFoundException":
                    raise  # not there: the goal of the undo is reached

        def recover() -> Recovery:
            """After a CreateAnalyzer with no answer: this plan's only if created after
            the plan started (on AWS's clock); an older one is someone else's, never
            rolled back (the Region's scan may be stale)."""
            try:
                response = self._client(region).get_analyzer(analyzerName=name)
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
                    return Recovery(False)
                raise
            created = response.get("analyzer", {}).get("createdAt")
            if not started or not isinstance(created, datetime):
                return Recovery(None, f"whether {what} is this plan's is unknown")
            if created < on_aws_clock(started[0], response) - CLOCK_SLACK:
                return Recovery(
                    False,
                    f"{what} existed before this plan (created {created:%Y-%m-%d %H:%M} UTC): "
                    "not made by acct-tui, left alone (never rolled back)",
                )
            return Recovery(True)

        step = Step(
            f"create-analyzer:{region}:{name}",
            f"{_SERVICE}:CreateAnalyzer",
            f"Create external-access analyzer {name} in {region}",
            _cli("create-analyzer", region, name),
        )
        undo_step = Step(
            f"undo:{step.id}",
            f"{_SERVICE}:DeleteAnalyzer",
            f"Delete analyzer {name} in {region}",
            _cli("delete-analyzer", region, name),
            undoes=step.id,
        )
        return Operation(
            step,
            call,
            what,
            undo=Operation(undo_step, undo, what),
            recover=recover,
            undo_needs_proof=True,
        )
