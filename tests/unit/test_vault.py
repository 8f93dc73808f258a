"""tui/support/vault.py and keyringpolicy.py: the keyring entry, refusal of unusable backends.

(The credentials CSV: tests/unit/test_exports.py; AWS CLI profiles: test_awsconfig.py.)

The round trips run against a real Secret Service (``real_keyring``: gnome-keyring inside
.ci/run's D-Bus session); the locked case runs in a private nested D-Bus session with its
own gnome-keyring, which the test locks and watches with dbus-monitor. The stand-in
backends below cover what cannot be produced for real here (no backend, plaintext and
getpass-prompting backends, a chain of them).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail
from keyring.errors import NoKeyringError

from tests.support.keyrings import (
    CryptFileKeyring,
    LockedKeyring,
    MemoryKeyring,
    PlaintextKeyring,
    UnviableKeyring,
    chain_of,
    new_account,
    new_entry,
    unregistered,
)
from tui.support import keyringpolicy
from tui.support.keyringpolicy import VaultError, VaultUnavailable
from tui.support.vault import INDEX_KEY, SERVICE, Vault, VaultEntry

ROOT = Path(__file__).resolve().parents[2]
SECRET_SERVICE_ENV = "ACCT_TUI_SECRET_SERVICE"


@pytest.fixture
def cleanup() -> Iterator[list[tuple[Vault, str, str]]]:
    """Entries to delete after the test, whatever happens."""
    made: list[tuple[Vault, str, str]] = []
    yield made
    for vault, account, user in made:
        with contextlib.suppress(VaultError):
            vault.delete(account, user)


# ---------------------------------------------------------------------------- the entry
def test_entry_repr_and_str_show_no_secret() -> None:
    entry = new_entry(new_account())
    assert entry.secret_access_key and entry.password
    for text in (repr(entry), str(entry), f"{entry}", repr([entry])):
        assert entry.secret_access_key not in text
        assert entry.password not in text
        assert entry.access_key_id in text and entry.user_name in text
        assert "secret_access_key='***'" in text


def test_entry_json_round_trip_and_format() -> None:
    entry = new_entry(new_account())
    data = json.loads(entry.to_json())
    assert data == {
        "version": 1,
        "account_id": entry.account_id,
        "user_name": "alice",
        "access_key_id": entry.access_key_id,
        "secret_access_key": entry.secret_access_key,
        "password": entry.password,
        "created": entry.created,
    }
    assert VaultEntry.from_json(entry.to_json()) == entry
    assert entry.key == f"{entry.account_id}/alice"
    assert entry.created.endswith("Z")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"account_id": "12345", "user_name": "alice"},
        {"account_id": "123456789012", "user_name": "a/b"},
        {"account_id": "123456789012", "user_name": ""},
        {"account_id": "123456789012", "user_name": "x" * 65},
        {"account_id": "123456789012", "user_name": "alice", "access_key_id": "AKIA"},
        {"account_id": "123456789012", "user_name": "alice", "created": "yesterday"},
        {"account_id": "123456789012", "user_name": "alice", "created": "2026-01-01T00:00:00"},
        {"account_id": "123456789012", "user_name": "alice", "created": "2026-01-01T01:00+01:00"},
    ],
)
def test_entry_rejects_malformed_fields(kwargs: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        VaultEntry(**kwargs)


def test_entry_accepts_a_datetime_isoformat_in_utc() -> None:
    from datetime import UTC, datetime

    created = datetime.now(UTC).isoformat()
    assert VaultEntry("123456789012", "alice", created=created).created == created


@pytest.mark.parametrize("text", ["", "[]", "{}", '{"version": 1}', "not json"])
def test_from_json_refuses_garbage(text: str) -> None:
    with pytest.raises(ValueError):
        VaultEntry.from_json(text)


# ------------------------------------------------------------------ real Secret Service
def test_real_round_trip_save_get_entries_delete(
    real_keyring: KeyringBackend, cleanup: list[tuple[Vault, str, str]]
) -> None:
    vault = Vault()  # keyring's own choice: real_keyring installed it
    assert vault.problem() is None
    assert vault.describe() == "keyring.backends.SecretService.Keyring"
    account = new_account()
    entry = new_entry(account)
    cleanup.append((vault, account, "alice"))

    assert vault.get(account, "alice") is None
    vault.save(entry)
    assert vault.get(account, "alice") == entry
    assert (account, "alice", entry.created) in vault.entries()

    # It is really in the Secret Service, as DESIGN §2 says (read back by libsecret's CLI).
    if shutil.which("secret-tool"):
        found = subprocess.run(
            ["secret-tool", "lookup", "service", SERVICE, "username", f"{account}/alice"],
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert found.returncode == 0, found.stderr
        assert json.loads(found.stdout) == json.loads(entry.to_json())

    # Saving again replaces (new key after a rotation), with one index row.
    rotated = new_entry(account)
    vault.save(rotated)
    assert vault.get(account, "alice") == rotated
    assert [r for r in vault.entries() if r[0] == account] == [(account, "alice", rotated.created)]

    assert vault.delete(account, "alice") is True
    assert vault.get(account, "alice") is None
    assert all(r[0] != account for r in vault.entries())
    assert vault.delete(account, "alice") is False


def test_real_index_holds_no_secret_and_lists_two_accounts(
    real_keyring: KeyringBackend, cleanup: list[tuple[Vault, str, str]]
) -> None:
    vault = Vault(real_keyring)
    first, second = new_account(), new_account()
    made = [new_entry(first), new_entry(second), new_entry(second, "bob", password=False)]
    for entry in made:
        cleanup.append((vault, entry.account_id, entry.user_name))
        vault.save(entry)

    listed = vault.entries()
    for entry in made:
        assert (entry.account_id, entry.user_name, entry.created) in listed
        assert vault.get(entry.account_id, entry.user_name) == entry

    raw = real_keyring.get_password(SERVICE, INDEX_KEY)
    assert raw is not None
    for entry in made:
        assert entry.secret_access_key and entry.secret_access_key not in raw
        if entry.password:
            assert entry.password not in raw
    document = json.loads(raw)
    assert document["version"] == 1
    for row in document["entries"]:
        assert set(row) == {"account_id", "user_name", "created"}


def test_real_get_of_a_foreign_value_is_a_clear_error(
    real_keyring: KeyringBackend, cleanup: list[tuple[Vault, str, str]]
) -> None:
    vault = Vault(real_keyring)
    account = new_account()
    cleanup.append((vault, account, "mallory"))
    real_keyring.set_password(SERVICE, f"{account}/mallory", "hunter2-not-json")
    with pytest.raises(VaultError) as caught:
        vault.get(account, "mallory")
    assert "hunter2" not in str(caught.value)


# ------------------------------------------------------------------- locked, for real
NESTED_SESSION = r"""
set -eu
W=$1
export HOME="$W/home" XDG_CONFIG_HOME="$W/home/.config" XDG_DATA_HOME="$W/home/.local/share"
export XDG_CACHE_HOME="$W/home/.cache" XDG_RUNTIME_DIR="$W/run"
mkdir -p "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
unset DISPLAY WAYLAND_DISPLAY PYTHON_KEYRING_BACKEND GNOME_KEYRING_CONTROL
printf %s nested-test-pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null
pid=""
for _ in $(seq 100); do
    pid=$(dbus-send --session --print-reply=literal --dest=org.freedesktop.DBus \
        /org/freedesktop/DBus org.freedesktop.DBus.GetConnectionUnixProcessID \
        string:org.freedesktop.secrets 2>/dev/null | awk '{print $2}') || true
    [ -n "$pid" ] && break
    sleep 0.1
