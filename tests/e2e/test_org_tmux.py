"""`acct-tui --demo --org` in a real terminal, keys only: the Accounts view at 80×24 with
a denied member failing alone, a member's console opened with enter, a fix made there,
escape back to that member's row read again, and the same view whole at 200×50."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.tmux import Tmux, acct_tui, terminal_env

pytestmark = [pytest.mark.tmux, pytest.mark.server]

WAIT = 90.0


def row(screen: str, name: str) -> str:
    lines = [line for line in screen.splitlines() if f" {name} " in line]
    assert lines, screen
    return lines[0]


def to_fix(line: str) -> int:
    found = re.search(r"✗ (\d+) to fix", line)
    assert found, line
    return int(found.group(1))


def test_an_organization_at_80x24_member_fixed_and_back(tmp_path: Path) -> None:
    with Tmux(tmp_path, 80, 24) as term:
        term.start([*acct_tui(), "--demo", "--org"], terminal_env(tmp_path))
        screen = term.wait_for("Accounts · 5 read", timeout=WAIT)
        # Name, id and checks fit at 80 columns; the denied member fails alone.
        assert "? access denied assuming the role" in row(screen, "dev-sandbox")
        assert "? not read: suspended" in row(screen, "legacy-data")
        before = to_fix(row(screen, "prod-web"))
        assert to_fix(row(screen, "acme-management")) > 0
        term.wait_footer(has="esc Console")

        # Open prod-web: filter to it, enter.
        term.send("/")
        term.wait_for("filter…", timeout=WAIT)
        term.type("prod-web")
        term.send("Enter")  # the filter gives the focus back to the table
        term.wait_until(lambda s: "dev-sandbox" not in s, "the filter", WAIT)
        term.send("Enter")
        screen = term.wait_for("MEMBER prod-web", timeout=WAIT)
        term.wait_for("to fix", timeout=WAIT)  # its recommendations are read
        term.wait_footer(has="esc Organization")
        term.send("2")
        term.wait_line(" web-admin ", timeout=WAIT)  # prod-web's own users

        # Fix its password policy from Recommendations (enter on the check, ctrl+s).
        term.send("1")
        term.wait_for("┏━ 1 Security recommendations", timeout=WAIT)  # its frame: focused
        term.send("/")
        term.wait_for("filter…", timeout=WAIT)
        term.type("password policy")
        term.send("Enter")
        term.wait_until(
            lambda s: "A strong password policy is set" in s and "Root user has MFA" not in s,
            "the filter",
            WAIT,
        )
        term.send("Enter")
        term.wait_for("Account password policy", timeout=WAIT)
        term.send("C-s")
        term.wait_gone("Account password policy", timeout=WAIT)

        # Back to the organization: prod-web is read again, one check fewer to fix.
        term.send("Escape")  # the filter
        term.wait_for("Root user has MFA", timeout=WAIT)  # every check again
        term.send("Escape")  # the console → Accounts
        screen = term.wait_until(
            lambda s: "Accounts · 5 read" in s and " prod-web " in s and "✗" in row(s, "prod-web"),
            "prod-web read again",
            WAIT,
        )
        screen = term.wait_until(
            lambda s: to_fix(row(s, "prod-web")) == before - 1,
            f"prod-web at {before - 1} to fix",
            WAIT,
        )
        assert " dev-sandbox " in screen  # Accounts opened afresh: no filter, every account
        term.send("q")
        assert term.exit_status() == 0


def test_the_whole_view_at_200x50(tmp_path: Path) -> None:
    with Tmux(tmp_path, 200, 50) as term:
        term.start([*acct_tui(), "--demo", "--org"], terminal_env(tmp_path))
        screen = term.wait_for("Accounts · 5 read", timeout=WAIT)
        header = row(screen, "Name")
        for column in ("Account", "Checks", "Root MFA", "Admins no MFA", "Oldest key", "OU"):
            assert column in header, header
        web = row(screen, "prod-web")
        assert "Root/Workloads/Prod" in web and "✗ 1 " in web and "410d" in web, web
        term.send("q")
        assert term.exit_status() == 0
