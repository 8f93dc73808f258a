"""Day two end to end in a real terminal: one user's workspace, driven by keys only at 80×24.

The installed ``acct-tui --endpoint-url URL`` runs in a private tmux server against the
seeded demo account (``tui.demo.DemoServer``; the caller is alice, an admin) with no
keyring (``keyring.backends.fail``), so every credentials screen says "not saved" and a
secret is kept by copying it (``c``: OSC 52 lands in tmux's paste buffer).

In one sitting, on carol (console password, MFA, no access key, in readonly and billing):
reset her password (generated, masked on screen, copied), add an access key, rotate it
(the keyring step fails: keep, copy the new secret, finish, delete the old key), add her
to developers, attach ReadOnlyAccess and detach it again, view a policy document, quit.
Then the account itself (boto3 against the same server) must show it all done.

Every wait polls the screen until the expected text appears, bounded by ``WAIT`` seconds
(generous: 2 CPUs shared with other work); a failure shows the screen.
"""

from __future__ import annotations

import re
import string
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.support.tmux import Tmux, acct_tui, acct_tui_env
from tui.aws.validate import GENERATED_PASSWORD_LENGTH, SAFE_PASSWORD_SYMBOLS
from tui.demo import DemoEndpoint, DemoServer

pytestmark = [pytest.mark.tmux, pytest.mark.server]

WAIT = 60.0
USER = "carol"
GROUP = "developers"
READ_ONLY = "ReadOnlyAccess"
# Attached by the password reset: the seeded password policy does not let users change
# their own password, and the new one must be changed at next sign-in.
CHANGE_PASSWORD = "IAMUserChangePassword"
KEY_ID = re.compile(r"AKIA[A-Z0-9]{16}")
SECRET = re.compile(r"[A-Za-z0-9/+]{40}")


@pytest.fixture
def account() -> Iterator[DemoEndpoint]:
    """A fresh seeded demo account; its Regions stay where they are."""
    server = DemoServer()
    try:
        yield server.start(region_delay=600.0)
    finally:
        server.stop()


def client(endpoint: DemoEndpoint) -> Any:
    return boto3.client(
        "iam",
        endpoint_url=endpoint.endpoint_url,
        region_name=endpoint.region,
        aws_access_key_id=endpoint.access_key_id,
        aws_secret_access_key=endpoint.secret_access_key,
    )


# ------------------------------------------------------------------------------- reading
def row(*cells: str) -> re.Pattern[str]:
    """A row of a workspace section (a table inside the workspace inside the pane), its
    first cells in this order: notifications cover only the right of such a line."""
    # (pane frame, workspace frame, then the focus bar a focused table has, or a blank)
    return re.compile(r"[│┃] │ [┃ ] " + r"\s+".join(map(re.escape, cells)) + r"(\s|$)")


def shows(screen: str, pattern: re.Pattern[str]) -> bool:
    return any(pattern.search(line) for line in screen.splitlines())


def wait_row(term: Tmux, *cells: str) -> str:
    pattern = row(*cells)
    return term.wait_until(lambda s: shows(s, pattern), f"a row {cells!r}", WAIT)


def wait_no_row(term: Tmux, *cells: str) -> str:
    pattern = row(*cells)
    return term.wait_until(lambda s: not shows(s, pattern), f"no row {cells!r}", WAIT)


def wait_copied(term: Tmux, check: Callable[[str], bool], what: str) -> str:
    """Poll tmux's newest paste buffer (OSC 52 lands there) until ``check`` holds."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        try:
            copied = term.buffer()
        except RuntimeError:  # no buffer yet
            copied = ""
        if check(copied):
            return copied
        time.sleep(0.2)
    raise AssertionError(f"{what} did not reach tmux's buffer; screen:\n{term.screen()}")


def is_generated_password(text: str) -> bool:
    """The shape of :func:`tui.aws.validate.generate_password`'s passwords."""
    pools = (string.ascii_uppercase, string.ascii_lowercase, string.digits, SAFE_PASSWORD_SYMBOLS)
    return (
        len(text) >= GENERATED_PASSWORD_LENGTH
        and all(any(c in pool for pool in pools) for c in text)
        and all(any(c in pool for c in text) for pool in pools)
    )