done
[ -n "$pid" ] || { echo "nested gnome-keyring did not start" >&2; exit 3; }
dbus-monitor --session \
    "type='method_call',interface='org.freedesktop.Secret.Service',member='Unlock'" \
    "type='method_call',interface='org.freedesktop.Secret.Prompt'" >"$W/monitor.log" 2>&1 &
mon=$!
trap 'kill $mon 2>/dev/null || true; kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s "$W/monitor.log" ] && break; sleep 0.05; done
"$PYTHON" "$W/probe.py" setup >"$W/setup.json"
sleep 0.5
cp "$W/monitor.log" "$W/monitor-setup.log"
# A check that waited for an unlock prompt would hang here: bounded, and said so.
timeout 20 "$PYTHON" "$W/probe.py" locked >"$W/locked.json" \
    || echo '{"hung": true}' >"$W/locked.json"
sleep 0.5
cp "$W/monitor.log" "$W/monitor-locked.log"
timeout 20 "$PYTHON" "$W/probe.py" raw >"$W/raw.json" || echo '{"raw": "timeout"}' >"$W/raw.json"
sleep 0.5
cp "$W/monitor.log" "$W/monitor-all.log"
"""

PROBE = r"""
import json, sys, time
from contextlib import closing

if sys.argv[1] == "raw":  # what keyring itself does with the locked collection
    import keyring
    try:
        keyring.set_password("acct-tui-probe", "x", "y")
        result = "stored"
    except Exception as exc:
        result = type(exc).__name__
    print(json.dumps({"raw": result}))
    raise SystemExit(0)

