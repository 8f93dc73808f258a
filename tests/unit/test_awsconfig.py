"""tui/support/awsconfig.py, awsfiles.py: the AWS config file, read and written as botocore does.

Real files in temporary folders, parsed by botocore itself (``botocore.session.Session``,
the loader every AWS SDK for Python and the AWS CLI v1 use); the credential_process is
the ``acct-tui`` console script installed next to this interpreter.
"""

from __future__ import annotations

import os
import shlex
import stat
import sys
from pathlib import Path
from typing import Any

import botocore.session
import pytest

from tui.support import awsconfig, awsfiles
from tui.support.awsconfig import ProfileExists, add_cli_profile
from tui.support.awsfiles import ConfigError

ACCOUNT = "123456789012"
ROLE = "role_arn = arn:aws:iam::123456789012:role/ops\nsource_profile = base\n"


def installed_script() -> Path:
    script = Path(sys.executable).parent / "acct-tui"
    assert script.is_file(), "install the project (pip install -e .) in this interpreter"
    return script.resolve()


SCRIPT = installed_script()


def botocore_profiles(config: Path) -> dict[str, Any]:
    """The profiles botocore's own session finds in ``config`` (raises if it cannot parse)."""
    session = botocore.session.Session()
    session.set_config_variable("config_file", str(config))
    profiles: dict[str, Any] = session.full_config["profiles"]
    return profiles


def temporary_files(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name not in ("config", "_aws")]


def expected_process(user: str = "alice") -> list[str]:
    return [str(SCRIPT), "credentials", "get", user, "--account", ACCOUNT]


def add(config: Path, name: str, user: str = "alice", **kwargs: Any) -> Path:
    return add_cli_profile(config, name, ACCOUNT, user, str(SCRIPT), **kwargs)


# ------------------------------------------------------------------------- which profiles
@pytest.mark.parametrize(
    "header",
    [
        '[profile "ops"]',
        "[profile  ops ]",
        "[profile ops] ; the team's role",
        "[profile ops] # the team's role",
    ],
)
def test_an_existing_profile_is_found_however_its_header_is_spelled(
    tmp_path: Path, header: str
) -> None:
    config = tmp_path / "config"
    original = f"[profile base]\nregion = eu-west-1\n\n{header}\n{ROLE}".encode()
    config.write_bytes(original)
    assert botocore_profiles(config)["ops"]["role_arn"].endswith(":role/ops")

    with pytest.raises(ProfileExists, match="'ops' already exists") as caught:
        add(config, "ops")
    assert getattr(caught.value, "suggestion", None) == "ops-2"
    assert config.read_bytes() == original, "nothing appended, nothing taken over"
    ops = botocore_profiles(config)["ops"]
    assert "credential_process" not in ops and ops["role_arn"].endswith(":role/ops")


@pytest.mark.parametrize(
    "header", ["[default]", "[profile default]", "[default] ; mine", '[profile "default"]']
)
def test_default_in_either_spelling_is_the_default_profile(tmp_path: Path, header: str) -> None:
    config = tmp_path / "config"
    original = f"{header}\nregion = eu-west-1\n".encode()
    config.write_bytes(original)
    with pytest.raises(ProfileExists):
        add(config, "default")
    assert config.read_bytes() == original
    assert botocore_profiles(config)["default"] == {"region": "eu-west-1"}


def test_sso_session_services_and_bare_sections_are_not_profiles(tmp_path: Path) -> None:
    config = tmp_path / "config"
    original = (
        b"[sso-session ops]\nsso_start_url = https://example.awsapps.com/start\n"
        b"sso_region = eu-west-1\n\n"
        b"[services ops]\ns3 =\n  endpoint_url = http://127.0.0.1:9000\n\n"
        b"[ops]\nregion = us-east-1\n"
    )
    config.write_bytes(original)
    assert botocore_profiles(config) == {}

    add(config, "ops")
    assert config.read_bytes().startswith(original)
    session = botocore.session.Session()
    session.set_config_variable("config_file", str(config))
    assert shlex.split(session.full_config["profiles"]["ops"]["credential_process"]) == (
        expected_process()
    )
    assert session.full_config["sso_sessions"]["ops"]["sso_region"] == "eu-west-1"
    assert session.full_config["services"]["ops"]["s3"]["endpoint_url"].endswith(":9000")


