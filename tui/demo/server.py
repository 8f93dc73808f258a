"""The demo account server: moto_server + the Region stand-in, as a child process.

``python -m tui.demo.server [--port 0] [--no-seed] [--region-delay SECONDS]
[--extra-regions N] [--frozen-at ISO-8601] [--initial-no-auth-action-count N]
[--org] [--org-members N]``

Serves moto's WSGI app wrapped in :class:`RegionApiMiddleware`, :class:`ControlApiMiddleware`
(Access Analyzer, iam:ListOrganizationsFeatures) and :class:`AssumeRoleMiddleware` (a missing
role cannot be assumed) with werkzeug (threaded) on 127.0.0.1, seeds the demo account unless
``--no-seed`` and, with ``--org`` or ``--org-members N``, an organization it manages (see
:mod:`tui.demo.org_seed`), then prints exactly one JSON line on stdout::

    {"endpoint_url": "http://127.0.0.1:PORT", "access_key_id": "...",
     "secret_access_key": "...", "account_id": "123456789012", "region": "us-east-1",
     "organization": false}

With an organization, the line also has ``"members"`` (account name → id) and
``"org_seed_seconds"``.

It runs in its own process because in-process moto holds the GIL long enough to stall the
UI. It lives exactly as long as its parent: a daemon thread blocks on stdin and exits the
process at EOF, which also happens when the parent crashes. SIGTERM/SIGINT exit too.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import signal
import sys
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from types import FrameType
from typing import IO, TYPE_CHECKING, Any, TextIO

from tui.demo.analyzers import AnalyzerStandIn
from tui.demo.assumerole import AssumeRoleMiddleware, moto_caller_arn, moto_role_exists
from tui.demo.controlapi import ControlApiMiddleware
from tui.demo.orgfeatures import OrgFeaturesStandIn, OrgView
from tui.demo.regionapi import RegionApiMiddleware
from tui.demo.regiondata import RegionApiError
from tui.demo.regions import RegionStandIn

if TYPE_CHECKING:
    from wsgiref.types import WSGIEnvironment

ACCOUNT_ID = "123456789012"
REGION = "us-east-1"
HOST = "127.0.0.1"


def build_parser() -> argparse.ArgumentParser:
    """The child server's command line."""
    parser = argparse.ArgumentParser(
        prog="python -m tui.demo.server",
        description="moto_server with the Account API Region stand-in, for acct-tui --demo.",
    )
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free)")
    parser.add_argument("--no-seed", action="store_true", help="start with an empty account")
    parser.add_argument(
        "--region-delay",
        type=float,
        default=20.0,
        metavar="SECONDS",
        help="how long ENABLING/DISABLING last (default 20)",
    )
    parser.add_argument(
        "--extra-regions",
        type=int,
        default=0,
        metavar="N",
        help="add N fake DISABLED opt-in Regions xx-test-1..N (pagination tests)",
    )
    parser.add_argument(
        "--frozen-at",
        type=_utc_instant,
        default=None,
        metavar="ISO-8601",
        help="for screenshots: freeze the IAM clock at this UTC instant, fix ids and MFA seeds",
    )
    parser.add_argument(
        "--initial-no-auth-action-count",
        type=int,
        default=None,
        metavar="N",
        help="enforce IAM policies after N calls (counted from the end of the seed)",
    )
    parser.add_argument(
        "--org",
        action="store_true",
        help="make the demo account the management account of an organization whose member "
        "accounts are in different states",
    )
    parser.add_argument(
        "--org-members",
        type=_count,
        default=None,
        metavar="N",
        help="an organization with N plain member accounts (with --org: N more), for benchmarks",
    )
    return parser


def _count(value: str) -> int:
    number = int(value)
    if not 0 <= number <= 1000:
        raise argparse.ArgumentTypeError(f"{value} is not between 0 and 1000")
    return number


def _utc_instant(value: str) -> datetime:
    when = datetime.fromisoformat(value)
    if when.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{value!r} has no UTC offset (add Z or +00:00)")
    return when.astimezone(UTC)


def exit_now(code: int = 0) -> None:
    # os._exit: no atexit, no thread joins. werkzeug's handler threads and moto hold no
    # state worth flushing, and a normal exit could hang on a request still in flight.
    try:
        sys.stderr.flush()
    finally:
        os._exit(code)


