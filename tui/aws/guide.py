"""The guided set-up: the AWS "secure your account" tutorial as steps with a live status.

Plain data from a :class:`Posture`, computed from the same checks as the recommendations
pane (:mod:`tui.aws.checks`), so the two never disagree about a fact. The UI (the Getting
started screen) shows :func:`guide_steps` and runs each step's :attr:`Step.action`.

The tutorial's order: protect root (MFA, no access keys), create the administrators
group, create your admin user in it (console + key), give that user MFA, set the account
alias, enable the Regions you need, then stop using root.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from tui.aws import checks
from tui.aws.checks import Finding, Status
from tui.aws.models import AuthDetails, Part, Posture, RegionStatus, utcnow


class StepState(StrEnum):
    """Where a step stands. Each state has a word and a symbol (never colour alone)."""

    DONE = "done"
    TODO = "to do"
    WAITING = "in progress"
    OPTIONAL = "optional"
    LOADING = "loading"
    UNKNOWN = "unknown"


SYMBOLS: dict[StepState, str] = {
    StepState.DONE: "✓",
    StepState.TODO: "✗",
    StepState.WAITING: "◷",
    StepState.OPTIONAL: "○",
    StepState.LOADING: "…",
    StepState.UNKNOWN: "?",
}

# What ``enter`` does on a step (the screen maps these to the app's flows).
ROOT_MFA_GUIDE = "root_mfa_guide"
DELETE_ROOT_KEYS = "delete_root_keys"
CREATE_ADMIN_GROUP = "create_admin_group"
CREATE_ADMIN_USER = "create_admin_user"
ENROLL_MFA = "enroll_mfa"
SET_ALIAS = "set_alias"
SHOW_REGIONS = "show_regions"
SWITCH_IDENTITY = "switch_identity"
SHOW_DETAILS = "show_details"

# Actions that change the account: refused under --read-only. The others only guide,
# move focus, or change which key acct-tui itself signs with (the account is untouched).
MUTATING_ACTIONS = frozenset(
    {DELETE_ROOT_KEYS, CREATE_ADMIN_GROUP, CREATE_ADMIN_USER, ENROLL_MFA, SET_ALIAS}
)

# Actions that still make sense once their step is done (replace the alias, look at the
# Regions, switch identity again); the others just say the step is done.
REPEATABLE_ACTIONS = frozenset({SET_ALIAS, SHOW_REGIONS, SWITCH_IDENTITY})

# The steps whose failure opens the guide by itself at start-up: the first steps of the
# tutorial that acct-tui can do. Root MFA is left out on purpose: only the console can
# turn it on, so it would reopen the guide at every start until then; the
# recommendations pane lists it first (critical) anyway.
OPENING_STEPS = ("root-keys", "admin-group", "admin-user", "sign-in")
OPENING_PARTS = ("caller", "summary", "details")


@dataclass(frozen=True)
class Step:
    """One step of the guided set-up, with its live state and what ``enter`` does."""

    id: str
    number: int
    title: str
    state: StepState
    reason: str
    action: str
    checks: tuple[str, ...] = ()
    """The ids of the findings (recommendations) this step is computed from."""
    users: tuple[str, ...] = ()
    """The IAM users ``enter`` applies to (MFA: the admin users still without it)."""
    denied: str | None = None
    """The AWS action whose denial leaves the state unknown (``iam:GetAccountSummary``)."""
    console_only: bool = False

    @property
    def label(self) -> str:
        """The state as shown: symbol and word, e.g. ``✓ done``, or ``? denied``."""
        if self.denied:
            return f"{SYMBOLS[self.state]} denied"
        return f"{SYMBOLS[self.state]} {self.state.value}"

    @property
    def mutating(self) -> bool:
        """True when ``enter`` would change the account (refused under --read-only)."""
        return self.action in MUTATING_ACTIONS


# ------------------------------------------------------------------------------ helpers
def _pending(part: Part[Any]) -> tuple[StepState, str | None, str]:
    """State, denied action and reason for a part that has no value."""
    if part.error is None:
        return StepState.LOADING, None, "Reading the account…"
    error = part.error
    if error.denied:
        return StepState.UNKNOWN, error.action, f"Unknown (denied: {error.action})"
    return StepState.UNKNOWN, None, f"Cannot tell: {error.headline()}"


def _from_finding(finding: Finding, part: Part[Any]) -> tuple[StepState, str | None, str]:
    """State, denied action and reason of a step that follows one finding."""
    if finding.status is Status.PASS:
        return StepState.DONE, None, finding.reason
    if finding.status is Status.FAIL:
        return StepState.TODO, None, finding.reason
    if part.loaded and part.error is None:  # read, and still not enough to tell
        return StepState.UNKNOWN, None, finding.reason
    return _pending(part)


def group_admins(details: AuthDetails) -> tuple[list[str], list[str]]:
    """(groups with AdministratorAccess, users who belong to one of them), in order."""
    groups = [g.name for g in details.groups if g.has_admin()]
    members = [u.name for u in details.users if set(groups).intersection(u.groups)]
    return groups, members


def admin_group_name(details: AuthDetails | None) -> str:
    """The group a new admin user should join: ``administrators`` when it grants admin."""
    if details is None:
        return "administrators"
    groups, _ = group_admins(details)
    if "administrators" in groups or not groups:
        return "administrators"
    return groups[0]


def _names(items: Sequence[str], limit: int = 3) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


# -------------------------------------------------------------------------------- steps
def _root_mfa(p: Posture, now: datetime) -> Step:
    finding = checks.check_root_mfa(p, now)
    state, denied, reason = _from_finding(finding, p.summary)
    if state is StepState.TODO:
        reason += ". Only the console can add it: enter shows the steps, r checks again"
    return Step(
        "root-mfa",
        1,
        "Protect the root user with MFA",
        state,
        reason,
        ROOT_MFA_GUIDE,
        ("root-mfa",),
        denied=denied,
        console_only=True,
    )


def _root_keys(p: Posture, now: datetime) -> Step:
    finding = checks.check_root_keys(p, now)
    state, denied, reason = _from_finding(finding, p.summary)
    action = DELETE_ROOT_KEYS if finding.fix and finding.fix.action else SHOW_DETAILS
    if state is StepState.TODO:
        if action == DELETE_ROOT_KEYS:
            reason += (
                ". Enter deletes them (after a warning). If acct-tui signs with one of "
                "them, do steps 3-5 first: this session stops once that key is gone"
            )
        else:
            reason += ": only root can delete them (enter shows the console steps)"
    return Step(
        "root-keys",
        2,
        "Remove the root user's access keys",
        state,
        reason,
        action,
        ("root-keys",),
        denied=denied,
    )


def _admin_group(p: Posture, now: datetime) -> Step:
    finding = checks.check_admin_group(p, now)
    state, denied, reason = _from_finding(finding, p.details)
    if state is StepState.TODO:
        reason += ": enter opens the form, pre-filled with administrators + AdministratorAccess"
    return Step(
        "admin-group",
        3,
        "Create the administrators group",
        state,
        reason,
        CREATE_ADMIN_GROUP,
        ("admin-group",),
        denied=denied,
    )


def _admin_user(p: Posture, now: datetime) -> Step:
    finding = checks.check_admin_user(p, now)
    title = "Create your admin user (console + key)"
    ids = ("admin-user", "admin-group")
    details = p.details.value
    if details is None:
        state, denied, reason = _pending(p.details)
        return Step("admin-user", 4, title, state, reason, CREATE_ADMIN_USER, ids, (), denied)
    groups, members = group_admins(details)
    if members:
        reason = f"In {_names(groups)}: {_names(members)}"
        return Step("admin-user", 4, title, StepState.DONE, reason, CREATE_ADMIN_USER, ids)
    # The admin-user check passes on AdministratorAccess attached straight to a user; the
    # tutorial's admin user gets it from the administrators group instead.
    group = admin_group_name(details)
    if finding.status is Status.PASS:
        admins = finding.reason.removeprefix("Admins: ")
        reason = f"{admins}: AdministratorAccess attached directly, not through a group"
    else:
        reason = "No IAM user is in a group with AdministratorAccess"
    if groups:
        reason += f". Enter opens the new-user form, in {group}, with console + key"
    else:
        reason += ". Create the administrators group first (step 3)"
    return Step("admin-user", 4, title, StepState.TODO, reason, CREATE_ADMIN_USER, ids)


def _admin_mfa(p: Posture, now: datetime) -> Step:
    finding = checks.check_console_mfa(p, now)
    title = "Give your admin user MFA"
    ids = ("user-mfa",)
    details = p.details.value
    if details is None or p.report.value is None:
        part = p.details if details is None else p.report
        state, denied, reason = _pending(part)
        return Step("admin-mfa", 5, title, state, reason, ENROLL_MFA, ids, denied=denied)
    _, members = group_admins(details)
    if not members:
        reason = "Create your admin user first (step 4)"
        return Step("admin-mfa", 5, title, StepState.TODO, reason, ENROLL_MFA, ids)
    report = p.report.value
    # Every admin user the report shows without MFA, console or not: the console check
    # only looks at console users, and this step says "your admin users have MFA".
    no_mfa = {r.user for r in report.rows if not r.mfa_active}
    without = [u for u in members if u in finding.users or u in no_mfa]
    if without:
        reason = f"No MFA yet: {_names(without)}. Enter enrolls a virtual MFA device"
        return Step("admin-mfa", 5, title, StepState.TODO, reason, ENROLL_MFA, ids, tuple(without))
    listed = {r.user for r in report.rows}
    missing = [u for u in members if u not in listed]
    if missing:
        # Done only with evidence for every admin user, not for the ones the report lists.
        reason = (
            f"{_names(missing)} not in the credential report yet "
            "(AWS regenerates it at most every 4 hours)"
        )
        return Step(
            "admin-mfa", 5, title, StepState.UNKNOWN, reason, ENROLL_MFA, ids, tuple(missing)
        )
    return Step("admin-mfa", 5, title, StepState.DONE, "Your admin users have MFA", ENROLL_MFA, ids)


def _alias(p: Posture, now: datetime) -> Step:
    finding = checks.check_alias(p, now)
    state, denied, reason = _from_finding(finding, p.aliases)
    if state is StepState.TODO:
        reason += ". Enter opens the alias form"
    return Step(
        "alias", 6, "Set the account alias", state, reason, SET_ALIAS, ("alias",), denied=denied
    )


def _regions(p: Posture, now: datetime) -> Step:
    title = "Enable the Regions you need"
    listing = p.regions.value
    if listing is None:
        state, denied, reason = _pending(p.regions)
        return Step("regions", 7, title, state, reason, SHOW_REGIONS, denied=denied)
    moving = [
        f"{r.code} {r.status.value.lower()}"
        for r in listing.regions
        if r.status in (RegionStatus.ENABLING, RegionStatus.DISABLING)
    ]
    enabled = [r.code for r in listing.regions if r.status is RegionStatus.ENABLED]
    if moving:
        reason = f"{_names(moving)}… (AWS takes minutes to hours)"
        return Step("regions", 7, title, StepState.WAITING, reason, SHOW_REGIONS)
    if enabled:
        reason = f"Opt-in Regions enabled: {_names(enabled)}. Enter shows the Regions pane"
        return Step("regions", 7, title, StepState.DONE, reason, SHOW_REGIONS)
    reason = "No opt-in Region is enabled: enable only those you need (enter: Regions pane)"
    return Step("regions", 7, title, StepState.OPTIONAL, reason, SHOW_REGIONS)


def _sign_in(p: Posture, now: datetime) -> Step:
    finding = checks.check_caller_not_root(p, now)
    state, denied, reason = _from_finding(finding, p.caller)
    if state is StepState.DONE:
        reason = f"acct-tui runs as {reason}. Enter switches to a key from the keyring"
    elif state is StepState.TODO:
        reason = "You are working as root: enter switches acct-tui to your admin user's key"
    return Step(
        "sign-in",
        8,
        "Stop using root: work as your admin user",
        state,
        reason,
        SWITCH_IDENTITY,
        ("caller-root",),
        denied=denied,
    )


STEPS = (_root_mfa, _root_keys, _admin_group, _admin_user, _admin_mfa, _alias, _regions, _sign_in)


def guide_steps(posture: Posture, now: datetime | None = None) -> tuple[Step, ...]:
    """Every step of the guided set-up, in the tutorial's order, with its state."""
    when = now or utcnow()
    return tuple(step(posture, when) for step in STEPS)


def should_open(posture: Posture) -> bool | None:
    """Whether the guide opens by itself; ``None`` until the parts that decide it are in.

    It opens when one of :data:`OPENING_STEPS` is to do: root has access keys, no group
    grants AdministratorAccess, no IAM user is in such a group, or acct-tui runs as root.
    """
    if not all(getattr(posture, name).loaded for name in OPENING_PARTS):
        return None
    steps = {s.id: s for s in guide_steps(posture)}
    return any(steps[i].state is StepState.TODO for i in OPENING_STEPS)


def progress(steps: Sequence[Step]) -> str:
    """``5 of 8 done``, plus ``· 2 unknown`` for steps that could not be read.

    Optional steps count as done: nothing is required of them (their state was read).
    """
    done = sum(s.state in (StepState.DONE, StepState.OPTIONAL) for s in steps)
    text = f"{done} of {len(steps)} done"
    unknown = sum(s.state is StepState.UNKNOWN for s in steps)
    loading = sum(s.state is StepState.LOADING for s in steps)
    if unknown:
        text += f" · {unknown} unknown"
    if loading:
        text += f" · {loading} reading…"
    return text
