"""--read-only by allow-list: exactly the read list of tui/aws/permissions.py reaches AWS.

The check lives in AwsSession's before-call hook (tui/aws/session.py). Here it is driven
through real clients: every operation of the four services' botocore models is called
(with the smallest parameters the model accepts) on a read-only session, and only the
read list gets past the hook; reads that hand out secrets or credentials
(sts:GetSessionToken, sts:GetFederationToken, ec2:GetPasswordData) are refused before a
byte is sent, which a recording proxy in front of a moto_server witnesses; and the
credential chain (assume-role, web identity) still works, because botocore's providers
call STS through clients of their own that never pass acct-tui's hook.

The whole program started with the flag, in a terminal, is tests/e2e/test_read_only_e2e.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.support.faultproxy import FaultProxy
from tests.support.operations import SERVICES
from tui.aws.errors import ReadOnlyRefused, action_name
from tui.aws.org_permissions import ORG_READ_ACTIONS
from tui.aws.permissions import READ_ACTIONS, READ_POLICY
from tui.aws.service import AccountService
from tui.aws.session import READ_ONLY_ALLOWED, AwsSession, Settings, read_only_allows

pytestmark = pytest.mark.privilege

ROOT = Path(__file__).resolve().parents[2]

# Reads by name that are not reads of the account: they mint credentials or reveal a
# secret. A "Get" prefix let each one through before --read-only was an allow-list.
CREDENTIAL_READS: dict[str, tuple[str, dict[str, Any]]] = {
    "sts:GetSessionToken": ("sts", {}),
    "sts:GetFederationToken": ("sts", {"Name": "ro-test"}),
    "ec2:GetPasswordData": ("ec2", {"InstanceId": "i-0123456789abcdef0"}),
}


def clients(session: AwsSession) -> dict[str, Any]:
    """acct-tui's own client of each service, as its code gets them."""
    made = {"iam": session.iam(), "sts": session.sts(), "ec2": session.ec2()}
    made["account"] = session.account()
    made["accessanalyzer"] = session.access_analyzer(session.region)
    made["sso-admin"] = session.sso_admin()
    assert set(made) == set(SERVICES), "a service the code calls has no client here"
    return made


def sample(shape: Any) -> Any:
    """The smallest value botocore's parameter validation accepts for ``shape``."""
    kind, meta = shape.type_name, shape.metadata
    if kind == "structure":
        names = list(shape.required_members)
        if not names and shape.is_tagged_union:
            names = list(shape.members)[:1]  # exactly one member must be set
        return {name: sample(shape.members[name]) for name in names}
    if kind == "list":
        return [sample(shape.member) for _ in range(meta.get("min", 0))]
    if kind == "map":
        return {}
    if kind == "string":
        return shape.enum[0] if shape.enum else "x" * max(1, meta.get("min", 1))
    if kind in ("integer", "long"):
        return max(1, meta.get("min", 1))
    if kind in ("float", "double"):
        return float(max(1, meta.get("min", 1)))
    if kind == "boolean":
        return False
    if kind == "blob":
        return b"x"
    if kind == "timestamp":
        return datetime(2020, 1, 1)
    raise AssertionError(f"no sample for a {kind} shape")


class Sent(Exception):
    """Raised at before-send: the request passed every hook and is about to go out."""


def _stop_at_the_wire(**_: Any) -> None:
    raise Sent


def call_every_operation(session: AwsSession) -> tuple[set[str], set[str]]:
    """Call every operation of :data:`SERVICES` on ``session``'s clients; nothing leaves
    the process. Returns the actions that reached the wire and those refused."""
    sent: set[str] = set()
    refused: set[str] = set()
    for service, client in clients(session).items():
        client.meta.events.register("before-send", _stop_at_the_wire)
        method = {api: py for py, api in client.meta.method_to_api_mapping.items()}
        model = client.meta.service_model
        for operation in model.operation_names:
            shape = model.operation_model(operation).input_shape
            action = action_name(service, operation)
            try:
                getattr(client, method[operation])(**(sample(shape) if shape else {}))
            except Sent:
                sent.add(action)
            except ReadOnlyRefused as exc:
                assert exc.action == action, "the refusal names the action"
                refused.add(action)
            else:
                raise AssertionError(f"{action} returned without reaching the wire")
    return sent, refused


def session(read_only: bool, endpoint_url: str = "http://127.0.0.1:9") -> AwsSession:
    return AwsSession(
        Settings(
            region="us-east-1",
            endpoint_url=endpoint_url,
            read_only=read_only,
            access_key_id="AKIAREADONLYTEST0001",
            secret_access_key="not-a-secret",
        )
    )


# ------------------------------------------------------------------------ the allow-list
def test_of_every_operation_of_the_models_only_the_read_list_passes() -> None:
    ro = session(read_only=True)
    sent, refused = call_every_operation(ro)
    assert sent == set(READ_ACTIONS), sorted(sent ^ set(READ_ACTIONS))
    assert len(refused) > 1000, "every other operation of iam, sts, ec2 and account"
    assert sent.isdisjoint(refused)
    # The counter tells the same story: each refusal counted, none of them attempted.
    assert set(ro.counter.refused()) == refused
    assert set(ro.counter.attempts()) == set(READ_ACTIONS)
    for action in CREDENTIAL_READS:
        assert action in refused


def test_without_the_flag_every_operation_reaches_the_wire() -> None:
    """The same harness lets everything through when not read-only: it can tell."""
    sent, refused = call_every_operation(session(read_only=False))
    assert refused == set()
    assert set(READ_ACTIONS) < sent and len(sent) > 1000


