"""Users at 80×24 in a real terminal: → brings one whole column into view per press.

The installed ``acct-tui --demo`` in a private tmux server at 80×24, driven by keys only:
``2`` shows Users, then ``→`` until "Created" (and "Password used") are on screen. Each
press must show exactly one column header that was not seen before, and the user names
(the first column) must stay where they are.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.tmux import Tmux, acct_tui, terminal_env

pytestmark = [pytest.mark.tmux, pytest.mark.server]

WAIT = 60.0
COLUMNS = ("User", "Console", "MFA", "Keys (n·oldest·used)", "Groups", "Created", "Password used")


@pytest.fixture
def term(tmp_path: Path) -> Iterator[Tmux]:
    with Tmux(tmp_path, 80, 24) as t:
        yield t


def header(screen: str) -> str:
    """The Users table's header line (the one starting with "User")."""
    # The pane's frame is heavy (┃) while it has the focus, round (│) otherwise.
    lines = [line for line in screen.splitlines() if line[2:].startswith("User ")]
    assert lines, screen
    return lines[0]


def whole_columns(line: str) -> list[str]:
    """The column names shown whole on the header line, left to right."""
    found = [(line.find(f" {n} "), n) for n in COLUMNS if f" {n} " in line]
    return [n for _, n in sorted(found)]


def test_right_arrow_shows_users_columns_one_at_a_time(term: Tmux, tmp_path: Path) -> None:
    term.start([*acct_tui(), "--demo"], terminal_env(tmp_path))
    term.wait_for("Getting started —", timeout=WAIT)  # the demo opens the guide once read
    term.send("2")
    term.wait_footer(has="n New user", timeout=WAIT)
    screen = term.wait_line(" alice ", timeout=WAIT) and term.screen()
    line = header(screen)
    seen = set(whole_columns(line))
    assert "Created" not in seen, line
    presses = 0
    shown = seen
    while "Created" not in seen or "Password used" not in seen:
        term.send("Right")
        presses += 1
        # A press must change which columns are whole: the header line also changes when the
        # pane's frame turns heavy with the focus or the "→" mark appears.
        screen = term.wait_until(
            lambda s, old=shown: set(whole_columns(header(s))) != old, "the columns to move", WAIT
        )
        line = header(screen)
        now = whole_columns(line)
        assert now[0] == "User", f"the name column scrolled away:\n{screen}"
        new = set(now) - seen
        assert len(new) == 1, f"press {presses} showed {sorted(new)}:\n{screen}"
        seen |= new
        shown = set(now)
        assert presses <= len(COLUMNS), screen
        alice = next(row for row in screen.splitlines() if " alice " in row)
        assert alice[1:].startswith(" alice "), f"the user name moved:\n{screen}"
    term.send("q")
    assert term.exit_status() == 0
