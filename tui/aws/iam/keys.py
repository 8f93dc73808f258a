"""Access keys of IAM users: list, activate/deactivate and delete one (single calls), and
the clean-up after a CreateAccessKey whose answer, and the secret in it, was lost.
"""

from __future__ import annotations

import logging

from tui.aws.errors import AwsFailure
from tui.aws.iam.models import AccessKey
from tui.aws.plan import Operation, Recovery, Step, cli_command
from tui.aws.writer import IamWriterBase

log = logging.getLogger(__name__)


class AccessKeyCalls(IamWriterBase):
    """Access-key calls of the IAM writer."""

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

    # -- a new user's key whose secret was lost ------------------------------------------
    def _delete_other_keys(self, name: str, keep: str) -> None:
        try:
            for k in self._pages("ListAccessKeys", "AccessKeyMetadata", UserName=name):
                if k["AccessKeyId"] != keep:
                    self._call(
                        "DeleteAccessKey", {"UserName": name, "AccessKeyId": k["AccessKeyId"]}
                    )
                    log.info(
                        "deleted access key %s of %s: its secret was lost", k["AccessKeyId"], name
                    )
        except AwsFailure as exc:
            log.warning("could not check %s for keys whose secret was lost: %s", name, exc)

    def _undo_all_keys(self, of: str, name: str) -> Operation:
        """Undo for a CreateAccessKey that got no answer: delete whatever keys ``name``
        (a user this plan created) has."""
        step = Step(
            f"undo:{of}",
            "iam:DeleteAccessKey",
            f"Delete the access keys of {name}",
            cli_command("DeleteAccessKey", {"UserName": name, "AccessKeyId": "<each key>"}),
            undoes=of,
        )

        def call() -> None:
            for k in self._pages("ListAccessKeys", "AccessKeyMetadata", UserName=name):
                self._call("DeleteAccessKey", {"UserName": name, "AccessKeyId": k["AccessKeyId"]})

        return Operation(step, call, f"the access keys of {name}", gone_ok=True)

    def _recover_keys(self, name: str) -> Recovery:
        """After a CreateAccessKey whose answer was lost or unreadable, read the keys of
        ``name`` again. The user is this plan's own (it had no key before), so any key it
        has now was made by that call, and its secret, which only the answer carried, is
        lost: nobody can use the key, so it is deleted, and the report says so."""
        try:
            found = [
                k["AccessKeyId"]
                for k in self._pages("ListAccessKeys", "AccessKeyMetadata", UserName=name)
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