# ------------------------------------------------------------------------------- the steps
def open_workspace(term: Tmux) -> None:
    """Users (``2`` also closes Getting started), filter to carol, ``enter``."""
    term.wait_line("Getting started —", "of 8 done", timeout=WAIT)
    term.send("2")
    term.wait_footer(has="n New user")
    term.send("/")
    term.wait_footer(has="Filter", lacks="n New user")  # the filter field has focus
    term.type(USER)
    term.wait_for("1 of 8 match", WAIT)
    term.send("Enter")
    term.wait_footer(has="n New user")  # back on the table, carol's row selected
    term.send("Enter")
    term.wait_for(f"─ User {USER} ─", WAIT)
    term.wait_footer(has="p Set password")  # the console section has focus
    wait_row(term, "yes")  # console access known: p resets (not adds) the password


def reset_password(term: Tmux) -> None:
    """``p``: a generated password, masked on screen, copied with ``c``."""
    term.send("p")
    term.wait_for(f"New password for {USER}", WAIT)
    term.wait_for("Auto-generate a password", WAIT)
    term.send("C-s")
    review = term.wait_for(f"Reset the password of {USER}?", WAIT)
    assert "iam:UpdateLoginProfile" in review, review
    term.send("C-s")
    term.wait_for(f"Credentials for {USER} — shown once", WAIT)
    screen = term.wait_for("Keyring: ✗ not saved", WAIT)
    assert re.search(r"Password\s+••••", screen), screen
    term.send("c")  # the password field has the focus
    password = wait_copied(term, is_generated_password, "a generated password")
    assert password not in term.screen(history=True)
    term.send("Escape")  # copied: closes without asking
    term.wait_gone(f"Credentials for {USER}", WAIT)
    term.wait_for(f"The password of {USER} was reset.", WAIT)


def add_key(term: Tmux) -> str:
    """Keys section, ``n``: a new key, its secret not kept; returns its id."""
    term.wait_footer(has="p Set password")
    term.send("Tab")
    term.wait_footer(has="m Add MFA")
    term.send("Tab")
    term.wait_footer(has="n New access key")
    term.send("n")
    term.wait_for(f"Create an access key for {USER}?", WAIT)
    term.send("C-s")
    term.wait_for(f"Credentials for {USER} — shown once", WAIT)
    screen = term.wait_for("Keyring: ✗ not saved", WAIT)
    assert re.search(r"Secret key\s+••••", screen), screen
    # Notifications may cover the id on screen: copy it (the field has the focus).
    term.send("c")
    key_id = wait_copied(term, lambda s: bool(KEY_ID.fullmatch(s)), "the access key id")
    term.send("Escape")  # alone: escape followed at once by y would read as alt+y
    term.wait_for("Close without keeping the credentials?", WAIT)
    term.send("y")
    term.wait_gone(f"Credentials for {USER}", WAIT)
    wait_row(term, key_id, "Active")
    return key_id


def rotate_key(term: Tmux, old: str) -> str:
    """``r`` on the only key. The keyring step fails: ``k``, copy the new secret, close,
    finish the rotation, delete the old key. Returns the new key's id."""
    term.wait_footer(has="r Rotate key")
    term.send("r")
    term.wait_for(f"Rotate access key {old} of {USER}?", WAIT)
    term.send("y")
    term.wait_for("What exists now:", WAIT)  # the plan stopped (at the keyring)
    term.send("k")
    term.wait_for(f"Credentials for {USER} — shown once", WAIT)
    term.wait_for("Keyring: ✗ not saved", WAIT)
    term.send("c")  # the new key's id has the focus
    new = wait_copied(term, lambda s: bool(KEY_ID.fullmatch(s)) and s != old, "the new key id")
    term.send("Down")  # from the access key id to the secret
    term.send("c")
    secret = wait_copied(term, lambda s: bool(SECRET.fullmatch(s)), "the new secret key")
    assert secret not in term.screen(history=True)
    term.send("Escape")  # copied: closes without asking
    term.wait_for("Finish the rotation?", WAIT)
    term.send("y")
    term.wait_for(f"Delete the old key {old}?", WAIT)
    term.send("y")
    term.wait_gone(f"Delete the old key {old}?", WAIT)
    wait_row(term, new, "Active")
    wait_no_row(term, old)
    return new


def add_to_group(term: Tmux) -> None:
    term.send("Tab")
    term.wait_footer(has="a Add to groups")
    term.send("a")
    term.wait_for(f"Add {USER} to groups", WAIT)
    term.wait_focused(GROUP, WAIT)  # the first one it is not in, highlighted
    term.send("Space")
    term.send("C-s")
    # SelectionList toggles through a message it posts to itself on space, so a ctrl+s
    # already queued behind the space can find nothing chosen yet; the list says so
    # on screen, and by then the choice is made: ctrl+s again goes on.
    title = f"Add {USER} to {GROUP}?"
    screen = term.wait_until(
        lambda s: title in s or "Choose at least one" in s, f"{title!r} or a complaint", WAIT
    )
    if title not in screen:
        term.send("C-s")
    term.wait_for(title, WAIT)
    term.send("y")
    wait_row(term, GROUP)


