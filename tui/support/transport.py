"""Where AWS calls go: plain http is for this machine only.

acct-tui's responses carry secrets (a new user's password, a new access key's secret, an
MFA seed) and every request carries a signature over its content. Over plain http they
cross the network readable by anyone on the path, so ``--endpoint-url http://…`` is refused
unless the host is a loopback address (127.0.0.0/8, ::1) or ``localhost``, or the person
passes ``--allow-insecure-endpoint``.

The command line's URL is not the only way to an endpoint: botocore also takes one from
``AWS_ENDPOINT_URL`` / ``AWS_ENDPOINT_URL_<SERVICE>``, a profile's ``endpoint_url`` and its
``[services]`` section, and sends plain http through ``HTTP_PROXY``. So the same rule is
checked again on every request, at the wire (:func:`cleartext_host`, called by
``tui.aws.session``): whatever chose the URL, plain http leaves this machine only with the
flag.

Imports only the standard library: ``--help`` and usage errors stay fast.
"""

from __future__ import annotations

import ipaddress
import re
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


def _hosts(url: str) -> list[str]:
    """The hosts ``url`` may connect to, as each parser reads it (user info never kept).

    urlsplit takes the host after the last '@' of everything up to the first '/', '?' or
    '#'; urllib3, which makes botocore's connections, also stops at a '\\'. So
    ``http://evil\\@127.0.0.1/`` is 127.0.0.1 to one and ``evil`` to the other (and
    connects to evil).
    """
    parts = urlsplit(url)
    hosts = [parts.hostname or ""]
    rest = url.split("://", 1)[1] if "://" in url else ""
    hostport = re.split(r"[/?#\\]", rest, maxsplit=1)[0].rpartition("@")[2]
    if hostport.startswith("["):
        host = hostport[1:].partition("]")[0]
    else:
        host = hostport.partition(":")[0]
    hosts.append(host.lower())
    return hosts


def insecure_host(endpoint_url: str | None) -> str | None:
    """The host an ``http://`` endpoint sends to in clear, unless it is this machine;
    None for https, a loopback host or no endpoint. A URL that parsers read as different
    hosts is this machine only if every reading is."""
    if not endpoint_url:
        return None
    try:
        if urlsplit(endpoint_url).scheme.lower() != "http":
            return None
        hosts = _hosts(endpoint_url)
    except ValueError:  # an invalid port or IPv6 literal: not judged loopback
        return endpoint_url.split("://", 1)[-1].rpartition("@")[2]
    return next((h or "(no host)" for h in hosts if not is_loopback_host(h)), None)


def cleartext_host(url: str, proxy: str | None = None) -> str | None:
    """The host that a request to ``url`` reaches over the network in clear, or None.

    ``proxy`` is the proxy the request goes through, if any: a plain http request travels
    to it whole (an https one only as an encrypted tunnel).
    """
    host = insecure_host(url)
    if host is not None or not proxy or urlsplit(url).scheme.lower() != "http":
        return host
    # botocore reads a proxy given without a scheme as http://; its user info is dropped.
    return insecure_host("http://" + proxy.split("://", 1)[-1])


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