def test_the_check_and_the_read_policy_are_one_list() -> None:
    # The read policy's actions, and the organization reads of the management account's
    # policy (policies/acct-tui-org-read.json), which change nothing either.
    assert {*READ_ACTIONS, *ORG_READ_ACTIONS} == READ_ONLY_ALLOWED
    assert all(
        a.startswith("organizations:List") or a.startswith("organizations:Describe")
        for a in ORG_READ_ACTIONS
    )
    assert all(read_only_allows(a) for a in READ_ACTIONS)
    assert not any(read_only_allows(a) for a in CREDENTIAL_READS)
    assert not read_only_allows("ListUsers"), "keyed by service and operation"
    # GenerateCredentialReport builds a report; it changes no setting, and the checks
    # on passwords, keys and MFA need it: allowed, on purpose, and granted by the policy.
    assert read_only_allows("iam:GenerateCredentialReport")
    assert "iam:GenerateCredentialReport" in (ROOT / "policies" / READ_POLICY).read_text()


# ------------------------------------------------------------- on a real wire, recorded
# IAM action prefixes that differ from botocore's service model names.
MODEL_OF_PREFIX = {"access-analyzer": "accessanalyzer", "sso": "sso-admin"}


def call(session: AwsSession, service: str, operation: str, params: dict[str, Any]) -> Any:
    """``operation`` through acct-tui's own client of ``service`` (its hooks included)."""
    return clients(session)[service]._make_api_call(operation, dict(params))


@pytest.fixture
def proxy(moto_reset: str) -> Iterator[FaultProxy]:
    """A recording proxy in front of a fresh moto_server: every request's action."""
    with FaultProxy(moto_reset) as recording:
        yield recording


def test_credential_reads_are_refused_before_the_wire(proxy: FaultProxy) -> None:
    ro = session(read_only=True, endpoint_url=proxy.url)
    rw = session(read_only=False, endpoint_url=proxy.url)
    for action, (service, params) in CREDENTIAL_READS.items():
        operation = action.split(":")[1]
        with pytest.raises(ReadOnlyRefused) as refused:
            call(ro, service, operation, params)
        assert str(refused.value) == f"{action} refused: acct-tui is running with --read-only"
        assert proxy.count(action) == 0, f"{action} reached the server under --read-only"
        # Not read-only, the very same call does reach it (so the count above can fail).
        try:
            call(rw, service, operation, params)
        except Exception as exc:  # noqa: BLE001 - moto may answer with an error: it arrived
            assert not isinstance(exc, ReadOnlyRefused)
        assert proxy.count(action) >= 1, f"{action} never reached the server"
    assert ro.counter.refused() == dict.fromkeys(CREDENTIAL_READS, 1)
    assert ro.counter.attempts() == {}


def test_every_read_of_the_list_reaches_the_server(proxy: FaultProxy) -> None:
    ro = session(read_only=True, endpoint_url=proxy.url)
    made = clients(ro)
    for action in READ_ACTIONS:
        prefix, operation = action.split(":")
        service = MODEL_OF_PREFIX.get(prefix, prefix)
        shape = made[service].meta.service_model.operation_model(operation).input_shape
        try:
            call(ro, service, operation, sample(shape) if shape else {})
        except Exception as exc:  # noqa: BLE001 - stock moto lacks the Account API
            assert not isinstance(exc, ReadOnlyRefused), action
        assert proxy.count(action) >= 1, f"{action} did not reach the server"
    assert ro.counter.refused() == {}
    assert set(proxy.counts()) == set(READ_ACTIONS)


# ------------------------------------------------------------------ the credential chain
ROLE_ARN = "arn:aws:iam::123456789012:role/auditor"


def _profiles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, endpoint_url: str) -> None:
    token = tmp_path / "web-identity-token"
    token.write_text("eyJhbGciOiJub25lIn0.eyJzdWIiOiJyby10ZXN0In0.")
    config = tmp_path / "config"
    config.write_text(
        "[profile base]\n"
        "aws_access_key_id = AKIASOURCEPROFILE001\n"
        "aws_secret_access_key = not-a-secret\n"
        "[profile assume]\n"
        f"role_arn = {ROLE_ARN}\n"
        "source_profile = base\n"
        "[profile web]\n"
        f"role_arn = {ROLE_ARN}\n"
        f"web_identity_token_file = {token}\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    # botocore's credential providers build their STS clients from the configuration, not
    # from acct-tui's --endpoint-url: point those at the proxy too.
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", endpoint_url)


@pytest.mark.parametrize(
    ("profile", "chain_action"),
    [("assume", "sts:AssumeRole"), ("web", "sts:AssumeRoleWithWebIdentity")],
)
def test_the_credential_chain_needs_no_allowance(
    proxy: FaultProxy,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    profile: str,
    chain_action: str,
) -> None:
    """AssumeRole and AssumeRoleWithWebIdentity are not on the list, and need not be:
    botocore's providers call them through their own STS clients, which acct-tui's hook is
    not registered on. Were they routed through it, the read below would be refused."""
    _profiles(tmp_path, monkeypatch, proxy.url)
    service = AccountService(
        Settings(profile=profile, region="us-east-1", endpoint_url=proxy.url, read_only=True)
    )
    caller = service.read_part("caller")
    assert caller.error is None, caller.error
    assert caller.value is not None and ":assumed-role/auditor/" in caller.value.arn
    assert not read_only_allows(chain_action)
    counter = service.counter
    assert counter.refused() == {}
    assert set(counter.calls()) == {"sts:GetCallerIdentity"}, "the hook saw only acct-tui's read"
    if chain_action == "sts:AssumeRole":  # signed, so the proxy can name it
        assert proxy.count(chain_action) == 1
    else:  # unsigned by design: the proxy cannot name it, but it arrived
        assert proxy.count("(not AWS)") == 1
    assert proxy.count("sts:GetCallerIdentity") == 1
