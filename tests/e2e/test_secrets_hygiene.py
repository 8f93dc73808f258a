"""Secrets hygiene: every secret-producing flow with DEBUG logging on leaves no secret behind.

The secrets: a console password, a secret access key, an MFA seed, and a session token
(the session signs every request with one, from a credential_process). The places they
must not reach: the ``--log`` file, screen dumps, notifications, and any file under the
test's HOME, working directory, TMPDIR and AWS config. The one exception is the CSV the
user exports on purpose: it must hold them, with mode 0600.

The day-two flows that make secrets (a password reset, a new key for an existing user, a
key rotation) are checked the same way.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import secrets
import stat
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Checkbox, Input, RadioButton, Static

from tests.support.app import make_app
from tests.support.keyrings import MemoryKeyring
from tests.support.pilot import (
    deleting_old,
    iam,
    loaded,
    plain,
    recorded_notifications,
    wait_for_screen,
    wait_until,
)
from tests.support.tmux import Tmux, acct_tui, acct_tui_env
from tui import flows
from tui.app import AcctApp
from tui.aws.redact import redact
from tui.aws.service import AccountService
from tui.aws.session import Settings
from tui.aws.totp import totp
from tui.cli.main import main
from tui.demo import DemoEndpoint
from tui.screens.credentials import CredentialField, CredentialsScreen
from tui.screens.dialogs.confirm import ConfirmScreen
from tui.screens.dialogs.prompt import PromptScreen
from tui.screens.dialogs.review import ReviewScreen
from tui.screens.forms.create_user import CreateUserScreen
from tui.screens.forms.password import PasswordScreen
from tui.screens.mfa import MfaScreen
from tui.support import logfile
from tui.support.vault import Vault
from tui.widgets.fields import Field

pytestmark = [pytest.mark.server, pytest.mark.secrets]

ROOT = Path(__file__).resolve().parents[2]
# A password with characters a careless encoder or regex would trip on (no comma or double
# quote: the console's CSV format cannot hold them, and the export refuses them).
PASSWORD = "Pw'd&x y%z+/=<tag>\\1aA"
CREDENTIAL_PROCESS = """\
import json, os
print(json.dumps({
    "Version": 1,
    "AccessKeyId": os.environ["HYGIENE_KEY_ID"],
    "SecretAccessKey": os.environ["HYGIENE_SECRET"],
    "SessionToken": os.environ["HYGIENE_TOKEN"],
}))
"""


def spellings(secret: str) -> set[str]:
    """How a secret can appear in text: as is, repr- or JSON-escaped, URL-encoded."""
    forms = {
        secret,
        repr(secret)[1:-1],
        json.dumps(secret)[1:-1],
        urllib.parse.quote(secret, safe=""),
        urllib.parse.quote_plus(secret),
    }
    return {f for f in forms if len(f) >= 8}


def leaks(text: str, named: dict[str, str]) -> list[str]:
    """The names of the secrets whose spellings occur in ``text``."""
    return sorted(name for name, s in named.items() if any(f in text for f in spellings(s)))


def files_under(*roots: Path) -> Iterator[Path]:
    for root in roots:
        for path in root.rglob("*"):
            if path.is_file() and not path.is_symlink():
                yield path


def screen(app: AcctApp) -> str:
    return app.export_screenshot().replace("&#160;", " ")


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """HOME, a working directory and TMPDIR under ``tmp_path``, all scanned afterwards."""
    dirs = {name: tmp_path / name for name in ("home", "work", "tmp", "bin")}
    for path in dirs.values():
        path.mkdir(exist_ok=True)
    monkeypatch.setenv("HOME", str(dirs["home"]))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)  # the CSV's default folder is in HOME
    monkeypatch.setenv("TMPDIR", str(dirs["tmp"]))
    monkeypatch.setattr(tempfile, "tempdir", str(dirs["tmp"]))
    monkeypatch.chdir(dirs["work"])
    return dirs


@pytest.fixture
def debug_log(tmp_path: Path) -> Iterator[Path]:
    """What ``acct-tui --log FILE`` sets up, for the length of the test."""
    path = tmp_path / "home" / "acct-tui.log"
    path.parent.mkdir(exist_ok=True)
    root = logging.getLogger()
    level = root.level
    handler = logfile.start(path)
    try:
        yield path
    finally:
        logfile.stop(handler)
        root.setLevel(level)


def session_token_profile(
    isolated: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> dict[str, str]:
    """An AWS profile whose credential_process hands out a key with a session token.

    The secrets travel in environment variables, so no file the test writes holds one.
    """
    script = isolated["bin"] / "credentials.py"
    script.write_text(CREDENTIAL_PROCESS)
    config = Path(os.environ["AWS_CONFIG_FILE"])
    config.write_text(f"[profile hygiene]\ncredential_process = {sys.executable} {script}\n")
    values = {
        "HYGIENE_KEY_ID": "ASIA" + secrets.token_hex(8).upper(),
        "HYGIENE_SECRET": secrets.token_urlsafe(30) + "/+=",
        "HYGIENE_TOKEN": "IQoJb3JpZ2luX2VjE" + secrets.token_urlsafe(90) + "/+==",
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values


async def test_secret_flows_leave_no_secret_behind(
    demo: DemoEndpoint,
    isolated: dict[str, Path],
    debug_log: Path,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    process = session_token_profile(isolated, monkeypatch)
    settings = Settings(profile="hygiene", region=demo.region, endpoint_url=demo.endpoint_url)
    service = AccountService(settings, report_poll_interval=0.1)
    app = make_app(service, demo=True, vault=Vault(MemoryKeyring()), open_guide=True)
    notes = recorded_notifications(app)
    shots: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        assert app.posture.caller.error is None, "the session signs with the process's key"
        shots.append(screen(app))

        # create a user with a typed console password and an access key
        await pilot.press("2", "n")
        form = await wait_for_screen(app, pilot, CreateUserScreen)
        await pilot.press(*"hygiene-user")
        form.query_one("#typed", RadioButton).value = True
        await pilot.pause()
        form.query_one("#password", Field).input.value = PASSWORD
        form.query_one("#access-key", Checkbox).value = True
        await pilot.pause()
        shots.append(screen(app))
        await pilot.press("ctrl+s")
        await wait_for_screen(app, pilot, ReviewScreen)
        shots.append(screen(app))
        await pilot.press("ctrl+s")
        creds = await wait_for_screen(app, pilot, CredentialsScreen)
        shots.append(screen(app))
        c = creds.credentials
        assert c.password == PASSWORD and c.secret_access_key and c.access_key_id
        secret_key = c.secret_access_key
        keyring = creds.query_one("#cred-keyring", Static)
        await wait_until(pilot, lambda: "saved" in plain(keyring))
        # export the CSV (on purpose, 0600), add the CLI profile, copy the secret
        await pilot.press("e")
        await wait_for_screen(app, pilot, PromptScreen)
        await pilot.press("enter")
        note = creds.query_one("#cred-note", Static)
        await wait_until(pilot, lambda: "CSV written" in plain(note))
        await pilot.press("p")
        await wait_for_screen(app, pilot, PromptScreen)
        await pilot.press("enter")
        await wait_until(pilot, lambda: "Profile" in plain(note))
        creds.query_one("#cred-secret", CredentialField).focus()
        await pilot.press("c")
        shots.append(screen(app))
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, CredentialsScreen))

        # enroll a virtual MFA device for that user
        await pilot.press("2", "slash", *"hygiene-user", "enter", "m")
        mfa = await wait_for_screen(app, pilot, MfaScreen)
        seed = mfa.device.seed
        shots.append(screen(app))
        now = time.time()
        mfa.query_one("#code1", Input).focus()
        await pilot.press(*totp(seed, now - 30), "enter", *totp(seed, now), "enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, MfaScreen))
        await wait_until(pilot, lambda: any("MFA enabled" in n for n in notes))
        shots.append(screen(app))
        calls = app.service.counter.calls()
    for action in ("iam:CreateLoginProfile", "iam:CreateAccessKey", "iam:EnableMFADevice"):
        assert calls[action] == 1, action

    named = {
        "password": PASSWORD,
        "secret access key": secret_key,
        "MFA seed": seed,
        "session token": process["HYGIENE_TOKEN"],
        "credential_process secret": process["HYGIENE_SECRET"],
    }
    # the seed also travels base64-encoded (the Base32StringSeed blob in the XML)
    seed_b64 = base64.b64encode(seed.encode()).decode()

    log = debug_log.read_text()  # noqa: ASYNC240 - the app has stopped
    assert leaks(log, named) == [] and seed_b64 not in log
    # It was a DEBUG log of exactly those calls, secrets masked where they passed.
    for evidence in (
        "CreateLoginProfile",
        "'Password': \"***\"",  # repr() picks double quotes: the password holds a '
        "<SecretAccessKey>***</SecretAccessKey>",
        "<Base32StringSeed>***</Base32StringSeed>",
        "'AuthenticationCode1': '***'",
        "x-amz-security-token:***",
        "'X-Amz-Security-Token': b'***'",
    ):
        assert evidence in log, evidence
    assert stat.S_IMODE(debug_log.stat().st_mode) == 0o600  # noqa: ASYNC240

    for n, shot in enumerate(shots):
        assert leaks(shot, named) == [], f"screen dump {n}"
    assert leaks("\n".join(notes), named) == [], notes

    exports = isolated["home"] / ".local" / "share" / "acct-tui" / "exports"
    csv = exports / "hygiene-user_credentials.csv"
    assert stat.S_IMODE(csv.stat().st_mode) == 0o600
    assert PASSWORD in csv.read_text() and secret_key in csv.read_text(), "the scan can see"
    written = [p for p in files_under(tmp_path) if p != csv]
    assert Path(os.environ["AWS_CONFIG_FILE"]) in written
    for path in written:
        text = path.read_bytes().decode("utf-8", "replace")
        assert leaks(text, named) == [] and seed_b64 not in text, path


def test_a_session_from_acct_tui_credentials_get_keeps_its_secret(
    demo: DemoEndpoint,
    real_keyring: Any,
    debug_log: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """credential_process = `acct-tui credentials get`: botocore runs it, and with DEBUG
    logging on, the key it prints never reaches the log. (Needs a real keyring: .ci/run.)"""
    from tests.support.keyrings import new_account, new_entry
    from tui.support.awsconfig import add_cli_profile

    entry = new_entry(new_account())
    vault = Vault(real_keyring)
    vault.save(entry)
    try:
        config = Path(os.environ["AWS_CONFIG_FILE"])
        add_cli_profile(config, "from-keyring", entry.account_id, "alice")
        monkeypatch.setenv("PYTHONPATH", str(ROOT))
        settings = Settings(profile="from-keyring", endpoint_url=demo.endpoint_url)
        service = AccountService(settings, report_poll_interval=0.1)
        posture = service.reader.read_all()
        assert posture.caller.error is None
        credentials = service.session._session.get_credentials()
        assert credentials is not None and credentials.method == "custom-process"
    finally:
        vault.delete(entry.account_id, entry.user_name)
    assert entry.secret_access_key
    log = debug_log.read_text()
    assert "GetAccountAuthorizationDetails" in log
    assert leaks(log, {"keyring secret": entry.secret_access_key}) == []


def test_redaction_covers_tokens_headers_and_credential_process_json() -> None:
    document = json.dumps({"Version": 1, "AccessKeyId": "AKIA1", "SecretAccessKey": "s/+="})
    assert redact(document) == '{"Version": 1, "AccessKeyId": "AKIA1", "SecretAccessKey": "***"}'
    headers = "headers={'X-Amz-Date': b'20261129', 'X-Amz-Security-Token': b'T/+=', 'A': 1}"
    assert redact(headers) == (
        "headers={'X-Amz-Date': b'20261129', 'X-Amz-Security-Token': b'***', 'A': 1}"
    )
    canonical = "host:iam.amazonaws.com\nx-amz-security-token:T/+==\n\nhost;x-amz-date"
    assert (
        redact(canonical) == "host:iam.amazonaws.com\nx-amz-security-token:***\n\nhost;x-amz-date"
    )
    url = "https://x/?X-Amz-Credential=AKIA1%2F&X-Amz-Security-Token=T%2F&X-Amz-Signature=ab"
    assert (
        redact(url)
        == "https://x/?X-Amz-Credential=AKIA1%2F&X-Amz-Security-Token=***&X-Amz-Signature=ab"
    )
    body = "<Credentials><SessionToken>T</SessionToken><SecretAccessKey>S</SecretAccessKey>"
    assert redact(body) == (
        "<Credentials><SessionToken>***</SessionToken><SecretAccessKey>***</SecretAccessKey>"
    )
    change = "{'OldPassword': 'a', 'NewPassword': 'b', 'Authorization': b'AWS4 Signature=ab'}"
    assert redact(change) == (
        "{'OldPassword': '***', 'NewPassword': '***', 'Authorization': b'AWS4 Signature=ab'}"
    )


def test_the_log_file_masks_whatever_logger_wrote(tmp_path: Path) -> None:
    """The file's own formatter masks too: loggers outside the AWS stack, and tracebacks."""
    path = tmp_path / "debug.log"
    handler = logfile.start(path)
    root_level = logging.getLogger().level
    try:
        logging.getLogger("somewhere.else").debug("form %s", "Password=hunter2-secret&x=1")
        try:
            raise ValueError("{'SecretAccessKey': 'in-a-traceback-secret'}")
        except ValueError:
            logging.getLogger("other").exception("failed")
    finally:
        logfile.stop(handler)
        logging.getLogger().setLevel(root_level)
    text = path.read_text()
    assert "Password=***" in text and "hunter2" not in text
    assert "Traceback" in text and "in-a-traceback-secret" not in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_log_option_refuses_what_it_cannot_own(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "elsewhere.log"
    target.write_text("")
    link = tmp_path / "link.log"
    link.symlink_to(target)
    assert main(["--log", str(link), "--profile", "nope"]) == 2
    assert "cannot write the log file" in capsys.readouterr().err
    assert target.read_text() == ""
    assert main(["--log", str(tmp_path), "--profile", "nope"]) == 2
    assert str(tmp_path) in capsys.readouterr().err


def test_log_is_off_by_default(
    isolated: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    root = logging.getLogger()
    before = [h for h in root.handlers if not isinstance(h, logging.NullHandler)]
    assert main(["--profile", "nope"]) == 2  # runs up to the credential check
    assert "nope" in capsys.readouterr().err
    assert [h for h in root.handlers if not isinstance(h, logging.NullHandler)] == before
    assert list(files_under(*isolated.values())) == []


@pytest.mark.tmux
def test_log_option_end_to_end(demo: DemoEndpoint, tmp_path: Path) -> None:
    """`acct-tui --log FILE` in a real terminal: DEBUG lines, mode 0600, no secret."""
    home = tmp_path / "home"
    home.mkdir()
    log = tmp_path / "acct-tui.log"
    earlier = "2026-01-01 00:00:00,000 INFO tui.support.logfile [MainThread] an earlier run\n"
    log.write_text(earlier)  # an earlier --log run's file: appended to
    log.chmod(0o644)  # narrowed to 0600 when acct-tui opens it
    term = Tmux(tmp_path, 100, 30)
    try:
        env = acct_tui_env(home, demo.access_key_id, demo.secret_access_key)
        command = [*acct_tui(), "--endpoint-url", demo.endpoint_url, "--region", demo.region]
        term.start([*command, "--log", str(log)], env)
        term.wait_for("Security recommendations", timeout=60)
        # Getting started opens by itself once the demo account is read (no administrators
        # group) and covers the middle of the panes: close it first.
        term.wait_for("of 8 done", timeout=60)
        term.send("Escape")
        term.wait_gone("of 8 done", timeout=30)
        term.send("2")
        term.wait_for("deploy-bot", timeout=30)
        term.send("q")
        assert term.exit_status() == 0
    finally:
        term.close()
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    text = log.read_text()
    assert text.startswith(earlier), "appended, never truncated"
    assert "logging at DEBUG" in text
    assert "DEBUG botocore" in text and "GetAccountAuthorizationDetails" in text
    assert f"Credential={demo.access_key_id}/" in text, "signed requests were logged"
    assert leaks(text, {"the caller's secret key": demo.secret_access_key}) == []


@pytest.mark.parametrize(
    "body",
    [
        '<SecretAccessKey xmlns="https://iam.amazonaws.com/doc/2010-05-08/">{s}</SecretAccessKey>',
        "<SecretAccessKey >{s}</SecretAccessKey >",
        "<iam:SecretAccessKey>{s}</iam:SecretAccessKey>",
        "<Password\n  type='x'>{s}</Password>",
    ],
    ids=["namespace-attribute", "spaces", "prefix", "attribute-on-next-line"],
)
def test_xml_secret_with_attributes_or_a_prefix_is_masked(body: str) -> None:
    from tui.aws.redact import forget_seen_secrets, redact

    forget_seen_secrets()
    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"
    text = redact(f"Response body:\nb'<CreateAccessKeyResponse>{body.format(s=secret)}'")
    assert secret not in text and secret[:16] not in text, text


def test_prose_that_mentions_a_password_keeps_its_action_name() -> None:
    """A plan step's description ends in "… their own password" before ": <action> failed":
    that is prose, not a ``password: value`` line, and the log keeps the action's name."""
    from tui.aws.redact import redact

    line = (
        "Attach IAMUserChangePassword to bob, so they can set their own password: "
        "iam:AttachUserPolicy failed (AccessDenied)"
    )
    assert redact(line) == line
    assert redact("Password: hunter2-hunter2") == "Password: ***"
    assert redact("x-amz-security-token:IQoJb3JpZ2luX2VjEXAMPLE\nhost:iam") == (
        "x-amz-security-token:***\nhost:iam"
    )


async def test_day_two_secret_flows_leave_no_secret_behind(
    demo: DemoEndpoint, isolated: dict[str, Path], debug_log: Path, tmp_path: Path
) -> None:
    """A typed password reset, a new key for an existing user and a rotation of that key,
    with DEBUG logging on: no password or secret key in the log, a screen dump, a
    notification or a file; the keyring holds the newest key and the reset password."""
    client = iam(demo)
    client.create_user(UserName="day-two")
    client.create_login_profile(UserName="day-two", Password="Old-pass-2026!x")
    vault = Vault(MemoryKeyring())
    app = make_app(demo, vault=vault)
    notes = recorded_notifications(app)
    shots: list[str] = []
    secrets_seen: dict[str, str] = {"password": PASSWORD}
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        state = app.state

        async def credentials(name: str) -> CredentialsScreen:
            creds: CredentialsScreen = await wait_for_screen(app, pilot, CredentialsScreen)
            shots.append(screen(app))
            await wait_until(pilot, lambda: creds.saved, 20)
            return creds

        async def close_all() -> None:
            await pilot.press("escape")
            await wait_until(
                pilot,
                lambda: not any(w.group == "flow" and not w.is_finished for w in app.workers),
                30,
            )

        # reset the password to a typed one
        state.run_flow(flows.reset_password(state, app, "day-two"), "reset")
        form = await wait_for_screen(app, pilot, PasswordScreen)
        form.query_one("#typed", RadioButton).value = True
        await pilot.pause()
        form.query_one("#password", Field).input.value = PASSWORD
        await pilot.pause()
        shots.append(screen(app))
        await pilot.press("ctrl+s")
        await wait_for_screen(app, pilot, ReviewScreen)
        shots.append(screen(app))
        await pilot.press("ctrl+s")
        creds = await credentials("password")
        assert creds.credentials.password == PASSWORD
        await close_all()

        # a new key for this existing user
        state.run_flow(flows.create_access_key(state, app, "day-two"), "new key")
        await wait_for_screen(app, pilot, ReviewScreen)
        await pilot.press("ctrl+s")
        creds = await credentials("new key")
        first = creds.credentials
        assert first.secret_access_key and first.access_key_id
        secrets_seen["first secret key"] = first.secret_access_key
        await close_all()

        # rotate it: the new secret goes straight to the keyring
        state.run_flow(flows.rotate_key(state, app, "day-two", first.access_key_id), "rotate")
        await wait_for_screen(app, pilot, ConfirmScreen)
        shots.append(screen(app))
        await pilot.press("y")
        await wait_until(pilot, lambda: deleting_old(app), 60)
        shots.append(screen(app))
        await pilot.press("y")
        await wait_until(pilot, lambda: any("Rotated" in n for n in notes), 30)
        shots.append(screen(app))

    entry = vault.get(demo.account_id, "day-two")
    assert entry is not None and entry.password == PASSWORD, "the reset password was kept"
    assert entry.access_key_id and entry.access_key_id != first.access_key_id
    assert entry.secret_access_key
    secrets_seen["rotated secret key"] = entry.secret_access_key
    keys = client.list_access_keys(UserName="day-two")["AccessKeyMetadata"]
    assert [k["AccessKeyId"] for k in keys] == [entry.access_key_id]

    log = debug_log.read_text()  # noqa: ASYNC240 - the app has stopped
    assert "UpdateLoginProfile" in log and "CreateAccessKey" in log, "a DEBUG log of the calls"
    assert leaks(log, secrets_seen) == []
    for n, shot in enumerate(shots):
        assert leaks(shot, secrets_seen) == [], f"screen dump {n}"
    assert leaks("\n".join(notes), secrets_seen) == [], notes
    for path in files_under(tmp_path):
        text = path.read_bytes().decode("utf-8", "replace")
        assert leaks(text, secrets_seen) == [], path
