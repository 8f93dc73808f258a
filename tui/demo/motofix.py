"""Where moto 5.2's answers differ from AWS's in a way the demo account shows, put right in
the demo server process (never imported by the app).

- GetAccountAuthorizationDetails lists customer managed policies without ``PolicyName`` and
  ``PolicyId`` (its serializer looks for ``policy_name``/``policy_id`` on a class whose
  attributes are ``name``/``id``); AWS always sends both.
"""

from __future__ import annotations


def patch_moto() -> None:
    """Give moto's ManagedPolicy the attribute names its serializer looks for."""
    from moto.iam.models import ManagedPolicy

    if not hasattr(ManagedPolicy, "policy_name"):
        ManagedPolicy.policy_name = property(lambda self: self.name)  # type: ignore[attr-defined]
    if not hasattr(ManagedPolicy, "policy_id"):
        ManagedPolicy.policy_id = property(lambda self: self.id)  # type: ignore[attr-defined]
