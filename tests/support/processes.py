"""The processes a test started, seen from outside: the process table, a demo server's
child below a tmux pane, and whether a process is still alive (not a zombie)."""

from __future__ import annotations

import subprocess
from pathlib import Path


def processes() -> dict[int, tuple[int, str]]:
    out = subprocess.run(
        ["ps", "-ww", "-eo", "pid=,ppid=,args="], capture_output=True, text=True
    ).stdout
    table = {}
    for line in out.splitlines():
        pid, ppid, args = line.split(None, 2)
        table[int(pid)] = (int(ppid), args)
    return table


def demo_child_of(root: int) -> int | None:
    """The tui.demo.server process below ``root`` (the tmux pane's shell)."""
    procs = processes()
    below = {root}
    changed = True
    while changed:
        changed = False
        for pid, (ppid, _) in procs.items():
            if ppid in below and pid not in below:
                below.add(pid)
                changed = True
    found = [p for p in below if "tui.demo.server" in procs[p][1]]
    return found[0] if found else None


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"
