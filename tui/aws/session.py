"""One boto3 session per run: clients, retries, timeouts, a call counter, read-only guard."""

from __future__ import annotations

import os
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tui.aws.actions import action_name
from tui.aws.actions import is_read_operation as is_read_operation  # re-exported: old home
from tui.aws.errors import (
    InsecureTransportRefused,
    MfaTokenRequired,
    ReadOnlyRefused,
    refuse_unreadable_json,
)
from tui.aws.org_permissions import ORG_READ_ACTIONS
from tui.aws.permissions import READ_ACTIONS
from tui.aws.redact import install_log_redaction
from tui.aws.role_session import CLIENT_LOCK

if TYPE_CHECKING:
    import boto3
    import botocore.session
    from mypy_boto3_accessanalyzer import AccessAnalyzerClient
    from mypy_boto3_account import AccountClient
    from mypy_boto3_ec2 import EC2Client
    from mypy_boto3_iam import IAMClient
    from mypy_boto3_organizations import OrganizationsClient
    from mypy_boto3_sso_admin import SSOAdminClient
    from mypy_boto3_sts import STSClient

# What --read-only lets through: exactly the read flows' actions of tui/aws/permissions.py
# (the list the read policy is generated from), keyed by service and operation. Everything
# else is refused at the wire (botocore's before-call event of every client acct-tui
# builds), so no code path can slip past it, and no name pattern can let in a "read" that
# hands out secrets or credentials (sts:GetSessionToken, ec2:GetPasswordData). A new read
# the code makes fails under --read-only until it is added to that list.
#
# The credential chain is not in it because it never passes here: botocore's providers
# (assume-role, web identity, SSO) call STS/SSO through clients of their own, made from
# the botocore session, whose event hooks are not these (see tests/test_read_only.py).
READ_ONLY_ALLOWED: frozenset[str] = frozenset((*READ_ACTIONS, *ORG_READ_ACTIONS))

_CONFIGURED_ENDPOINT = "AWS_ENDPOINT_URL*, or a profile's endpoint_url or [services]"


def read_only_allows(action: str) -> bool:
    """True when ``--read-only`` lets ``action`` (``iam:ListUsers``) reach AWS."""
    return action in READ_ONLY_ALLOWED


@dataclass(frozen=True)
class Settings:
    """How to reach AWS: the command line's choices, plus explicit keys for the demo."""

    profile: str | None = None
    region: str | None = None
    endpoint_url: str | None = None
    read_only: bool = False
    access_key_id: str | None = None
    # A real secret once the guide switches to a keyring key: never in a repr or a log.
    secret_access_key: str | None = field(default=None, repr=False)
    demo: bool = False
    # Seconds to wait for an answer before botocore gives up on an attempt (and retries).
    read_timeout: float = 20.0
    # --allow-insecure-endpoint: plain http may go to another machine (else refused at
    # the wire, whatever chose the endpoint: see AwsSession._check_transport).
    allow_insecure_endpoint: bool = False
    # A member account of an organization: act through this role, assumed with the
    # credentials above (profile, keys or chain) and renewed before it expires.
    role_arn: str | None = None
    external_id: str | None = field(default=None, repr=False)


