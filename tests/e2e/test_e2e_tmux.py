"""The tutorial end to end in a real terminal: acct-tui under tmux, driven by keys only.

Each run starts the installed ``acct-tui --endpoint-url URL`` in a private tmux server at
80×24 and at 200×50, types what a user types (``send-keys``), reads what a user reads
(``capture-pane``), and afterwards asks the account itself (boto3 against the same
server) whether the work was really done: the administrators group with
AdministratorAccess, a user in it with a console password and an access key (whose id,
copied with ``c``, must be in tmux's paste buffer through OSC 52), the account alias, an
enabled opt-in Region, and a clean quit (status 0, no traceback).

The endpoint is moto's server app with the Account API's Region calls in front
(``tui.demo.DemoServer`` with ``seed=False``: an empty account). A stock moto_server has
no Region API, so acct-tui can only list its Regions read-only from EC2 (the last test
checks it says so); enabling a Region needs the stand-in, and the whole tutorial runs in
one sitting against one server, as a user would.

Every wait polls the screen until the expected text appears, bounded by ``WAIT``
seconds (generous: 2 CPUs shared with other work); a failure shows the screen.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.support.tmux import Tmux, acct_tui, acct_tui_env
from tui.demo import DemoEndpoint, DemoServer

pytestmark = [pytest.mark.tmux, pytest.mark.server]

WAIT = 60.0
ADMIN_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"
ALIAS = "acme-e2e"
REGION = "af-south-1"
USER = "ana"


def env_for(home: Path, endpoint: DemoEndpoint | None = None) -> dict[str, str]:
    """A user's shell: fake credentials for the server, no keyring, no AWS config."""
    env = (
        acct_tui_env(home, endpoint.access_key_id, endpoint.secret_access_key)
        if endpoint
        else acct_tui_env(home)
    )
    # Never the developer's keyring: the save fails and the screen says so.
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    return env


def client(service: str, endpoint: DemoEndpoint) -> Any:
    return boto3.client(
        service,
        endpoint_url=endpoint.endpoint_url,
        region_name=endpoint.region,
        aws_access_key_id=endpoint.access_key_id,
        aws_secret_access_key=endpoint.secret_access_key,
    )


@pytest.fixture
def account() -> Iterator[DemoEndpoint]:
    """An empty account on moto_server with the Region API; Regions settle in 1 s."""
    server = DemoServer()
    try:
        yield server.start(seed=False, region_delay=1.0)
    finally:
        server.stop()


# ------------------------------------------------------------------------------- the steps
def filter_table(term: Tmux, text: str) -> None:
    """``/``, type ``text``, ``enter``: the focused table shows only the matching rows."""
    term.send("/")
    term.wait_for("filter…", WAIT)
    term.wait_footer(has="Filter", lacks="q Quit")  # the filter field has focus
    term.type(text)
    term.wait_for(" match ", WAIT)
    term.send("Enter")
    term.wait_footer(has="q Quit")  # back on the table


def create_admin_group(term: Tmux, route: str) -> None:
    """The tutorial's administrators group, from its finding or from the palette."""
    if route == "finding":
        filter_table(term, "group grants")
        term.wait_line("✗ fix", "A group grants AdministratorAccess", timeout=WAIT)
        term.send("Enter")  # the finding's fix
    else:
        term.send("C-p")
        term.wait_for("🔎", WAIT)
        term.type("administrators group")
        term.wait_for("groups: create administrators group", WAIT)
        term.send("Enter")
    term.wait_for("Group name", WAIT)  # the form (the footer may also say "New group")
    term.wait_line("administrators", timeout=WAIT)
    term.wait_for("Chosen: AdministratorAccess", WAIT)  # pre-picked once policies load
    term.send("C-s")
    term.wait_for("Create group administrators?", WAIT)
    term.send("C-s")
    term.wait_line("✓ ok", "A group grants AdministratorAccess", timeout=WAIT)


def create_user(term: Tmux) -> str:
    """A console user with an access key in administrators; returns the key id shown."""
    term.send("2")
    term.wait_footer(has="n New user")
    term.send("n")
    term.wait_for("User name", WAIT)  # the form, not the footer's "n New user"
    term.type(USER)
    term.wait_line(f" {USER} ", timeout=WAIT)
    # Past path, console (on), password mode (generated) and reset (on) to the access key
    # (off): on; then the groups list, whose only entry is administrators. One key at a
    # time, each once the focus it needs is on screen: keys that arrive together all go to
    # the widget focused when they arrive.
    for label in (
        "Console access (password)",
        "Auto-generate a password",
        "Require a new password at first sign-in",
        "Access key (programmatic access)",
    ):
        # The first label is two tabs away (past the path field).
        term.send(*(["Tab", "Tab"] if label.startswith("Console") else ["Tab"]))
        term.wait_focused(label, WAIT)
    term.send("Space")
    term.send("Tab")
    term.wait_focused("administrators", WAIT)
    term.send("Space")
    term.send("C-s")
    review = term.wait_for(f"Create user {USER}?", WAIT)
    assert f"Add {USER} to group administrators" in review, review
    assert "iam:CreateAccessKey" in review, review
    term.send("C-s")
    screen = term.wait_for(f"Credentials for {USER}", WAIT)
    screen = term.wait_for("Keyring: ✗ not saved", WAIT)
    shown = re.findall(r"Access key ID\s+(AKIA[A-Z0-9]{16})\b", screen)
    assert len(shown) == 1, screen
    # The password and the secret key are masked until v.
    assert re.search(r"Password\s+••••", screen), screen
    assert re.search(r"Secret key\s+••••", screen), screen
    term.send("Down")  # from the password to the access key id
    term.send("c")
    term.wait_for("Copied access key id", WAIT)
    term.send("Escape")  # alone: escape followed at once by y would read as alt+y
    term.wait_for("Close without keeping the credentials?", WAIT)
    term.send("y")
    term.wait_gone(f"Credentials for {USER}", WAIT)
    term.wait_line(f" {USER} ", "yes", timeout=WAIT)  # its row in Users: console yes
    return shown[0]


