"""The user's configuration file: ``$XDG_CONFIG_HOME/acct-tui/config.toml``.

```toml
theme = "textual-light"     # any Textual theme (ctrl+p "Change theme" lists them)

[keymap]                    # binding id = "keys" (comma-separated); ids are in `?` help
"users.new" = "a"
"app.refresh" = "f5,r"
```

A missing file is no configuration. A broken one never stops the app: what can be used is
used, and :attr:`Config.problems` says what was ignored and why (shown as a notification).
"""

from __future__ import annotations

import os
import stat
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Config:
    theme: str | None = None
    keymap: dict[str, str] = field(default_factory=dict)
    problems: tuple[str, ...] = ()
    path: Path | None = None
    # [organization]: how member accounts are reached (the command line's options win).
    org_role: str | None = None
    org_external_id: str | None = None
    org_concurrency: int | None = None


def config_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "acct-tui" / "config.toml"


class _NotRegular(Exception):
    """The configuration path is a FIFO, a device, a directory…"""


def _read_regular_file(path: Path) -> bytes:
    """The bytes of ``path`` if it is a regular file (symlinks followed), never blocking.

    ``O_NONBLOCK`` makes opening a FIFO return at once (a plain open waits for a writer,
    which hung start-up); the type is then checked on the open descriptor.
    """
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise _NotRegular("not a regular file")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return handle.read()


def load_config(path: Path | None = None) -> Config:
    """Read the configuration at ``path`` (default :func:`config_path`)."""
    path = path or config_path()
    try:
        raw = _read_regular_file(path)
    except FileNotFoundError:
        return Config(path=path)
    except OSError as exc:
        return Config(problems=(f"{path}: cannot read it ({exc.strerror}); ignored.",), path=path)
    except _NotRegular as exc:
        return Config(problems=(f"{path}: {exc}; ignored.",), path=path)
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        return Config(problems=(f"{path}: not valid TOML ({exc}); ignored.",), path=path)
    problems: list[str] = []
    theme = data.pop("theme", None)
    if theme is not None and not isinstance(theme, str):
        problems.append(f'{path}: theme must be a string, like theme = "textual-light".')
        theme = None
    keymap: dict[str, str] = {}
    table = data.pop("keymap", {})
    if not isinstance(table, dict):
        problems.append(f'{path}: [keymap] must be a table of binding id = "keys".')
        table = {}
    for binding_id, keys in table.items():
        if isinstance(keys, str) and keys.strip():
            keymap[binding_id] = keys.replace(" ", "")
        else:
            problems.append(f'{path}: keymap {binding_id!r} must be keys in a string, like "a".')
    org = _organization(data.pop("organization", {}), path, problems)
    for unknown in data:
        problems.append(
            f"{path}: unknown setting {unknown!r} ignored (known: theme, keymap, organization)."
        )
    return Config(theme=theme, keymap=keymap, problems=tuple(problems), path=path, **org)


def _organization(table: object, path: Path, problems: list[str]) -> dict[str, Any]:
    """``[organization]`` role, external_id, concurrency: what is usable, by Config field."""
    from tui.aws.org_permissions import concurrency_problem, external_id_problem, role_problem

    if not isinstance(table, dict):
        problems.append(f"{path}: [organization] must be a table (role, external_id, ...).")
        return {}
    usable: dict[str, Any] = {}
    checks: tuple[tuple[str, str, type, Callable[[Any], str | None]], ...] = (
        ("role", "org_role", str, role_problem),
        ("external_id", "org_external_id", str, external_id_problem),
        ("concurrency", "org_concurrency", int, concurrency_problem),
    )
    for key, name, kind, problem in checks:
        if key not in table:
            continue
        value = table.pop(key)
        if not isinstance(value, kind) or isinstance(value, bool):
            why: str | None = f"must be a {'string' if kind is str else 'whole number'}"
        else:
            why = problem(value)
        if why:
            problems.append(f"{path}: [organization] {key}: {why}; ignored.")
        else:
            usable[name] = value
    for unknown in table:
        problems.append(
            f"{path}: [organization] {unknown!r} ignored (known: role, external_id, concurrency)."
        )
    return usable
