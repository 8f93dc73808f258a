"""The user's AWS config file: add a ``credential_process`` profile, and nothing else.

``~/.aws/config`` belongs to the user and to every AWS tool that reads it, so acct-tui
treats it with botocore's own eyes (:mod:`tui.support.awsfiles`) and touches it as little
as it can:

- **A name in use** (in the config file or the shared credentials file) is refused, never
  appended a second time (botocore then refuses the whole file) and never taken over;
  :func:`free_profile_name` offers ``name-2``, ``name-3``…
- **A file botocore cannot parse** is refused and left alone.
- **The write** appends one section: the old bytes are an exact prefix of the new file.
  The new text goes to a temporary file in the same directory (mode of the old file, or
  0600 for a new one, owner kept), is fsync'ed and parsed again with botocore; unless
  botocore reads every old section unchanged and the new profile as exactly the one
  ``credential_process`` line meant, nothing is replaced. Then ``os.replace`` swaps it in
  (and the directory is fsync'ed). A file changed by someone else meanwhile is not
  overwritten.
- **A symlinked config** (dotfile managers) is written through: the link's target is
  replaced, the link stays. A dangling link is refused.
- **credential_process** is the absolute, resolved path of the installed ``acct-tui``
  console script (:func:`find_console_script`), quoted for botocore's own splitting;
  never a relative path or ``python -m tui``, which would run whatever sits in the AWS
  CLI's working directory.

Every function takes the paths as parameters: ``None`` means the files botocore reads.

No Textual, no boto3: botocore's config loader only.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from tui.support.awsfiles import (
    ConfigError,
    botocore_parse,
    config_path,
    credentials_path,
    credentials_profiles,
    profiles,
    read_file,
)
from tui.support.programs import which
from tui.support.vault import ACCOUNT_ID_RE, USER_NAME_RE

# What acct-tui writes as a profile name: one shell word, no quoting needed anywhere.
PROFILE_RE = re.compile(r"[A-Za-z0-9_.@+=,:-]{1,128}")

SCRIPT = "acct-tui"
HOW_TO_INSTALL = (
    "Install acct-tui as a command — `pipx install .` from its source folder, or "
    "`pip install .` inside a virtual environment — and start it with that `acct-tui` "
    "command; the profile then runs that file by its absolute path."
)


# ------------------------------------------------------------------------------ errors
class ProfileExists(ConfigError):
    """``name`` is already a profile; ``suggestion`` is a free name to offer instead."""

    def __init__(self, name: str, path: Path, where: str, suggestion: str) -> None:
        super().__init__(
            f"the profile {name!r} already exists in {where}; acct-tui never changes or "
            f"repeats a profile. Free name: {suggestion!r}"
        )
        self.name = name
        self.path = path
        self.suggestion = suggestion


class NoConsoleScript(ConfigError):
    """No installed ``acct-tui`` script could be found to put in credential_process."""


# ------------------------------------------------------------------------- profile names
def _taken(config: Path, credentials: Path) -> tuple[dict[str, dict[str, Any]], set[str]]:
    return profiles(config), credentials_profiles(credentials)


def _first_free(wanted: str, config_names: set[str], credential_names: set[str]) -> str:
    base = wanted[:120]
    for number in range(2, 10_000):
        candidate = f"{base}-{number}"
        if candidate not in config_names and candidate not in credential_names:
            return candidate
    raise ConfigError(f"no free profile name like {wanted!r}")  # pragma: no cover


def free_profile_name(
    wanted: str,
    config_file: str | os.PathLike[str] | None = None,
    credentials_file: str | os.PathLike[str] | None = None,
) -> str:
    """``wanted`` if no profile has that name, else the first free ``wanted-2``, ``-3``…

    Raises :class:`ConfigError` when either file cannot be read or parsed by botocore."""
    config = Path(config_file) if config_file is not None else config_path()
    credentials = Path(credentials_file) if credentials_file is not None else credentials_path()
    in_config, in_credentials = _taken(config, credentials)
    if wanted not in in_config and wanted not in in_credentials and PROFILE_RE.fullmatch(wanted):
        return wanted
    return _first_free(wanted, set(in_config), in_credentials)


# ----------------------------------------------------------------------- the console script
def _script_names() -> tuple[str, ...]:
    return (f"{SCRIPT}.exe", SCRIPT) if os.name == "nt" else (SCRIPT,)


def _usable(candidate: Path) -> Path | None:
    if not candidate.is_absolute():
        return None
    try:
        resolved = candidate.resolve(strict=True)
    except OSError:
        return None
    if resolved.is_file() and os.access(resolved, os.X_OK):
        return resolved
    return None


def find_console_script() -> Path:
    """The absolute, resolved path of the installed ``acct-tui`` script, in this order:

    ``sys.argv[0]`` when this process is that script; the script next to
    ``sys.executable`` (the same virtual environment); this interpreter's scripts
    directory; the absolute directories of ``$PATH`` (a relative entry such as ``.`` is
    skipped: it names whatever directory the AWS CLI happens to run in).
    Raises :class:`NoConsoleScript` with how to install it."""
    names = _script_names()
    candidates: list[Path] = []
    if sys.argv and sys.argv[0] and Path(sys.argv[0]).name in names:
        candidates.append(Path(os.path.abspath(sys.argv[0])))
    places = [Path(sys.executable).parent] if sys.executable else []
    scripts = sysconfig.get_path("scripts")
    if scripts:
        places.append(Path(scripts))
    candidates += [place / name for place in places for name in names]
    for candidate in candidates:
        found = _usable(candidate)
        if found is not None:
            return found
    on_path = which(SCRIPT)
    if on_path is not None:
        found = _usable(Path(on_path))
        if found is not None:
            return found
    raise NoConsoleScript(
        "cannot add the profile: no installed `acct-tui` command was found, and "
        "credential_process must name it by absolute path (never `python -m tui` or a "
        "relative path, which would run whatever is in the AWS CLI's working directory). "
        + HOW_TO_INSTALL
    )


def _checked_script(script: str | os.PathLike[str]) -> Path:
    path = Path(script)
    found = _usable(path)
    if found is None or path.name not in _script_names():
        raise NoConsoleScript(
            f"{script} is not an absolute path to an executable `acct-tui` script. "
            + HOW_TO_INSTALL
        )
    return found


def _quote(argv: Sequence[str]) -> str:
    if os.name == "nt":  # botocore splits credential_process Windows-style there
        return subprocess.list2cmdline(list(argv))
    return shlex.join(argv)


def credential_process_argv(script: Path, account_id: str, user_name: str) -> list[str]:
    return [str(script), "credentials", "get", user_name, "--account", account_id]


# ------------------------------------------------------------------------------- writing
def add_cli_profile(
    config_file: str | os.PathLike[str] | None,
    profile: str,
    account_id: str,
    user_name: str,
    script: str | os.PathLike[str] | None = None,
    *,
    credentials_file: str | os.PathLike[str] | None = None,
) -> Path:
    """Add ``[profile NAME]`` whose ``credential_process`` reads the key from the keyring.

    ``script`` is the installed ``acct-tui`` (an absolute path; ``None``:
    :func:`find_console_script`). ``config_file`` / ``credentials_file`` ``None``: the
    paths botocore uses. Returns the path given (or found). Raises :class:`ProfileExists`
    when the name is in use, :class:`NoConsoleScript`, or :class:`ConfigError` for
    anything else; in every case the file is unchanged. No secret is written.
    """
    _check_request(profile, account_id, user_name)
    resolved_script = find_console_script() if script is None else _checked_script(script)
    argv = credential_process_argv(resolved_script, account_id, user_name)
    line = _quote(argv)

    given = Path(config_file) if config_file is not None else config_path()
    credentials = Path(credentials_file) if credentials_file is not None else credentials_path()
    target = _write_target(given)
    old = read_file(target)
    old_raw = botocore_parse(target) if old is not None else {}
    _refuse_taken(profile, given, old_raw, credentials)

    header = "[default]" if profile == "default" else f"[profile {profile}]"

    def check(tmp: Path) -> None:
        _check_written(tmp, old_raw, header, profile, argv, line)

    _replace(target, old, _appended(old or b"", header, line), check)
    return given


def _check_request(profile: str, account_id: str, user_name: str) -> None:
    if not isinstance(account_id, str) or not ACCOUNT_ID_RE.fullmatch(account_id):
        raise ConfigError(f"account id must be 12 digits, got {account_id!r}")
    if not isinstance(user_name, str) or not USER_NAME_RE.fullmatch(user_name):
        raise ConfigError(f"not a valid IAM user name: {user_name!r}")
    if not PROFILE_RE.fullmatch(profile):
        raise ConfigError(
            f"not a usable profile name: {profile!r} (1-128 of letters, digits and _.@+=,:-)"
        )


def _refuse_taken(profile: str, given: Path, old_raw: dict[str, Any], credentials: Path) -> None:
    """Raise :class:`ProfileExists` when botocore already knows a profile ``profile``."""
    from botocore.configloader import build_profile_map

    old_profiles = build_profile_map(old_raw)["profiles"]
    in_credentials = credentials_profiles(credentials)
    if profile in old_profiles or profile in in_credentials:
        where = str(given) if profile in old_profiles else f"{credentials} (credentials file)"
        raise ProfileExists(
            profile,
            given,
            where,
            _first_free(profile, set(old_profiles), in_credentials),
        )


def _appended(before: bytes, header: str, line: str) -> bytes:
    """``before`` and, after a blank line, the new section, in ``before``'s line ends."""
    newline = b"\r\n" if b"\r\n" in before else b"\n"
    block = f"{header}\ncredential_process = {line}\n".encode().replace(b"\n", newline)
    prefix = b""
    if before and not before.endswith(b"\n"):
        prefix += newline
    if before:
        prefix += newline  # a blank line between the sections
    return before + prefix + block


