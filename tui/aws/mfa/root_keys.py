"""Root's own access keys: list and delete them, only when signed in as root."""

from __future__ import annotations

import logging
from dataclasses import replace

from tui.aws.errors import AwsFailure, from_exception
from tui.aws.iam.models import AccessKey
from tui.aws.mfa.models import NotRoot, RootKeysFailure
from tui.aws.models import ROOT_REPORT_USER
from tui.aws.writer import IamWriterBase

log = logging.getLogger(__name__)


class RootKeyCalls(IamWriterBase):
    """Root access-key calls of the MFA writer."""

    def _require_root(self) -> str:
        try:
            arn = self.session.sts().get_caller_identity()["Arn"]
        except Exception as exc:  # noqa: BLE001 - reported as data
            raise AwsFailure(from_exception(exc, "sts", "GetCallerIdentity")) from None
        if not arn.endswith(":root"):
            raise NotRoot(
                "Only root can delete root's access keys through the API, and acct-tui is "
                f"signed in as {arn}. Sign in as root, or delete them in the console"
            )
        return arn

    def session_key_id(self) -> str | None:
        """The access key id this session signs with (``None`` when unknown)."""
        return self.session.signing_key_id()

    def list_root_access_keys(self) -> tuple[AccessKey, ...]:
        """Root's own access keys (ListAccessKeys without a user name, as root).

        Raises :class:`NotRoot` (a ValueError) when the caller is not root — there,
        the same call would list the caller's own keys — and :class:`AwsFailure`.
        """
        self._require_root()
        return self._root_keys()

    def _root_keys(self) -> tuple[AccessKey, ...]:
        return tuple(
            AccessKey.from_metadata(ROOT_REPORT_USER, k)
            for k in self._pages("ListAccessKeys", "AccessKeyMetadata")
        )

    def delete_root_access_keys(self) -> tuple[str, ...]:
        """Delete every access key of root; returns the deleted ids.

        Refuses with :class:`NotRoot` (a ValueError) unless the caller is root. The key
        this session signs with, if it is one of them, goes last: after it, this
        session's calls fail. The confirmation is the UI's job. Stops at the first
        failure with :class:`RootKeysFailure` (``deleted`` says what went before).
        """
        self._require_root()
        own = self.session_key_id()
        keys = sorted(self._root_keys(), key=lambda k: k.key_id == own)
        deleted: list[str] = []
        for key in keys:
            try:
                self._call("DeleteAccessKey", {"AccessKeyId": key.key_id})
            except AwsFailure as exc:
                if exc.error.code == "NoSuchEntity":
                    continue
                error = exc.error
                if deleted:
                    error = replace(
                        error,
                        hint=(error.hint + ". " if error.hint else "")
                        + "Already deleted: "
                        + ", ".join(deleted),
                    )
                raise RootKeysFailure(error, tuple(deleted)) from None
            deleted.append(key.key_id)
            log.info("deleted root access key %s", key.key_id)
        return tuple(deleted)