def watch_stdin(stream: IO[bytes]) -> None:
    # Blocks until the parent closes its end of the pipe or dies (the kernel closes it
    # then), so the server can never outlive the app that started it.
    try:
        while stream.read(4096):
            pass
    except (OSError, ValueError):
        pass
    exit_now(0)


def on_signal(signum: int, frame: FrameType | None) -> None:
    exit_now(0)


def _moto_authorizer() -> Any:
    """An Authorizer applying moto's IAM policy simulation to the Region calls.

    With INITIAL_NO_AUTH_ACTION_COUNT set, moto starts checking policies after N calls;
    the Region calls count and are checked the same way, as ``account:<Operation>``.
    """
    from moto import settings
    from moto.core.authorization import ActionAuthenticatorMixin
    from moto.core.exceptions import AccessDeniedError, InvalidClientTokenIdError
    from moto.iam.access_control import IAMRequest
    from moto.iam.models import get_account_id_from

    def authorize(environ: WSGIEnvironment, operation: str, body: bytes) -> RegionApiError | None:
        if ActionAuthenticatorMixin.request_count < settings.INITIAL_NO_AUTH_ACTION_COUNT:
            ActionAuthenticatorMixin.request_count += 1
            return None
        auth = environ.get("HTTP_AUTHORIZATION")
        if not auth:
            return RegionApiError(
                "MissingAuthenticationTokenException", "Missing Authentication Token"
            )
        headers = {"Authorization": auth}
        token = environ.get("HTTP_X_AMZ_SECURITY_TOKEN")
        if token:
            headers["X-Amz-Security-Token"] = token
        try:
            access_key_id = auth.split("Credential=", 1)[1].split("/", 1)[0]
            request = IAMRequest(
                account_id=get_account_id_from(access_key_id),
                method=environ.get("REQUEST_METHOD", "POST"),
                path=environ.get("PATH_INFO", "/"),
                data={},
                body=body,
                headers=headers,
                action=operation,
            )
            request.check_action_permitted("*")
        except AccessDeniedError as exc:
            return RegionApiError("AccessDeniedException", exc.message)
        except (InvalidClientTokenIdError, IndexError):
            return RegionApiError(
                "UnrecognizedClientException",
                "The security token included in the request is invalid.",
            )
        return None

    return authorize


def _moto_account_of(access_key_id: str) -> str:
    """The account a moto access key belongs to (an assumed role's key: the role's)."""
    from moto.iam.models import get_account_id_from

    return str(get_account_id_from(access_key_id))


def _moto_organization(account_id: str) -> OrgView:
    """``account_id``'s place in moto's Organizations backend (for ListOrganizationsFeatures)."""
    from moto.organizations.models import organizations_backends

    own = organizations_backends[account_id]["aws"].org
    if own is not None:  # the management account
        return OrgView(own.id, management=True, all_features=own.feature_set == "ALL")
    owner = organizations_backends.master_accounts.get(account_id)
    if owner is None:
        return OrgView()
    org = organizations_backends[owner[0]][owner[1]].org
    if org is None:
        return OrgView()
    # moto cannot make an account IAM's delegated administrator: a member is only a member.
    return OrgView(org.id, management=False, all_features=org.feature_set == "ALL")


def become_child() -> TextIO:
    """Set up a server child process; returns the stream for its one JSON line.

    Everything printed afterwards (moto prints warnings on stdout) goes to stderr: the
    parent reads exactly one line from stdout and may never read it again, so a later
    write there could fill the pipe and block a request thread. The process exits on
    SIGTERM/SIGINT and when its parent closes stdin (or dies). Its environment holds only
    fake credentials, so the seed and moto's own clients never find real ones, and
    werkzeug's per-request log (noise under the TUI) is silenced.
    """
    json_out = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, on_signal)
    threading.Thread(
        target=watch_stdin, args=(sys.stdin.buffer,), name="stdin-watch", daemon=True
    ).start()
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN"):
        os.environ.pop(name, None)
    os.environ["AWS_ACCESS_KEY_ID"] = "testing"
    os.environ["AWS_SECRET_ACCESS_KEY"] = "testing"
    os.environ.setdefault("AWS_DEFAULT_REGION", REGION)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    return json_out