def attach_and_detach(term: Tmux) -> None:
    """Policies section: ``a``, search, choose, review; then ``ctrl+d`` on it."""
    term.send("Tab")
    term.wait_footer(has="a Attach ")
    wait_row(term, CHANGE_PASSWORD, "AWS managed")  # the only one: the reset attached it
    term.send("a")
    term.wait_for(f"Attach policies to user {USER}", WAIT)
    term.wait_for("Chosen: none", WAIT)  # the managed policies are loaded
    term.type("ReadOnlyAcc")
    term.wait_line(f" {READ_ONLY}  ", timeout=WAIT)  # first: the shortest prefix match
    term.send("Tab")  # from the search to the list, where nothing is highlighted yet
    # home highlights the list's first entry; one that reaches the search field before
    # the focus moved only moves its cursor, so it is sent again until the entry shows.
    deadline = time.monotonic() + WAIT
    while not term.focused(READ_ONLY):
        assert time.monotonic() < deadline, f"{READ_ONLY} never highlighted:\n{term.screen()}"
        term.send("Home")
        time.sleep(0.5)
    term.send("Space")
    term.wait_for(f"Chosen: {READ_ONLY}", WAIT)
    term.send("C-s")
    term.wait_for(f"Attach {READ_ONLY} to user {USER}", WAIT)
    term.send("C-s")
    wait_row(term, READ_ONLY, "AWS managed")  # the section is filled again, cursor on top
    term.send("Down")
    term.send("C-d")
    term.wait_for(f"Detach {READ_ONLY} from user {USER}?", WAIT)  # not the other one
    term.send("y")
    term.wait_gone(f"Detach {READ_ONLY} from user {USER}?", WAIT)
    wait_no_row(term, READ_ONLY)


def view_document(term: Tmux) -> None:
    """``v`` on the remaining policy: its JSON document, then escape."""
    wait_row(term, CHANGE_PASSWORD, "AWS managed")
    term.send("v")
    term.wait_for(f"─ {CHANGE_PASSWORD} ─", WAIT)
    screen = term.wait_for('"Statement": [', WAIT)
    assert '"iam:ChangePassword"' in screen, screen
    term.send("Escape")
    term.wait_gone('"Statement"', WAIT)


def quit_cleanly(term: Tmux) -> None:
    term.wait_footer(has="a Attach ")  # back in the workspace
    term.send("Escape")  # closes the workspace (q does nothing there)
    term.wait_footer(has="n New user")
    term.send("q")
    status = term.exit_status(WAIT)
    after = term.screen(history=True)
    assert status == 0, after
    assert "Traceback" not in after, after


# ------------------------------------------------------------------------------- the test
def test_day_two_by_keyboard_in_tmux(account: DemoEndpoint, tmp_path: Path) -> None:
    env = acct_tui_env(tmp_path, account.access_key_id, account.secret_access_key)
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"  # never the developer's
    command = [*acct_tui(), "--endpoint-url", account.endpoint_url, "--region", "us-east-1"]
    iam = client(account)
    assert iam.list_access_keys(UserName=USER)["AccessKeyMetadata"] == []
    term = Tmux(tmp_path, 80, 24)
    try:
        term.start(command, env)
        open_workspace(term)
        reset_password(term)
        first = add_key(term)
        new = rotate_key(term, first)
        add_to_group(term)
        attach_and_detach(term)
        view_document(term)
        quit_cleanly(term)
    finally:
        term.close()

    profile = iam.get_login_profile(UserName=USER)["LoginProfile"]
    assert profile["PasswordResetRequired"] is True
    keys = iam.list_access_keys(UserName=USER)["AccessKeyMetadata"]
    assert [(k["AccessKeyId"], k["Status"]) for k in keys] == [(new, "Active")]
    assert new != first
    groups = [g["GroupName"] for g in iam.list_groups_for_user(UserName=USER)["Groups"]]
    assert sorted(groups) == sorted(["readonly", "billing", GROUP])
    attached = iam.list_attached_user_policies(UserName=USER)["AttachedPolicies"]
    assert [p["PolicyName"] for p in attached] == [CHANGE_PASSWORD]
