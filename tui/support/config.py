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
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Config:
    theme: str | None = None
    keymap: dict[str, str] = field(default_factory=dict)
    problems: tuple[str, ...] = ()
    path: Path | None = None


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
    for unknown in data:
        problems.append(f"{path}: unknown setting {unknown!r} ignored (known: theme, keymap).")
    return Config(theme=theme, keymap=keymap, problems=tuple(problems), path=path)
