"""Sessions that act in another account through an IAM role (an organization's members).

:func:`role_session` wraps the caller's own credentials (profile, keys or boto3's chain)
in botocore's assume-role fetcher, as an assume-role profile does: the role session is
made on first use and renewed before it expires. Its one call, ``sts:AssumeRole``, is
made by a client of the *source* session: counted, sent through the same transport
check, and never refused by ``--read-only`` (making credentials changes nothing).

:func:`share_loader` gives every botocore session of the process one service-model
loader, so a hundred member sessions parse each model once.

Imports botocore only inside the functions (the first frame does not need it).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import boto3
    import botocore.session
    from botocore.config import Config

    from tui.aws.session import Settings

# The RoleSessionName of a member account's role session: CloudTrail shows it.
ROLE_SESSION_NAME = "acct-tui"

_LOADER_LOCK = threading.Lock()
_LOADER: Any = None

CLIENT_LOCK = threading.Lock()
"""Held while a client is made: boto3 and botocore sessions are not safe to make clients
from in several threads at once, and an organization's member sessions share their source's."""


def share_loader(core: botocore.session.Session) -> None:
    """Read botocore's service models through the process's one loader (its cache is per
    loader: a new session would otherwise parse every model again)."""
    global _LOADER
    with _LOADER_LOCK:
        if _LOADER is None:
            _LOADER = core.get_component("data_loader")
        else:
            core.register_component("data_loader", _LOADER)


@functools.cache
def _given_provider() -> Any:
    """A credential provider handing out credentials made elsewhere."""
    from botocore.credentials import CredentialProvider

    class Given(CredentialProvider):
        METHOD = "assume-role"
        CANONICAL_NAME = "acct-tui-role"

        def __init__(self, credentials: Any) -> None:
            super().__init__()
            self._credentials = credentials

        def load(self) -> Any:
            return self._credentials

    return Given


def role_session(
    source_core: botocore.session.Session,
    source: boto3.Session,
    settings: Settings,
    config: Config,
    check_transport: Callable[..., None],
    count: Callable[..., None],
) -> tuple[botocore.session.Session, boto3.Session]:
    """(botocore session, boto3 session) acting through ``settings.role_arn``, assumed with
    ``source``'s credentials; ``settings.external_id`` goes with the AssumeRole call."""
    import boto3
    import botocore.session
    from botocore.credentials import (
        AssumeRoleCredentialFetcher,
        CredentialResolver,
        DeferredRefreshableCredentials,
    )

    assert settings.role_arn is not None
    region = source.region_name or "us-east-1"

    def sts_client(service: str, **kwargs: Any) -> Any:
        with CLIENT_LOCK:
            client = source_core.create_client(
                service,
                region_name=region,
                endpoint_url=settings.endpoint_url,
                config=config,
                **kwargs,
            )
        client.meta.events.register("before-call", count)
        return client

    extra: dict[str, Any] = {"RoleSessionName": ROLE_SESSION_NAME}
    if settings.external_id:
        extra["ExternalId"] = settings.external_id
    fetcher = AssumeRoleCredentialFetcher(
        client_creator=sts_client,
        source_credentials=source.get_credentials(),
        role_arn=settings.role_arn,
        extra_args=extra,
    )
    credentials = DeferredRefreshableCredentials(
        refresh_using=fetcher.fetch_credentials, method="assume-role"
    )
    # The source profile's settings (its endpoint, FIPS, CA bundle, retries) apply here too;
    # its credentials do not: the resolver is replaced below.
    core = botocore.session.Session(profile=source_core.profile)
    share_loader(core)
    core.register("before-send", check_transport)
    resolver = CredentialResolver([_given_provider()(credentials)])
    core.register_component("credential_provider", resolver)
    return core, boto3.Session(botocore_session=core, region_name=region)
