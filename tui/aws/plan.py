"""Plans: ordered, reported AWS calls, run once, with rollback of what completed.

A plan is built by a writer (:mod:`tui.aws.iam`), listed for review with the equivalent
AWS CLI commands, run step by step (the first failure stops it; later steps are
skipped), and, for create plans, rolled back step by step on request. Retries for
IAM's eventual consistency happen inside a step and are reported as notes.
"""

from __future__ import annotations

import json
import logging
import shlex
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Literal

from botocore import xform_name

from tui.aws.errors import AwsError, from_exception

if TYPE_CHECKING:
    from tui.aws.iam.models import UserCredentials

log = logging.getLogger(__name__)

Progress = Callable[["StepReport"], None]


class StepState(StrEnum):
    """Where a step stands. UNDONE / UNDO_FAILED describe a rollback of a step that
    (maybe) took effect. UNKNOWN: AWS did not answer, so the step may have taken effect;
    the plan stops there as it does on a failure."""

    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    UNKNOWN = "outcome unknown"
    SKIPPED = "skipped"
    UNDONE = "undone"
    UNDO_FAILED = "undo failed"


@dataclass(frozen=True)
class Step:
    """One API call of a plan, as the review screen lists it.

    ``action`` is the IAM action (``iam:CreateUser``); ``cli`` the equivalent AWS CLI
    command with secrets replaced by placeholders. A rollback step names the step it
    reverts in ``undoes``.
    """

    id: str
    action: str
    description: str
    cli: str
    undoes: str | None = None


@dataclass(frozen=True)
class StepReport:
    """A step's state as a plan runs; ``note`` explains retries and no-op successes."""

    step: Step
    state: StepState
    error: AwsError | None = None
    note: str = ""

    def __str__(self) -> str:
        text = f"{self.state}: {self.step.description}"
        if self.error is not None:
            return f"{text}: {self.error.summary()}"
        return f"{text} ({self.note})" if self.note else text


@dataclass(frozen=True)
class PlanResult:
    """The outcome of a run or a rollback: each step's report, and what exists now."""

    title: str
    reports: tuple[StepReport, ...]
    exists_now: tuple[str, ...]
    credentials: UserCredentials | None = None

    @property
    def ok(self) -> bool:
        return all(r.state in (StepState.DONE, StepState.UNDONE) for r in self.reports)

    @property
    def failure(self) -> StepReport | None:
        """The report of the first step that failed (or got no answer), if any."""
        bad = (StepState.FAILED, StepState.UNKNOWN, StepState.UNDO_FAILED)
        return next((r for r in self.reports if r.state in bad), None)

    def __str__(self) -> str:
        return "\n".join([self.title, *map(str, self.reports), *self.exists_now])


def cli_command(operation: str, params: Mapping[str, object]) -> str:
    """The AWS CLI line for ``operation`` with ``params`` (booleans become flags)."""
    words = ["aws", "iam", xform_name(operation, "-")]
    for key, value in params.items():
        flag = xform_name(key, "-")
        if isinstance(value, bool):
            words.append(f"--{flag}" if value else f"--no-{flag}")
        elif isinstance(value, list | tuple | dict):
            words += [f"--{flag}", json.dumps(value, ensure_ascii=False, separators=(",", ":"))]
        else:
            words += [f"--{flag}", str(value)]
    return " ".join(shlex.quote(w) for w in words)


def step_id(operation: str, params: Mapping[str, object]) -> str:
    keys = [str(v) for v in params.values() if isinstance(v, str)]
    return ":".join([xform_name(operation, "-"), *keys])


@dataclass(frozen=True)
class Recovery:
    """What a step's ``recover`` found on reading the account again, after the step's
    outcome was unknown: ``present`` is whether what the step does is in effect now
    (``None``: still cannot tell), ``line`` what to add to "what exists now"."""

    present: bool | None
    line: str = ""


@dataclass(eq=False)
class Operation:
    """A step with its call, its undo and its retry rules; writers build these.

    Mutable: the plan records the step's state on it.

    ``what`` names the thing the step makes or removes, for "what exists now".
    """

    step: Step
    call: Callable[[], object]
    what: str
    undo: Operation | None = None
    retry_codes: frozenset[str] = frozenset()
    gone_ok: bool = False  # NoSuchEntity means the goal is already reached
    state: StepState = StepState.PENDING
    uncertain: bool = False  # the step, or its undo, may have taken effect although it failed
    why: str = ""  # why it may have (AwsError.why_unknown)
    # Called when the step's outcome is unknown: reads the account again (and cleans up,
    # e.g. deletes an access key whose secret was lost with the answer).
    recover: Callable[[], Recovery] | None = None
    found: bool | None = None  # what recover found: in effect, not in effect, or unknown
    # Its undo deletes something that may not be the plan's (CreateUser meeting an existing
    # user): after an unknown outcome, undone only once recover proved the plan made it.
    undo_needs_proof: bool = False
    said: str = ""  # recover's line for "what exists now"


