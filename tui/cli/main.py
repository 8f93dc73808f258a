"""Command line: arguments → Settings → AccountService → AcctApp.run().

``--version`` and ``--help`` answer before boto3, Textual or moto are imported.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from tui import __version__

if TYPE_CHECKING:
    from tui.aws.service import AccountService

NO_CREDENTIALS = (
    "acct-tui: no AWS credentials found (tried environment variables, {where}, "
    "SSO, container and instance metadata). Fix: run `aws configure`, pass "
    "--profile NAME, or try `acct-tui --demo` (no AWS account needed)."
)


# botocore's own rule for a Region name (a DNS label); checked here so a typo is a usage
# error at once instead of a failure in every pane.
_REGION_RE = re.compile(r"[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?")


def _region(text: str) -> str:
    if not _REGION_RE.fullmatch(text):
        raise argparse.ArgumentTypeError(f"not a Region name: {text!r} (for example eu-west-1)")
    return text


def _endpoint_url(text: str) -> str:
    try:
        parts = urlsplit(text)
        ok = parts.scheme in ("http", "https") and bool(parts.hostname)
        ok = ok and (parts.port is None or parts.port > 0)  # .port raises when out of range
    except ValueError:
        ok = False
    if not ok or not text.isprintable() or any(ch.isspace() for ch in text):
        raise argparse.ArgumentTypeError(
            f"not an http(s) URL: {text!r} (for example http://127.0.0.1:5000)"
        )
    return text


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
    return parser


def credentials_problem(service: AccountService) -> str | None:
    """Why ``service`` cannot reach AWS (one line for stderr), or None when it can try.

    Keys given outright (``--demo``), or in the environment with no profile named anywhere,
    are what botocore's chain would use first: then botocore is not loaded before the first
    frame (~140 ms). Otherwise the chain runs here, so a missing profile or no credentials
    is a clear line on stderr and not a screen that opens and closes.
    """
    from botocore.exceptions import BotoCoreError

    settings = service.settings
    if settings.access_key_id and settings.secret_access_key:
        return None
    environ = os.environ
    named = settings.profile or environ.get("AWS_PROFILE") or environ.get("AWS_DEFAULT_PROFILE")
    if not named and environ.get("AWS_ACCESS_KEY_ID") and environ.get("AWS_SECRET_ACCESS_KEY"):
        return None
    try:
        if service.has_credentials():
            return None
    except BotoCoreError as exc:
        # ProfileNotFound, a malformed config file, an unknown credential source… The text
        # can quote a credential_process's output or a token: masked like any error text.
        from tui.aws.redact import mask_token_runs, redact

        return f"acct-tui: cannot use the AWS configuration: {mask_token_runs(redact(str(exc)))}"
    where = f"profile {settings.profile!r}" if settings.profile else "~/.aws profiles"
    return NO_CREDENTIALS.format(where=where)


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
            endpoint = demo_server.start()
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

        AcctApp(service, demo=settings.demo, config=load_config(), sandbox=sandbox).run()
        return 0
    finally:
        if demo_server is not None:
            demo_server.stop()
        if sandbox is not None:
            sandbox.close()
