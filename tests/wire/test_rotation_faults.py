"""Key rotation with a fault at each AWS step — denied, throttled, slow — on a real wire.

Each case rotates the key a user signs with (so acct-tui's own session switches to the new
key half-way) through the fault proxy in front of the demo server, with one fault armed on
one step's operation, then reads the account back with plain boto3 and checks that every
"what exists now" line the screen would show is true: which keys exist, which are
active, what the keyring holds, which key acct-tui signs with. Whatever failed, the user
keeps one active key whose secret is kept, and the old key is never deactivated or
deleted before the new one is proven.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from tests.support.faultmatrix import Upstream, proxy, short_waits
from tests.support.faultproxy import FaultProxy
from tests.support.keyrings import MemoryKeyring
from tui.aws.iam.rotation import KeyRotation
from tui.aws.plan import PlanResult, StepState
from tui.aws.service import AccountService
from tui.aws.session import Settings
from tui.demo import DemoEndpoint
from tui.support.vault import Vault, VaultEntry

pytestmark = [pytest.mark.server]
__all__ = ["proxy", "short_waits"]  # fixtures, imported for pytest

PASSWORD = "Rotation-pw-2026!"
SLOW_TIMEOUT = 1.0  # the read timeout of the slow cases: a held answer is given up then
STEPS = {
    "create": "iam:CreateAccessKey",
    "prove": "sts:GetCallerIdentity",
    "deactivate": "iam:UpdateAccessKey",
    "delete": "iam:DeleteAccessKey",
}
FAULTS = ("denied", "throttle", "slow")
names = itertools.count(1)


def rotation_on(demo: DemoEndpoint, proxy: FaultProxy, fault: str) -> tuple[Any, ...]:
    """A user with one key, its keyring entry, and a rotation signed with that key."""
    up = Upstream(demo)
    user = f"rot-{fault}-{next(names)}"
    up.iam.create_user(UserName=user)
    made = up.iam.create_access_key(UserName=user)["AccessKey"]
    old, secret = made["AccessKeyId"], made["SecretAccessKey"]
    vault = Vault(MemoryKeyring())
    vault.save(VaultEntry(demo.account_id, user, old, secret, password=PASSWORD))
    settings = Settings(
        region=demo.region,
        endpoint_url=proxy.url,
        access_key_id=old,
        secret_access_key=secret,
        read_timeout=SLOW_TIMEOUT if fault == "slow" else 20.0,
    )
    service = AccountService(settings)
    rotation = KeyRotation(
        service,
        vault,
        account_id=demo.account_id,
        user=user,
        key_id=old,
        signing_key_id=old,
        sleep=lambda _s: None,
        retry_delays=(0.0,),
        prove_delays=(0.0, 0.0),
    )
    rotation.check()
    return up, user, old, vault, rotation


def check_claims(
    lines: tuple[str, ...], up: Upstream, user: str, vault: Vault, r: KeyRotation
) -> list[str]:
    """Each line the screen would show about the keys, checked against the account."""
    account_id = r.account_id
    keys = {
        k["AccessKeyId"]: k["Status"]
        for k in up.iam.list_access_keys(UserName=user)["AccessKeyMetadata"]
    }
    entry = vault.get(account_id, user)
    problems = []

    def claim(ok: bool, line: str) -> None:
        if not ok:
            problems.append(f"says {line!r}, but keys are {keys}, keyring holds {entry!r}")

    for line in lines:
        words = line.split()
        if " may " in line or line.startswith("to finish"):
            continue
        if line.startswith("new key "):
            claim(keys.get(words[2]) == "Active", line)
            in_keyring = entry is not None and entry.access_key_id == words[2]
            claim(in_keyring == ("in the OS keyring" in line), line)
        elif line.startswith("old key "):
            said = line.split(":")[0].split()[-1]
            state = {"active": "Active", "inactive": "Inactive", "deleted": None}[said]
            claim(keys.get(words[2]) == state, line)
        elif line.startswith("no new key was made"):
            claim(set(keys) == {r.old}, line)
        elif line.endswith("was made, but its secret was lost: deleted"):
            claim(words[2] not in keys, line)
        elif line.startswith("acct-tui now signs with the new key"):
            claim(r.service.signing_key_id() == words[-1] == r.new_key, line)
        elif "acct-tui credentials get" in line:
            claim(entry is not None and entry.access_key_id == r.new_key, line)
        else:
            problems.append(f"unchecked line {line!r}")
    # Never without a working key: an active key whose secret is kept somewhere.
    secrets = {r.old: "kept"} if r.old in keys else {}
    if r.new_key and (r.secret or (entry and entry.access_key_id == r.new_key)):
        secrets[r.new_key] = "kept"
    if not any(keys.get(k) == "Active" for k in secrets):
        problems.append(f"no active key with a kept secret: {keys}")
    if keys.get(r.old) != "Active" and not r.proven:
        problems.append("the old key changed before the new one was proven")
    if entry is None or entry.password != PASSWORD:
        problems.append("the keyring entry lost its console password")
    return problems


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("step", list(STEPS))
def test_a_fault_at_each_step_leaves_the_account_as_the_screen_says(
    step: str, fault: str, proxy: FaultProxy, demo: DemoEndpoint
) -> None:
    proxy.reset_counts()
    up, user, old, vault, r = rotation_on(demo, proxy, fault)
    action = STEPS[step]
    plan = r.plan()
    try:
        if step == "delete":
            assert plan.run().ok
            plan = r.plan_delete()
        proxy.inject(action, fault)
        result: PlanResult = plan.run()
    finally:
        proxy.clear()
        proxy.handled(timeout=60)  # held answers are done with (a hang guard)
    failure = result.failure
    reached = [rep.step.action for rep in result.reports if rep.state is not StepState.SKIPPED]
    if fault == "slow" and step in ("deactivate", "delete"):
        # AWS acted on it; reading the account again (or the retry) settles the outcome.
        assert failure is None or failure.step.action == action, str(result)
    else:
        assert failure is not None and failure.step.action == action, str(result)
        assert reached[-1] == action, "the plan did not stop at the faulted step"
    problems = check_claims(result.exists_now, up, user, vault, r)
    assert not problems, "\n".join([str(result), *problems])
    if step == "create" and fault != "slow":
        assert result.exists_now[0] == "no new key was made"
    if step in ("create", "prove"):
        assert proxy.count("iam:UpdateAccessKey") == 0, "the old key was sent a change"
        keys = up.iam.list_access_keys(UserName=user)["AccessKeyMetadata"]
        assert {k["AccessKeyId"]: k["Status"] for k in keys}[old] == "Active"
