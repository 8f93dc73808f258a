"""Never a false "safe": a check whose data could not be read is unknown, never passing,
and no summary, border or guide step says "all clear"/"done" without evidence.

Three tiers: the pure verdicts (checks, guide), the app over an endpoint that answers
nothing (Pilot), and the installed ``acct-tui`` in a real terminal pointed at a closed port,
as the trust report reproduced it.
"""

from __future__ import annotations

import socket
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static

from tests.support.app import make_app
from tests.support.pilot import plain
from tests.support.tmux import Tmux, acct_tui, acct_tui_env
from tui.aws import guide
from tui.aws.checks import Status, evaluate, verdict
from tui.aws.errors import AwsError
from tui.aws.models import (
    PART_NAMES,
    AccountSummary,
    AuthDetails,
    Caller,
    CredentialReport,
    CredentialRow,
    IamGroup,
    IamUser,
    Part,
    PolicyRef,
    Posture,
    utcnow,
)
from tui.aws.service import AccountService
from tui.aws.session import Settings
from tui.panes.recommendations import RecommendationsPane

ADMIN = PolicyRef("AdministratorAccess", "arn:aws:iam::aws:policy/AdministratorAccess")
NOW = utcnow()


def _closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _failed_everywhere() -> Posture:
    error = AwsError("iam:GetAccountSummary", "ConnectionError", "Could not connect", "Check it")
    return Posture(**{name: Part.failed(error) for name in PART_NAMES})


def _row(user: str, *, console: bool = True, mfa: bool = True) -> CredentialRow:
    return CredentialRow(
        user=user,
        arn=f"arn:aws:iam::123456789012:user/{user}",
        created=NOW - timedelta(days=30),
        password_enabled=console,
        password_last_used=None,
        mfa_active=mfa,
        keys=(),
    )


def _user(name: str, groups: tuple[str, ...] = ()) -> IamUser:
    return IamUser(
        name=name,
        arn=f"arn:aws:iam::123456789012:user/{name}",
        user_id=f"AIDA{name.upper()}",
        path="/",
        created=NOW - timedelta(days=30),
        groups=groups,
    )


def _posture(users: list[IamUser], rows: list[CredentialRow]) -> Posture:
    group = IamGroup(
        name="administrators",
        arn="arn:aws:iam::123456789012:group/administrators",
        path="/",
        created=NOW,
        attached_policies=(ADMIN,),
    )
    return Posture(
        caller=Part.ok(Caller("123456789012", "arn:aws:iam::123456789012:user/ana", "AIDAANA")),
        summary=Part.ok(AccountSummary(root_mfa_enabled=True, root_access_keys_present=False)),
        details=Part.ok(AuthDetails(users=tuple(users), groups=(group,))),
        report=Part.ok(CredentialReport(generated=NOW - timedelta(hours=1), rows=tuple(rows))),
    )


# ---------------------------------------------------------------------------- verdicts
def test_nothing_read_is_never_all_clear() -> None:
    findings = evaluate(_failed_everywhere())
    assert {f.status for f in findings} == {Status.UNKNOWN}
    text = verdict(findings)
    assert text == f"{len(findings)} unknown"
    assert "clear" not in text


def test_all_clear_only_when_every_check_passed() -> None:
    findings = evaluate(_failed_everywhere())
    passed = [f.__class__(**{**f.__dict__, "status": Status.PASS}) for f in findings]
    assert verdict(passed) == "all clear"
    mixed = [*passed[:-1], findings[-1]]
    assert verdict(mixed) == "1 unknown"
    assert verdict([]) == "no checks"


def test_still_loading_says_checking_not_clear() -> None:
    assert verdict(evaluate(Posture())) == "checking…"


def test_a_user_missing_from_the_credential_report_is_not_passed() -> None:
    # bob was created after AWS made the report: his MFA and keys are not known.
    posture = _posture([_user("ana", ("administrators",)), _user("bob")], [_row("ana")])
    findings = {f.id: f for f in evaluate(posture)}
    for check in ("user-mfa", "old-keys", "unused-keys", "two-keys"):
        assert findings[check].status is Status.UNKNOWN, check
        assert "bob" in findings[check].reason
    # A failure for a user the report does list still fails.
    posture = _posture([_user("ana"), _user("bob")], [_row("ana", mfa=False)])
    assert {f.id: f for f in evaluate(posture)}["user-mfa"].status is Status.FAIL


def test_guide_mfa_step_is_not_done_for_admins_the_report_lacks() -> None:
    users = [_user("ana", ("administrators",)), _user("bob", ("administrators",))]
    steps = {s.id: s for s in guide.guide_steps(_posture(users, [_row("ana")]))}
    assert steps["admin-mfa"].state is guide.StepState.UNKNOWN
    assert "bob" in steps["admin-mfa"].reason


def test_guide_progress_counts_unknown_steps() -> None:
    steps = guide.guide_steps(_failed_everywhere())
    text = guide.progress(steps)
    assert text.startswith("0 of 8 done")
    assert "unknown" in text


