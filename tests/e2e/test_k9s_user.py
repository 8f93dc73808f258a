"""A k9s user at 80×24: the key grammar in a real terminal (tmux) against ``acct-tui --demo``.

``q`` inside a modal (Getting started, help, a user's workspace) never quits and never
closes; ``escape`` always backs out; ``j``/``k`` move the highlighted row (seen in what the
panes show for it); ``/`` filters help. Every wait polls the screen for what a user would
see; that ``q`` did nothing is shown by a later key taking effect in the same modal (keys are
handled in order) while the process is still running.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.tmux import Tmux, acct_tui, terminal_env

pytestmark = [pytest.mark.tmux, pytest.mark.server]

WAIT = 60.0


@pytest.fixture
def term(tmp_path: Path) -> Iterator[Tmux]:
    with Tmux(tmp_path, 80, 24) as t:
        yield t


def running(term: Tmux) -> bool:
    status = term.tmp / "exit-status"
    return not (status.exists() and status.read_text().strip())


def guide_reason(screen: str) -> list[str]:
    """The start of each line of the guide's reason box (below the steps; the right part of
    the screen is left out, where a toast may show)."""
    lines = screen.splitlines()
    top = next(i for i, line in enumerate(lines) if "Getting started —" in line)
    rule = next(i for i in range(top, len(lines)) if "──────────" in lines[i][:20])
    end = next(i for i in range(rule, len(lines)) if "escape close" in lines[i])
    return [line[:36] for line in lines[rule + 1 : end]]


def user_names(screen: str) -> list[str]:
    """The names in the Users table, top to bottom."""
    lines = screen.splitlines()
    header = next((i for i, line in enumerate(lines) if "User" in line and "Console" in line), None)
    if header is None:
        return []
    names = []
    for line in lines[header + 1 :]:
        cells = line.strip("│┃ ").split()
        if not cells or cells[0].startswith(("─", "╰")):
            break
        names.append(cells[0])
    return names


def users_header(screen: str) -> str:
    """The Users table's header line."""
    return next(line for line in screen.splitlines() if " User " in line and "Groups" in line)


def test_k9s_user_keys(term: Tmux, tmp_path: Path) -> None:
    term.start([*acct_tui(), "--demo"], terminal_env(tmp_path))

    # Getting started opens by itself: q does nothing there, j/k move its step cursor (the
    # reason under the steps is the highlighted step's).
    term.wait_for("Getting started —", WAIT)
    term.wait_footer(has="Close")
    reason = guide_reason(term.screen())
    term.send("q")
    term.send("j")  # handled after q: the highlighted step changes
    term.wait_until(lambda s: guide_reason(s) != reason, "j moved the guide's cursor", WAIT)
    assert running(term) and "Getting started —" in term.screen()
    term.send("k")
    term.wait_until(lambda s: guide_reason(s) == reason, "k moved it back", WAIT)
    term.send("Escape")
    term.wait_gone("Getting started —", WAIT)

    # Help: q does nothing, / filters the keys, escape clears the search, then closes help.
    term.wait_footer(has="q Quit")
    term.send("?")
    term.wait_for("Keys (remap by id", WAIT)
    term.send("q")
    term.send("/")
    term.wait_for("search keys…", WAIT)
    term.type("copy")
    term.wait_for("users.copy", WAIT)
    term.wait_gone("app.refresh", WAIT)
    assert running(term)
    term.send("Escape")  # clears the search: every key again
    term.wait_for("app.refresh", WAIT)
    term.send("j")  # the keys scroll: the grammar line at the top goes
    term.send("j")
    term.wait_gone("escape backs out of any screen", WAIT)
    term.send("k")
    term.send("k")
    term.wait_for("escape backs out of any screen", WAIT)
    term.send("Escape")
    term.wait_gone("Keys (remap by id", WAIT)

    # Users: j j k highlights the second user, whose workspace enter opens; there q does
    # nothing and escape backs out.
    term.wait_footer(has="q Quit")
    term.send("2")
    term.wait_footer(has="n New user")
    second = user_names(term.wait_until(lambda s: len(user_names(s)) > 2, "users", WAIT))[1]
    term.send("j")
    term.send("j")
    term.send("k")
    term.send("Enter")
    term.wait_for(f"User {second} ", WAIT)
    term.wait_footer(has="Set password")
    term.send("q")
    term.send("Tab")  # handled after q: the next section (MFA) takes the focus
    term.wait_footer(has="Add MFA")
    assert running(term) and f"User {second} " in term.screen()
    term.send("Escape")
    term.wait_footer(has="n New user")

    # → moves one whole column: on the Users table at 80×24 each press brings exactly one
    # more column into view, the names stay, and Created appears after a few presses.
    # (tests/e2e/test_columns_tmux.py follows every column to the last.)
    line = users_header(term.screen())
    assert "Created" not in line, line
    seen = set(line.split())
    for _ in range(6):
        term.send("Right")
        # (the words of the header, not the line: its frame and "→" mark change on their own)
        screen = term.wait_until(
            lambda s, old=line: users_header(s).split()[1:-1] != old.split()[1:-1],
            "→ moved the Users columns",
            WAIT,
        )
        line = users_header(screen)
        assert line.split()[1] == "User", f"the name column scrolled away:\n{screen}"
        assert len(set(line.split()) - seen) >= 1, screen
        seen |= set(line.split())
        if "Created" in line:
            break
    assert "Created" in line, term.screen()

    # q on the main screen quits (nothing the user started is running).
    term.send("q")
    assert term.exit_status(WAIT) == 0
    assert "Traceback" not in term.screen(history=True)
