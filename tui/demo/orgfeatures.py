"""A stand-in for iam:ListOrganizationsFeatures (centralized root access), which moto lacks.

Whether the caller's account is in an organization, manages it, and whether the organization
has all features comes from moto's Organizations backend (the server passes a lookup, so
this module imports no moto). What moto cannot express is a setting of this stand-in: IAM's
trusted access in Organizations (moto refuses ``iam.amazonaws.com`` as a service principal)
and the features enabled, set through :data:`tui.demo.controlapi.ORG_FEATURES_PATH`.

The answers and errors are those of botocore's ``iam`` model: the four error shapes of the
operation carry no HTTP status of their own, so they are sent as client errors (400).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Final

#: ``FeaturesListType`` of the botocore iam model.
FEATURES: Final[tuple[str, ...]] = (
    "RootCredentialsManagement",
    "RootSessions",
    "OrganizationIamResources",
)


@dataclass(frozen=True)
class OrgView:
    """The caller's account as moto's Organizations backend sees it."""

    organization_id: str | None = None  # None: in no organization
    management: bool = False
    all_features: bool = True


class OrgFeaturesError(Exception):
    """An error of ListOrganizationsFeatures, by its code (the shape name)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


OrgLookup = Callable[[str], OrgView]
"""The account id of the caller → its standing in moto's Organizations backend."""


class OrgFeaturesStandIn:
    """IAM's side of centralized root access: trusted access and the enabled features."""

    def __init__(self, lookup: OrgLookup | None = None) -> None:
        self._lookup = lookup or (lambda _account: OrgView())
        self._lock = threading.Lock()
        self._trusted = False
        self._features: tuple[str, ...] = ()

    def reset(self) -> None:
        with self._lock:
            self._trusted, self._features = False, ()

    def configure(self, *, trusted_access: bool, features: Iterable[str]) -> None:
        """Set IAM's trusted access in Organizations and the features enabled."""
        chosen = tuple(dict.fromkeys(features))
        unknown = [f for f in chosen if f not in FEATURES]
        if unknown:
            raise ValueError(f"unknown features {unknown}: choose from {FEATURES}")
        with self._lock:
            self._trusted, self._features = bool(trusted_access), chosen

    def list_features(self, account_id: str) -> tuple[str, tuple[str, ...]]:
        """``(OrganizationId, EnabledFeatures)`` for a caller of ``account_id``."""
        view = self._lookup(account_id)
        if view.organization_id is None:
            raise OrgFeaturesError(
                "OrganizationNotFoundException",
                "No organization is associated with your account.",
            )
        if not view.all_features:
            raise OrgFeaturesError(
                "OrganizationNotInAllFeaturesModeException",
                "Your organization does not have All features enabled.",
            )
        if not view.management:
            raise OrgFeaturesError(
                "AccountNotManagementOrDelegatedAdministratorException",
                f"Account {account_id} is not the management account or a delegated "
                "administrator for centralized root access.",
            )
        with self._lock:
            trusted, features = self._trusted, self._features
        if not trusted:
            raise OrgFeaturesError(
                "ServiceAccessNotEnabledException",
                "Trusted access is not enabled for IAM in Organizations.",
            )
        return view.organization_id, features
