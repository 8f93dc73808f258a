"""Where ``acct-tui report`` puts its report: standard output or ``--output FILE``.

Shared by the one-account report (:mod:`tui.cli.report`) and ``--org``
(:mod:`tui.cli.report_org`). A report that cannot be delivered is said on stderr, once,
without a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
from pathlib import Path


def _fail(message: str) -> None:
    print(f"acct-tui: {message}", file=sys.stderr)


def deliver(args: argparse.Namespace, text: str) -> bool:
    """Write the report to ``--output`` or standard output; False (said on stderr) when
    it could not be delivered."""
    if args.output:
        try:
            write_atomically(Path(args.output), text, replace=args.force)
        except OSError as exc:
            _fail(f"cannot write {args.output}: {exc.strerror or exc}")
            return False
    elif not write_stdout(text):
        _fail("cannot write the report to standard output (closed, or its reader left)")
        return False
    return True


def write_stdout(text: str) -> bool:
    """Write ``text`` to standard output; False when it is closed or its reader has gone
    (``acct-tui report | head -1``). Then standard output is pointed at the null device,
    so Python's own flush at exit cannot fail again with a traceback."""
    stream = sys.stdout
    if stream is None:  # started with standard output closed (``>&-``)
        return False
    try:
        stream.write(text)
        stream.flush()
    except (OSError, ValueError):
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, stream.fileno())
            os.close(devnull)
        return False
    return True


def write_atomically(target: Path, text: str, *, replace: bool) -> None:
    """Write ``text`` to ``target`` through a temporary file in the same folder and
    ``os.replace``: a reader sees the old file or the whole new one, never half. Without
    ``replace``, an existing ``target`` is never overwritten (checked again at the end)."""
    folder = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if replace:
            os.replace(tmp, target)
        else:
            os.link(tmp, target)  # fails with FileExistsError if it appeared meanwhile
            os.unlink(tmp)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
