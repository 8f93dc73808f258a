"""tui/support/exports.py: the credentials CSV (exact format, mode 0600, never overwritten,
refused in a git work tree unless ignored, read back by the AWS CLI)."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tui.support.exports import CSV_HEADER, CsvRow, ExportError, default_export_dir, export_csv
from tui.support.vault import VaultEntry

ROOT = Path(__file__).resolve().parents[2]


def awscli_parse(text: str) -> list[dict[str, str]]:
    """`aws configure import --csv` (awscli v2 importer): split lines, split on commas,
    match the lower-cased, stripped header names, strip each value; empty is an error."""
    lines = text.splitlines()
    headers = [h.lower().strip() for h in lines[0].split(",")]
    index = {
        name: headers.index(name) for name in ("user name", "access key id", "secret access key")
    }
    parsed = []
    for line in lines[1:]:
        cols = line.split(",")
        row = {name: cols[i].strip() for name, i in index.items()}
        assert all(row.values()), f"awscli would reject: {line!r}"
        parsed.append(row)
    return parsed


def csv_row(**overrides: str | None) -> CsvRow:
    values: dict[str, Any] = {
        "user_name": "alice",
        "password": "Pw-3xample!",
        "access_key_id": "AKIAIOSFODNN7EXAMPLE",
        "secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "console_login_link": "https://123456789012.signin.aws.amazon.com/console",
    }
    values.update(overrides)
    return CsvRow(**values)


def test_csv_exact_header_and_row_mode_0600(tmp_path: Path) -> None:
    path = tmp_path / "alice_credentials.csv"
    old_umask = os.umask(0)  # a permissive umask must not widen the mode
    try:
        written = export_csv(path, [csv_row()])
    finally:
        os.umask(old_umask)
    assert written == path
    assert path.read_bytes() == (
        b"User name,Password,Access key ID,Secret access key,Console login link\n"
        b"alice,Pw-3xample!,AKIAIOSFODNN7EXAMPLE,wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY,"
        b"https://123456789012.signin.aws.amazon.com/console\n"
    )
    assert path.read_text().splitlines()[0] == CSV_HEADER
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert awscli_parse(path.read_text()) == [
        {
            "user name": "alice",
            "access key id": "AKIAIOSFODNN7EXAMPLE",
            "secret access key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        }
    ]
    assert "Pw-3xample!" not in repr(csv_row())


def test_csv_several_rows_and_a_console_only_user(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    export_csv(
        path, [csv_row(), csv_row(user_name="bob", access_key_id=None, secret_access_key=None)]
    )
    lines = path.read_text().splitlines()
    assert lines[2] == "bob,Pw-3xample!,,,https://123456789012.signin.aws.amazon.com/console"


def test_csv_never_overwrites(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("precious")
    with pytest.raises(ExportError, match="already exists") as caught:
        export_csv(path, [csv_row()])
    assert isinstance(caught.value, ValueError)
    assert path.read_text() == "precious"
    # Nor through a dangling symlink (it would create the link's target).
    link = tmp_path / "link.csv"
    link.symlink_to(tmp_path / "target.csv")
    with pytest.raises(ExportError, match="already exists"):
        export_csv(link, [csv_row()])
    assert not (tmp_path / "target.csv").exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("password", "pa,ss"),
        ("password", 'pa"ss'),
        ("password", "pa\nss"),
        ("password", "pa\u2028ss"),
        ("user_name", "a,b"),
        ("secret_access_key", "abc,def"),
        ("secret_access_key", " padded"),
        ("console_login_link", "https://x\r\n"),
    ],
)
def test_csv_refuses_values_awscli_cannot_read(tmp_path: Path, field: str, value: str) -> None:
    path = tmp_path / "c.csv"
    with pytest.raises(ExportError) as caught:
        export_csv(path, [csv_row(**{field: value})])
    assert not path.exists()
    assert value.strip() not in str(caught.value)  # the message names the column, not it


def test_csv_refuses_nothing_to_export(tmp_path: Path) -> None:
    with pytest.raises(ExportError):
        export_csv(tmp_path / "c.csv", [])
    assert not (tmp_path / "c.csv").exists()


def test_csv_row_from_entry() -> None:
    entry = VaultEntry("123456789012", "alice", "AKIAIOSFODNN7EXAMPLE", "secret", "Pw-3xample!")
    row = CsvRow.from_entry(entry, "https://123456789012.signin.aws.amazon.com/console")
    assert (row.user_name, row.access_key_id, row.secret_access_key, row.password) == (
        "alice",
        entry.access_key_id,
        entry.secret_access_key,
        entry.password,
    )


def git(*args: str, cwd: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env=env, timeout=60)


def test_csv_refused_in_a_git_work_tree_unless_git_ignores_it(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "docs").mkdir(parents=True)
    git("init", "-q", cwd=repo)
    for path in (repo / "alice_credentials.csv", repo / "docs" / "alice_credentials.csv"):
        with pytest.raises(ExportError, match="inside the git work tree") as caught:
            export_csv(path, [csv_row()])
        assert str(repo) in str(caught.value) and "Wj" not in str(caught.value)
        assert not path.exists()
    with pytest.raises(ExportError, match="git work tree"):
        export_csv(repo / "nested" / "new" / "x.csv", [csv_row()], make_dirs=True)
    assert not (repo / "nested").exists(), "no folder created for a refused export"

    (repo / ".gitignore").write_text("*_credentials.csv\n")
    written = export_csv(repo / "docs" / "alice_credentials.csv", [csv_row()])
    assert written == repo / "docs" / "alice_credentials.csv"
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    with pytest.raises(ExportError, match="does not ignore it"):
        export_csv(repo / "other.csv", [csv_row()])


def test_default_export_dir_is_private_and_outside_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    folder = default_export_dir()
    assert folder == tmp_path / "data" / "acct-tui" / "exports"
    monkeypatch.setenv("XDG_DATA_HOME", "relative/ignored")  # the XDG spec: ignore it
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_export_dir() == tmp_path / "home" / ".local" / "share" / "acct-tui" / "exports"
    monkeypatch.chdir(tmp_path)
    written = export_csv(Path("rel") / "c.csv", [csv_row()], make_dirs=True)
    assert written == tmp_path / "rel" / "c.csv" and written.is_absolute()
    assert stat.S_IMODE((tmp_path / "rel").stat().st_mode) == 0o700


def test_this_repository_ignores_credentials_csvs() -> None:
    assert "*_credentials.csv" in (ROOT / ".gitignore").read_text().splitlines()


def _aws_cli_v2() -> str | None:
    aws = shutil.which("aws")
    if aws is None:
        return None
    try:
        version = subprocess.run([aws, "--version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return aws if (version.stdout + version.stderr).startswith("aws-cli/2") else None


def test_csv_accepted_by_real_aws_configure_import(tmp_path: Path) -> None:
    aws = _aws_cli_v2()
    if aws is None:
        pytest.skip("AWS CLI v2 not installed (v1 on PyPI has no `configure import`)")
    path = tmp_path / "c.csv"
    export_csv(path, [csv_row()])
    home = tmp_path / "home"
    home.mkdir()
    credentials = tmp_path / "credentials"
    env = dict(os.environ, HOME=str(home), AWS_SHARED_CREDENTIALS_FILE=str(credentials))
    result = subprocess.run(
        [aws, "configure", "import", "--csv", f"file://{path}"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    text = credentials.read_text()
    assert "[alice]" in text and "AKIAIOSFODNN7EXAMPLE" in text