# ------------------------------------------------------------------- the app, Pilot
async def test_unreachable_endpoint_shows_unknown_not_all_clear() -> None:
    settings = Settings(
        region="us-east-1",
        endpoint_url=f"http://127.0.0.1:{_closed_port()}",
        access_key_id="AKIAEXAMPLEEXAMPLE00",
        secret_access_key="not-a-secret",
    )
    app = make_app(AccountService(settings))
    async with app.run_test(size=(160, 50)) as pilot:
        pane = app.query_one("#recommendations", RecommendationsPane)
        for _ in range(600):
            await pilot.pause(0.05)
            if app.generation and not app.refreshing and "unknown" in str(pane.border_subtitle):
                break
        subtitle = str(pane.border_subtitle)
        assert "all clear" not in subtitle
        assert subtitle == f"{len(pane.findings)} unknown", subtitle
        status = plain(pane.query_one("#status", Static))
        assert "Nothing could be read from AWS" in status
        assert "No check has passed" in status
        # An unknown check offers no fix: only a failing one does.
        reason = plain(pane.query_one("#reason", Static))
        assert reason.startswith("Cannot tell")
        assert "Fix:" not in reason
        assert "enter to fix" not in reason


# -------------------------------------------------------------- a real terminal (tmux)
@pytest.mark.tmux
def test_installed_acct_tui_against_a_closed_port_never_says_all_clear(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = acct_tui_env(home)
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    term = Tmux(tmp_path, 160, 50)
    try:
        term.start([*acct_tui(), "--endpoint-url", f"http://127.0.0.1:{_closed_port()}"], env)
        term.wait_for("Nothing could be read", timeout=90)
        # (the end of a frame's title: round, or heavy on the focused pane)
        screen = term.wait_until(
            lambda s: "unknown ─" in s or "unknown ━" in s, "unknown in a title", 30
        )
        assert "all clear" not in screen
        term.send("g")  # Getting started: no step is done without evidence
        screen = term.wait_for("Getting started —", timeout=30)
        assert "✓ done" not in screen
        assert "0 of 8 done" in screen
    finally:
        term.close()


def test_guide_mfa_step_is_not_done_for_a_key_only_admin_without_mfa() -> None:
    # ana is an admin with an access key and no console password, and no MFA: the step
    # must not say "Your admin users have MFA".
    users = [_user("ana", ("administrators",))]
    steps = {
        s.id: s for s in guide.guide_steps(_posture(users, [_row("ana", console=False, mfa=False)]))
    }
    step = steps["admin-mfa"]
    assert step.state is guide.StepState.TODO, step.reason
    assert "ana" in step.reason and step.users == ("ana",)


_HEADER = (
    b"user,arn,user_creation_time,password_enabled,password_last_used,"
    b"password_last_changed,password_next_rotation,mfa_active,access_key_1_active,"
    b"access_key_1_last_rotated,access_key_1_last_used_date,access_key_2_active,"
    b"access_key_2_last_rotated,access_key_2_last_used_date\n"
)


def _stubbed_reader() -> tuple[Any, Any]:
    """A PostureReader whose IAM client answers from botocore's Stubber (no network)."""
    from botocore.stub import Stubber

    from tui.aws.posture import PostureReader
    from tui.aws.session import AwsSession

    session = AwsSession(Settings(endpoint_url="http://127.0.0.1:9", region="us-east-1"))
    stubber = Stubber(session.iam())
    stubber.activate()
    return PostureReader(session, poll_interval=0.01), stubber


def _with(part_name: str, part: Part[Any]) -> Posture:
    # details denied: nothing to compare the report with (a common partial denial)
    denied = AwsError("iam:GetAccountAuthorizationDetails", "AccessDenied", "no", "")
    base = {**_posture([], []).__dict__, "details": Part.failed(denied)}
    return Posture(**{**base, part_name: part})


@pytest.mark.parametrize(
    "content",
    [
        b"",  # nothing at all
        b"<html>Service Unavailable</html>\n",  # not a credential report
        # cut short in bob's row: his password and MFA columns never arrived
        _HEADER + b"ana,arn:aws:iam::123456789012:user/ana,2025-01-01T00:00:00+00:00,true,N/A,"
        b"N/A,N/A,true,false,N/A,N/A,false,N/A,N/A\n"
        b"bob,arn:aws:iam::123456789012:user/bob,2025-01-01T00:00:00+00:00",
    ],
    ids=["empty", "not-a-report", "truncated"],
)
def test_a_partial_credential_report_passes_no_check(content: bytes) -> None:
    reader, stubber = _stubbed_reader()
    stubber.add_response("generate_credential_report", {"State": "COMPLETE"})
    stubber.add_response(
        "get_credential_report",
        {"Content": content, "GeneratedTime": NOW, "ReportFormat": "text/csv"},
    )
    part = reader.read_part("report")
    findings = {f.id: f for f in evaluate(_with("report", part))}
    for check in ("user-mfa", "old-keys", "unused-keys", "two-keys"):
        assert findings[check].status is Status.UNKNOWN, (check, findings[check].reason)


def test_a_summary_without_the_root_fields_passes_no_root_check() -> None:
    reader, stubber = _stubbed_reader()
    stubber.add_response("get_account_summary", {"SummaryMap": {"Users": 3}})
    part = reader.read_part("summary")
    findings = {f.id: f for f in evaluate(_with("summary", part))}
    assert findings["root-keys"].status is Status.UNKNOWN, findings["root-keys"].reason
    assert findings["root-mfa"].status is Status.UNKNOWN, findings["root-mfa"].reason
