"""The plan steps IAM create and delete plans share: create an entity (and prove the
plan made it before undoing it), undo a step, remove an item.

IAM is eventually consistent, so a ``NoSuchEntity`` right after a create is retried with
the writer's delays; a removal finding the item already gone counts as done.
"""

from __future__ import annotations

import email.utils
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from tui.aws.errors import AwsFailure
from tui.aws.plan import Operation, Recovery
from tui.aws.writer import IamWriterBase

# AWS stamps CreateDate to the second: an entity made by this plan's first attempt can read
# up to a second before the local time taken just before it.
CLOCK_SLACK = timedelta(seconds=2)
# Retried right after a create, while IAM catches up with it.
AFTER_CREATE = ("NoSuchEntity",)


@dataclass(frozen=True)
class Entity:
    """A kind of IAM entity a plan creates: its operations and its key in the answers
    (``"User"``: ``{"User": {…}}``, and the ``UserName`` parameter)."""

    kind: str
    create: str
    get: str
    delete: str
    key: str


USER = Entity("user", "CreateUser", "GetUser", "DeleteUser", "User")
GROUP = Entity("group", "CreateGroup", "GetGroup", "DeleteGroup", "Group")


def on_aws_clock(local: datetime, response: Any) -> datetime:
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


def stamp(since: list[datetime]) -> None:
    """Record, once, the wall-clock time a create was first attempted (compared with AWS's
    CreateDate, so the real clock, not the app's pinnable one)."""
    if not since:
        since.append(datetime.now(UTC))


def described(op: Operation, description: str) -> Operation:
    """``op`` with its step described differently (the main step of a delete plan)."""
    op.step = replace(op.step, description=description)
    return op


def short_arn(arn: str) -> str:
    """The last part of a policy ARN: its name."""
    return arn.rsplit("/", 1)[-1]


class IamPlanWriter(IamWriterBase):
    """The step builders of IAM create and delete plans."""

    def _create_step(
        self,
        entity: Entity,
        name: str,
        params: Mapping[str, Any],
        *,
        then: Callable[[Any], None] | None = None,
    ) -> Operation:
        """The step creating ``entity`` ``name``: undone by deleting it, but only once it
        is proven to be this plan's (:meth:`_recover_made`)."""
        started: list[datetime] = []
        what = f"{entity.kind} {name}"
        ident = {f"{entity.key}Name": name}
        main = self._op(
            entity.create,
            f"Create {what}",
            what,
            params,
            then=then,
            before=functools.partial(stamp, started),
        )
        main.undo = self._undo(main.step.id, entity.delete, f"Delete {what}", **ident)
        main.recover = lambda: self._recover_made(what, entity.get, ident, entity.key, started)
        main.undo_needs_proof = True
        return main

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
        started = on_aws_clock(since[0], response)
        if created < started - CLOCK_SLACK:
            return Recovery(
                False,
                f"{what} existed before this plan (created {created:%Y-%m-%d %H:%M} UTC): "
                "not made by acct-tui, left alone (never rolled back)",
            )
        return Recovery(True)

    def _reversible(
        self,
        operation: str,
        description: str,
        what: str,
        params: dict[str, Any],
        undo: str,
        undo_description: str,
    ) -> Operation:
        """A create-plan step after the create (so retried while IAM catches up with it),
        undone by ``undo`` with the same parameters."""
        op = self._op(operation, description, what, params, retry=AFTER_CREATE)
        op.undo = self._undo(op.step.id, undo, undo_description, **params)
        return op

    def _undo(self, of: str, operation: str, description: str, **params: Any) -> Operation:
        """An undo op: NoSuchEntity counts as undone; deletes wait out DeleteConflict."""
        retry = ("DeleteConflict",) if operation in ("DeleteUser", "DeleteGroup") else ()
        return self._op(
            operation, description, description, params, retry=retry, gone_ok=True, undoes=of
        )

    def _remove(self, operation: str, what: str, **params: Any) -> Operation:
        """A delete-plan op: NoSuchEntity means it is already gone."""
        retry = ("DeleteConflict",) if operation in ("DeleteUser", "DeleteGroup") else ()
        return self._op(operation, f"Remove {what}", what, params, retry=retry, gone_ok=True)

    def _detachments(self, detach: str, listing: str, **owner: str) -> list[Operation]:
        """Detach each managed policy ``listing`` finds on the user or group ``owner``."""
        return [
            self._remove(
                detach,
                f"policy {p.get('PolicyName') or short_arn(p['PolicyArn'])}",
                **owner,
                PolicyArn=p["PolicyArn"],
            )
            for p in self._pages(listing, "AttachedPolicies", **owner)
        ]

    def _inline_deletions(self, delete: str, listing: str, **owner: str) -> list[Operation]:
        """Delete each inline policy ``listing`` finds on the user or group ``owner``."""
        return [
            self._remove(delete, f"inline policy {policy}", **owner, PolicyName=policy)
            for policy in self._pages(listing, "PolicyNames", **owner)
        ]

    def _delete_main(self, entity: Entity, name: str) -> Operation:
        """The last step of a delete plan: delete ``entity`` ``name`` itself."""
        what = f"{entity.kind} {name}"
        delete = self._remove(entity.delete, what, **{f"{entity.key}Name": name})
        return described(delete, f"Delete {what}")
