"""The AWS config and shared credentials files, read with botocore's own eyes.

- **Where they are**: ``$AWS_CONFIG_FILE`` / ``$AWS_SHARED_CREDENTIALS_FILE`` or the
  ``~/.aws`` defaults, read from the environment when a function is called, never at
  import. A variable set but empty is refused: botocore then reads no file at all.
- **Which profiles exist** is decided by botocore itself (``raw_config_parse`` and
  ``build_profile_map``): ``[profile "my name"]``, ``[profile  x ]``, ``[profile x] ; c``,
  ``[default]`` and ``[profile default]`` all name profiles; ``[sso-session x]``,
  ``[services x]`` and a bare ``[x]`` do not. Every section of the shared credentials
  file is a profile (botocore reads it first).
- **A file botocore cannot parse** is refused with what is wrong (a line number, a
  section name: never a line's text, which may hold a key).

Writing a profile is :mod:`tui.support.awsconfig`. No Textual, no boto3: botocore's config
loader only, imported when a file is read.
"""

from __future__ import annotations

import configparser
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any


class ConfigError(ValueError):
    """An AWS config file was refused (or a profile for it); nothing was changed. Names no
    secret."""


def _expand(value: str) -> Path:
    # botocore's raw_config_parse: expandvars, then expanduser.
    return Path(os.path.expanduser(os.path.expandvars(value)))


def _env_path(env: Mapping[str, str], name: str, default: str) -> Path:
    value = env.get(name, default)
    if not value:
        # botocore then reads no file at all: a profile written to the default place would
        # be invisible to it, the AWS CLI and acct-tui run in this environment.
        raise ConfigError(f"${name} is set but empty, so botocore reads no file: unset it")
    return _expand(value)


def config_path(environ: Mapping[str, str] | None = None) -> Path:
    """The AWS config file: ``$AWS_CONFIG_FILE`` or ``~/.aws/config``, as botocore reads it.

    Raises :class:`ConfigError` when the variable is set but empty (botocore reads none)."""
    env = os.environ if environ is None else environ
    return _env_path(env, "AWS_CONFIG_FILE", "~/.aws/config")


def credentials_path(environ: Mapping[str, str] | None = None) -> Path:
    """The shared credentials file: ``$AWS_SHARED_CREDENTIALS_FILE`` or ~/.aws/credentials."""
    env = os.environ if environ is None else environ
    return _env_path(env, "AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials")


def _describe_parse_error(error: object) -> str:
    """What botocore's parser disliked, by line and section: never a line's text."""
    if isinstance(error, configparser.DuplicateSectionError):
        return f"the section [{error.section}] appears twice (line {error.lineno})"
    if isinstance(error, configparser.DuplicateOptionError):
        return (
            f"the setting {error.option!r} appears twice in [{error.section}] (line {error.lineno})"
        )
    if isinstance(error, configparser.MissingSectionHeaderError):
        return f"line {error.lineno} comes before any [section] header"
    if isinstance(error, configparser.ParsingError):
        numbers = ", ".join(str(lineno) for lineno, _ in error.errors)
        return f"line {numbers} cannot be parsed"
    if isinstance(error, UnicodeDecodeError):
        return f"it is not valid {error.encoding} text (byte {error.start})"
    if isinstance(error, ValueError):
        return "an indented (nested) setting has no '='"
    return type(error).__name__


def botocore_parse(path: Path) -> dict[str, Any]:
    """botocore's raw view of ``path`` (section name → settings). ConfigError if it cannot.

    ``path`` must be a file that exists."""
    from botocore.configloader import raw_config_parse
    from botocore.exceptions import ConfigNotFound, ConfigParseError

    text = str(path)
    if os.path.expanduser(os.path.expandvars(text)) != text:
        # botocore would expand $VAR or ~ in it and read another file.
        raise ConfigError(f"cannot check {path} with botocore: its path contains '$' or '~'")
    try:
        parsed: dict[str, Any] = raw_config_parse(text)
    except ConfigParseError as exc:
        why = _describe_parse_error(exc.kwargs.get("error"))
        raise ConfigError(
            f"botocore cannot read {path}: {why}. The AWS CLI and SDKs refuse it as it is; "
            "acct-tui leaves it unchanged. Fix it, then try again"
        ) from None
    except ConfigNotFound:
        raise ConfigError(f"{path} is not a regular file") from None
    return parsed


def read_file(path: Path) -> bytes | None:
    """The file's bytes, or None when it does not exist. ConfigError if it cannot be read
    (botocore's parser would silently skip an unreadable file)."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror or exc}") from None


def profiles(path: str | os.PathLike[str] | None = None) -> dict[str, dict[str, Any]]:
    """The profiles botocore finds in an AWS config file (name → settings); {} if none."""
    target = Path(path) if path is not None else config_path()
    if read_file(target) is None:
        return {}
    from botocore.configloader import build_profile_map

    found: dict[str, dict[str, Any]] = build_profile_map(botocore_parse(target))["profiles"]
    return found


def credentials_profiles(path: Path) -> set[str]:
    """The profile names of a shared credentials file; an empty set if there is none."""
    # botocore's SharedCredentialProvider: every section name of that file is a profile.
    if read_file(path) is None:
        return set()
    return set(botocore_parse(path))