def test_a_profile_in_the_shared_credentials_file_is_taken_too(tmp_path: Path) -> None:
    """botocore reads the credentials file first: a same-named profile would win."""
    config, credentials = tmp_path / "config", tmp_path / "credentials"
    config.write_text("[default]\nregion = eu-west-1\n")
    credentials.write_text("[ops]\naws_access_key_id = AKIAEXAMPLE\n")
    with pytest.raises(ProfileExists, match="credentials file"):
        add(config, "ops", credentials_file=credentials)
    assert config.read_text() == "[default]\nregion = eu-west-1\n"
    assert (
        awsconfig.free_profile_name("ops", config, credentials) == "ops-2"
        and awsconfig.free_profile_name("new", config, credentials) == "new"
    )


def test_free_name_skips_every_taken_name(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.write_text('[profile alice]\n[profile "alice-2"]\n[profile alice-3] ; x\n')
    assert awsconfig.free_profile_name("alice", config, tmp_path / "none") == "alice-4"
    assert add(config, "alice-4") == config
    assert set(botocore_profiles(config)) == {"alice", "alice-2", "alice-3", "alice-4"}


# ---------------------------------------------------------------- a config botocore refuses
@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("[profile ops]\nregion = a\n[profile ops] ; again\n", "appears twice (line 3)"),
        ("[default]\nregion = a\nregion = b\n", "'region' appears twice"),
        ("aws_secret_access_key = do-not-show-me\n[default]\n", "line 1 comes before"),
    ],
)
def test_a_config_botocore_cannot_parse_is_refused_unchanged(
    tmp_path: Path, text: str, why: str
) -> None:
    config = tmp_path / "config"
    config.write_text(text)
    with pytest.raises(ConfigError, match="botocore cannot read") as caught:
        add(config, "alice")
    assert why in str(caught.value)
    assert "do-not-show-me" not in str(caught.value)
    assert config.read_text() == text
    assert temporary_files(tmp_path) == []


def test_nothing_is_replaced_when_botocore_would_read_the_new_profile_otherwise(
    tmp_path: Path,
) -> None:
    """configparser's [DEFAULT] leaks into every section: the new profile would assume
    a role. The re-parse catches it before the file is replaced."""
    config = tmp_path / "config"
    original = f"[DEFAULT]\n{ROLE}\n[profile base]\nregion = eu-west-1\n"
    config.write_text(original)
    with pytest.raises(ConfigError, match="nothing was changed"):
        add(config, "alice")
    assert config.read_text() == original
    assert temporary_files(tmp_path) == []


# ---------------------------------------------------------------------------- the write
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_replace_is_atomic_keeps_mode_and_every_other_byte(tmp_path: Path, newline: str) -> None:
    config = tmp_path / "config"
    original = newline.join(
        ["# my settings", "[default]", "region = eu-west-1", "", "[profile ops]", "region = x"]
    ).encode()  # no final newline
    config.write_bytes(original)
    config.chmod(0o640)
    inode = config.stat().st_ino

    add(config, "alice")
    new = config.read_bytes()
    assert new.startswith(original), "the old file is an exact prefix of the new one"
    added = new[len(original) :].decode()
    assert added.replace(newline, "\n").startswith("\n\n[profile alice]\ncredential_process = ")
    assert "\n" not in added.replace(newline, "") or newline == "\n"
    assert stat.S_IMODE(config.stat().st_mode) == 0o640
    assert config.stat().st_ino != inode, "replaced by rename, not rewritten in place"
    assert temporary_files(tmp_path) == []
    profiles = botocore_profiles(config)
    assert profiles["default"] == {"region": "eu-west-1"} and profiles["ops"] == {"region": "x"}
    assert shlex.split(profiles["alice"]["credential_process"]) == expected_process()


def test_new_config_is_0600_in_a_0700_folder(tmp_path: Path) -> None:
    config = tmp_path / "new" / ".aws" / "config"
    old_umask = os.umask(0)
    try:
        add(config, "alice")
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    assert stat.S_IMODE(config.parent.stat().st_mode) == 0o700
    text = config.read_text()
    assert text == f"[profile alice]\ncredential_process = {shlex.join(expected_process())}\n"
    assert "secret" not in text.lower() and "aws_access_key_id" not in text


def test_a_symlinked_config_is_written_through_and_a_dangling_one_refused(
    tmp_path: Path,
) -> None:
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    real = dotfiles / "aws-config"
    real.write_text("[default]\nregion = eu-west-1\n")
    link = tmp_path / "config"
    link.symlink_to(real)
    add(link, "alice")
    assert link.is_symlink() and os.readlink(link) == str(real), "the link is kept"
    assert "[profile alice]" in real.read_text()
    assert sorted(p.name for p in dotfiles.iterdir()) == ["aws-config"]

    link2 = tmp_path / "link2"
    (tmp_path / "elsewhere").mkdir()
    link2.symlink_to(tmp_path / "elsewhere" / "config")
    with pytest.raises(ConfigError, match="does not exist; acct-tui does not create"):
        add(link2, "alice")
    assert list((tmp_path / "elsewhere").iterdir()) == [], "nothing created through the link"


