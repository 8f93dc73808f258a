"""Where AWS calls go: plain http is for this machine only.

acct-tui's responses carry secrets (a new user's password, a new access key's secret, an
MFA seed) and every request carries a signature over its content. Over plain http they
cross the network readable by anyone on the path, so ``--endpoint-url http://…`` is refused
unless the host is a loopback address (127.0.0.0/8, ::1) or ``localhost``, or the person
passes ``--allow-insecure-endpoint``.

Imports only the standard library: ``--help`` and usage errors stay fast.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

ALLOW_FLAG = "--allow-insecure-endpoint"


def is_loopback_host(host: str) -> bool:
    """``localhost``, 127.0.0.0/8 or ::1 (and nothing that merely resolves there)."""
    host = host.strip("[]").lower()
    if host in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def insecure_host(endpoint_url: str | None) -> str | None:
    """The host an ``http://`` endpoint sends to in clear, unless it is this machine;
    None for https, a loopback host or no endpoint."""
    if not endpoint_url:
        return None
    parts = urlsplit(endpoint_url)
    if parts.scheme.lower() != "http":
        return None
    host = parts.hostname or ""
    return None if is_loopback_host(host) else host


def refusal(endpoint_url: str, host: str) -> str:
    """The usage error for a plain-http endpoint to another machine, with the fix."""
    return (
        f"--endpoint-url {endpoint_url} is plain http to {host}, which is not this machine: "
        "requests, their signatures and the secrets AWS returns (new passwords and secret "
        f"keys) would cross the network unencrypted. Fix: use https://, or pass {ALLOW_FLAG} "
        "to accept that (loopback addresses and localhost need neither)."
    )


def warning(host: str) -> str:
    """One line saying what --allow-insecure-endpoint lets through."""
    return (
        f"plain http to {host} ({ALLOW_FLAG}): every request and every secret AWS returns "
        "crosses the network unencrypted."
    )
