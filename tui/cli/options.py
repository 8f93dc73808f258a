"""What the command lines share: the option types for --region and --endpoint-url, and
the credentials check made before anything is read.

Imports only the standard library at module level: ``--help`` and usage errors stay fast.
"""

from __future__ import annotations

import argparse
import os
import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from tui.aws.service import AccountService

# ``scheme://user:password@host``: the user info of a URL (an --endpoint-url, or one that
# botocore quotes in a connection error) is never repeated.
_USERINFO = re.compile(r"(?i)\b(https?://)[^/?#@\s\"'<>]*@")


def without_userinfo(text: str) -> str:
    """``text`` with the user info of every http(s) URL in it removed."""
    return _USERINFO.sub(r"\1", text)


NO_CREDENTIALS = (
    "acct-tui: no AWS credentials found (tried environment variables, {where}, "
    "SSO, container and instance metadata). Fix: run `aws configure`, pass "
    "--profile NAME, or try `acct-tui --demo` (no AWS account needed)."
)


# botocore's own rule for a Region name (a DNS label); checked here so a typo is a usage
# error at once instead of a failure in every pane.
_REGION_RE = re.compile(r"[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?")


def region(text: str) -> str:
    if not _REGION_RE.fullmatch(text):
        raise argparse.ArgumentTypeError(f"not a Region name: {text!r} (for example eu-west-1)")
    return text


def endpoint_url(text: str) -> str:
    try:
        parts = urlsplit(text)
        ok = parts.scheme in ("http", "https") and bool(parts.hostname)
        ok = ok and (parts.port is None or parts.port > 0)  # .port raises when out of range
    except ValueError:
        ok = False
    if not ok or not text.isprintable() or any(ch.isspace() for ch in text):
        raise argparse.ArgumentTypeError(
            f"not an http(s) URL: {without_userinfo(text)!r} (for example http://127.0.0.1:5000)"
        )
    return text


def credentials_problem(service: AccountService) -> str | None:
    """Why ``service`` cannot reach AWS (one line for stderr), or None when it can try.

    Keys given outright (``--demo``), or in the environment with no profile named anywhere,
    are what botocore's chain would use first: then botocore is not loaded before the first
    frame (~140 ms). Otherwise the chain runs here, so a missing profile or no credentials
    is a clear line on stderr and not a screen that opens and closes.
    """
    from botocore.exceptions import BotoCoreError

    settings = service.settings
    if settings.access_key_id and settings.secret_access_key:
        return None
    environ = os.environ
    named = settings.profile or environ.get("AWS_PROFILE") or environ.get("AWS_DEFAULT_PROFILE")
    if not named and environ.get("AWS_ACCESS_KEY_ID") and environ.get("AWS_SECRET_ACCESS_KEY"):
        return None
    try:
        if service.has_credentials():
            return None
    except BotoCoreError as exc:
        # ProfileNotFound, a malformed config file, an unknown credential source… The text
        # can quote a credential_process's output or a token: masked like any error text.
        from tui.aws.redact import mask_token_runs, redact

        return f"acct-tui: cannot use the AWS configuration: {mask_token_runs(redact(str(exc)))}"
    where = f"profile {settings.profile!r}" if settings.profile else "~/.aws profiles"
    return NO_CREDENTIALS.format(where=where)
