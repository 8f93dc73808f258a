"""``acct-tui report``: every check over an account, without a terminal (CI, cron).

It reads the account exactly as the app does (``AccountService(Settings(…,
read_only=True)).reader.read_all()``, then ``tui.aws.checks.evaluate``), with the
read-only guard on: no call that changes the account can be made. It asks nothing (stdin
is never read) and prints no colour.

Exit status:

- 0: no check at or above ``--fail-on`` fails (and, with ``--unknown fail``, the
  default, none at or above it could not be evaluated);
- 1: one does;
- 2: a usage error, no usable credentials, or nothing at all could be read from the
  account (an unreachable endpoint, every call refused); also when ``--output`` names a
  file that exists (without ``--force``) or cannot be written, or when standard output is
  closed or its reader has gone (the report was not delivered).

``--org`` (:mod:`tui.cli.report_org`) reports on every member account of an AWS
Organization instead; its exit status is the worst account's.

Imports no Textual or Rich at all, and no boto3 before the arguments are parsed.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, MutableMapping, Sequence
from typing import TYPE_CHECKING

from tui.cli.options import credentials_problem, endpoint_url, region, without_userinfo
from tui.cli.report_output import deliver

if TYPE_CHECKING:
    from tui.aws.service import AccountService
    from tui.aws.session import Settings
    from tui.cli.report_data import Report

PROG = "acct-tui report"
FORMATS = ("text", "json", "markdown", "sarif", "csv")
SEVERITIES = ("critical", "high", "medium", "low")
EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=(
            "Read an AWS account (read-only: nothing is changed) and print every security "
            "check acct-tui makes, with its CIS AWS Foundations Benchmark ids, outcome "
            "(pass, fail, unknown, info), affected resources and fix."
        ),
        epilog=(
            "Exit status: 0 nothing at or above --fail-on fails; 1 something does (with "
            "--unknown fail, a check that could not be evaluated counts as failing); 2 usage "
            "error, no credentials, or nothing could be read (with --org: the organization "
            "could not be listed). With --org the status is the worst member account's, and an "
            "account that could not be read counts as unknown. Docs: README.md, Headless report."
        ),
    )
    add = parser.add_argument
    add("--format", choices=FORMATS, default="text", help="output format (default: text)")
    add(
        "--fail-on",
        choices=SEVERITIES,
        default="low",
        help="exit 1 when a check of this severity or higher fails (default: low, i.e. any)",
    )
    add(
        "--unknown",
        choices=("fail", "ignore"),
        default="fail",
        help="a check that could not be evaluated (a denied or failed read) counts as "
        "failing for the exit status (fail, the default) or not (ignore); it is always "
        "reported as unknown, never as passing",
    )
    add("--profile", metavar="NAME", help="AWS profile (default: boto3's chain)")
    add("--region", metavar="REGION", type=region, help="AWS Region for regional calls")
    add(
        "--endpoint-url",
        metavar="URL",
        type=endpoint_url,
        help="send every AWS call to this URL (moto_server, LocalStack)",
    )
    add(
        "--allow-insecure-endpoint",
        action="store_true",
        help="accept a plain http --endpoint-url to another machine",
    )
    add("--output", metavar="FILE", help="write the report to FILE (default: standard output)")
    add("--force", action="store_true", help="with --output: replace FILE if it exists")
    add(
        "--demo",
        action="store_true",
        help="report on the demo account (embedded moto; needs the [demo] extra); with "
        "--org, on the demo organization",
    )
    from tui.cli import report_org

    report_org.add_arguments(parser)
    return parser


def _fail(message: str) -> int:
    print(f"acct-tui: {message}", file=sys.stderr)
    return EXIT_USAGE


def _check_arguments(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Usage errors argparse cannot see (exit 2 through ``parser.error``)."""
    if args.demo:
        for option, value in (
            ("--profile", args.profile),
            ("--region", args.region),
            ("--endpoint-url", args.endpoint_url),
        ):
            if value is not None:
                parser.error(f"--demo reads its own account; it cannot be combined with {option}")
    if args.force and not args.output:
        parser.error("--force only applies to --output FILE")
    from tui.support import transport

    insecure = transport.insecure_host(args.endpoint_url)
    if insecure is not None:
        if not args.allow_insecure_endpoint:
            parser.error(transport.refusal(without_userinfo(args.endpoint_url), insecure))
        print(f"acct-tui: warning: {transport.warning(insecure)}", file=sys.stderr)
    from tui.cli import report_org

    report_org.check_arguments(parser, args)


