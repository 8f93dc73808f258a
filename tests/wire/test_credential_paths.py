"""Secrets on every credential path: each of botocore's credential providers, for real,
with ``--log`` at DEBUG, leaves no secret in the log or in the error texts the app shows.

Each test writes an AWS config in the test's own HOME / AWS_CONFIG_FILE, lets botocore's
own credential chain (through :class:`AccountService`) fetch credentials from a local fake
on 127.0.0.1 (an IAM Identity Center portal and OIDC service, tests/support/fake_idp.py) or from
moto_server's STS, then reads the account (GetCallerIdentity, and
GetAccountAuthorizationDetails) from moto_server. The log file and every error text are
then searched for every secret the path handled: as is, URL-encoded, base64, JSON- and
repr-escaped, and every 8-character piece of it.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import re
import secrets
import sys
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import botocore.credentials
import botocore.session
import botocore.tokens
import pytest
from botocore.model import ServiceModel

from tests.support.fake_idp import (
    ACCOUNT_ID,
    ROLE_NAME,
    FakeSsoPortal,
    secret_value,
    sso_token_cache_file,
)
from tui.aws import redact as redact_module
from tui.aws.errors import AwsFailure
from tui.aws.redact import CREDENTIAL_SERVICES, is_secret_name, redact, sensitive_members
from tui.aws.service import AccountService
from tui.aws.session import Settings
from tui.runtime.workers import failure_text
from tui.support import logfile

pytestmark = [pytest.mark.secrets]

START_URL = "https://acct-tui-test.awsapps.com/start"
MFA_SERIAL = "arn:aws:iam::123456789012:mfa/alice"


# ----------------------------------------------------------------------------- the search
def spellings(secret: str) -> set[str]:
    """How a secret can show up in text, and every 8-character piece of it."""
    forms = {
        secret,
        urllib.parse.quote(secret, safe=""),
        urllib.parse.quote_plus(secret),
        json.dumps(secret)[1:-1],
        repr(secret)[1:-1],
        base64.b64encode(secret.encode()).decode(),
        base64.urlsafe_b64encode(secret.encode()).decode(),
    }
    pieces = {secret[i : i + 8] for i in range(len(secret) - 7)}
    return {f for f in forms if len(f) >= 8} | pieces


def leaks(texts: dict[str, str], named: dict[str, str]) -> list[str]:
    """``where: which secret (spelling)`` for every secret found in any of ``texts``."""
    found = []
    for where, text in texts.items():
        for name, secret in named.items():
            hits = sorted(f for f in spellings(secret) if f in text)
            if hits:
                found.append(f"{where}: {name} ({len(hits)} spellings, e.g. {hits[0]!r})")
    return found


def error_texts(service: AccountService, *parts: Any) -> dict[str, str]:
    """What the app would show for each failed part: the pane's text and a notification's."""
    texts = {}
    for name, part in parts:
        if part.error is not None:
            texts[f"{name} pane"] = part.error.summary()
            texts[f"{name} notification"] = failure_text(AwsFailure(part.error))
    return texts


# ---------------------------------------------------------------------------- fixtures
@pytest.fixture(autouse=True)
def _fresh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A HOME of the test's own; botocore's SSO token cache in it; no stdin prompts."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    # botocore reads the SSO cache directory from HOME when it is imported; a new process
    # with this HOME would look exactly here.
    cache = str(home / ".aws" / "sso" / "cache")
    monkeypatch.setattr(botocore.credentials.SSOProvider, "_SSO_TOKEN_CACHE_DIR", cache)
    monkeypatch.setattr(botocore.tokens.SSOTokenProvider, "_SSO_TOKEN_CACHE_DIR", cache)
    monkeypatch.setattr("getpass.getpass", lambda *a, **k: pytest.fail("prompted on stdin"))
    # Each test proves its own masking, not one remembered from an earlier test.
    redact_module.forget_seen_secrets()
    return home


@pytest.fixture
def config() -> Path:
    """The AWS config file (conftest points AWS_CONFIG_FILE into the test's tmp_path)."""
    return Path(os.environ["AWS_CONFIG_FILE"])


@pytest.fixture
def debug_log(tmp_path: Path) -> Iterator[Path]:
    """What ``acct-tui --log FILE`` sets up, for the length of the test."""
    path = tmp_path / "acct-tui.log"
    level = logging.getLogger().level
    handler = logfile.start(path)
    try:
        yield path
    finally:
        logfile.stop(handler)
        logging.getLogger().setLevel(level)


def read_account(service: AccountService) -> tuple[Any, Any]:
    """GetCallerIdentity and GetAccountAuthorizationDetails, as a refresh makes them."""
    return service.read_part("caller"), service.read_part("details")


def frozen(service: AccountService) -> Any:
    credentials = service.session._session.get_credentials()
    assert credentials is not None
    return credentials


def assert_clean(log: Path, texts: dict[str, str], named: dict[str, str]) -> None:
    found = leaks({"log": log.read_text(), **texts}, named)
    assert found == [], "\n".join(found)


# ------------------------------------------------------------ IAM Identity Center (SSO)
def sso_legacy_profile(config: Path, portal: FakeSsoPortal, monkeypatch: Any) -> None:
    config.write_text(
        "[profile sso]\n"
        f"sso_start_url = {START_URL}\n"
        "sso_region = us-east-1\n"
        f"sso_account_id = {ACCOUNT_ID}\n"
        f"sso_role_name = {ROLE_NAME}\n"
        "region = us-east-1\n"
    )
    # The portal's endpoint, the environment way.
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", portal.url)


@pytest.mark.server
def test_sso_bearer_token_and_role_credentials_stay_out_of_the_log(
    moto_reset: str,
    config: Path,
    debug_log: Path,
    _fresh: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with FakeSsoPortal() as portal:
        sso_legacy_profile(config, portal, monkeypatch)
        sso_token_cache_file(_fresh / ".aws" / "sso" / "cache", portal, start_url=START_URL)
        service = AccountService(Settings(profile="sso", endpoint_url=moto_reset))
        caller, details = read_account(service)
        assert caller.error is None and details.error is None
        assert frozen(service).method == "sso"
        assert frozen(service).get_frozen_credentials().access_key == portal.access_key_id
        # botocore's own SSO provider came to the portal, with the cached token
        (request,) = portal.calls("/federation/credentials")
        assert request.headers["x-amz-sso_bearer_token"] == portal.access_token
    log = debug_log.read_text()
    for evidence in (
        "OperationModel(name=GetRoleCredentials)",
        "'x-amz-sso_bearer_token': '***'",
        '"secretAccessKey": "***"',
        '"sessionToken": "***"',
        "'X-Amz-Security-Token': b'***'",  # the role's session token, signing moto calls
        "x-amz-security-token:***",
        "GetAccountAuthorizationDetails",
    ):
        assert evidence in log, evidence
    named = {
        "SSO access token": portal.access_token,
        "role secret access key": portal.secret_access_key,
        "role session token": portal.session_token,
    }
    assert_clean(debug_log, error_texts(service, ("caller", caller)), named)


@pytest.mark.server
def test_sso_session_token_refresh_keeps_oidc_secrets_out_of_the_log(
    moto_reset: str, config: Path, debug_log: Path, _fresh: Path
) -> None:
    """An [sso-session] profile whose cached token is about to expire: botocore refreshes
    it with sso-oidc CreateToken (client secret and refresh token in, new tokens out)."""
    from datetime import timedelta

    with FakeSsoPortal() as portal:
        # The endpoints, the config-file way: a services section.
        config.write_text(
            "[profile sso]\n"
            "sso_session = corp\n"
            f"sso_account_id = {ACCOUNT_ID}\n"
            f"sso_role_name = {ROLE_NAME}\n"
            "region = us-east-1\n"
            "services = fakes\n"
            "[sso-session corp]\n"
            f"sso_start_url = {START_URL}\n"
            "sso_region = us-east-1\n"
            "sso_registration_scopes = sso:account:access\n"
            "[services fakes]\n"
            f"sso =\n  endpoint_url = {portal.url}\n"
            f"sso_oidc =\n  endpoint_url = {portal.url}\n"
        )
        sso_token_cache_file(
            _fresh / ".aws" / "sso" / "cache",
            portal,
            start_url=START_URL,
            session_name="corp",
            expires_in=timedelta(minutes=5),
        )
        service = AccountService(Settings(profile="sso", endpoint_url=moto_reset))
        caller, details = read_account(service)
        assert caller.error is None and details.error is None
        assert len(portal.calls("/token")) == 1, "botocore refreshed the token here"
        (request,) = portal.calls("/federation/credentials")
        assert request.headers["x-amz-sso_bearer_token"] == portal.refreshed_access_token
    log = debug_log.read_text()
    for evidence in (
        "OperationModel(name=CreateToken)",
        '"clientSecret": "***"',
        '"refreshToken": "***"',
        '"accessToken": "***"',
        "'x-amz-sso_bearer_token': '***'",
    ):
        assert evidence in log, evidence
    assert_clean(debug_log, error_texts(service, ("caller", caller)), portal.secrets())


@pytest.mark.server
@pytest.mark.parametrize("logged", [True, False], ids=["with-log", "without-log"])
def test_a_portal_quoting_the_token_back_gets_it_neither_on_screen_nor_in_the_log(
    moto_reset: str,
    config: Path,
    tmp_path: Path,
    _fresh: Path,
    monkeypatch: pytest.MonkeyPatch,
    logged: bool,
) -> None:
    """GetRoleCredentials refused with a message quoting the bearer token, unnamed."""
    path = tmp_path / "acct-tui.log"
    handler = logfile.start(path) if logged else None
    level = logging.getLogger().level
    try:
        with FakeSsoPortal(echo_token=True) as portal:
            sso_legacy_profile(config, portal, monkeypatch)
            sso_token_cache_file(_fresh / ".aws" / "sso" / "cache", portal, start_url=START_URL)
            service = AccountService(Settings(profile="sso", endpoint_url=moto_reset))
            caller = service.read_part("caller")
            assert len(portal.calls("/federation/credentials")) == 1
    finally:
        if handler is not None:
            logfile.stop(handler)
            logging.getLogger().setLevel(level)
    assert caller.error is not None and caller.error.code == "ForbiddenException"
    texts = error_texts(service, ("caller", caller))
    assert "may not use this role" in texts["caller pane"], texts  # AWS's text is kept
    if logged:
        assert "may not use this role" in path.read_text()
        assert_clean(path, texts, {"SSO access token": portal.access_token})
    else:
        assert leaks(texts, {"SSO access token": portal.access_token}) == []


# -------------------------------------------------------------- web identity (OIDC file)
@pytest.mark.server
def test_web_identity_token_file_stays_out_of_the_log(
    moto_reset: str, config: Path, debug_log: Path, tmp_path: Path
) -> None:
    jwt = ".".join(
        base64.urlsafe_b64encode(part).decode().rstrip("=")
        for part in (
            b'{"alg":"RS256","kid":"test"}',
            json.dumps({"sub": "ci", "nonce": secrets.token_hex(16)}).encode(),
            secrets.token_bytes(64),
        )
    )
    token_file = tmp_path / "oidc-token"
    token_file.write_text(jwt)
    config.write_text(
        "[profile oidc]\n"
        "role_arn = arn:aws:iam::123456789012:role/ci-deploy\n"
        f"web_identity_token_file = {token_file}\n"
        "role_session_name = ci\n"
        "region = us-east-1\n"
        "services = moto\n"
        "[services moto]\n"
        f"sts =\n  endpoint_url = {moto_reset}\n"
    )
    service = AccountService(Settings(profile="oidc", endpoint_url=moto_reset))
    caller, details = read_account(service)
    assert caller.error is None and details.error is None
    assert frozen(service).method == "assume-role-with-web-identity"
    assert ":assumed-role/ci-deploy/ci" in caller.value.arn
    issued = frozen(service).get_frozen_credentials()
    log = debug_log.read_text()
    for evidence in (
        "OperationModel(name=AssumeRoleWithWebIdentity)",
        "'WebIdentityToken': '***'",
        "<SecretAccessKey>***</SecretAccessKey>",
        "<SessionToken>***</SessionToken>",
    ):
        assert evidence in log, evidence
    named = {
        "web identity token": jwt,
        "issued secret access key": issued.secret_key,
        "issued session token": issued.token,
    }
    assert_clean(debug_log, error_texts(service, ("caller", caller)), named)


# ------------------------------------------------------------------- assume role with MFA
@pytest.mark.server
def test_assume_role_mfa_code_and_source_keys_stay_out_of_the_log(
    moto_reset: str, config: Path, debug_log: Path
) -> None:
    source_secret = secret_value("", 30)
    code = f"{secrets.randbelow(900000) + 100000}"
    config.write_text(
        "[profile base]\n"
        "aws_access_key_id = AKIA" + secrets.token_hex(8).upper() + "\n"
        f"aws_secret_access_key = {source_secret}\n"
        "region = us-east-1\n"
        "[profile admin]\n"
        "role_arn = arn:aws:iam::123456789012:role/admin\n"
        "source_profile = base\n"
        f"mfa_serial = {MFA_SERIAL}\n"
        "region = us-east-1\n"
        "services = moto\n"
        "[services moto]\n"
        f"sts =\n  endpoint_url = {moto_reset}\n"
    )
    service = AccountService(Settings(profile="admin", endpoint_url=moto_reset))
    asked = service.read_part("caller")
    # acct-tui's prompt mechanism: the layer asks, the UI answers with set_mfa_token
    assert asked.error is not None and asked.error.code == "MfaTokenRequired"
    assert MFA_SERIAL in asked.error.message  # the serial is an identifier: shown
    service.set_mfa_token(code)
    caller, details = read_account(service)
    assert caller.error is None and details.error is None
    assert ":assumed-role/admin/" in caller.value.arn
    issued = frozen(service).get_frozen_credentials()
    log = debug_log.read_text()
    for evidence in (
        "OperationModel(name=AssumeRole)",
        "'TokenCode': '***'",
        f"'SerialNumber': '{MFA_SERIAL}'",
        "<SecretAccessKey>***</SecretAccessKey>",
    ):
        assert evidence in log, evidence
    named = {
        "source secret access key": source_secret,
        "issued secret access key": issued.secret_key,
        "issued session token": issued.token,
    }
    texts = error_texts(service, ("first caller", asked), ("caller", caller))
    assert_clean(debug_log, texts, named)
    code_re = re.compile(rf"(?<!\d){code}(?!\d)")
    for where, text in {"log": log, **texts}.items():
        assert not code_re.search(text), f"the MFA code is in the {where}"


# ---------------------------------------------------------------------- credential_process
CREDENTIAL_PROCESS = """\
import json, os, sys
document = {
    "Version": 1,
    "AccessKeyId": os.environ["PATHS_KEY_ID"],
    "SecretAccessKey": os.environ["PATHS_SECRET"],
    "SessionToken": os.environ["PATHS_TOKEN"],
}
if os.environ.get("PATHS_FAIL"):
    # A broken helper that dumps what it has on its error output, then fails.
    print("cannot finish; got:", json.dumps(document), file=sys.stderr)
    print(f"aws_session_token = {document['SessionToken']}", file=sys.stderr)
    print(f"raw: {document['SecretAccessKey']}", file=sys.stderr)
    sys.exit(1)
print(json.dumps(document))
"""


def process_profile(
    config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> dict[str, str]:
    script = tmp_path / "credentials.py"
    script.write_text(CREDENTIAL_PROCESS)
    config.write_text(f"[profile process]\ncredential_process = {sys.executable} {script}\n")
    values = {
        "PATHS_KEY_ID": "ASIA" + secrets.token_hex(8).upper(),
        "PATHS_SECRET": secret_value("", 30),
        "PATHS_TOKEN": secret_value("IQoJb3JpZ2luX2VjE", 90),
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return {"process secret": values["PATHS_SECRET"], "process token": values["PATHS_TOKEN"]}


@pytest.mark.server
def test_credential_process_keys_stay_out_of_the_log_and_off_the_screen(
    moto_reset: str,
    config: Path,
    debug_log: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A credential_process that first fails, dumping what it has on its error output,
    then works."""
    named = process_profile(config, tmp_path, monkeypatch)
    monkeypatch.setenv("PATHS_FAIL", "1")
    failing = AccountService(Settings(profile="process", endpoint_url=moto_reset))
    refused = failing.read_part("caller")
    assert refused.error is not None and refused.error.code == "CredentialRetrievalError"
    texts = error_texts(failing, ("failing caller", refused))
    assert "cannot finish" in texts["failing caller pane"], texts  # its words are kept

    monkeypatch.delenv("PATHS_FAIL")
    service = AccountService(Settings(profile="process", endpoint_url=moto_reset))
    caller, details = read_account(service)
    assert caller.error is None and details.error is None
    assert frozen(service).method == "custom-process"
    assert "x-amz-security-token:***" in debug_log.read_text()
    assert_clean(debug_log, texts, named)


# ----------------------------------------------------------------------- the masking itself
# Every secret name the issue lists, in the spellings botocore uses.
NAMES = (
    "x-amz-sso_bearer_token",
    "X-Amz-Security-Token",
    "x-amz-security-token",
    "accessToken",
    "secretAccessKey",
    "sessionToken",
    "SecretAccessKey",
    "SessionToken",
    "refreshToken",
    "clientSecret",
    "idToken",
    "deviceCode",
    "code",
    "codeVerifier",
    "WebIdentityToken",
    "SAMLAssertion",
    "TokenCode",
    "Password",
    "NewPassword",
    "ServicePassword",
    "dbPassword",
    "Base32StringSeed",
    "QRCodePNG",
    "AuthenticationCode1",
    "AuthenticationCode2",
    "aws_secret_access_key",
    "aws_session_token",
    "PrivateKey",
)
NOT_SECRETS = (
    ("<Code>AccessDenied</Code>", "AccessDenied"),
    ("NextToken=page-two-token-abc", "page-two-token-abc"),
    ("'SerialNumber': 'arn:aws:iam::1:mfa/alice-phone'", "arn:aws:iam::1:mfa/alice-phone"),
    ("AllowUsersToChangePassword=true", "AllowUsersToChangePassword=true"),
    ("PasswordResetRequired=false", "PasswordResetRequired=false"),
    ("{'AccessKeyId': 'AKIAEXAMPLE12345678'}", "AKIAEXAMPLE12345678"),
    ('{"tokenType": "Bearer", "expiresIn": 3600}', '"Bearer"'),
)


def encodings(name: str, value: str) -> dict[str, str]:
    """``name`` carrying ``value`` in each form botocore logs."""
    quoted = urllib.parse.quote(value, safe="")
    as_json = json.dumps({name: value, "after": 1})
    return {
        "python dict": repr({"headers": {name: value, "User-Agent": "Boto3"}}),
        "python bytes": repr({name: value.encode(), "User-Agent": b"Boto3"}),
        "JSON body": as_json,
        "compact JSON": json.dumps({name: value}, separators=(",", ":")),
        "JSON in a bytes repr": repr(as_json.encode()),
        "JSON in a JSON string": json.dumps({"body": as_json}),
        "XML": f"<R><{name}>{value}</{name}><N>1</N></R>",
        "form body": repr(f"Action=X&{name}={quoted}&Version=2011-06-15".encode()),
        "URL query": f"https://h/p?a=1&{name}={quoted}&b=2",
        "canonical request line": f"host:h\n{name.lower()}:{value}\nx-amz-date:1\n",
        "header line": f"{name}: {value}\r\nHost: h",
        "config line": f"{name} = {value}\n",
        "validation message": f"Value '{value}' at '{name[:1].lower()}{name[1:]}' failed",
    }


@pytest.mark.parametrize("name", NAMES)
def test_each_secret_name_is_masked_in_every_encoding(name: str) -> None:
    redact_module.forget_seen_secrets()
    value = secret_value("", 24) + "'\"\\x"
    for how, text in encodings(name, value).items():
        masked = redact(text)
        assert "***" in masked, (how, masked)
        found = leaks({how: masked}, {name: value.rstrip("'\"\\x")})
        assert found == [], (how, masked)
        redact_module.forget_seen_secrets()  # each encoding on its own, without memory


def test_secret_maps_and_structures_are_masked_whole() -> None:
    """sts's IdentityProvider map and signin's accessToken structure: all of the value."""
    redact_module.forget_seen_secrets()
    value = secret_value("", 24)
    for text in (
        repr({"IdentityProvider": {"corp": value}, "RoleArn": "arn:aws:iam::1:role/r"}),
        json.dumps({"accessToken": {"accessKeyId": "ASIA1", "secretKey": value}}),
        f"<IdentityProvider><entry><key>corp</key><value>{value}</value></entry>"
        "</IdentityProvider><N>1</N>",
        f"Action=X&IdentityProvider.entry.1.key=corp&IdentityProvider.entry.1.value={value}",
    ):
        masked = redact(text)
        assert leaks({text: masked}, {"value": value}) == [], masked
        redact_module.forget_seen_secrets()


@pytest.mark.parametrize(("text", "kept"), NOT_SECRETS)
def test_identifiers_and_switches_next_to_a_secret_are_kept(text: str, kept: str) -> None:
    redact_module.forget_seen_secrets()
    value = secret_value("", 24)
    masked = redact(f"{text} {json.dumps({'secretAccessKey': value})}")
    assert kept in masked and leaks({"text": masked}, {"value": value}) == [], masked


def test_every_field_botocore_marks_sensitive_in_the_credential_services_is_listed() -> None:
    """The explicit list covers the installed botocore; run-time learning covers later."""
    session = botocore.session.get_session()
    missing = {}
    for service in sorted(CREDENTIAL_SERVICES):
        members = sensitive_members(session.get_service_model(service))
        assert members, service
        absent = sorted(m for m in members if not is_secret_name(m, learnt=False))
        if absent:
            missing[service] = absent
    assert missing == {}


def test_a_field_a_later_botocore_marks_sensitive_is_masked_from_its_first_request(
    tmp_path: Path,
) -> None:
    model = ServiceModel(
        {
            "metadata": {"protocol": "json", "serviceId": "SSO OIDC", "apiVersion": "1"},
            "operations": {
                "Mint": {"name": "Mint", "input": {"shape": "In"}, "http": {"method": "POST"}}
            },
            "shapes": {
                "In": {"type": "structure", "members": {"quantumBlob": {"shape": "Blob"}}},
                "Blob": {"type": "string", "sensitive": True},
            },
        },
        service_name="sso-oidc",
    )
    value = secret_value("q", 20)
    body = json.dumps({"quantumBlob": value}).encode()
    assert value in redact(repr(body)), "not a listed name: only the model says so"
    path = tmp_path / "debug.log"
    level = logging.getLogger().level
    handler = logfile.start(path)
    try:
        logging.getLogger("botocore.endpoint").debug(
            "Making request for %s with params: %s",
            model.operation_model("Mint"),
            {"body": body},
        )
    finally:
        logfile.stop(handler)
        logging.getLogger().setLevel(level)
    text = path.read_text()
    assert '"quantumBlob": "***"' in text and leaks({"log": text}, {"blob": value}) == []


def test_records_are_masked_for_every_handler_whatever_logger_wrote(tmp_path: Path) -> None:
    """The record factory masks every logger's records and tracebacks, so a handler other
    code adds (with its own formatter) sees no secret either."""
    path = tmp_path / "debug.log"
    seen: list[str] = []

    class Plain(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(logging.Formatter().format(record))

    plain = Plain(logging.DEBUG)
    logging.getLogger().addHandler(plain)
    level = logging.getLogger().level
    handler = logfile.start(path)
    token = secret_value("aoa")
    try:
        logging.getLogger("keyring.backend").debug("got {'accessToken': '%s'}", token)
        try:
            raise RuntimeError(f"x-amz-sso_bearer_token: {token}")
        except RuntimeError:
            logging.getLogger("somewhere.else").exception("failed")
    finally:
        logfile.stop(handler)
        logging.getLogger().removeHandler(plain)
        logging.getLogger().setLevel(level)
    assert any("Traceback" in s for s in seen)
    assert leaks({"other handler": "\n".join(seen), "log": path.read_text()}, {"t": token}) == []