class CallCounter:
    """Counts API calls by ``service:Operation``, HTTP attempts (retries included), and the
    calls ``--read-only`` refused.

    Thread-safe: workers call AWS concurrently.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: Counter[str] = Counter()
        self._attempts: Counter[str] = Counter()
        self._refused: Counter[str] = Counter()

    def record_call(self, action: str) -> None:
        with self._lock:
            self._calls[action] += 1

    def record_attempt(self, action: str) -> None:
        with self._lock:
            self._attempts[action] += 1

    def record_refused(self, action: str) -> None:
        with self._lock:
            self._refused[action] += 1

    def calls(self) -> Counter[str]:
        """A copy of the calls made so far, by action."""
        with self._lock:
            return Counter(self._calls)

    def attempts(self) -> Counter[str]:
        """A copy of the HTTP attempts made so far (retries included), by action."""
        with self._lock:
            return Counter(self._attempts)

    def refused(self) -> Counter[str]:
        """A copy of the calls ``--read-only`` refused before sending, by action."""
        with self._lock:
            return Counter(self._refused)

    def total(self) -> int:
        with self._lock:
            return sum(self._calls.values())

    def reset(self) -> None:
        with self._lock:
            self._calls.clear()
            self._attempts.clear()
            self._refused.clear()


class AwsSession:
    """Builds each client once, all sharing retry/timeout settings and the counter.

    The MFA prompter of assume-role profiles is replaced: botocore would call
    ``getpass`` on the raw terminal, under Textual. Instead a missing token raises
    :class:`MfaTokenRequired`; the UI asks for it and calls :meth:`set_mfa_token`.
    """

    def __init__(self, settings: Settings, source: AwsSession | None = None) -> None:
        """``source``: another account's session whose credentials this one starts from
        (an organization's member: through ``settings.role_arn``; the caller's own account
        read again: the same credentials, no role). Its MFA code, if its profile asked for
        one, is not asked again."""
        # botocore logs request parameters and response bodies at DEBUG: mask secrets.
        install_log_redaction()
        from botocore.config import Config

        self._source = source
        self.settings = settings
        self.counter = CallCounter()
        self._lock = threading.Lock()
        self._clients: dict[str, Any] = {}
        self._mfa_token: str | None = None
        self._config = Config(
            retries={"mode": "standard", "total_max_attempts": 3},
            connect_timeout=5,
            read_timeout=settings.read_timeout,
            user_agent_extra="acct-tui",
        )
        self._core, self._session = self._new_session()

    def _new_session(self) -> tuple[botocore.session.Session, boto3.Session]:
        """A botocore session and the boto3 session over it (kept both: boto3 offers no
        public way back to the botocore one, whose ``full_config`` the guards read)."""
        import boto3
        import botocore.session

        from tui.aws.role_session import role_session, share_loader

        if self._source is not None:
            core, session = self._source.sessions()
            if self.settings.role_arn is None:
                return core, session
            return role_session(
                core, session, self.settings, self._config, self._check_transport, self._count_only
            )
        core = botocore.session.Session(profile=self.settings.profile)
        share_loader(core)
        # On the session, not per client: the credential chain's own clients (assume-role,
        # SSO) are made from it and get the check too.
        core.register("before-send", self._check_transport)
        self._install_mfa_prompter(core)
        session = boto3.Session(
            botocore_session=core,
            region_name=self.settings.region,
            aws_access_key_id=self.settings.access_key_id,
            aws_secret_access_key=self.settings.secret_access_key,
        )
        if self.settings.role_arn is None:
            return core, session
        return role_session(
            core, session, self.settings, self._config, self._check_transport, self._count_only
        )

    def sessions(self) -> tuple[botocore.session.Session, boto3.Session]:
        """(botocore session, boto3 session) this one makes its clients from (another
        account's session through a role starts from them)."""
        return self._core, self._session

    def _count_only(self, model: Any, **_: Any) -> None:
        """The credential chain's own calls (sts:AssumeRole) are counted, never refused:
        making credentials changes nothing in any account."""
        self.counter.record_call(self._action(model))

    # -- credentials -------------------------------------------------------------------
    def _install_mfa_prompter(self, core: botocore.session.Session) -> None:
        resolver = core.get_component("credential_provider")
        provider = resolver.get_provider("assume-role")
        if provider is not None:
            # botocore exposes no public setter; the attribute is part of its
            # long-standing constructor contract (``prompter=getpass.getpass``).
            provider._prompter = self._prompt_mfa

    def _prompt_mfa(self, prompt: str) -> str:
        token, self._mfa_token = self._mfa_token, None
        if token is None:
            raise MfaTokenRequired(prompt.strip())
        return token

    def set_mfa_token(self, token: str) -> None:
        """Supply the MFA code the assume-role profile asked for; used once.

        botocore's MFA refresher runs only once per credential object, and the failed
        attempt used it up, so the session and its clients are built afresh.
        """
        with self._lock:
            self._mfa_token = token
            self._core, self._session = self._new_session()
            self._clients.clear()

    def has_credentials(self) -> bool:
        """True when boto3's chain finds credentials (without calling AWS)."""
        return self._session.get_credentials() is not None

    def source_key_ids(self) -> frozenset[str]:
        """Long-term access key ids this session's credentials are made from.

        A profile with ``role_arn`` signs with the role's temporary keys, made from its
        ``source_profile``'s keys (followed down the chain) or, with ``credential_source =
        Environment``, from ``AWS_ACCESS_KEY_ID``. Deleting such a key cripples acct-tui
        although the caller ARN names the role. Empty when there is no such profile.
        """
        try:
            core = self._core
            profiles = core.full_config.get("profiles", {})
            name = self.settings.profile or core.profile or "default"
        except Exception:  # noqa: BLE001 - a config botocore cannot read: nothing to add
            return frozenset()
        keys: set[str] = set()
        seen: set[str] = set()
        while name and name not in seen and isinstance(profiles.get(name), dict):
            seen.add(name)
            profile = profiles[name]
            if key := profile.get("aws_access_key_id"):
                keys.add(str(key))
            source = str(profile.get("credential_source", "")).lower()
            if source == "environment" and (key := os.environ.get("AWS_ACCESS_KEY_ID")):
                keys.add(key)
            if not profile.get("role_arn"):
                break
            name = profile.get("source_profile")
        return frozenset(keys)

    def signing_key_id(self) -> str | None:
        """The access key id this session signs with (``None`` when it cannot be known).

        May run the credential chain (an assume-role refresh): call it off the UI thread.
        """
        try:
            credentials = self._session.get_credentials()
            if credentials is None:
                return None
            key: str | None = credentials.get_frozen_credentials().access_key
            return key
        except Exception:  # noqa: BLE001 - unknown; the guards treat it as such
            return None

    @property
    def region(self) -> str:
        return self._session.region_name or "us-east-1"

    # -- clients -----------------------------------------------------------------------
    def _client(self, service: str, region: str | None = None) -> Any:
        key = f"{service}@{region or ''}"
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                with CLIENT_LOCK:  # sessions may share one botocore session (see __init__)
                    client = self._session.client(
                        service,  # type: ignore[call-overload]
                        region_name=region or self.region,
                        endpoint_url=self.settings.endpoint_url,
                        config=self._config,
                    )
                events = client.meta.events
                events.register("before-call", self._before_call)
                events.register("before-send", self._before_send)
                # A 200 whose JSON body is garbled is unreadable, not an empty answer.
                events.register("before-parse", refuse_unreadable_json)
                self._clients[key] = client
            return client

    def iam(self) -> IAMClient:
        # IAM and the Account API are global; both live in us-east-1 in the aws partition.
        client: IAMClient = self._client("iam", "us-east-1")
        return client

    def sts(self) -> STSClient:
        client: STSClient = self._client("sts")
        return client

    def ec2(self) -> EC2Client:
        client: EC2Client = self._client("ec2")
        return client

    def account(self) -> AccountClient:
        client: AccountClient = self._client("account", "us-east-1")
        return client

    def access_analyzer(self, region: str) -> AccessAnalyzerClient:
        """IAM Access Analyzer is regional: one client per Region."""
        client: AccessAnalyzerClient = self._client("accessanalyzer", region)
        return client

    def organizations(self) -> OrganizationsClient:
        """AWS Organizations (global: its endpoint is in us-east-1 in the aws partition)."""
        client: OrganizationsClient = self._client("organizations", "us-east-1")
        return client

    def assume(self) -> None:
        """Make the role session now (a session with ``role_arn``), so that a role that
        cannot be assumed fails here, as ``sts:AssumeRole``, not in the first read."""
        credentials = self._session.get_credentials()
        if credentials is not None:
            credentials.get_frozen_credentials()

    def close(self) -> None:
        """Close every client's connections (a member account read once)."""
        with self._lock:
            clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            client.close()

    def sso_admin(self) -> SSOAdminClient:
        """IAM Identity Center's admin API, in the session's Region."""
        client: SSOAdminClient = self._client("sso-admin")
        return client

    # -- event hooks ---------------------------------------------------------------------
    @staticmethod
    def _action(model: Any) -> str:
        return action_name(model.service_model.service_name, model.name)

    def _before_call(self, model: Any, **_: Any) -> None:
        action = self._action(model)
        if self.settings.read_only and not read_only_allows(action):
            self.counter.record_refused(action)
            raise ReadOnlyRefused(action)
        self.counter.record_call(action)

    def _check_transport(self, **kwargs: Any) -> None:
        """Refuse a request that would cross the network as plain http (tui/support/transport.py).

        Checked on the URL being sent, so an endpoint from ``AWS_ENDPOINT_URL*``, a
        profile's ``endpoint_url`` or ``[services]`` section, or an http proxy on another
        host is held to the command line's rule. The URL's host as urllib3 reads it (it
        makes the connection) is checked too.
        """
        if self.settings.allow_insecure_endpoint:
            return
        from botocore.utils import get_environ_proxies
        from urllib3.util import parse_url

        from tui.support import transport

        url = str(kwargs["request"].url)
        host = transport.insecure_host(url)
        if host is None and url[:5].lower() == "http:":
            connects_to = parse_url(url).host or ""  # (urllib3 makes the connection)
            host = None if transport.is_loopback_host(connects_to) else connects_to or "?"
        if host is not None:
            given = transport.insecure_host(self.settings.endpoint_url) is not None
            source = "--endpoint-url" if given else _CONFIGURED_ENDPOINT
        else:
            proxy = get_environ_proxies(url).get("http")
            host = transport.cleartext_host(url, proxy)
            source = "the http proxy (HTTP_PROXY)"
        if host is not None:
            raise InsecureTransportRefused(host=host, source=source)

    def _before_send(self, event_name: str, **_: Any) -> None:
        # event_name is "before-send.<service-id>.<Operation>", once per HTTP attempt.
        service, operation = event_name.split(".", 2)[1:]
        self.counter.record_attempt(action_name(service, operation))