def run(argv: Sequence[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(list(argv))
    _check_arguments(parser, args)
    if args.output and not args.force and os.path.lexists(args.output):
        return _fail(f"{args.output} already exists; pass --force to replace it")
    # botocore logs warnings on credential refresh failures; they are not the report.
    logging.getLogger().addHandler(logging.NullHandler())
    from tui.aws.session import Settings
    from tui.cli.report_org import run_org, start_demo

    report = run_org if args.org else _report
    if not args.demo:
        settings = Settings(
            profile=args.profile,
            region=args.region,
            endpoint_url=args.endpoint_url,
            read_only=True,
            allow_insecure_endpoint=args.allow_insecure_endpoint,
        )
        return report(args, settings)
    try:
        from tui.demo import DemoServer, DemoServerError
    except ImportError as exc:  # pragma: no cover - the [demo] extra is missing
        return _fail(f"the demo could not start: {exc}")
    server = DemoServer()
    try:
        endpoint = start_demo(server, args.org)
    except DemoServerError as exc:
        return _fail(str(exc))
    try:
        _hide_aws_setup(os.environ)
        settings = Settings(
            region=endpoint.region,
            endpoint_url=endpoint.endpoint_url,
            read_only=True,
            access_key_id=endpoint.access_key_id,
            secret_access_key=endpoint.secret_access_key,
            demo=True,
        )
        return report(args, settings)
    finally:
        server.stop()


def _hide_aws_setup(environ: MutableMapping[str, str]) -> None:
    """The demo signs with its own keys; botocore still reads ``AWS_PROFILE`` and the
    person's config files, so this process stops seeing them (nothing is written)."""
    for name in [n for n in environ if n.startswith("AWS_")]:
        del environ[name]
    environ["AWS_CONFIG_FILE"] = os.devnull
    environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    environ["AWS_EC2_METADATA_DISABLED"] = "true"


def _report(args: argparse.Namespace, settings: Settings) -> int:
    from tui.aws.service import AccountService

    service = AccountService(settings)
    problem = credentials_problem(service)
    if problem is not None:
        print(problem, file=sys.stderr)
        return EXIT_USAGE
    report = read_report(service)
    if isinstance(report, str):
        return _fail(report)
    if not deliver(args, renderers()[args.format](report)):
        return EXIT_USAGE
    from tui.aws.findings import Severity
    from tui.cli.report_data import exit_status

    return exit_status(report, Severity[args.fail_on.upper()], args.unknown == "fail")


def read_report(service: AccountService) -> Report | str:
    """The report of the account ``service`` reaches, or why nothing could be read."""
    from tui.aws.checks import evaluate
    from tui.aws.models import utcnow
    from tui.cli.report_data import build_report, clean, nothing_read

    posture = service.reader.read_all()
    if nothing_read(posture):
        error = posture.caller.error
        assert error is not None
        return f"nothing could be read from the account: {clean(error.summary())}"
    now = utcnow()
    return build_report(posture, evaluate(posture, now), now)


def renderers() -> dict[str, Callable[[Report], str]]:
    """Each format's renderer (imported only once a report is to be rendered)."""
    from tui.cli.report_data import render_json
    from tui.cli.report_sarif import render_sarif
    from tui.cli.report_text import render_csv, render_markdown, render_text

    return {
        "text": render_text,
        "json": render_json,
        "markdown": render_markdown,
        "sarif": render_sarif,
        "csv": render_csv,
    }
