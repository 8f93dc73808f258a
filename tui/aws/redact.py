"""Keep secrets out of log records.

botocore logs every request's parameters (``Making request … with params``) and every
response body at DEBUG, so with DEBUG logging on, a CreateLoginProfile password, a
CreateAccessKey secret or a virtual MFA seed would land in the log. Logger filters only
see records of their own logger (not of children), and botocore creates loggers per
module, so the redaction sits in the log-record factory instead: every record whose
logger belongs to the AWS stack is rewritten before any handler sees it, whoever set the
levels and whichever logger logged it.
"""

from __future__ import annotations

import logging
import re
import threading
from typing import Any

# Parameter and response fields that carry secrets, in any IAM/STS call.
SECRET_FIELDS = (
    "Password",
    "NewPassword",
    "OldPassword",
    "SecretAccessKey",
    "SessionToken",
    "Base32StringSeed",
    "QRCodePNG",
    "ServicePassword",
    "PrivateKey",
    "AuthenticationCode1",
    "AuthenticationCode2",
)
# Request headers that carry a secret (matched case-insensitively): botocore logs every
# request's headers, and the lower-cased canonical request it signs, at DEBUG.
# (Authorization carries the access key id and a signature: neither is a secret.)
SECRET_HEADERS = ("X-Amz-Security-Token",)
MASK = "***"
# Loggers of the AWS stack (and ours), by top-level name.
REDACTED_LOGGERS = ("botocore", "boto3", "urllib3", "s3transfer", "moto", "werkzeug", "tui")

_FIELDS = "|".join(SECRET_FIELDS)
_HEADERS = "|".join(re.escape(h) for h in SECRET_HEADERS)
_QUOTED = r"""b?'(?:[^'\\]|\\.)*'|b?"(?:[^"\\]|\\.)*\""""
_PATTERNS = (
    # Python/JSON mapping: 'Password': 'x', "SecretAccessKey": "x", 'QRCodePNG': b'..'
    re.compile(rf"""(?P<head>(?P<q>['"])(?:{_FIELDS})(?P=q)\s*:\s*)(?:{_QUOTED})"""),
    # XML element: <SecretAccessKey>x</SecretAccessKey>
    re.compile(rf"(?P<head><(?P<tag>{_FIELDS})>)[^<]*(?=</(?P=tag)>)"),
    # Form/query encoding: Password=x&…
    re.compile(rf"(?P<head>(?<![A-Za-z0-9_])(?:{_FIELDS})=)[^&\s'\"<]*"),
    # Headers: {'X-Amz-Security-Token': b'x'}, the canonical request's
    # "x-amz-security-token:x" line, and presigned URLs' X-Amz-Security-Token=x.
    re.compile(rf"""(?i)(?P<head>(?P<q>['"])(?:{_HEADERS})(?P=q)\s*:\s*)(?:{_QUOTED})"""),
    re.compile(rf"(?i)(?P<head>(?<![\w-])(?:{_HEADERS})[:=]\s*)(?!['\"])[^&\s'\"<]*"),
)


def redact(text: str) -> str:
    """``text`` with the value of every secret field replaced by ``***``."""
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: m.group("head") + _mask(m.group(0), m.group("head")), text)
    return text


def _mask(whole: str, head: str) -> str:
    value = whole[len(head) :]
    if value[:1] in {"'", '"'}:
        return f"{value[0]}{MASK}{value[0]}"
    if value[:2] in {"b'", 'b"'}:
        return f"b{value[1]}{MASK}{value[1]}"
    return MASK


def _is_redacted(name: str) -> bool:
    return name.split(".", 1)[0] in REDACTED_LOGGERS


_lock = threading.Lock()
_installed = False


def install_log_redaction() -> None:
    """Wrap the log-record factory (once per process) so AWS-stack records are redacted.

    The previous factory is kept and called first, so other customisations still work.
    """
    global _installed
    with _lock:
        if _installed:
            return
        previous = logging.getLogRecordFactory()

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            if _is_redacted(record.name):
                try:
                    message = record.getMessage()
                except Exception:  # noqa: BLE001 - a broken record is logging's business
                    return record
                cleaned = redact(message)
                if cleaned != message:
                    record.msg, record.args = cleaned, None
            return record

        logging.setLogRecordFactory(factory)
        _installed = True
