"""Command line: arguments → Settings → AccountService → AcctApp.run().

``--version`` and ``--help`` answer before boto3, Textual or moto are imported.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from tui import __version__
from tui.cli.options import NO_CREDENTIALS as NO_CREDENTIALS
from tui.cli.options import credentials_problem as credentials_problem
from tui.cli.options import endpoint_url as _endpoint_url
from tui.cli.options import region as _region
from tui.cli.org_options import add_org_arguments, org_options


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="acct-tui",
        description=(
            "A keyboard-driven console that takes an AWS account through its essential "
            "security set-up: root MFA, an administrators group, IAM users with MFA, "
            "an account alias and opt-in Regions."
        ),
        epilog=(
            "Credentials: `acct-tui credentials list | get USER [--account ID]` lists the keys "
            "acct-tui stored in the OS keyring, or prints one as AWS credential_process JSON. "
            "Report: `acct-tui report --help` checks an account without a terminal (CI, cron). "
            "Keys: press ? inside the app. Docs: README.md."
        ),
    )
    parser.add_argument("--version", action="version", version=f"acct-tui {__version__}")
    parser.add_argument("--profile", metavar="NAME", help="AWS profile (default: boto3's chain)")
    parser.add_argument(
        "--region", metavar="REGION", type=_region, help="AWS Region for regional calls"
    )
    parser.add_argument(
        "--endpoint-url",
        metavar="URL",
        type=_endpoint_url,
        help="send every AWS call to this URL (moto_server, LocalStack); plain http only "
        "to this machine unless --allow-insecure-endpoint",
    )
    parser.add_argument(
        "--allow-insecure-endpoint",
        action="store_true",
        help="accept a plain http --endpoint-url to another machine (refused by default: "
        "requests and the secrets AWS returns would cross the network unencrypted; "
        "http to 127.0.0.0/8, ::1 or localhost is always accepted)",
    )
    parser.add_argument(
        "--read-only",
        action="store_true",
        help="look only: every call that would change the account is refused",
    )
    parser.add_argument(
        "--log",
        metavar="FILE",
        help="write a troubleshooting log (DEBUG, with botocore's requests; secrets masked) "
        "to FILE, created with mode 0600",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="explore a realistic demo account (embedded moto; needs the [demo] extra)",
    )
    add_org_arguments(
        parser, at_start="open the Accounts view first (with --demo: a demo organization)"
    )
    return parser


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 2


def main(argv: Sequence[str] | None = None) -> int:
    # Before anything can hold a secret: no core files, not dumpable (tui/support/hardening.py).
    from tui.support.hardening import harden

    harden()
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["credentials"]:
        from tui.cli import credentials as credentials_cli

        return credentials_cli.run(arguments[1:])
    if arguments[:1] == ["report"]:
        from tui.cli import report as report_cli

        return report_cli.run(arguments[1:])
    parser = build_parser()
    args = parser.parse_args(arguments)
    if args.demo:
        # The demo brings its own account, endpoint and Region: say so rather than ignore.
        given = [
            o
            for o, v in (
                ("--profile", args.profile),
                ("--region", args.region),
                ("--endpoint-url", args.endpoint_url),
            )
            if v is not None
        ]
        if given:
            parser.error(f"--demo runs its own account; it cannot be combined with {given[0]}")
    from tui.support import transport

    insecure = transport.insecure_host(args.endpoint_url)
    if insecure is not None:
        if not args.allow_insecure_endpoint:
            parser.error(transport.refusal(args.endpoint_url, insecure))
        print(f"acct-tui: warning: {transport.warning(insecure)}", file=sys.stderr)
    # botocore logs warnings (with tracebacks) on credential refresh failures; with no
    # handler, Python's last-resort handler would print them over the TUI.
    logging.getLogger().addHandler(logging.NullHandler())
    log_handler = None
    if args.log:
        from tui.support import logfile

        try:
            log_handler = logfile.start(args.log)
        except logfile.LogFileError as exc:
            return _fail(f"acct-tui: {exc}")
    try:
        return _run(args)
    finally:
        if log_handler is not None:
            logfile.stop(log_handler)


def _run(args: argparse.Namespace) -> int:
    """Build the service from ``args`` and run the app; the exit status."""
    from tui.aws.service import AccountService
    from tui.aws.session import Settings

    demo_server = None
    sandbox = None
    if args.demo:
        try:
            from tui.demo import DemoServer, DemoServerError
        except ImportError as exc:  # pragma: no cover - packaging error
            return _fail(f"acct-tui: the demo could not start: {exc}")
        demo_server = DemoServer()
        try:
            endpoint = demo_server.start(org=args.org) if args.org else demo_server.start()
        except DemoServerError as exc:
            return _fail(f"acct-tui: {exc}")
        settings = Settings(
            region=endpoint.region,
            endpoint_url=endpoint.endpoint_url,
            read_only=args.read_only,
            access_key_id=endpoint.access_key_id,
            secret_access_key=endpoint.secret_access_key,
            demo=True,
        )
        from tui.demo.sandbox import DemoSandbox

        # The demo keeps what it "saves" in a throw-away keyring and directory, never in
        # the person's keyring or AWS config (removed in the finally below).
        sandbox = DemoSandbox()
        sandbox.isolate(os.environ)
        sandbox.close_on_signals()  # kill, a closed terminal or tmux pane skip atexit
    else:
        settings = Settings(
            profile=args.profile,
            region=args.region,
            endpoint_url=args.endpoint_url,
            read_only=args.read_only,
            allow_insecure_endpoint=args.allow_insecure_endpoint,
        )
    try:
        service = AccountService(settings)
        problem = credentials_problem(service)
        if problem is not None:
            return _fail(problem)

        from tui.app import AcctApp
        from tui.support.config import load_config

        config = load_config()
        org = org_options(args, config)
        AcctApp(service, demo=settings.demo, config=config, sandbox=sandbox, org=org).run()
        return 0
    finally:
        if demo_server is not None:
            demo_server.stop()
        if sandbox is not None:
            sandbox.close()
