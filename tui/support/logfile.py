"""``--log FILE``: the app's and botocore's logging at DEBUG, secrets masked, mode 0600.

Off by default. botocore's DEBUG output holds every request's parameters and headers and
every response body, so two layers keep secrets out of the file: the log-record factory of
:mod:`tui.aws.redact` (for every handler, including ones other code adds) and a formatter
that masks the finished line, tracebacks included, whichever logger wrote it.
"""

from __future__ import annotations

import logging
import os
import re
import stat
from pathlib import Path
from typing import TextIO

from tui.aws.redact import install_log_redaction, redact

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"

log = logging.getLogger(__name__)


class LogFileError(Exception):
    """The log file cannot be opened as asked; the message says why, in one line."""


class RedactingFormatter(logging.Formatter):
    """Masks secret fields in the whole formatted record (message, traceback, stack)."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class _LogFileHandler(logging.StreamHandler[TextIO]):
    """A StreamHandler that owns its stream: closing the handler closes the file."""

    def close(self) -> None:
        try:
            self.flush()
            self.stream.close()
        finally:
            super().close()


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISLNK, "a symbolic link"),
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def _refusal(target: Path, info: os.stat_result) -> LogFileError | None:
    """Why the existing ``target`` (described by ``info``) must not become the log."""
    if not stat.S_ISREG(info.st_mode):
        return LogFileError(
            f"cannot write the log file {target}: it is {_kind(info.st_mode)}, not a regular file"
        )
    uid = os.geteuid() if hasattr(os, "geteuid") else None
    if uid is not None and info.st_uid != uid:
        return LogFileError(
            f"cannot write the log file {target}: it belongs to another user "
            f"(uid {info.st_uid}); choose a file of your own"
        )
    return None


# The start of a line LOG_FORMAT writes: "2026-12-06 13:58:44,123 DEBUG ".
_LOG_HEAD = re.compile(
    rb"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (?:DEBUG|INFO|WARNING|ERROR|CRITICAL) "
)


def _not_a_log(target: Path, fd: int, info: os.stat_result) -> LogFileError | None:
    """Refuse an existing, non-empty file that is not an acct-tui log (``--log
    ~/.aws/credentials`` would append DEBUG lines to it and narrow its mode)."""
    if info.st_size == 0 or not hasattr(os, "pread"):
        return None
    if _LOG_HEAD.match(os.pread(fd, 64, 0)):
        return None
    return LogFileError(
        f"cannot write the log file {target}: it already holds something other than an "
        "acct-tui log; choose a new file (or one an earlier --log wrote)"
    )


def open_log(path: str | os.PathLike[str]) -> logging.Handler:
    """A handler appending to ``path``, created (or narrowed to) mode 0600.

    Refuses, without ever blocking: a symlink, anything that is not a regular file (a FIFO
    with no reader would otherwise hang start-up, a device would swallow or spray the log),
    and a file owned by another user (whose mode it would otherwise narrow). The path is
    checked with ``lstat`` first, then opened with ``O_NOFOLLOW | O_NONBLOCK`` and checked
    again on the open descriptor, so a swap in between is caught too.
    """
    target = Path(path).expanduser()
    try:
        refusal = _refusal(target, os.lstat(target))
    except FileNotFoundError:
        refusal = None
    except OSError as exc:
        raise LogFileError(f"cannot write the log file {target}: {exc.strerror}") from None
    if refusal is not None:
        raise refusal
    # Read and write: the head of an existing file is read to check it is a log of ours.
    flags = os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC
    flags |= getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(target, flags, 0o600)
    except OSError as exc:
        # ENXIO: a FIFO with no reader, swapped in after the check.
        raise LogFileError(f"cannot write the log file {target}: {exc.strerror}") from None
    try:
        info = os.fstat(fd)
        refusal = _refusal(target, info) or _not_a_log(target, fd, info)
        if refusal is not None:
            raise refusal
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)  # (no effect on a regular file; tidy all the same)
        # An existing file keeps its mode, and the umask only takes bits away: set it.
        os.fchmod(fd, 0o600)
        stream = os.fdopen(fd, "a", encoding="utf-8", errors="backslashreplace", buffering=1)
    except LogFileError:
        os.close(fd)
        raise
    except OSError as exc:
        os.close(fd)
        raise LogFileError(f"cannot write the log file {target}: {exc.strerror}") from None
    handler = _LogFileHandler(stream)
    handler.setFormatter(RedactingFormatter(LOG_FORMAT))
    handler.setLevel(logging.DEBUG)
    return handler


_previous_levels: dict[logging.Handler, int] = {}


def start(path: str | os.PathLike[str]) -> logging.Handler:
    """Send every logger's records, from DEBUG up, to ``path``; returns the handler."""
    install_log_redaction()
    handler = open_log(path)
    root = logging.getLogger()
    _previous_levels[handler] = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    logging.captureWarnings(True)
    log.info("logging at DEBUG to %s (secrets masked)", Path(path).expanduser())
    return handler


def stop(handler: logging.Handler) -> None:
    """Detach and close ``handler`` (what :func:`start` returned); the root logger's level
    goes back to what it was, so later code does not keep building DEBUG records."""
    root = logging.getLogger()
    root.removeHandler(handler)
    if handler in _previous_levels:
        root.setLevel(_previous_levels.pop(handler))
    logging.captureWarnings(False)
    handler.close()
