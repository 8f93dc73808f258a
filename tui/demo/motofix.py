"""Where moto 5.2's answers differ from AWS's in a way the demo account shows, put right in
the demo server process (never imported by the app).

- GetAccountAuthorizationDetails lists customer managed policies without ``PolicyName`` and
  ``PolicyId`` (its serializer looks for ``policy_name``/``policy_id`` on a class whose
  attributes are ``name``/``id``); AWS always sends both.
- Users and groups get 20 random lowercase letters and digits as ids, managed policies
  ``A`` and 20 more; IAM's unique ids are a four-letter prefix and 17 characters of the
  base32 alphabet (uppercase letters and the digits 2–7, never 0, 1, 8 or 9): ``AIDA…``
  for a user, ``AGPA…`` for a group, ``ANPA…`` for a managed policy (roles, ``AROA…``,
  and access keys, ``AKIA…``, are shaped so by moto already). They come from moto's own
  random generator, so a frozen demo (fixed seed) keeps its ids.
"""

from __future__ import annotations

import string
from typing import Any

# IAM's unique id prefixes (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html).
USER_ID_PREFIX = "AIDA"
GROUP_ID_PREFIX = "AGPA"
POLICY_ID_PREFIX = "ANPA"
UNIQUE_ID_CHARACTERS = 17


def patch_moto() -> None:
    """Give moto's ManagedPolicy the attribute names its serializer looks for, and its
    users, groups and managed policies ids shaped like IAM's."""
    from moto.iam.models import ManagedPolicy

    if not hasattr(ManagedPolicy, "policy_name"):
        ManagedPolicy.policy_name = property(lambda self: self.name)  # type: ignore[attr-defined]
    if not hasattr(ManagedPolicy, "policy_id"):
        ManagedPolicy.policy_id = property(lambda self: self.id)  # type: ignore[attr-defined]
    _shape_ids()


def unique_id(prefix: str) -> str:
    """An IAM unique id: ``prefix`` and 17 characters of the base32 alphabet."""
    from moto.moto_api._internal import mock_random

    alphabet = string.ascii_uppercase + "234567"
    return prefix + "".join(mock_random.choice(alphabet) for _ in range(UNIQUE_ID_CHARACTERS))


def _shape_ids() -> None:
    import moto.iam.models as iam_models

    if getattr(iam_models, "_acct_tui_ids", False):
        return
    iam_models._acct_tui_ids = True  # type: ignore[attr-defined]
    for cls, prefix in ((iam_models.User, USER_ID_PREFIX), (iam_models.Group, GROUP_ID_PREFIX)):
        original = cls.__init__

        def init(self: Any, *args: Any, _init: Any = original, _p: str = prefix, **kw: Any) -> None:
            _init(self, *args, **kw)
            self.id = unique_id(_p)

        cls.__init__ = init  # type: ignore[method-assign]
    # ManagedPolicy's id comes from this module-level helper, looked up at each call.
    iam_models.random_policy_id = lambda: unique_id(POLICY_ID_PREFIX)  # type: ignore[attr-defined]
