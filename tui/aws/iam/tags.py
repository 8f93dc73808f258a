"""User tags: one plan that adds, changes and removes tags (TagUser, UntagUser)."""

from __future__ import annotations

from collections.abc import Sequence

from tui.aws.iam.models import FIELD_TAGS
from tui.aws.iam.steps import IamPlanWriter
from tui.aws.plan import Operation, Plan
from tui.aws.validate import tag_errors, user_name_error
from tui.aws.writer import InvalidRequest

Tags = Sequence[tuple[str, str]]


def tag_changes(old: Tags, new: Tags) -> tuple[dict[str, str], list[str]]:
    """(tags to set: added or changed, keys to remove) to go from ``old`` to ``new``."""
    before = dict(old)
    after = dict(new)
    changed = {k: v for k, v in after.items() if before.get(k) != v}
    removed = [k for k in before if k not in after]
    return changed, removed


def _listed(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in tags.items()]


class TagPlans(IamPlanWriter):
    """Tag plans of the IAM writer."""

    def plan_edit_tags(self, user: str, old: Tags, new: Tags) -> Plan:
        """TagUser for added and changed tags, then UntagUser for removed keys; undone by
        putting the old tags back. Raises :class:`InvalidRequest` (field ``tags``, or
        ``tags.N.key``/``tags.N.value`` for row N) without calling AWS."""
        # A tag kept exactly as it is is not sent, so it is not judged (only what changes).
        kept = set(old)
        errors = {
            f"{FIELD_TAGS}.{i}.{part}": msg
            for i, part, msg in tag_errors(list(new))
            if tuple(new[i]) not in kept or msg.startswith("At most")
        }
        if problem := user_name_error(user):
            errors["name"] = problem
        changed, removed = tag_changes(old, new)
        if not errors and not changed and not removed:
            errors[FIELD_TAGS] = "Nothing changed"
        if errors:
            raise InvalidRequest(errors)
        before = dict(old)
        ops: list[Operation] = []
        if changed:
            ops.append(self._tag_step(user, changed, before))
        if removed:
            ops.append(self._untag_step(user, removed, before))
        # IAM tag keys are unique regardless of case: renaming "Team" to "team" must remove
        # "Team" first, or the removal would take the tag just set with it.
        if {k.casefold() for k in changed} & {k.casefold() for k in removed}:
            ops.reverse()
        return self._plan(f"Edit the tags of {user}", ops, kind="create")

    def _tag_step(self, user: str, changed: dict[str, str], before: dict[str, str]) -> Operation:
        """TagUser for added and changed tags; undone by removing the added keys and
        putting back the old values of the changed ones."""
        params = {"UserName": user, "Tags": _listed(changed)}
        op = self._op(
            "TagUser",
            f"Set {len(changed)} tag(s) on {user}: {', '.join(changed)}",
            f"tags {', '.join(changed)} of {user}",
            params,
        )
        added = [k for k in changed if k not in before]
        restore = {k: before[k] for k in changed if k in before}
        undo: Operation | None = None
        if added:
            undo = self._op(
                "UntagUser",
                f"Remove the added tag(s) {', '.join(added)}",
                "undo",
                {"UserName": user, "TagKeys": added},
                undoes=op.step.id,
            )
        if restore:
            back = self._op(
                "TagUser",
                f"Put back {', '.join(restore)}",
                "undo",
                {"UserName": user, "Tags": _listed(restore)},
                undoes=op.step.id,
            )
            undo = _then(undo, back) if undo else back
        op.undo = undo
        return op

    def _untag_step(self, user: str, removed: list[str], before: dict[str, str]) -> Operation:
        """UntagUser for removed keys; undone by tagging them again with their values."""
        op = self._op(
            "UntagUser",
            f"Remove {len(removed)} tag(s) from {user}: {', '.join(removed)}",
            f"tags {', '.join(removed)} removed from {user}",
            {"UserName": user, "TagKeys": removed},
        )
        op.undo = self._op(
            "TagUser",
            f"Put back {', '.join(removed)}",
            "undo",
            {"UserName": user, "Tags": _listed({k: before[k] for k in removed})},
            undoes=op.step.id,
        )
        return op


def _then(first: Operation, second: Operation) -> Operation:
    """One undo op making both calls (untag the added keys, then put back changed ones)."""
    call1, call2 = first.call, second.call

    def both() -> None:
        call1()
        call2()

    first.call = both
    return first
