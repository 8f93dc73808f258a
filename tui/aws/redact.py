"""Keep secrets out of log records, exception texts and anything else shown or written.

botocore logs every request's parameters (``Making request … with params``), the request
it sends (headers included), the canonical request it signs and every response body at
DEBUG. With DEBUG logging on, a CreateLoginProfile password, a CreateAccessKey secret, a
virtual MFA seed, an IAM Identity Center bearer token or the role credentials it buys
would land in the log. :func:`redact` masks them.

What is a secret is decided by the field's *name*, in any spelling botocore uses
(``SecretAccessKey``, ``secretAccessKey``, ``x-amz-security-token``,
``x-amz-sso_bearer_token``, ``aws_secret_access_key``: case, ``-`` and ``_`` do not
matter) and in every encoding botocore logs: Python reprs of dicts and bytes, JSON (also
JSON inside a bytes repr, or escaped inside another string), XML elements, form and query
encoding, ``key: value`` header lines (the canonical request) and AWS's validation
messages (``Value '…' at 'tokenCode'``). The names (:mod:`tui.aws.secret_names`) come
from three places:

- :data:`SECRET_NAMES`, an explicit list: every member botocore's models for iam, sts,
  sso, sso-oidc and signin mark ``"sensitive"`` (a test keeps the list complete against
  the installed botocore), plus the secrets of other services' credential APIs and of the
  AWS config files;
- suffix rules: any name ending in ``password``, ``passphrase``, ``secret`` or ``token``
  (pagination and idempotency tokens excepted, see :data:`NOT_SECRET`);
- at run time, the sensitive members of those credential services' models, learnt from the
  operation model botocore passes to its "Making request" log record, so a field a future
  botocore marks sensitive is masked before its first request is logged.

Other services mark personal data sensitive too (an account's contact name, a tag value);
those are not credentials and keep generic names (``Name``, ``Value``), so they are not
masked. An MFA device's ``SerialNumber`` is not masked: it is the device's ARN, an
identifier listed by IAM and shown in the app, useless without a code.

Every value masked by name is also remembered (in memory, 10 characters or longer), and
from then on masked wherever it shows up, spelt as is, URL-encoded, JSON- or repr-escaped
or in base64: a server that quotes a token back in an error message does not get it into
the log.

Logger filters only see records of their own logger (not of children), and botocore
creates loggers per module, so the redaction sits in the log-record factory instead:
every record is rewritten before any handler sees it, its traceback included, whoever set
the levels and whichever logger logged it.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import json
import logging
import re
import threading
import urllib.parse
from collections.abc import Callable, Iterable
from typing import Any

from tui.aws.secret_names import (
    CASE_SENSITIVE,
    CREDENTIAL_SERVICES,
    MAP_WORDS,
    NOT_SECRET,
    SECRET_NAMES,
    SECRET_SUFFIXES,
    generation,
    is_secret_name,
    known_names,
    learn,
    sensitive_members,
)

__all__ = [
    "CREDENTIAL_SERVICES",
    "MASK",
    "NOT_SECRET",
    "SECRET_NAMES",
    "forget_seen_secrets",
    "install_log_redaction",
    "is_secret_name",
    "learn",
    "mask_token_runs",
    "redact",
    "sensitive_members",
]

MASK = "***"
_lock = threading.Lock()


# -- patterns -------------------------------------------------------------------------------
# A quote, possibly escaped (JSON inside a string, or inside a bytes repr).
_Q = r"\\*['\"]"
# After a string value: what may close it (a separator, a bracket, an outer quote, the end).
_AFTER = r"(?=\s*(?:[,;)}\]]|\\*['\"]|$))"
# A quoted value, escape-aware, ending at the first closing quote followed by a separator
# (so JSON inside a bytes repr, where a quote inside the value shows as \\", is not cut
# short); failing that, ending at the first closing quote.
_QUOTED_VALUE = re.compile(
    rf"""b?(?P<vq>{_Q})(?:(?P<v>(?:\\.|[^\\]){{0,8192}}?)(?P=vq){_AFTER}"""
    rf"""|(?P<v2>(?:\\.|(?!(?P=vq))[^\\])*)(?P=vq))""",
    re.DOTALL,
)
_BARE_VALUE = re.compile(r"(?!//)(?P<v>[^\s'\"<>,;&)}\]]+)")
# A secret structure or map in a Python or JSON mapping (flat: its members are strings).
_FLAT_MAP = re.compile(r"(?P<v>\{[^{}]{0,8192}\})")
_XML_TEXT = re.compile(r"(?P<v>[^<]*)")


@functools.lru_cache(maxsize=256)
def _xml_element(key: str) -> tuple[re.Pattern[str], ...]:
    # Everything up to the element's end, nested elements too (a secret map or structure).
    # The end tag may carry a namespace prefix and spaces (</iam:Key >) like the start tag.
    end = rf"</(?:[A-Za-z0-9_.\-]+:)?{re.escape(key)}\s*>"
    return (re.compile(rf"(?P<v>(?:(?!{end})[\s\S]){{0,65536}})(?={end})"), _XML_TEXT)


def _fixed(*patterns: re.Pattern[str]) -> Callable[[str], tuple[re.Pattern[str], ...]]:
    return lambda _key: patterns


@functools.lru_cache(maxsize=4)
def _heads(
    names_generation: int,
) -> tuple[tuple[re.Pattern[str], Callable[[str], tuple[re.Pattern[str], ...]]], ...]:
    """The patterns that find a field's name, each with how its value is spelt.

    A name only matches when it ends like a secret name could (in its last three
    characters), so the common names are skipped inside the regular expression engine;
    :func:`is_secret_name` decides on the rest.
    """
    names = known_names()
    tails = {n[-3:] for n in names} | {s[-3:] for s in SECRET_SUFFIXES}
    tails |= {w[-3:] for w in MAP_WORDS} | {n[-3:] for n in CASE_SENSITIVE}
    tail = "|".join(re.escape(t) for t in sorted(tails))
    key = rf"[A-Za-z0-9_.\-]{{1,128}}+(?<=(?i:{tail}))"
    plain_key = rf"[A-Za-z0-9_\-]{{1,128}}+(?<=(?i:{tail}))"
    return (
        # Python/JSON mapping: 'Password': 'x', "secretAccessKey":"x", 'QRCodePNG': b'..',
        # {\"sessionToken\": \"x\"}
        (
            re.compile(rf"(?P<q>{_Q})(?P<key>{key})(?P=q)\s*:\s*"),
            _fixed(_QUOTED_VALUE, _FLAT_MAP),
        ),
        # XML element: <SecretAccessKey>x</SecretAccessKey>
        # (also with a namespace prefix, attributes or spaces: <iam:Key xmlns="…" >)
        (re.compile(rf"<(?:[A-Za-z0-9_.\-]+:)?(?P<key>{key})(?:\s[^<>]*)?>"), _xml_element),
        # Form, query and URL encoding, and "key = value" lines: Password=x&…,
        # X-Amz-Security-Token=x, aws_secret_access_key = x
        (
            re.compile(rf"(?<![A-Za-z0-9_.\-])(?P<key>{key})[ \t]*=[ \t]*"),
            _fixed(_QUOTED_VALUE, _BARE_VALUE),
        ),
        # Header lines ("x-amz-security-token:x" in the canonical request) and "key: value"
        # lines: at a line's start, or right after a delimiter. Not mid-sentence ("set
        # their own password: iam:AttachUserPolicy failed" names no secret).
        (
            re.compile(rf"(?:(?<=^)|(?<=[\n\r{{,;(&?|]))[ \t]*(?P<key>{plain_key}):[ \t]*"),
            _fixed(_QUOTED_VALUE, _BARE_VALUE),
        ),
    )


# AWS's validation messages quote the value before the field's name.
_VALIDATION = re.compile(
    r"(?i)(?P<head>\bvalue ')(?P<v>[^\n]{0,4096}?)(?P<tail>' at '(?P<key>[\w.\-]+)')"
)
_BEARER = re.compile(r"(?P<head>\bBearer\s+)(?P<v>[A-Za-z0-9._~+/=:\-]{8,})")


def _mask_values(
    text: str,
    head: re.Pattern[str],
    values: Callable[[str], tuple[re.Pattern[str], ...]],
) -> str:
    out: list[str] = []
    pos = 0
    for match in head.finditer(text):
        start = match.end()
        key = match.group("key")
        if match.start() < pos or not is_secret_name(key):
            continue
        for value_re in values(key):
            value = value_re.match(text, start)
            if value is None:
                continue
            group = "v" if value.group("v") is not None else "v2"
            if value.group(group) is None:
                continue
            secret = value.group(group)
            if not secret or secret == MASK:
                break
            if secret[:1] not in {"{", "<"}:
                _remember(secret)
            out.append(text[pos : value.start(group)])
            out.append(MASK)
            pos = value.end(group)
            break
    if not out:
        return text
    out.append(text[pos:])
    return "".join(out)


def redact(text: str) -> str:
    """``text`` with the value of every secret field replaced by ``***``, and every secret
    seen before masked wherever it appears."""
    for head, values in _heads(generation()):
        text = _mask_values(text, head, values)

    def validation(match: re.Match[str]) -> str:
        if not is_secret_name(match.group("key")) or not match.group("v"):
            return match.group(0)
        _remember(match.group("v"))
        return match.group("head") + MASK + match.group("tail")

    def bearer(match: re.Match[str]) -> str:
        _remember(match.group("v"))
        return match.group("head") + MASK

    text = _VALIDATION.sub(validation, text)
    text = _BEARER.sub(bearer, text)
    seen = _seen_re
    if seen is not None:
        text = seen.sub(MASK, text)
    return text


# -- secrets seen before -------------------------------------------------------------------
_MIN_REMEMBERED = 10
_MAX_REMEMBERED = 512  # spellings
_remembered: dict[str, None] = {}
_seen_re: re.Pattern[str] | None = None


def _spellings(secret: str) -> set[str]:
    values = {secret}
    if "%" in secret or "+" in secret:
        values.add(urllib.parse.unquote_plus(secret))
    if "\\" in secret:
        with contextlib.suppress(ValueError):
            values.add(json.loads(f'"{secret}"'))
        values.add(secret.replace("\\\\", "\\").replace("\\'", "'").replace('\\"', '"'))
    forms: set[str] = set()
    for value in values:
        forms |= {
            value,
            urllib.parse.quote(value, safe=""),
            urllib.parse.quote_plus(value),
            json.dumps(value)[1:-1],
            repr(value)[1:-1],
            base64.b64encode(value.encode()).decode(),
        }
    return {f for f in forms if len(f) >= _MIN_REMEMBERED and f != MASK}


def _remember(secret: str) -> None:
    global _seen_re
    if len(secret) < _MIN_REMEMBERED:
        return
    forms = _spellings(secret)
    with _lock:
        new = [f for f in forms if f not in _remembered]
        if not new:
            return
        for form in new:
            _remembered[form] = None
        while len(_remembered) > _MAX_REMEMBERED:
            del _remembered[next(iter(_remembered))]
        ordered = sorted(_remembered, key=len, reverse=True)
        _seen_re = re.compile("|".join(re.escape(f) for f in ordered))


def forget_seen_secrets() -> None:
    """Drop the secrets remembered so far (tests start from a clean slate)."""
    global _seen_re
    with _lock:
        _remembered.clear()
        _seen_re = None


def _learn_from_args(args: Iterable[Any]) -> None:
    for arg in args:
        service_model = getattr(arg, "service_model", None)
        if service_model is not None and hasattr(arg, "input_shape"):
            learn(service_model)


# -- log records ---------------------------------------------------------------------------
_installed = False
_format_exception: Callable[[Any], str] = logging.Formatter().formatException


def _clean_record(record: logging.LogRecord) -> None:
    if isinstance(record.args, tuple):
        _learn_from_args(record.args)
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001 - a broken record is logging's business
        return
    cleaned = redact(message)
    if cleaned != message:
        record.msg, record.args = cleaned, None
    if record.exc_info and record.exc_info[0] is not None and not record.exc_text:
        record.exc_text = redact(_format_exception(record.exc_info))
    if record.stack_info:
        record.stack_info = redact(record.stack_info)


def install_log_redaction() -> None:
    """Wrap the log-record factory (once per process) so every record is redacted.

    The previous factory is kept and called first, so other customisations still work.
    """
    global _installed
    with _lock:
        if _installed:
            return
        previous = logging.getLogRecordFactory()

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            _clean_record(record)
            return record

        logging.setLogRecordFactory(factory)
        _installed = True


# -- text that may quote a token without naming it -----------------------------------------
_TOKEN_RUN = re.compile(r"[A-Za-z0-9+/=_:\-]{20,}")


def mask_token_runs(text: str) -> str:
    """``text`` with every token-shaped run masked: 20 or more characters of the base64,
    URL-safe base64 and JWT alphabets mixing upper case, lower case and digits.

    For texts that come from the sign-in path (a credential_process's error output, an
    IAM Identity Center or OIDC error), where a token may be quoted without a name. Not
    for AWS's other messages: an assumed-role ARN looks the same.
    """

    def mask(match: re.Match[str]) -> str:
        run = match.group(0)
        classes = (str.isupper, str.islower, str.isdigit)
        return MASK if all(any(test(c) for c in run) for test in classes) else run

    return _TOKEN_RUN.sub(mask, text)