class Plan:
    """Ordered steps, run once with :meth:`run`; a create plan can :meth:`rollback`.

    ``kind`` says how to describe the account afterwards: the main step of a
    ``"create"`` plan makes the entity, that of a ``"delete"`` plan removes it.
    Blocking: run it in a thread worker; ``progress`` is called from that thread.
    """

    def __init__(
        self,
        title: str,
        ops: Sequence[Operation],
        *,
        kind: Literal["create", "delete"],
        sleep: Callable[[float], None],
        retry_delays: Sequence[float],
        notes: Iterable[str] = (),
        credentials: Callable[[Plan], UserCredentials | None] | None = None,
    ) -> None:
        self.title = title
        self.notes = tuple(notes)
        self._ops = tuple(ops)
        self._kind = kind
        self._main = self._ops[0] if kind == "create" else self._ops[-1]
        self._sleep = sleep
        self._delays = tuple(retry_delays)
        self._credentials = credentials
        self._lock = threading.Lock()
        self._ran = False

    def __repr__(self) -> str:
        return f"<Plan {self.title!r}: {len(self._ops)} steps>"

    @property
    def steps(self) -> tuple[Step, ...]:
        return tuple(op.step for op in self._ops)

    def rollback_steps(self) -> tuple[Step, ...]:
        """The steps :meth:`rollback` would take now (completed steps, in reverse)."""
        return tuple(op.undo.step for op in reversed(self._ops) if op.undo and self._undoable(op))

    @property
    def can_rollback(self) -> bool:
        return bool(self.rollback_steps())

    @property
    def credentials(self) -> UserCredentials | None:
        """For a create-user plan: what the user signs in with, as far as it exists now."""
        return self._credentials(self) if self._credentials else None

    def state(self, step_id: str) -> StepState:
        return next(op.state for op in self._ops if op.step.id == step_id)

    def result(self) -> PlanResult:
        """Every step's state now, and what exists."""
        return self._result([StepReport(op.step, op.state) for op in self._ops])

    def run(self, progress: Progress | None = None) -> PlanResult:
        """Run the steps in order; stop at the first failure and skip the rest."""
        emit = progress or _ignore
        with self._lock:
            if self._ran:
                raise RuntimeError("a plan runs only once")
            self._ran = True
        reports: list[StepReport] = []
        failed = False
        for op in self._ops:
            if failed:
                op.state = StepState.SKIPPED
                report = StepReport(op.step, op.state)
            else:
                op.state = StepState.RUNNING
                emit(StepReport(op.step, op.state))
                error, note = self._execute(op, emit)
                op.state = _state_after(error, StepState.DONE, StepState.FAILED)
                op.uncertain = op.state is StepState.UNKNOWN
                op.why = error.why_unknown() if error else ""
                if op.state is StepState.UNKNOWN and op.recover is not None:
                    note = self._recover(op) or note
                report = StepReport(op.step, op.state, error, note)
                failed = error is not None
            log.info("%s", report)
            emit(report)
            reports.append(report)
        return self._result(reports)

    def rollback(self, progress: Progress | None = None) -> PlanResult:
        """Undo the completed steps in reverse, each reported. Best effort: a failed
        undo is reported and the others are still tried."""
        emit = progress or _ignore
        reports: list[StepReport] = []
        for op in reversed(self._ops):
            undo = op.undo
            if undo is None or not self._undoable(op):
                continue
            emit(StepReport(undo.step, StepState.RUNNING))
            error, note = self._execute(undo, emit)
            # An undo with no answer may have worked: it stays "maybe there".
            if error is not None and error.outcome_unknown:
                op.uncertain, op.why = True, error.why_unknown()
            op.state = StepState.UNDO_FAILED if error else StepState.UNDONE
            if error is None:
                op.said = ""  # what the re-read found is undone now
            report = StepReport(undo.step, op.state, error, note)
            log.info("%s", report)
            emit(report)
            reports.append(report)
        return self._result(reports)

    @property
    def changed(self) -> bool:
        """True when the account may differ from before the plan (something done, or a
        step that got no answer, and not all of it rolled back)."""
        return any(self.presence(op) != "no" for op in self._ops)

    def exists_now(self) -> tuple[str, ...]:
        """What exists now, in a few readable lines (``may`` where AWS did not answer)."""
        main = self._main
        others = [op for op in self._ops if op is not main]
        where: dict[str, list[Operation]] = {"yes": [], "no": [], "maybe": []}
        for op in others:
            where[self.presence(op)].append(op)
        maybe = tuple(f"{op.what} may exist: {op.why}" for op in where["maybe"])
        maybe += tuple(op.said for op in self._ops if op.said)
        if self._kind == "create":
            presence = self.presence(main)
            if presence == "no":
                stuck = tuple(f"{op.what} still exists (rollback failed)" for op in where["yes"])
                if main.said:  # it exists, but not because of this plan (someone else's)
                    rest = tuple(line for line in maybe if line != main.said)
                    return (main.said, *stuck, *rest)
                return (f"{main.what} does not exist", *stuck, *maybe)
            if presence == "maybe":
                head = f"{main.what} may exist: {main.why}"
            else:
                missing = ", ".join(op.what for op in where["no"])
                head = f"{main.what} exists" + (f", without {missing}" if missing else "")
            return (head, *(f"with {op.what}" for op in where["yes"]), *maybe)
        # A delete plan: its steps remove things, so "yes" (done) means removed.
        removed = tuple(f"removed {op.what}" for op in where["yes"])
        maybe = tuple(f"{op.what} may have been removed: {op.why}" for op in where["maybe"])
        maybe += tuple(op.said for op in self._ops if op.said)
        if main.state is StepState.DONE:
            return (f"{main.what} deleted",)
        if main.state is StepState.UNKNOWN:
            return (f"{main.what} may have been deleted: {main.why}", *removed, *maybe)
        left = [op.what for op in where["no"]]
        head = f"{main.what} still exists" + (f", with {', '.join(left)}" if left else "")
        return (head, *removed, *maybe)

    def presence(self, op: Operation) -> str:
        """Whether what ``op`` does is in effect now: ``"yes"``, ``"no"`` or ``"maybe"``."""
        if op.state is StepState.UNKNOWN:
            # A step whose outcome was unknown, unless reading the account again told.
            return "maybe" if op.found is None else ("yes" if op.found else "no")
        if op.uncertain and op.state is StepState.UNDO_FAILED:
            return "maybe"
        return "yes" if self.has_effect(op) else "no"

    # -- internals -------------------------------------------------------------------
    @staticmethod
    def has_effect(op: Operation) -> bool:
        """True when what ``op`` did is in the account now."""
        return op.state in (StepState.DONE, StepState.UNDO_FAILED)

    def may_have_effect(self, op: Operation) -> bool:
        """True when what ``op`` did is, or may be, in the account now."""
        return self.presence(op) != "no"

    def _undoable(self, op: Operation) -> bool:
        # A step that got no answer is undone too: its undo treats "not there" as done.
        # Not when reading the account again showed it has no effect (nothing to undo).
        if op.state is StepState.UNKNOWN:
            return op.found is True if op.undo_needs_proof else op.found is not False
        return op.state in (StepState.DONE, StepState.UNDO_FAILED)

    @staticmethod
    def _recover(op: Operation) -> str:
        """Run ``op.recover`` after its outcome was unknown; returns its line."""
        assert op.recover is not None
        try:
            found = op.recover()
        except Exception as exc:  # noqa: BLE001 - a failed check leaves the outcome unknown
            log.warning(
                "%s: could not read the account again (%s)", op.step.action, type(exc).__name__
            )
            return ""
        op.found, op.said = found.present, found.line
        if found.line:
            log.info("%s: %s", op.step.description, found.line)
        return found.line

    def _execute(self, op: Operation, emit: Progress) -> tuple[AwsError | None, str]:
        delays = iter(self._delays)
        while True:
            try:
                op.call()
                return None, ""
            except Exception as exc:  # noqa: BLE001 - every failure becomes a report
                service, _, operation = op.step.action.partition(":")
                error = from_exception(exc, service, operation)
            if error.code == "NoSuchEntity" and op.gone_ok:
                return None, "already gone"
            delay = next(delays, None) if error.code in op.retry_codes else None
            if delay is None:
                return error, ""
            note = f"{error.code}: IAM has not caught up yet, retrying in {delay:g} s"
            log.info("%s: %s", op.step.description, note)
            emit(StepReport(op.step, StepState.RUNNING, note=note))
            self._sleep(delay)

    def _result(self, reports: Sequence[StepReport]) -> PlanResult:
        return PlanResult(self.title, tuple(reports), self.exists_now(), self.credentials)


def _ignore(_report: StepReport) -> None:
    return None


def _state_after(error: AwsError | None, ok: StepState, failed: StepState) -> StepState:
    if error is None:
        return ok
    return StepState.UNKNOWN if error.outcome_unknown else failed
