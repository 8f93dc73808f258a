"""Rotation of an access key that cannot half-fail.

Rotating key K of user U, each step a reported plan step:

1. CreateAccessKey for U (refused before any call when U already has two keys);
2. store the new key in the OS keyring (the entry of (account, U), keeping its password);
3. prove the new key works: GetCallerIdentity signed with it, retried while IAM propagates
   it (InvalidClientTokenId / SignatureDoesNotMatch, about 15 s at most), answered as U;
4. when K is the key acct-tui signs with, switch acct-tui's own session to the new key;
5. UpdateAccessKey K → Inactive;
6. (a plan of its own, after a confirmation) DeleteAccessKey K.

Any failure stops there; "what exists now" says which keys exist, which are active, what
the keyring holds and how to finish or undo. The old key is never deactivated before the
new one is proven, and never deleted before it is inactive; a rollback never deletes the
new key while the old one is (or may be) inactive, so both keys are never left unusable.

The new secret lives only on this object (never in a repr, step, report or log) until
:meth:`KeyRotation.forget_secret`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Literal

from tui.aws.errors import AwsFailure
from tui.aws.iam.keys import AccessKeyCalls
from tui.aws.iam.models import AccessKey
from tui.aws.iam.rotation_report import describe, presence
from tui.aws.plan import Operation, Plan, Recovery, Step, cli_command
from tui.aws.writer import RETRY_DELAYS, InvalidRequest

if TYPE_CHECKING:
    from tui.aws.service import AccountService
    from tui.support.vault import Vault, VaultEntry

# Waits between GetCallerIdentity attempts while IAM propagates a new key: ~15 s in all.
PROVE_DELAYS: tuple[float, ...] = (0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0)
# What AWS answers a key it does not know yet (IAM is eventually consistent).
PROPAGATING = frozenset({"InvalidClientTokenId", "SignatureDoesNotMatch"})
FIELD_KEY = "key"
MAX_KEYS = 2


class RotationRefused(Exception):
    """A rotation step refused to run because it would leave the user without a working
    key (its message says why; it names no secret)."""


class RotationPlan(Plan):
    """A plan of a rotation: "what exists now" is the rotation's, across its plans."""

    def __init__(self, rotation: KeyRotation, title: str, ops: Sequence[Operation], **kw: Any):
        self._rotation = rotation
        super().__init__(title, ops, **kw)

    def exists_now(self) -> tuple[str, ...]:
        return self._rotation.exists_now()


