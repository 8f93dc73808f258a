"""``--log FILE``: the app's and botocore's logging at DEBUG, secrets masked, mode 0600.

Off by default. botocore's DEBUG output holds every request's parameters and headers and
every response body, so two layers keep secrets out of the file: the log-record factory of
:mod:`tui.aws.redact` (for every handler, including ones other code adds) and a formatter
that masks the finished line, tracebacks included, whichever logger wrote it.
"""

from __future__ import annotations

import logging
import os
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


def open_log(path: str | os.PathLike[str]) -> logging.Handler:
    """A handler appending to ``path``, created (or narrowed to) mode 0600.

    Refuses symlinks and anything that is not a regular file, so the log cannot be
    redirected into a file someone else reads.
    """
    target = Path(path).expanduser()
    flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(target, flags, 0o600)
    except OSError as exc:
        raise LogFileError(f"cannot write the log file {target}: {exc.strerror}") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise LogFileError(f"the log file {target} is not a regular file")
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


def start(path: str | os.PathLike[str]) -> logging.Handler:
    """Send every logger's records, from DEBUG up, to ``path``; returns the handler."""
    install_log_redaction()
    handler = open_log(path)
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    logging.captureWarnings(True)
    log.info("logging at DEBUG to %s (secrets masked)", Path(path).expanduser())
    return handler


def stop(handler: logging.Handler) -> None:
    """Detach and close ``handler`` (what :func:`start` returned)."""
    logging.getLogger().removeHandler(handler)
    logging.captureWarnings(False)
    handler.close()