import secretstorage
from tui.support.vault import Vault, VaultEntry, VaultUnavailable

out = {}
vault = Vault()  # keyring's own choice, in a fresh process (as a credential_process)
entry = VaultEntry("123456789012", "alice", "AKIAEXAMPLE", "sk-nested-secret", "pw-nested")
if sys.argv[1] == "setup":
    out["backend"] = vault.describe()
    out["problem_unlocked"] = vault.problem()
    vault.save(entry)
    out["round_trip"] = vault.get("123456789012", "alice") == entry
    with closing(secretstorage.dbus_init()) as connection:
        collection = secretstorage.get_default_collection(connection)
        collection.lock()
        out["locked"] = collection.is_locked()
    print(json.dumps(out))
    raise SystemExit(0)

t0 = time.monotonic()
out["problem_locked"] = vault.problem()
calls = {
    "save": lambda: vault.save(entry),
    "get": lambda: vault.get("123456789012", "alice"),
    "entries": vault.entries,
    "delete": lambda: vault.delete("123456789012", "alice"),
}
for name, call in calls.items():
    try:
        call()
        out[name] = "no error"
    except VaultUnavailable as exc:
        out[name] = exc.reason
        out[name + "_text"] = str(exc)
out["elapsed"] = time.monotonic() - t0
print(json.dumps(out))
"""


def test_real_locked_collection_fails_fast_without_asking_for_a_prompt(tmp_path: Path) -> None:
    tools = ("dbus-run-session", "dbus-send", "dbus-monitor", "gnome-keyring-daemon", "timeout")
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        if os.environ.get(SECRET_SERVICE_ENV) == "1":
            pytest.fail(f"{SECRET_SERVICE_ENV}=1 but missing: {missing}")
        pytest.skip(f"needs {', '.join(missing)}")
    work = tmp_path / "nested"
    work.mkdir()
    (work / "probe.py").write_text(PROBE)
    (work / "session.sh").write_text(NESTED_SESSION)
    env = {k: v for k, v in os.environ.items() if k not in ("DBUS_SESSION_BUS_ADDRESS",)}
    env.update(PYTHON=sys.executable, PYTHONPATH=str(ROOT))
    started = time.monotonic()
    result = subprocess.run(
        ["dbus-run-session", "--", "bash", str(work / "session.sh"), str(work)],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    took = time.monotonic() - started
    assert result.returncode == 0, result.stderr[-3000:]
    setup = json.loads((work / "setup.json").read_text())
    out = json.loads((work / "locked.json").read_text())

    assert setup["backend"] == "keyring.backends.SecretService.Keyring"
    assert setup["problem_unlocked"] is None and setup["round_trip"] is True
    assert setup["locked"] is True
    assert "hung" not in out, "the vault waited on the locked collection (for a prompt?)"
    assert "locked" in out["problem_locked"]
    for name in ("save", "get", "entries", "delete"):
        assert "is locked" in out[name], out
        assert "Unlock the keyring" in out[name + "_text"]
        assert "sk-nested-secret" not in out[name + "_text"]

    # Facing the locked collection, the vault never asked the daemon to unlock anything
    # (no Unlock call, no Prompt) ...
    before = (work / "monitor-setup.log").read_text()
    after_vault = (work / "monitor-locked.log").read_text()
    assert after_vault.startswith(before)
    seen_by_vault = after_vault[len(before) :]
    assert "member=Unlock" not in seen_by_vault and "Secret.Prompt" not in seen_by_vault
    # ... while keyring on its own asks for an unlock prompt, which also shows that the
    # monitor sees such calls.
    seen_raw = (work / "monitor-all.log").read_text()[len(after_vault) :]
    assert "member=Unlock" in seen_raw and "interface=org.freedesktop.Secret.Prompt" in seen_raw
    raw = json.loads((work / "raw.json").read_text())["raw"]
    assert raw != "stored"
    print(f"nested session {took:.1f}s; keyring alone: {raw}; vault checks {out['elapsed']:.3f}s")


# ----------------------------------------------------------- refused and failing backends
def test_fail_backend_is_unavailable_with_how_to_fix() -> None:
    vault = Vault(fail.Keyring())
    problem = vault.problem()
    assert problem is not None and "no keyring backend" in problem
    with pytest.raises(VaultUnavailable) as caught:
        vault.save(new_entry(new_account()))
    exc = caught.value
    for needle in ("Secret Service", "gnome-keyring", "KWallet", "macOS", "Keychain", "Windows"):
        assert needle in exc.how_to_fix
    assert "Credential Manager" in exc.how_to_fix
    with pytest.raises(VaultUnavailable):
        vault.entries()


def test_default_backend_when_keyring_has_none(monkeypatch: pytest.MonkeyPatch) -> None:
    import keyring

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        assert "no keyring backend" in (Vault().problem() or "")
    finally:
        keyring.set_keyring(previous)


def test_null_backend_is_refused() -> None:
    from keyring.backends import null

    assert "keyring is disabled" in (Vault(null.Keyring()).problem() or "")

    @unregistered
    class Unranked(MemoryKeyring):
        priority = 0

    assert "not a recommended keyring (priority 0)" in (Vault(Unranked()).problem() or "")


def test_empty_chain_and_unviable_backend_are_unavailable() -> None:
    assert "chain is empty" in (Vault(chain_of()).problem() or "")
    problem = Vault(UnviableKeyring()).problem() or ""
    assert "cannot be used here" in problem and "neither running" in problem


def test_no_keyring_error_at_call_time_is_unavailable() -> None:
    @unregistered
    class Raising(MemoryKeyring):
        def set_password(self, service: str, username: str, password: str) -> None:
            raise NoKeyringError("No recommended backend was available.")

    with pytest.raises(VaultUnavailable) as caught:
        Vault(Raising()).save(new_entry(new_account()))
    assert "no keyring backend" in caught.value.reason


def test_locked_stand_in_raises_unavailable_naming_the_lock() -> None:
    entry = new_entry(new_account())
    vault = Vault(LockedKeyring())
    with pytest.raises(VaultUnavailable) as caught:
        vault.save(entry)
    assert "locked" in caught.value.reason
    assert "Unlock the keyring" in caught.value.how_to_fix
    for secret in (entry.secret_access_key, entry.password):
        assert secret and secret not in str(caught.value)
    with pytest.raises(VaultUnavailable):
        vault.get(entry.account_id, "alice")


def test_backend_errors_never_carry_the_secret() -> None:
    @unregistered
    class Echoing(MemoryKeyring):
        def set_password(self, service: str, username: str, password: str) -> None:
            raise OSError(f"could not write {password!r}")

    entry = new_entry(new_account())
    with pytest.raises(VaultUnavailable) as caught:
        Vault(Echoing()).save(entry)
    text = str(caught.value) + repr(caught.value)
    assert entry.secret_access_key and entry.secret_access_key not in text
    assert entry.password and entry.password not in text


@pytest.mark.parametrize("backend_class", [PlaintextKeyring, CryptFileKeyring])
def test_plaintext_and_file_backends_are_refused(backend_class: type[MemoryKeyring]) -> None:
    backend = backend_class()
    vault = Vault(backend)
    problem = vault.problem() or ""
    assert "stores secrets in a file or prompts on the terminal" in problem
    assert "PYTHON_KEYRING_BACKEND" in problem
    with pytest.raises(VaultUnavailable):
        vault.save(new_entry(new_account()))
    assert backend.store == {}


def test_a_chain_uses_its_best_acceptable_backend_never_a_file_one() -> None:
    good = MemoryKeyring()
    crypt, plain = CryptFileKeyring(), PlaintextKeyring()
    # The getpass-prompting backend ranks first here: it must be skipped, not used.
    vault = Vault(chain_of(crypt, good, plain))
    entry = new_entry(new_account())
    vault.save(entry)
    assert vault.get(entry.account_id, "alice") == entry
    assert plain.store == {} and (SERVICE, entry.key) in good.store

    only_files = Vault(chain_of(crypt, plain))
    problem = only_files.problem() or ""
    assert "no acceptable keyring backend" in problem
    assert "keyrings.alt.file.PlaintextKeyring" in problem


def test_memory_vault_index_survives_corruption_and_foreign_values() -> None:
    backend = MemoryKeyring()
    vault = Vault(backend)
    backend.store[(SERVICE, INDEX_KEY)] = "{broken"
    entry = new_entry(new_account())
    vault.save(entry)  # a corrupt index (names and dates only) is rebuilt, not fatal
    assert vault.entries() == [(entry.account_id, "alice", entry.created)]
    # An entry stored under another key than its content names is refused.
    backend.store[(SERVICE, f"{entry.account_id}/bob")] = entry.to_json()
    with pytest.raises(VaultError, match="names another user"):
        vault.get(entry.account_id, "bob")


def test_how_to_fix_texts_hold_no_placeholders() -> None:
    for text in (
        keyringpolicy.HOW_TO_FIX,
        keyringpolicy.HOW_TO_UNLOCK,
        keyringpolicy.HOW_TO_AVOID_FILE,
    ):
        assert "{" not in text and "Secret Service" in text