def start_http(app: Any, port: int) -> int:
    """Serve the WSGI ``app`` on 127.0.0.1 in a daemon thread; returns the port."""
    from moto.moto_server.werkzeug_app import MotoRequestHandler
    from werkzeug.serving import make_server

    class QuietHandler(MotoRequestHandler):
        def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
            pass

    server = make_server(HOST, port, app, threaded=True, request_handler=QuietHandler)
    threading.Thread(target=server.serve_forever, name="http", daemon=True).start()
    bound: int = server.server_port
    return bound


def build_app(moto_app: Any, args: argparse.Namespace) -> Any:
    """moto's WSGI app behind the stand-ins: Region calls, Access Analyzer and
    ListOrganizationsFeatures, each authorized as moto authorizes its own calls."""
    standin = RegionStandIn(transition_seconds=args.region_delay, extra_regions=args.extra_regions)
    authorize = _moto_authorizer()
    frozen: datetime | None = args.frozen_at
    analyzers = (
        AnalyzerStandIn(account_id=ACCOUNT_ID)
        if frozen is None
        else AnalyzerStandIn(account_id=ACCOUNT_ID, clock=lambda: frozen)
    )
    controls = ControlApiMiddleware(
        RegionApiMiddleware(moto_app, standin, authorize=authorize),
        analyzers,
        OrgFeaturesStandIn(_moto_organization),
        authorize=authorize,
        account_of=_moto_account_of,
    )
    return AssumeRoleMiddleware(controls, moto_role_exists, moto_caller_arn)


def serve(argv: Sequence[str] | None = None) -> None:
    """Run the demo server until stdin closes or a signal arrives."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.no_seed and (args.org or args.org_members is not None):
        parser.error("--org and --org-members seed an organization: not with --no-seed")

    json_out = become_child()

    # moto reads both at import time.
    os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"
    if args.initial_no_auth_action_count is not None:
        os.environ["INITIAL_NO_AUTH_ACTION_COUNT"] = str(args.initial_no_auth_action_count)
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    from tui.demo.motofix import patch_moto

    patch_moto()
    if args.frozen_at is not None:
        from tui.demo.frozen import pin_moto

        pin_moto(args.frozen_at)

    moto_app = DomainDispatcherApplication(create_backend_app)
    port = start_http(build_app(moto_app, args), args.port)
    endpoint_url = f"http://{HOST}:{port}"

    line = {
        "endpoint_url": endpoint_url,
        "access_key_id": "testing",
        "secret_access_key": "testing",
        "account_id": ACCOUNT_ID,
        "region": REGION,
        "organization": False,
    }
    if not args.no_seed:
        line.update(_seed(endpoint_url, args))
    json_out.write(json.dumps(line) + "\n")
    json_out.flush()
    json_out.close()

    # The main thread only waits: it is where signal handlers run.
    threading.Event().wait()


def _seed(endpoint_url: str, args: argparse.Namespace) -> dict[str, Any]:
    """Seed the demo account (and the organization it manages, if asked); what the JSON
    line says of it: the caller's keys, and the organization's members."""
    from moto import settings
    from moto.core.authorization import ActionAuthenticatorMixin

    from tui.demo.seed import seed_account
    from tui.demo.seed_controls import seed_controls

    # The seed's own calls must neither be refused nor use up the N free calls.
    no_auth = settings.INITIAL_NO_AUTH_ACTION_COUNT
    settings.INITIAL_NO_AUTH_ACTION_COUNT = math.inf
    try:
        result = seed_account(endpoint_url, region=REGION, now=args.frozen_at)
        seed_controls(endpoint_url, result, region=REGION, now=args.frozen_at)
        line: dict[str, Any] = {
            "access_key_id": result.access_key_id,
            "secret_access_key": result.secret_access_key,
        }
        if args.org or args.org_members is not None:
            from tui.demo.org_seed import seed_demo_organization

            line.update(
                seed_demo_organization(
                    endpoint_url,
                    org=args.org,
                    plain_members=args.org_members or 0,
                    region=REGION,
                    now=args.frozen_at,
                )
            )
    finally:
        settings.INITIAL_NO_AUTH_ACTION_COUNT = no_auth
        ActionAuthenticatorMixin.request_count = 0
    return line


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point for ``python -m tui.demo.server``; reports start-up failures on stderr."""
    try:
        serve(argv)
    except SystemExit:
        raise
    except BaseException:
        logging.getLogger(__name__).exception("demo server failed to start")
        exit_now(1)


if __name__ == "__main__":
    main()
