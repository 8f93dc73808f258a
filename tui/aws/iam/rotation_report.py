"""What a key rotation leaves in the account, in plain lines: which keys exist, which are
active, what the keyring holds, and how to finish or undo (the rotation plans' "what
exists now")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.aws.plan import Operation, StepState

if TYPE_CHECKING:
    from tui.aws.iam.rotation import KeyRotation


def presence(op: Operation | None) -> str:
    """Whether what ``op`` does is in effect: "yes", "no" or "maybe" (as Plan.presence)."""
    if op is None:
        return "no"
    if op.state is StepState.UNKNOWN:
        return "maybe" if op.found is None else ("yes" if op.found else "no")
    if op.uncertain and op.state is StepState.UNDO_FAILED:
        return "maybe"
    return "yes" if op.state in (StepState.DONE, StepState.UNDO_FAILED) else "no"


def describe(rotation: KeyRotation) -> tuple[str, ...]:
    """Which keys exist, which are active, what the keyring holds, what to do next."""
    create = rotation.ops.get("create")
    created = presence(create)
    if created == "no":
        head = create.said if create is not None and create.said else ""
        if create is not None and create.state is StepState.UNDONE:
            head = "the new key was deleted (rolled back)"
        lines = [head] if head else ["no new key was made"]
        return (*lines, f"old key {rotation.old} is still active: nothing else changed")
    if created == "maybe":
        why = create.why if create is not None else ""
        return (
            f"a new key of {rotation.user} may exist ({why}): its secret was lost; delete it",
            f"old key {rotation.old} is still active",
        )
    return _lines_after_create(rotation)


def _lines_after_create(rotation: KeyRotation) -> tuple[str, ...]:
    new = rotation.new_key or "?"
    where = "in the OS keyring" if rotation.stored else "NOT in the keyring"
    proof = "proven to work" if rotation.proven else "not proven to work yet"
    lines = [f"new key {new} is active and {where} ({proof})"]
    deleted = presence(rotation.ops.get("delete"))
    inactive = presence(rotation.ops.get("deactivate"))
    if deleted == "yes":
        lines.append(f"old key {rotation.old} is deleted")
    elif deleted == "maybe":
        lines.append(f"old key {rotation.old} may be deleted: {rotation.ops['delete'].why}")
    elif inactive == "yes":
        lines.append(f"old key {rotation.old} is inactive")
    elif inactive == "maybe":
        lines.append(f"old key {rotation.old} may be inactive: {rotation.ops['deactivate'].why}")
    else:
        lines.append(f"old key {rotation.old} is still active")
    if rotation.switched:
        lines.append(f"acct-tui now signs with the new key {new}")
    if rotation.stored:
        lines.append(
            "an AWS CLI profile written by acct-tui (acct-tui credentials get) already "
            "uses the new key"
        )
    if deleted != "yes" and inactive != "yes":
        lines.append(
            f"to finish: once {new} works for you, deactivate {rotation.old} (d in "
            f"{rotation.user}'s access keys); to undo: delete {new} (ctrl+d there)"
        )
    elif deleted != "yes":
        lines.append(
            f"to finish: delete {rotation.old} (ctrl+d in {rotation.user}'s access keys) once "
            "nothing uses it; to undo: activate it again (d)"
        )
    return tuple(lines)