class KeyRotation(AccessKeyCalls):
    """One rotation of access key ``key_id`` of ``user``, acting through ``service`` (and,
    once switched, through a service signing with the new key). Blocking: build and run
    its plans from a thread worker. ``sleep`` and the delays are injectable for tests."""

    def __init__(
        self,
        service: AccountService,
        vault: Vault,
        *,
        account_id: str,
        user: str,
        key_id: str,
        signing_key_id: str | None,
        sleep: Callable[[float], None] = time.sleep,
        retry_delays: Sequence[float] = RETRY_DELAYS,
        prove_delays: Sequence[float] = PROVE_DELAYS,
    ) -> None:
        super().__init__(service.session, sleep=sleep, retry_delays=retry_delays)
        self.first = service
        self.service = service  # who acts now: the new key's service once switched
        self.vault = vault
        self.account_id, self.user, self.old = account_id, user, key_id
        self.signs_with_old = signing_key_id == key_id
        self._prove_delays = tuple(prove_delays)
        self.before: tuple[str, ...] = ()
        self.new_key: str | None = None
        self._secret: str | None = None
        self._candidate: AccountService | None = None
        self._previous: VaultEntry | None = None
        self.previous_password: str | None = None
        self.proven = False
        self.kept_by_user = False  # stored later by the credentials screen
        self.ops: dict[str, Operation] = {}

    def __repr__(self) -> str:
        return f"<KeyRotation {self.user} {self.old} → {self.new_key}>"

    # -- before any change ------------------------------------------------------------------
    def check(self) -> tuple[AccessKey, ...]:
        """Read the user's keys; refuse (:class:`InvalidRequest`) a rotation AWS would
        refuse half-way: no such key, or two keys already. Raises :class:`AwsFailure`."""
        keys = self.list_access_keys(self.user)
        ids = [k.key_id for k in keys]
        if self.old not in ids:
            raise InvalidRequest({FIELD_KEY: f"{self.user} has no access key {self.old}"})
        if len(keys) >= MAX_KEYS:
            other = next(k for k in keys if k.key_id != self.old)
            how = "delete it" if not other.active else "deactivate it, then delete it"
            raise InvalidRequest(
                {
                    FIELD_KEY: f"{self.user} already has two access keys ({self.old} and "
                    f"{other.key_id}); AWS allows two. Free a slot first: {how} "
                    f"({other.key_id} is {'active' if other.active else 'inactive'}; d and "
                    "ctrl+d in the user's access keys), then rotate again."
                }
            )
        self.before = tuple(ids)
        return keys

    # -- the plans ------------------------------------------------------------------------
    def _new_plan(
        self, title: str, ops: list[Operation], kind: Literal["create", "delete"] = "create"
    ) -> Plan:
        return RotationPlan(
            self,
            title,
            ops,
            kind=kind,
            sleep=self._sleep,
            retry_delays=self._prove_delays,
        )

    def plan(self) -> Plan:
        """Create, store, prove, (switch), deactivate the old key."""
        ops = [self._create_op(), self._store_op(), *self._rest_ops()]
        return self._new_plan(f"Rotate access key {self.old} of {self.user}", ops)

    def plan_rest(self) -> Plan:
        """What is left after the new key's secret was kept some other way: prove,
        (switch), deactivate the old key."""
        return self._new_plan(f"Finish rotating {self.old} of {self.user}", self._rest_ops())

    def plan_delete(self) -> Plan:
        """Delete the old key (once it is inactive and the new key proven)."""
        op = self._remove("DeleteAccessKey", f"old key {self.old}", **self._old_params())
        op.step = Step(op.step.id, op.step.action, f"Delete the old key {self.old}", op.step.cli)
        op.call = self._guarded(op.call, deleting=True)
        op.recover = self._recover_old
        self.ops["delete"] = op
        return self._new_plan(f"Delete the old key {self.old} of {self.user}", [op], "delete")

    def _rest_ops(self) -> list[Operation]:
        ops = [] if self.proven else [self._prove_op()]
        if self.signs_with_old and self.service is self.first:
            ops.append(self._switch_op())
        return [*ops, self._deactivate_op()]

    def _old_params(self) -> dict[str, str]:
        return {"UserName": self.user, "AccessKeyId": self.old}

    # -- 1. create ---------------------------------------------------------------------------
    def _create_op(self) -> Operation:
        what = f"new access key of {self.user}"
        op = self._op(
            "CreateAccessKey",
            f"Create a new access key for {self.user}",
            what,
            {"UserName": self.user},
            then=self._created,
        )
        undo = Step(
            f"undo:{op.step.id}",
            "iam:DeleteAccessKey",
            "Delete the new access key",
            cli_command("DeleteAccessKey", {"UserName": self.user, "AccessKeyId": "<new key>"}),
            undoes=op.step.id,
        )
        op.undo = Operation(undo, self._delete_new, what, gone_ok=True)
        op.recover = self._recover_create
        self.ops["create"] = op
        return op

    def _created(self, response: Any) -> None:
        key = response["AccessKey"]
        self.new_key, self._secret = key["AccessKeyId"], key["SecretAccessKey"]

    def _delete_new(self) -> None:
        if presence(self.ops.get("deactivate")) != "no":
            raise RotationRefused(
                f"the old key {self.old} is (or may be) inactive: the new key is kept"
            )
        if self.new_key is not None:
            self._call("DeleteAccessKey", {"UserName": self.user, "AccessKeyId": self.new_key})
        self.forget_secret()

    def _recover_create(self) -> Recovery:
        """A CreateAccessKey with no readable answer: a key it made has lost its secret
        (only the answer carried it), so it is deleted. Keys there before are left alone."""
        try:
            now = [k.key_id for k in self.list_access_keys(self.user)]
        except AwsFailure as exc:
            return Recovery(
                None,
                f"the keys of {self.user} could not be read again ({exc.error.headline()}): "
                "a new key it may have has lost its secret; delete it",
            )
        made = [k for k in now if k not in self.before]
        if not made:
            return Recovery(None)  # not made, or IAM does not show it yet: still unknown
        left = []
        for key_id in made:
            try:
                self._call("DeleteAccessKey", {"UserName": self.user, "AccessKeyId": key_id})
            except AwsFailure as exc:
                if exc.error.code != "NoSuchEntity":
                    left.append(key_id)
        if left:
            return Recovery(True, f"access key {', '.join(left)} exists, but its secret was lost")
        return Recovery(
            False, f"access key {', '.join(made)} was made, but its secret was lost: deleted"
        )

    # -- 2. keyring --------------------------------------------------------------------------
    def _store_op(self) -> Operation:
        where = f"service acct-tui, {self.account_id}/{self.user}"
        step = Step(
            "keyring:save-entry",
            "keyring:SaveEntry",
            f"Store the new key in the OS keyring ({where})",
            f"# OS keyring: {where} (read by: acct-tui credentials get {self.user})",
        )
        undo = Step(
            "undo:keyring:save-entry",
            "keyring:SaveEntry",
            "Put the keyring entry back as it was",
            step.cli,
            undoes=step.id,
        )
        op = Operation(step, self._store, "keyring entry")
        op.undo = Operation(undo, self._unstore, "keyring entry")
        self.ops["store"] = op
        return op

    def _store(self) -> None:
        from tui.support.vault import VaultEntry

        assert self.new_key is not None and self._secret is not None
        previous = self.vault.get(self.account_id, self.user)
        self._previous = previous
        self.previous_password = previous.password if previous else None
        self.vault.save(
            VaultEntry(
                account_id=self.account_id,
                user_name=self.user,
                access_key_id=self.new_key,
                secret_access_key=self._secret,
                password=self.previous_password,
            )
        )

    def _unstore(self) -> None:
        if self._previous is not None:
            self.vault.save(self._previous)
        else:
            self.vault.delete(self.account_id, self.user)

    @property
    def stored(self) -> bool:
        return self.kept_by_user or presence(self.ops.get("store")) == "yes"

    # -- 3. prove, 4. switch --------------------------------------------------------------
    def _prove_op(self) -> Operation:
        step = Step(
            "sts:get-caller-identity:new-key",
            "sts:GetCallerIdentity",
            "Prove the new key works (GetCallerIdentity signed with it)",
            "AWS_ACCESS_KEY_ID=<new key> AWS_SECRET_ACCESS_KEY=<secret> "
            "aws sts get-caller-identity",
        )
        op = Operation(step, self._prove, "proof", retry_codes=PROPAGATING)
        self.ops["prove"] = op
        return op

    def _prove(self) -> None:
        assert self.new_key is not None and self._secret is not None
        if self._candidate is None:
            self._candidate = self.first.signed_with(self.new_key, self._secret)
        arn = str(self._candidate.session.sts().get_caller_identity()["Arn"])
        if not arn.endswith(f"/{self.user}") or ":user/" not in arn:
            raise RotationRefused(f"the new key answers as {arn}, not as user {self.user}")
        self.proven = True

    def _switch_op(self) -> Operation:
        step = Step(
            "acct-tui:use-new-key",
            "acct-tui:UseNewKey",
            "Switch acct-tui's own session to the new key (it signs with the old one)",
            "# acct-tui itself: no AWS call",
        )
        undo = Step(
            "undo:acct-tui:use-new-key",
            "acct-tui:UseNewKey",
            "Switch acct-tui back to the old key",
            step.cli,
            undoes=step.id,
        )
        op = Operation(step, self._switch, "acct-tui's session on the new key")
        op.undo = Operation(undo, self._switch_back, "acct-tui's session on the new key")
        self.ops["switch"] = op
        return op

    def _switch(self) -> None:
        if not self.proven or self._candidate is None:
            raise RotationRefused("the new key is not proven to work: acct-tui keeps the old one")
        self.service, self.session = self._candidate, self._candidate.session

    def _switch_back(self) -> None:
        if presence(self.ops.get("deactivate")) != "no":
            raise RotationRefused(f"the old key {self.old} is (or may be) inactive")
        self.service, self.session = self.first, self.first.session

    @property
    def switched(self) -> bool:
        return self.service is not self.first

    # -- 5. deactivate, 6. delete ----------------------------------------------------------
    def _deactivate_op(self) -> Operation:
        params = {**self._old_params(), "Status": "Inactive"}
        op = self._op(
            "UpdateAccessKey", f"Deactivate the old key {self.old}", f"old key {self.old}", params
        )
        op.call = self._guarded(op.call, deleting=False)
        op.recover = self._recover_old
        op.undo = self._op(
            "UpdateAccessKey",
            f"Activate the old key {self.old} again",
            f"old key {self.old}",
            {**self._old_params(), "Status": "Active"},
            undoes=op.step.id,
        )
        self.ops["deactivate"] = op
        return op

    def _guarded(self, call: Callable[[], object], *, deleting: bool) -> Callable[[], object]:
        """``call``, refused unless the new key is proven (and, to delete, the old key is
        inactive): the old key is never the user's last working key."""

        def guarded() -> object:
            if not self.proven:
                raise RotationRefused(f"the new key is not proven to work: {self.old} stays")
            if deleting and presence(self.ops.get("deactivate")) != "yes":
                raise RotationRefused(f"the old key {self.old} is not inactive: not deleted")
            return call()

        return guarded

    def _recover_old(self) -> Recovery:
        """After an UpdateAccessKey / DeleteAccessKey of the old key with no answer: read
        its state again (inactive, or gone, counts as done)."""
        deleting = self.ops.get("delete") is not None
        try:
            keys = {k.key_id: k for k in self.list_access_keys(self.user)}
        except AwsFailure:
            return Recovery(None)
        key = keys.get(self.old)
        if deleting:
            return Recovery(key is None)
        return Recovery(key is not None and not key.active)

    # -- the secret and the account now ---------------------------------------------------
    @property
    def secret(self) -> str | None:
        """The new key's secret, while this rotation holds it."""
        return self._secret

    def forget_secret(self) -> None:
        self._secret = None
        self._previous = None
        self.previous_password = None

    @property
    def secret_unkept(self) -> bool:
        """The new key exists, its secret is only here: show it before going on."""
        return (
            presence(self.ops.get("create")) == "yes"
            and not self.stored
            and self._secret is not None
        )

    def exists_now(self) -> tuple[str, ...]:
        """Which keys exist, which are active, what the keyring holds, what to do next."""
        return describe(self)
