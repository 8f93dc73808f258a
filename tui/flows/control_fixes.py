"""The fixes of three CIS controls, started by ``enter`` on their recommendation.

- the security contact (1.2): form (prefilled with the contact there is) → review → plan
  (PutAlternateContact; rollback puts the previous contact back, or deletes it);
- a support role (1.16): form (name, MFA) → review with the trust policy → plan
  (CreateRole, AttachRolePolicy AWSSupportAccess; rollback detaches, then deletes);
- expired server certificates (1.18): pick which → confirmation saying it cannot be undone
  → plan (DeleteServerCertificate each).

After a failure the plan screen says what was and was not done; the form comes back with
AWS's complaint. After a success the posture is updated at once and read again.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from textual.app import App

from tui.aws.contacts import CONTACT_FIELDS, trimmed
from tui.aws.control_models import AlternateContact, SecurityContact, ServerCertificate
from tui.aws.iam.control_fixes import FIELD_ROLE_NAME, SupportRole, expiry_text
from tui.aws.models import Part
from tui.flows.common import error_line
from tui.screens.dialogs.confirm import ConfirmScreen
from tui.screens.dialogs.pick_many import PickManyScreen
from tui.screens.forms.security_contact import SecurityContactScreen
from tui.screens.forms.support_role import SupportRoleScreen
from tui.screens.plan import PlanOutcome, PlanScreen

if TYPE_CHECKING:
    from tui.aws.plan import Plan
    from tui.state import AccountState

CONTACT_TITLE = "Security contact"


def _form_errors(outcome: PlanOutcome, fields: tuple[str, ...]) -> dict[str, str]:
    """AWS's complaint, next to the field it is about (else the first field)."""
    field = outcome.field if outcome.field in fields else fields[0]
    return {field: error_line(outcome)}


async def security_contact(state: AccountState, screens: App[Any]) -> None:
    """Register or replace the SECURITY alternate contact."""
    known = state.posture.contacts.value
    previous = known.contact if known is not None else None
    writer = state.service.contacts_writer

    def planner(contact: AlternateContact) -> Plan:
        return writer.plan_security_contact(contact, previous)

    prefill, errors = previous, dict[str, str]()
    while True:
        form = SecurityContactScreen(
            planner=planner,
            prefill=prefill,
            replacing=previous is not None,
            errors=errors,
            copy=state.copy_text,
        )
        contact = await screens.push_screen_wait(form)
        if contact is None:
            return
        plan = planner(contact)
        outcome = await screens.push_screen_wait(PlanScreen(plan.title, plan))
        if outcome.succeeded:
            done = SecurityContact(trimmed(contact))
            state.apply_posture(state.posture.with_part("contacts", Part.ok(done)))
            state.notify(f"Security contact: {contact.name} <{contact.email}>", title=CONTACT_TITLE)
            return
        state.refresh_if_changed(plan)
        prefill, errors = contact, _form_errors(outcome, tuple(CONTACT_FIELDS))


async def support_role(state: AccountState, screens: App[Any]) -> None:
    """Create a role with AWSSupportAccess, trusted by this account."""
    account, _ = state.account()
    writer = state.service.control_fixes

    def planner(role: SupportRole) -> Plan:
        return writer.plan_support_role(role, account_id=account)

    prefill, errors = SupportRole(), dict[str, str]()
    while True:
        form = SupportRoleScreen(
            account_id=account,
            planner=planner,
            prefill=prefill,
            errors=errors,
            copy=state.copy_text,
        )
        role = await screens.push_screen_wait(form)
        if role is None:
            return
        plan = planner(role)
        outcome = await screens.push_screen_wait(PlanScreen(plan.title, plan))
        if outcome.succeeded:
            _apply_support_role(state, role.name)
            state.notify(f"Role {role.name} has AWSSupportAccess.", title="Support role")
            state.refresh()
            return
        state.refresh_if_changed(plan)
        prefill, errors = role, _form_errors(outcome, (FIELD_ROLE_NAME,))


def _apply_support_role(state: AccountState, role: str) -> None:
    entities = state.posture.entities.value
    if entities is None:
        return
    support = replace(entities.support, roles=(*entities.support.roles, role))
    state.apply_posture(
        state.posture.with_part("entities", Part.ok(replace(entities, support=support)))
    )


def _label(cert: ServerCertificate) -> str:
    return f"{cert.name} ({expiry_text(cert.expires)})"


async def delete_certificates(
    state: AccountState, screens: App[Any], names: tuple[str, ...]
) -> None:
    """Delete the expired server certificates ``names`` the user picks, once confirmed."""
    listed = state.posture.certificates.value or ()
    expired = [c for c in listed if c.name in names]
    if not expired:
        state.notify("No expired certificate is listed now: refresh (r).", title="Certificates")
        return
    chosen = expired
    if len(expired) > 1:
        labels = {_label(c): c for c in expired}
        picked = await screens.push_screen_wait(
            PickManyScreen("Expired server certificates", "Which to delete?", list(labels))
        )
        if picked is None:
            return
        chosen = [labels[label] for label in picked]
    plan = state.service.control_fixes.plan_delete_certificates(chosen)
    lines = [
        *(f"  • {_label(c)}" for c in chosen),
        "",
        "This cannot be undone: IAM deletes the certificate with its private key, and "
        "nothing can bring it back. A load balancer or CloudFront distribution that still "
        "uses one stops serving HTTPS with it.",
        "",
        *(s.cli for s in plan.steps),
    ]
    title = f"Delete {len(chosen)} expired certificate(s) for good?"
    if not await screens.push_screen_wait(ConfirmScreen(title, lines)):
        return
    outcome = await screens.push_screen_wait(PlanScreen(plan.title, plan))
    if not outcome.succeeded:
        state.refresh_if_changed(plan)
        return
    gone = {c.name for c in chosen}
    left = tuple(c for c in listed if c.name not in gone)
    state.apply_posture(state.posture.with_part("certificates", Part.ok(left)))
    state.notify(f"Deleted: {', '.join(sorted(gone))}.", title="Certificates")
    state.refresh()
