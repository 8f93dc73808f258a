"""Access keys of IAM users: list, activate/deactivate and delete one (single calls), when
each was last used, the plan creating one for an existing user, and the clean-up after a
CreateAccessKey whose answer, and the secret in it, was lost.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tui.aws.errors import AwsFailure
from tui.aws.iam.models import AccessKey, KeyLastUsed, UserCredentials
from tui.aws.iam.steps import AFTER_CREATE, IamPlanWriter
from tui.aws.models import sign_in_url, utcnow
from tui.aws.plan import Operation, Plan, Recovery, Step, cli_command

log = logging.getLogger(__name__)


@dataclass
class _NewKeyRun:
    """A key being made for an existing user: the keys it had before (never touched by the
    clean-up of a lost answer), and the new key's id and secret once AWS answers."""

    account_id: str
    alias: str | None
    name: str
    before: frozenset[str]
    key_id: str | None = None
    secret: str | None = field(default=None, repr=False)
    created: datetime | None = None
    op: Operation | None = None

    def credentials(self, plan: Plan) -> UserCredentials | None:
        """The new key while it exists (a key whose secret was lost is no credential)."""
        op = self.op
        if op is None or not plan.has_effect(op) or self.key_id is None or self.secret is None:
            return None
        return UserCredentials(
            account_id=self.account_id,
            user_name=self.name,
            sign_in_url=sign_in_url(self.account_id, self.alias),
            access_key_id=self.key_id,
            secret_access_key=self.secret,
            created=self.created or utcnow(),
        )


class AccessKeyCalls(IamPlanWriter):
    """Access-key calls of the IAM writer."""

    def access_key_last_used(self, key_id: str) -> KeyLastUsed:
        """When, with which service and in which Region ``key_id`` was last used
        (GetAccessKeyLastUsed). Raises :class:`AwsFailure`."""
        return KeyLastUsed.from_response(
            self._call("GetAccessKeyLastUsed", {"AccessKeyId": key_id})
        )

    def plan_create_access_key(
        self, user: str, *, account_id: str, alias: str | None, before: Collection[str]
    ) -> Plan:
        """CreateAccessKey for existing user ``user``, whose keys are ``before`` (their ids,
        listed just before). The plan's :attr:`Plan.credentials` hold the new key.

        If the answer (and the secret in it) is lost, the key that call made, the one not in
        ``before``, is deleted and the report says so; the keys in ``before`` are never
        touched. Undone by deleting the new key."""
        run = _NewKeyRun(account_id, alias, user, frozenset(before))

        def key_created(response: Any) -> None:
            made = response["AccessKey"]
            run.key_id, run.secret = made["AccessKeyId"], made["SecretAccessKey"]
            run.created = made.get("CreateDate")
            if response.get("ResponseMetadata", {}).get("RetryAttempts"):
                # An earlier attempt may have made a key whose answer (and secret) was lost.
                self._delete_other_keys(user, run.key_id, spare=run.before)
            key.what = f"access key {run.key_id}"
            key.undo = self._undo(
                key.step.id,
                "DeleteAccessKey",
                f"Delete access key {run.key_id} of {user}",
                UserName=user,
                AccessKeyId=run.key_id,
            )

        key = self._op(
            "CreateAccessKey",
            f"Create an access key for {user}",
            "new access key",  # the user's other keys are not this step's
            {"UserName": user},
            retry=AFTER_CREATE,
            then=key_created,
        )
        key.undo = self._undo_all_keys(key.step.id, user, spare=run.before)
        key.recover = lambda: self._recover_keys(user, spare=run.before)
        run.op = key
        return self._plan(
            f"Create an access key for {user}", [key], kind="create", credentials=run.credentials
        )

    def list_access_keys(self, user: str) -> tuple[AccessKey, ...]:
        """The user's access keys (ids and states). Raises :class:`AwsFailure`."""
        return tuple(
            AccessKey.from_metadata(user, k)
            for k in self._pages("ListAccessKeys", "AccessKeyMetadata", UserName=user)
        )

    def set_access_key_status(self, user: str, key_id: str, active: bool) -> None:
        """Activate or deactivate one access key. Raises :class:`AwsFailure`."""
        status = "Active" if active else "Inactive"
        self._call("UpdateAccessKey", {"UserName": user, "AccessKeyId": key_id, "Status": status})

    def delete_access_key(self, user: str, key_id: str) -> None:
        """Delete one access key. Raises :class:`AwsFailure`."""
        self._call("DeleteAccessKey", {"UserName": user, "AccessKeyId": key_id})

    # -- a key whose secret was lost ------------------------------------------------------
    def _delete_other_keys(self, name: str, keep: str, spare: Collection[str] = ()) -> None:
        try:
            for k in self._pages("ListAccessKeys", "AccessKeyMetadata", UserName=name):
                if k["AccessKeyId"] != keep and k["AccessKeyId"] not in spare:
                    self._call(
                        "DeleteAccessKey", {"UserName": name, "AccessKeyId": k["AccessKeyId"]}
                    )
                    log.info(
                        "deleted access key %s of %s: its secret was lost", k["AccessKeyId"], name
                    )
        except AwsFailure as exc:
            log.warning("could not check %s for keys whose secret was lost: %s", name, exc)

    def _undo_all_keys(self, of: str, name: str, spare: Collection[str] = ()) -> Operation:
        """Undo for a CreateAccessKey that got no answer: delete whatever keys ``name``
        has (a user this plan created), but for those in ``spare`` (an existing user's keys
        from before the plan)."""
        which = "new access keys" if spare else "access keys"
        step = Step(
            f"undo:{of}",
            "iam:DeleteAccessKey",
            f"Delete the {which} of {name}",
            cli_command("DeleteAccessKey", {"UserName": name, "AccessKeyId": "<each new key>"}),
            undoes=of,
        )

        def call() -> None:
            for k in self._pages("ListAccessKeys", "AccessKeyMetadata", UserName=name):
                if k["AccessKeyId"] in spare:
                    continue
                self._call("DeleteAccessKey", {"UserName": name, "AccessKeyId": k["AccessKeyId"]})

        return Operation(step, call, f"the {which} of {name}", gone_ok=True)

    def _recover_keys(self, name: str, spare: Collection[str] = ()) -> Recovery:
        """After a CreateAccessKey whose answer was lost or unreadable, read the keys of
        ``name`` again. Any key it has now but those in ``spare`` (the keys it had before
        the plan; none for a user the plan created) was made by that call, and its secret,
        which only the answer carried, is lost: nobody can use the key, so it is deleted,
        and the report says so."""
        try:
            found = [
                k["AccessKeyId"]
                for k in self._pages("ListAccessKeys", "AccessKeyMetadata", UserName=name)
                if k["AccessKeyId"] not in spare
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
        return _lost_keys_recovery(deleted, left, unsure)


def _lost_keys_recovery(deleted: list[str], left: list[str], unsure: list[str]) -> Recovery:
    """What :meth:`AccessKeyCalls._recover_keys` reports, from what its deletes did."""
    if left:
        return Recovery(
            True,
            f"access key {', '.join(left)} exists, but its secret was lost: delete it",
        )
    if unsure:
        return Recovery(
            None,
            f"access key {', '.join(unsure)} may still exist, but its secret was lost: delete it",
        )
    return Recovery(
        False, f"access key {', '.join(deleted)} was made, but its secret was lost: deleted"
    )
