"""The credentials CSV export: console-style rows, a private folder, mode 0600, no git leak.

A credentials CSV never lands unnoticed in a git work tree: :func:`export_csv` refuses a
path inside one unless git ignores it, and :func:`default_export_dir` is outside the
current directory (``$XDG_DATA_HOME/acct-tui/exports``; ``make_dirs`` creates missing
folders mode 0700). The file is created new (never overwritten, never half-written) with
mode 0600, and every value is checked first so that ``aws configure import --csv`` reads
it back exactly.

No Textual, Rich or boto3.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tui.support.keyringpolicy import VaultError
from tui.support.programs import which
from tui.support.vault import SERVICE, VaultEntry

CSV_HEADER = "User name,Password,Access key ID,Secret access key,Console login link"


class ExportError(VaultError, ValueError):
    """A credentials CSV was refused; nothing was written.

    Also a ``ValueError``, so callers catching ``(OSError, ValueError)`` see it."""


@dataclass(frozen=True)
class CsvRow:
    """One line of the console-style credentials CSV. ``repr`` shows no secret."""

    user_name: str
    password: str | None = field(default=None, repr=False)
    access_key_id: str | None = None
    secret_access_key: str | None = field(default=None, repr=False)
    console_login_link: str = ""

    @classmethod
    def from_entry(cls, entry: VaultEntry, console_login_link: str) -> CsvRow:
        return cls(
            user_name=entry.user_name,
            password=entry.password,
            access_key_id=entry.access_key_id,
            secret_access_key=entry.secret_access_key,
            console_login_link=console_login_link,
        )


def _csv_field(column: str, value: str | None, row_number: int) -> str:
    if value is None:
        return ""
    where = f"row {row_number}, column {column!r}"
    if "," in value or '"' in value:
        # `aws configure import --csv` splits on commas and understands no quoting.
        raise ExportError(
            f"cannot write the CSV: {where} contains a comma or a double quote, which "
            "`aws configure import --csv` cannot read; copy that value instead"
        )
    if len(f"x{value}x".splitlines()) != 1:
        raise ExportError(f"cannot write the CSV: {where} contains a line break")
    if column != "Password" and value != value.strip():
        raise ExportError(f"cannot write the CSV: {where} has leading or trailing spaces")
    return value


def csv_text(rows: Sequence[CsvRow]) -> str:
    """The CSV document (header + rows, ``\\n`` line ends). Raises :class:`ExportError`."""
    if not rows:
        raise ExportError("cannot write the CSV: there are no credentials to export")
    lines = [CSV_HEADER]
    for number, row in enumerate(rows, start=1):
        if not row.user_name:
            raise ExportError(f"cannot write the CSV: row {number} has no user name")
        values = (
            ("User name", row.user_name),
            ("Password", row.password),
            ("Access key ID", row.access_key_id),
            ("Secret access key", row.secret_access_key),
            ("Console login link", row.console_login_link),
        )
        lines.append(",".join(_csv_field(col, val, number) for col, val in values))
    return "\n".join(lines) + "\n"


def default_export_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Where credentials CSVs go by default: ``$XDG_DATA_HOME/acct-tui/exports``, else
    ``~/.local/share/acct-tui/exports``. Read when called (never at import); not created."""
    env = os.environ if environ is None else environ
    data = env.get("XDG_DATA_HOME", "")
    base = Path(data) if os.path.isabs(data) else Path.home() / ".local" / "share"
    return base / SERVICE / "exports"


def git_work_tree_problem(target: Path) -> str | None:
    """Why ``target`` (an absolute path, not yet created) must not be written: it is in a
    git work tree and git does not ignore it, or git cannot say. None when it may be."""
    try:
        parent = target.parent.resolve()
    except OSError:
        return None  # the export itself will say what is wrong with the folder
    top = next((d for d in (parent, *parent.parents) if (d / ".git").exists()), None)
    if top is None:
        return None
    where = f"{target} is inside the git work tree {top}"
    advice = (
        "a credentials file there is one `git add` away from a commit. Choose a folder "
        "outside it, or make git ignore the file (the pattern *_credentials.csv in "
        ".gitignore)"
    )
    git = which("git")
    if git is None:
        return f"{where}, and git is not installed to check it is ignored: {advice}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    try:
        result = subprocess.run(
            [git, "-C", str(top), "check-ignore", "-q", "--", str(parent / target.name)],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            env=env,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"{where}, and git could not check it is ignored ({type(exc).__name__}): {advice}"
    if result.returncode == 0:
        return None
    if result.returncode == 1:
        return f"{where} and git does not ignore it: {advice}"
    return f"{where}, and git could not check it is ignored (exit {result.returncode}): {advice}"


def export_csv(
    path: str | os.PathLike[str], rows: Sequence[CsvRow], *, make_dirs: bool = False
) -> Path:
    """Write a new credentials CSV with mode 0600. Never overwrites; never half-writes.

    Returns the absolute path written. ``make_dirs``: create missing folders (mode 0700).
    Raises :class:`ExportError` (with a message naming no secret) when the file exists, the
    path is in a git work tree that does not ignore it, a value cannot be written, or the
    file cannot be created with mode 0600.
    """
    target = Path(os.path.abspath(Path(path).expanduser()))
    text = csv_text(rows)  # validate everything before creating anything
    problem = git_work_tree_problem(target)
    if problem is not None:
        raise ExportError(f"refused: {problem}")
    if make_dirs:
        try:
            target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise ExportError(f"cannot create {target.parent}: {exc.strerror or exc}") from None
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(target, flags, 0o600)
    except FileExistsError:
        raise ExportError(
            f"{target} already exists: acct-tui never overwrites a credentials file; "
            "choose another name"
        ) from None
    except OSError as exc:
        raise ExportError(f"cannot create {target}: {exc.strerror or exc}") from None
    try:
        if os.name != "nt":
            os.fchmod(fd, 0o600)  # the umask can only take bits away; make it exact
            mode = os.fstat(fd).st_mode & 0o777
            if mode != 0o600:
                raise ExportError(f"{target} got mode {mode:o} instead of 600; removed it")
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            fd = -1
            handle.write(text)
    except BaseException as exc:
        if fd >= 0:
            os.close(fd)
        target.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise ExportError(f"cannot write {target}: {exc.strerror or exc}") from None
        raise
    return target
