"""The account's SECURITY alternate contact (CIS 1.2): register or replace it, as a plan.

account:PutAlternateContact creates the contact or replaces the one there is, in one call.
Its undo puts the previous contact back, or deletes the contact (DeleteAlternateContact)
when there was none. Input is checked against the Account model's rules first
(:func:`contact_errors`): a bad e-mail address or phone number never reaches AWS.

The contact's fields are personal data, not secrets: they are shown in the review and the
AWS CLI line, but kept out of step descriptions (which the log records).
"""

from __future__ import annotations

import shlex
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from botocore import xform_name

from tui.aws.control_models import AlternateContact
from tui.aws.errors import from_exception
from tui.aws.plan import Operation, Plan, Step
from tui.aws.session import AwsSession
from tui.aws.validate import ContactField, contact_error
from tui.aws.writer import InvalidRequest

__all__ = [
    "CONTACT_FIELDS",
    "SECURITY",
    "ContactWriter",
    "contact_errors",
    "contact_params",
]

SECURITY = "SECURITY"
# Form field id → the contact attribute and its Account model field.
CONTACT_FIELDS: dict[str, tuple[str, ContactField]] = {
    "contact-name": ("name", ContactField.NAME),
    "contact-title": ("title", ContactField.TITLE),
    "contact-email": ("email", ContactField.EMAIL),
    "contact-phone": ("phone", ContactField.PHONE),
}


def trimmed(contact: AlternateContact) -> AlternateContact:
    """``contact`` without spaces around its values (as it is sent)."""
    return AlternateContact(
        name=contact.name.strip(),
        title=contact.title.strip(),
        email=contact.email.strip(),
        phone=contact.phone.strip(),
    )


def contact_errors(contact: AlternateContact) -> dict[str, str]:
    """Form field id → why that value cannot be sent (empty when all are fine)."""
    errors: dict[str, str] = {}
    for field_id, (attribute, field) in CONTACT_FIELDS.items():
        problem = contact_error(field, getattr(contact, attribute))
        if problem:
            errors[field_id] = problem
    return errors


def contact_params(contact: AlternateContact) -> dict[str, str]:
    """PutAlternateContact's parameters for ``contact`` as the SECURITY contact."""
    return {
        "AlternateContactType": SECURITY,
        "Name": contact.name,
        "Title": contact.title,
        "EmailAddress": contact.email,
        "PhoneNumber": contact.phone,
    }


def account_cli(operation: str, params: dict[str, str]) -> str:
    """The ``aws account …`` line for ``operation`` with ``params``."""
    words = ["aws", "account", xform_name(operation, "-")]
    for key, value in params.items():
        words += [f"--{xform_name(key, '-')}", value]
    return " ".join(shlex.quote(w) for w in words)


@dataclass(frozen=True)
class _Call:
    """One Account API call a plan step makes."""

    operation: str
    params: dict[str, str]
    absent_ok: bool = False  # ResourceNotFoundException: already as wanted (a delete)


class ContactWriter:
    """Builds the security-contact plan. Blocking when run: use a thread worker."""

    def __init__(
        self,
        session: AwsSession,
        *,
        sleep: Callable[[float], None] = time.sleep,
        retry_delays: Sequence[float] = (),
    ) -> None:
        self.session = session
        self._sleep = sleep
        self._delays = tuple(retry_delays)

    def plan_security_contact(
        self, contact: AlternateContact, previous: AlternateContact | None
    ) -> Plan:
        """PutAlternateContact SECURITY; undone by putting ``previous`` back, or by
        DeleteAlternateContact when there was none.

        Raises :class:`InvalidRequest` (a ValueError) without calling AWS when a field
        breaks the Account model's rules."""
        contact = trimmed(contact)
        if errors := contact_errors(contact):
            raise InvalidRequest(errors)
        replacing = previous is not None
        what = f"security contact {contact.name}"
        put = self._step(
            _Call("PutAlternateContact", contact_params(contact)),
            "Replace the security alternate contact"
            if replacing
            else "Register the security alternate contact",
            what,
        )
        if previous is not None:
            undo = _Call("PutAlternateContact", contact_params(previous))
            put.undo = self._step(undo, "Put the previous security contact back", what, of=put)
        else:
            undo = _Call("DeleteAlternateContact", {"AlternateContactType": SECURITY}, True)
            put.undo = self._step(undo, "Delete the security alternate contact", what, of=put)
        title = "Replace the security contact" if replacing else "Register a security contact"
        return Plan(title, [put], kind="create", sleep=self._sleep, retry_delays=self._delays)

    def _step(
        self, call: _Call, description: str, what: str, *, of: Operation | None = None
    ) -> Operation:
        ident = f"undo:{of.step.id}" if of else f"{xform_name(call.operation, '-')}:{SECURITY}"
        step = Step(
            ident,
            f"account:{call.operation}",
            description,
            account_cli(call.operation, call.params),
            undoes=of.step.id if of else None,
        )
        return Operation(step, lambda: self._send(call), what)

    def _send(self, call: _Call) -> None:
        client = self.session.account()
        try:
            getattr(client, xform_name(call.operation))(**call.params)
        except Exception as exc:
            if call.absent_ok:
                error = from_exception(exc, "account", call.operation)
                if error.code == "ResourceNotFoundException":
                    return  # no security contact: what the undo wants
            raise