def test_default_path_is_aws_config_file_read_when_called(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACCT_TEST_DIR", str(tmp_path))
    monkeypatch.setenv("AWS_CONFIG_FILE", "$ACCT_TEST_DIR/cfg")  # botocore expands it
    assert awsfiles.config_path() == tmp_path / "cfg"
    assert add_cli_profile(None, "bob", ACCOUNT, "bob", str(SCRIPT)) == tmp_path / "cfg"
    assert "bob" in botocore_profiles(tmp_path / "cfg")
    monkeypatch.delenv("AWS_CONFIG_FILE")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert awsfiles.config_path() == tmp_path / "home" / ".aws" / "config"


def test_an_empty_aws_config_file_variable_is_refused_not_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # botocore then reads no config file at all: a profile in ~/.aws/config would be unseen.
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("AWS_CONFIG_FILE", "")
    assert botocore.session.Session().available_profiles == []
    with pytest.raises(ConfigError, match="AWS_CONFIG_FILE is set but empty"):
        add_cli_profile(None, "bob", ACCOUNT, "bob", str(SCRIPT))
    assert not (tmp_path / ".aws").exists()


@pytest.mark.parametrize("profile", ["", "a b", "a]b", "x\ny", "#x", "é", "x" * 129])
def test_odd_profile_names_are_refused(tmp_path: Path, profile: str) -> None:
    with pytest.raises(ConfigError):
        add(tmp_path / "config", profile)
    assert not (tmp_path / "config").exists()


# ---------------------------------------------------------------------- credential_process
def test_script_path_with_a_space_is_quoted_for_botocore(tmp_path: Path) -> None:
    folder = tmp_path / "dir with space"
    folder.mkdir()
    script = folder / "acct-tui"
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    config = tmp_path / "config"
    add_cli_profile(config, "bob", ACCOUNT, "bob", str(script))
    value = botocore_profiles(config)["bob"]["credential_process"]
    assert shlex.split(value) == [str(script), "credentials", "get", "bob", "--account", ACCOUNT]


@pytest.mark.parametrize("script", ["acct-tui", "./acct-tui", "python -m tui"])
def test_a_relative_or_module_command_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, script: str
) -> None:
    fake = tmp_path / "acct-tui"
    fake.write_text("#!/bin/sh\necho pwned\n")
    fake.chmod(0o755)
    monkeypatch.chdir(tmp_path)
    config = tmp_path / "config"
    with pytest.raises(ConfigError):
        add_cli_profile(config, "bob", ACCOUNT, "bob", script)
    assert not config.exists()


def test_dot_on_path_never_yields_a_relative_script(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fake ./acct-tui in the working directory with '.' first on PATH is not chosen."""
    fake = tmp_path / "acct-tui"
    fake.write_text("#!/bin/sh\necho pwned\n")
    fake.chmod(0o755)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PATH", os.pathsep.join([".", "", os.environ.get("PATH", "")]))
    assert awsconfig.find_console_script() == SCRIPT
    config = tmp_path / "config"
    add_cli_profile(config, "bob", ACCOUNT, "bob")
    argv = shlex.split(botocore_profiles(config)["bob"]["credential_process"])
    assert argv[0] == str(SCRIPT) and os.path.isabs(argv[0])
    assert "-m" not in argv


def test_no_installed_script_is_refused_with_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "acct-tui"
    fake.write_text("#!/bin/sh\necho pwned\n")
    fake.chmod(0o755)
    monkeypatch.chdir(tmp_path)
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", os.pathsep.join([".", str(empty)]))
    monkeypatch.setattr(sys, "executable", str(empty / "python3"))
    monkeypatch.setattr(sys, "argv", [str(empty / "pytest")])
    monkeypatch.setattr(awsconfig.sysconfig, "get_path", lambda *_a, **_k: str(empty))
    config = tmp_path / "config"
    with pytest.raises(awsconfig.NoConsoleScript, match="pipx install"):
        add_cli_profile(config, "bob", ACCOUNT, "bob")
    assert not config.exists()

    # This process's own console script, run as `./acct-tui`, is named by absolute path.
    monkeypatch.setattr(sys, "argv", ["./acct-tui"])
    assert awsconfig.find_console_script() == fake.resolve()