def set_alias(term: Tmux) -> None:
    term.send("4")
    term.wait_footer(has="n Set alias")
    term.send("n")
    term.wait_for("Set an alias", WAIT)
    term.type(ALIAS)
    term.wait_for(f"https://{ALIAS}.signin.aws.amazon.com/console", WAIT)
    term.send("Enter")
    term.wait_for(f"123456789012 ({ALIAS})", WAIT)  # the header names it


def enable_region(term: Tmux) -> None:
    term.send("5")
    term.wait_footer(has="/ Filter", lacks="Set alias")
    filter_table(term, REGION)
    term.wait_line(REGION, "DISABLED", timeout=WAIT)
    term.send("Enter")
    term.wait_for(f"Enable {REGION}?", WAIT)
    term.send("y")
    term.wait_line(REGION, "ENABLING", timeout=WAIT)
    term.wait_until(
        lambda s: any(REGION in line and "ENABLED" in line for line in s.splitlines()),
        f"{REGION} ENABLED",
        WAIT,
    )


def quit_cleanly(term: Tmux) -> None:
    term.send("q")
    status = term.exit_status(WAIT)
    after = term.screen(history=True)
    assert status == 0, after
    assert "Traceback" not in after, after


# ------------------------------------------------------------------------------- the tests
@pytest.mark.parametrize(
    ("width", "height", "route"),
    [(80, 24, "finding"), (200, 50, "palette")],
    ids=["80x24", "200x50"],
)
def test_tutorial_by_keyboard_in_tmux(
    account: DemoEndpoint, tmp_path: Path, width: int, height: int, route: str
) -> None:
    term = Tmux(tmp_path, width, height)
    try:
        command = [*acct_tui(), "--endpoint-url", account.endpoint_url, "--region", "us-east-1"]
        term.start(command, env_for(tmp_path, account))
        # A fresh account opens "Getting started" by itself once it is read; this test
        # takes the panes' own route (the guide's is tests/app/test_guide_e2e.py), so close it.
        term.wait_line("Getting started —", "of 8 done", timeout=WAIT)
        term.send("Escape")
        term.wait_gone("Getting started —", timeout=WAIT)
        # (24 checks: the row may be out of view; create_admin_group filters for it)
        term.wait_for(" to fix ", WAIT)

        create_admin_group(term, route)
        key_id = create_user(term)
        copied = term.buffer()
        set_alias(term)
        enable_region(term)
        quit_cleanly(term)
    finally:
        term.close()

    assert copied == key_id, "OSC 52 did not put the access key id in tmux's buffer"

    iam = client("iam", account)
    group = iam.get_group(GroupName="administrators")
    assert [u["UserName"] for u in group["Users"]] == [USER]
    attached = iam.list_attached_group_policies(GroupName="administrators")["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == [ADMIN_ARN]
    # A console password, to be changed at first sign-in; AdministratorAccess, from the
    # group, lets the user change it, so nothing is attached to the user itself (that would
    # fail "permissions come from groups, not users").
    assert iam.get_login_profile(UserName=USER)["LoginProfile"]["UserName"] == USER
    assert iam.list_attached_user_policies(UserName=USER)["AttachedPolicies"] == []
    keys = iam.list_access_keys(UserName=USER)["AccessKeyMetadata"]
    assert [(k["AccessKeyId"], k["Status"]) for k in keys] == [(key_id, "Active")]
    assert iam.list_account_aliases()["AccountAliases"] == [ALIAS]
    status = client("account", account).get_region_opt_status(RegionName=REGION)
    assert status["RegionOptStatus"] == "ENABLED"


def test_stock_moto_server_lists_regions_read_only(moto_reset: str, tmp_path: Path) -> None:
    """Without the Account API, Regions come from EC2 and enter explains instead of enabling."""
    term = Tmux(tmp_path, 80, 24)
    try:
        command = [*acct_tui(), "--endpoint-url", moto_reset, "--region", "us-east-1"]
        term.start(command, env_for(tmp_path))
        term.wait_line("Getting started —", "of 8 done", timeout=WAIT)
        term.send("5")  # closes the guide and shows Regions
        term.wait_for("Read-only list from ec2:DescribeRegions", WAIT)
        filter_table(term, REGION)
        term.wait_line(REGION, "Africa (Cape Town)", timeout=WAIT)
        term.send("Enter")
        details = term.wait_for("read-only list from EC2", WAIT)
        assert f"Enable {REGION}?" not in details, details
        term.send("Escape")
        term.wait_gone("read-only list from EC2", WAIT)
        quit_cleanly(term)
    finally:
        term.close()
