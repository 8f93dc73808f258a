"""AccountService: the one object the app talks to for everything AWS."""

from __future__ import annotations

from dataclasses import replace
from functools import cached_property
from typing import Any

from tui.aws.alias import AliasWriter
from tui.aws.iam import IamWriter
from tui.aws.mfa import MfaWriter
from tui.aws.models import Part
from tui.aws.password_policy import PolicyWriter
from tui.aws.posture import PostureReader
from tui.aws.regions import RegionWriter
from tui.aws.session import AwsSession, CallCounter, Settings


class AccountService:
    """Owns the boto3 session and the readers; the app receives one in its constructor.

    Tests build it over moto, a moto_server, or a deliberately failing stand-in.
    """

    def __init__(self, settings: Settings, *, report_poll_interval: float = 1.0) -> None:
        self.settings = settings
        self.session = AwsSession(settings)
        self.reader = PostureReader(self.session, poll_interval=report_poll_interval)

    @property
    def read_only(self) -> bool:
        return self.settings.read_only

    @property
    def counter(self) -> CallCounter:
        return self.session.counter

    def has_credentials(self) -> bool:
        return self.session.has_credentials()

    def read_part(self, name: str) -> Part[Any]:
        """Read one part of the posture (blocking: call it from a thread worker)."""
        return self.reader.read_part(name)

    def set_mfa_token(self, token: str) -> None:
        self.session.set_mfa_token(token)

    def signed_with(self, access_key_id: str, secret_access_key: str) -> AccountService:
        """A new service signing with this access key instead of the profile or chain.

        The endpoint, Region and --read-only stay as they are: only who acts changes.
        """
        settings = replace(
            self.settings,
            profile=None,
            access_key_id=access_key_id,
            secret_access_key=secret_access_key,
        )
        return AccountService(settings, report_poll_interval=self.reader.poll_interval)

    @cached_property
    def writer(self) -> IamWriter:
        """IAM changes (users, groups, access keys) as reported plans, on this session."""
        return IamWriter(self.session)

    @cached_property
    def mfa(self) -> MfaWriter:
        """Virtual MFA enrollment and removal, and root access-key deletion."""
        return MfaWriter(self.session)

    @cached_property
    def policy_writer(self) -> PolicyWriter:
        """Sets the account password policy (always every field)."""
        return PolicyWriter(self.session)

    @cached_property
    def regions_writer(self) -> RegionWriter:
        """Opt-in Region status, enable and disable (Account API)."""
        return RegionWriter(self.session)

    @cached_property
    def alias_writer(self) -> AliasWriter:
        """Sets, replaces and deletes the account alias."""
        return AliasWriter(self.session)
