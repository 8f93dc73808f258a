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

:func:`fast_new_accounts` (only for a demo organization, see :mod:`tui.demo.org_seed`) makes
an account's IAM backend cheap to create: moto builds one per partition for every account
it meets (seven), each parsing its ~1,600 AWS managed policies again, about 1.5 s an account.
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


def fast_new_accounts() -> None:
    """Let moto make a new account's IAM backends in milliseconds instead of ~1.5 s.

    moto looks every access key up in each account's IAM backend of every partition
    (``get_account_id_from``), so each account gets seven, and each parses the AWS managed
    policies' JSON (a few MB) and builds its ~1,600 policies again, drawing an id for each.
    Here only the ``aws`` partition (the demo's, and AWS's for us-east-1) gets the managed
    policies, the others start with none, as they would with
    ``MOTO_IAM_LOAD_MANAGED_POLICIES`` off; and the policies are built once, then copied
    into each new account (each copy counts its own attachments). They keep the ids of the
    first build in every account, as AWS managed policies have one id everywhere.

    Not applied to the default demo: building fewer policies draws fewer ids from moto's
    random generator, which would change a frozen demo's ids.
    """
    import moto.iam.models as iam_models
    from moto.settings import load_iam_aws_managed_policies

    if getattr(iam_models, "_acct_tui_fast_accounts", False):
        return
    iam_models._acct_tui_fast_accounts = True  # type: ignore[attr-defined]
    templates: list[Any] = []

    def init_aws_policies(self: Any) -> list[Any]:
        # Called with moto's backend lock held (backends are made under it).
        if not load_iam_aws_managed_policies() or self.partition != "aws":
            return []
        if not templates:
            templates.extend(_build_aws_policies(self.account_id, self.region_name))
        return [_fresh_policy(template, self.account_id) for template in templates]

    iam_models.IAMBackend._init_aws_policies = init_aws_policies  # type: ignore[method-assign]


def _build_aws_policies(account_id: str, region: str) -> list[Any]:
    """moto's AWS managed policies, built as moto builds them (ids drawn)."""
    import json
    from datetime import datetime

    import moto.iam.models as iam_models
    from moto.iam.aws_managed_policies import aws_managed_policies_data

    policy_class: Any = iam_models.AWSManagedPolicy
    parsed: dict[str, dict[str, Any]] = json.loads(aws_managed_policies_data)
    return [
        policy_class(
            name,
            account_id=account_id,
            region=region,
            default_version_id=data.get("DefaultVersionId"),
            path=data.get("Path"),
            document=json.dumps(data.get("Document")),
            create_date=datetime.fromisoformat(data["CreateDate"]),
            update_date=datetime.fromisoformat(data["UpdateDate"]),
        )
        for name, data in parsed.items()
    ]


def _clone(template: Any) -> Any:
    # copy.copy, without its generic machinery (a few times faster).
    twin = object.__new__(type(template))
    twin.__dict__.update(template.__dict__)
    return twin


def _fresh_policy(template: Any, account_id: str) -> Any:
    """``template`` for another account: same id and document, no attachments or tags."""
    policy = _clone(template)
    policy.account_id = account_id
    policy.attachment_count = 0
    policy.tags = {}
    policy.versions = [_clone(version) for version in template.versions]
    return policy