def _fsync_dir(directory: Path) -> None:
    if os.name == "nt":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_target(target: Path) -> Path:
    """The file to replace: ``target``, or the file a symlink at ``target`` points to."""
    if not target.is_symlink():
        return target
    real = Path(os.path.realpath(target))
    if not real.exists():
        raise ConfigError(
            f"{target} is a symbolic link to {real}, which does not exist; acct-tui does "
            "not create files through a dangling link. Create the file, or remove the link"
        )
    return real


def _replace(target: Path, old: bytes | None, new: bytes, check: Callable[[Path], None]) -> None:
    """Replace ``target`` (whose bytes were ``old``; None: absent) by ``new`` atomically,
    once ``check`` accepts the written temporary file and nobody changed ``target``."""
    directory = target.parent
    if old is None:
        try:
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(f"cannot create {directory}: {exc.strerror or exc}") from None
    before_stat = os.stat(target) if old is not None else None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise ConfigError(f"cannot write in {directory}: {exc.strerror or exc}") from None
    tmp = Path(tmp_name)
    try:
        _fill(fd, new, before_stat, target)
        check(tmp)
        # Someone else (aws configure, an editor) changed the file since we read it?
        if read_file(target) != old or (
            before_stat is not None
            and os.stat(target).st_ino != before_stat.st_ino  # replaced meanwhile
        ):
            raise ConfigError(f"{target} changed while acct-tui was adding the profile; retry")
        try:
            os.replace(tmp, target)
        except OSError as exc:
            raise ConfigError(f"cannot replace {target}: {exc.strerror or exc}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    with contextlib.suppress(OSError):  # the rename is done; the directory fsync is a bonus
        _fsync_dir(directory)


def _fill(fd: int, new: bytes, before_stat: os.stat_result | None, target: Path) -> None:
    """Write ``new`` to the temporary file ``fd`` (closed here), fsync'ed, with the mode
    and owner of the file it replaces (0600 for a new one)."""
    try:
        with os.fdopen(fd, "wb") as handle:
            if os.name != "nt":
                if before_stat is not None:
                    os.fchmod(fd, before_stat.st_mode & 0o7777)
                    st = os.fstat(fd)
                    if (st.st_uid, st.st_gid) != (before_stat.st_uid, before_stat.st_gid):
                        os.fchown(fd, before_stat.st_uid, before_stat.st_gid)
                else:
                    os.fchmod(fd, 0o600)
            handle.write(new)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        raise ConfigError(
            f"cannot write a new {target.name} next to {target} with the same mode and "
            f"owner: {exc.strerror or exc}"
        ) from None


def _check_written(
    tmp: Path,
    old_raw: Mapping[str, Any],
    header: str,
    profile: str,
    argv: Sequence[str],
    line: str,
) -> None:
    """botocore must read the new file as the old sections plus exactly our profile."""
    from botocore.compat import compat_shell_split
    from botocore.configloader import build_profile_map

    try:
        new_raw = botocore_parse(tmp)
    except ConfigError:
        raise ConfigError(
            "botocore could not read the config file with the new profile in it; nothing "
            "was changed"
        ) from None
    section = header[1:-1]
    others = {k: v for k, v in new_raw.items() if k != section}
    new_profile = build_profile_map(new_raw)["profiles"].get(profile)
    if (
        others != dict(old_raw)
        or new_raw.get(section) != {"credential_process": line}
        or new_profile != {"credential_process": line}
        or compat_shell_split(line) != list(argv)
    ):
        raise ConfigError(
            "botocore would not read the new profile exactly as written (a [DEFAULT] "
            "section, or settings that leak into it); nothing was changed"
        )
