"""AccountService: the one object the app talks to for everything AWS."""

from __future__ import annotations

import threading
from dataclasses import replace
from functools import cached_property
from typing import TYPE_CHECKING, Any

from tui.aws.session import Settings

if TYPE_CHECKING:
    from tui.aws.alias import AliasWriter
    from tui.aws.analyzers import AnalyzerWriter
    from tui.aws.contacts import ContactWriter
    from tui.aws.iam import IamWriter
    from tui.aws.iam.control_fixes import ControlFixPlans
    from tui.aws.mfa import MfaWriter
    from tui.aws.models import Part
    from tui.aws.password_policy import PolicyWriter
    from tui.aws.posture import PostureReader
    from tui.aws.regions import RegionWriter
    from tui.aws.session import AwsSession, CallCounter


class AccountService:
    """Owns the boto3 session and the readers; the app receives one in its constructor.

    Tests build it over moto, a moto_server, or a deliberately failing stand-in.

    Nothing of boto3 is imported or built until first used (from a worker thread, after
    the app's first frame): see README "Performance", start-up.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        report_poll_interval: float = 1.0,
        source: AccountService | None = None,
    ) -> None:
        self.settings = settings
        self._source = source  # whose credentials a member's session starts from
        self._report_poll_interval = report_poll_interval
        self._lock = threading.Lock()
        self._session: AwsSession | None = None
        self._reader: PostureReader | None = None

    @property
    def session(self) -> AwsSession:
        """The boto3 session (built on first use; every part worker shares it)."""
        with self._lock:
            if self._session is None:
                from tui.aws.session import AwsSession

                source = self._source.session if self._source is not None else None
                self._session = AwsSession(self.settings, source)
            return self._session

    def close(self) -> None:
        """Close the session's clients (if it was ever made)."""
        with self._lock:
            session = self._session
        if session is not None:
            session.close()

    @property
    def reader(self) -> PostureReader:
        session = self.session
        with self._lock:
            if self._reader is None:
                from tui.aws.posture import PostureReader

                self._reader = PostureReader(session, poll_interval=self._report_poll_interval)
            return self._reader

    @property
    def read_only(self) -> bool:
        return self.settings.read_only

    @property
    def counter(self) -> CallCounter:
        return self.session.counter

    def has_credentials(self) -> bool:
        return self.session.has_credentials()

    def signing_key_id(self) -> str | None:
        """The access key id acct-tui signs with (off the UI thread: may refresh)."""
        return self.session.signing_key_id()

    def source_key_ids(self) -> frozenset[str]:
        """Long-term key ids an assume-role profile makes acct-tui's credentials from."""
        return self.session.source_key_ids()

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
            role_arn=None,  # the key's own user (in a member's console too), not the role
            external_id=None,
        )
        return AccountService(settings, report_poll_interval=self._report_poll_interval)

    def through_role(self, role_arn: str | None, external_id: str | None = None) -> AccountService:
        """A new service acting through ``role_arn``, assumed with this service's
        credentials (already made: an MFA code is not asked again), or, with None, one
        acting as this one does, with its own clients and call counter. The endpoint,
        Region and --read-only stay as they are."""
        settings = replace(self.settings, role_arn=role_arn, external_id=external_id)
        return AccountService(
            settings, report_poll_interval=self._report_poll_interval, source=self
        )

    @cached_property
    def writer(self) -> IamWriter:
        """IAM changes (users, groups, access keys) as reported plans, on this session."""
        from tui.aws.iam import IamWriter

        return IamWriter(self.session)

    @cached_property
    def mfa(self) -> MfaWriter:
        """Virtual MFA enrollment and removal, and root access-key deletion."""
        from tui.aws.mfa import MfaWriter

        return MfaWriter(self.session)

    @cached_property
    def policy_writer(self) -> PolicyWriter:
        """Sets the account password policy (always every field)."""
        from tui.aws.password_policy import PolicyWriter

        return PolicyWriter(self.session)

    @cached_property
    def regions_writer(self) -> RegionWriter:
        """Opt-in Region status, enable and disable (Account API)."""
        from tui.aws.regions import RegionWriter

        return RegionWriter(self.session)

    @cached_property
    def alias_writer(self) -> AliasWriter:
        """Sets, replaces and deletes the account alias."""
        from tui.aws.alias import AliasWriter

        return AliasWriter(self.session)

    @cached_property
    def analyzers_writer(self) -> AnalyzerWriter:
        """Creates IAM Access Analyzer analyzers (one per Region) as a plan."""
        from tui.aws.analyzers import AnalyzerWriter

        return AnalyzerWriter(self.session)

    @cached_property
    def contacts_writer(self) -> ContactWriter:
        """The security alternate contact (Account API), as a plan."""
        from tui.aws.contacts import ContactWriter

        return ContactWriter(self.session)

    @cached_property
    def control_fixes(self) -> ControlFixPlans:
        """The support-role and expired-certificate plans (IAM)."""
        from tui.aws.iam.control_fixes import ControlFixPlans

        return ControlFixPlans(self.session)
