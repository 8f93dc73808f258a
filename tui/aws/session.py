"""One boto3 session per run: clients, retries, timeouts, a call counter, read-only guard."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tui.aws.errors import (
    MfaTokenRequired,
    ReadOnlyRefused,
    action_name,
    refuse_unreadable_json,
)
from tui.aws.redact import install_log_redaction

if TYPE_CHECKING:
    import boto3
    import botocore.session
    from mypy_boto3_account import AccountClient
    from mypy_boto3_ec2 import EC2Client
    from mypy_boto3_iam import IAMClient
    from mypy_boto3_sts import STSClient

# Operations that only read. Everything else is refused under --read-only, checked at
# the wire (botocore's before-call event), so no code path can slip past it.
_READ_PREFIXES = ("Get", "List", "Describe", "GenerateCredentialReport", "Simulate")


def is_read_operation(operation: str) -> bool:
    """True when ``operation`` (a botocore operation name) does not change anything."""
    return operation.startswith(_READ_PREFIXES)


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

    def __init__(self, settings: Settings) -> None:
        # botocore logs request parameters and response bodies at DEBUG: mask secrets.
        install_log_redaction()
        from botocore.config import Config

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
        self._session = self._new_session()

    def _new_session(self) -> boto3.Session:
        import boto3
        import botocore.session

        core = botocore.session.Session(profile=self.settings.profile)
        self._install_mfa_prompter(core)
        return boto3.Session(
            botocore_session=core,
            region_name=self.settings.region,
            aws_access_key_id=self.settings.access_key_id,
            aws_secret_access_key=self.settings.secret_access_key,
        )

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
            self._session = self._new_session()
            self._clients.clear()

    def has_credentials(self) -> bool:
        """True when boto3's chain finds credentials (without calling AWS)."""
        return self._session.get_credentials() is not None

    @property
    def region(self) -> str:
        return self._session.region_name or "us-east-1"

    # -- clients -----------------------------------------------------------------------
    def _client(self, service: str, region: str | None = None) -> Any:
        key = f"{service}@{region or ''}"
        with self._lock:
            client = self._clients.get(key)
            if client is None:
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

    # -- event hooks ---------------------------------------------------------------------
    @staticmethod
    def _action(model: Any) -> str:
        return action_name(model.service_model.service_name, model.name)

    def _before_call(self, model: Any, **_: Any) -> None:
        action = self._action(model)
        if self.settings.read_only and not is_read_operation(model.name):
            self.counter.record_refused(action)
            raise ReadOnlyRefused(action)
        self.counter.record_call(action)

    def _before_send(self, event_name: str, **_: Any) -> None:
        # event_name is "before-send.<service-id>.<Operation>", once per HTTP attempt.
        service, operation = event_name.split(".", 2)[1:]
        self.counter.record_attempt(action_name(service, operation))
