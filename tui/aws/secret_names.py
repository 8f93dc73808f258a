"""Which field names hold a secret: the explicit list, the suffix rules, and the
sensitive members learnt at run time from botocore's models of the credential services.

Names are compared in any spelling botocore uses (``SecretAccessKey``, ``secretAccessKey``,
``x-amz-security-token``, ``aws_secret_access_key``: case, ``-`` and ``_`` do not
matter). :mod:`tui.aws.redact` masks the values of these fields.
"""

from __future__ import annotations

import functools
import threading
from typing import Any

# Secret fields by name (any case; "-" and "_" ignored). The botocore-sensitive members of
# the credential services come first (tests/test_credential_paths.py checks the list
# against the installed botocore).
SECRET_NAMES = (
    # iam
    "Password",
    "NewPassword",
    "OldPassword",
    "SecretAccessKey",
    "ServicePassword",
    "ServiceCredentialSecret",
    "PrivateKey",
    "AddPrivateKey",
    "Base32StringSeed",
    "QRCodePNG",
    # sts
    "SessionToken",
    "WebIdentityToken",
    "SAMLAssertion",
    "TradeInToken",
    "TrustedIdentityPropagationContext",
    "Issuer",
    "Subject",
    "SubjectType",
    "IdentityProvider",  # a map whose values are secret
    # sso: GetRoleCredentials, its bearer-token header and its lower-case answer
    "accessToken",
    "x-amz-sso_bearer_token",
    # sso-oidc: CreateToken, CreateTokenWithIAM, RegisterClient, StartDeviceAuthorization
    "refreshToken",
    "clientSecret",
    "idToken",
    "codeVerifier",
    "deviceCode",
    "assertion",
    "subjectToken",
    # signin
    "token",
    # the MFA codes of EnableMFADevice / ResyncMFADevice and of AssumeRole / GetSessionToken
    "AuthenticationCode1",
    "AuthenticationCode2",
    "TokenCode",
    # request headers and the config and environment spellings of the same secrets
    "X-Amz-Security-Token",
    "SecurityToken",
    "aws_secret_access_key",
    "aws_session_token",
    "aws_security_token",
    "SecretKey",
    # credentials other services' APIs return (EC2 key pairs and VPN, the Account API's
    # one-time password)
    "KeyMaterial",
    "PreSharedKey",
    "PasswordData",
    "Otp",
)
# Names that end like a secret but hold none: pagination and idempotency tokens, and the
# password policy's switch.
NOT_SECRET = (
    "NextToken",
    "PaginationToken",
    "ContinuationToken",
    "ClientToken",
    "IdempotencyToken",
    "AllowUsersToChangePassword",
)
SECRET_SUFFIXES = ("password", "passphrase", "secret", "token")
# The OAuth authorization code (sso-oidc CreateToken's ``code``): only in that spelling,
# since ``Code`` is every AWS error's code.
CASE_SENSITIVE = frozenset({"code"})
# Services whose every "sensitive" member is a credential; learnt at run time.
CREDENTIAL_SERVICES = frozenset({"iam", "sts", "sso", "sso-oidc", "signin"})


def _norm(name: str) -> str:
    return name.replace("-", "").replace("_", "").lower()


_lock = threading.Lock()
_names: set[str] = {_norm(n) for n in SECRET_NAMES}
_not_secret = frozenset(_norm(n) for n in NOT_SECRET)
_learnt_services: set[tuple[str, str | None]] = set()
_generation = 0  # bumped whenever names are learnt


_listed = frozenset(_names)


def is_secret_name(name: str, *, learnt: bool = True) -> bool:
    """True when a field, header or parameter called ``name`` holds a secret.

    ``Tags.member.1.Value`` style names are judged by their last word; case, ``-`` and
    ``_`` do not matter. ``learnt=False`` leaves out the names learnt from botocore's
    models at run time (the explicit list and the suffix rules only).
    """
    return _judge(name, _generation if learnt else -1)


@functools.lru_cache(maxsize=4096)
def _judge(name: str, names_generation: int) -> bool:
    # ``names_generation`` counts the names learnt so far (-1: the listed ones only), so a
    # name learnt later is judged afresh.
    if name in CASE_SENSITIVE:
        return True
    words = [w for w in name.split(".") if w and not w.isdigit()]
    if not words:
        return False
    if len(words) > 1 and all(w.lower() in MAP_WORDS for w in words[1:]):
        words = words[:1]  # Secret.entry.1.value: an entry of a secret map
    key = _norm(words[-1])
    if key in (_names if names_generation >= 0 else _listed):
        return True
    return key not in _not_secret and key.endswith(SECRET_SUFFIXES)


# How the query protocol spells the parts of a map or list parameter.
MAP_WORDS = frozenset({"entry", "key", "value", "member"})


def sensitive_members(service_model: Any) -> set[str]:
    """The names (and wire names) of the members ``service_model`` marks sensitive."""
    names: set[str] = set()
    for shape_name in service_model.shape_names:
        shape = service_model.shape_for(shape_name)
        for member_name, member in getattr(shape, "members", {}).items():
            target = getattr(member, "member", None) or getattr(member, "value", None)
            if member.metadata.get("sensitive") or (
                target is not None and target.metadata.get("sensitive")
            ):
                names.add(member_name)
                wire = member.serialization.get("name")
                if wire:
                    names.add(wire)
    return names


def learn(service_model: Any) -> None:
    """Mask, from now on, every sensitive member of a credential service's model."""
    service = getattr(service_model, "service_name", None)
    if service not in CREDENTIAL_SERVICES:
        return
    key = (service, getattr(service_model, "api_version", None))
    if key in _learnt_services:
        return
    try:
        found = sensitive_members(service_model)
    except Exception:  # noqa: BLE001 - an odd model must not break logging
        found = set()
    global _generation
    with _lock:
        _names.update(_norm(n) for n in found)
        _learnt_services.add(key)
        _generation += 1


def generation() -> int:
    """How many times names were learnt so far: what the patterns built from
    :func:`known_names` are cached by."""
    return _generation


def known_names() -> frozenset[str]:
    """Every secret name known now (listed and learnt), normalised."""
    with _lock:
        return frozenset(_names)
