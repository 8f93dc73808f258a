"""Managed policies the IAM writer can attach: every attachable AWS and customer policy."""

from __future__ import annotations

from tui.aws.iam.models import ManagedPolicy
from tui.aws.writer import IamWriterBase

POLICIES_PAGE_SIZE = 1000
SERVICE_ROLE_PATH = "/aws-service-role/"


class PolicyCalls(IamWriterBase):
    """Managed-policy reads of the IAM writer."""

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
