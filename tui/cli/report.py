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

Imports no Textual or Rich at all, and no boto3 before the arguments are parsed.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
import tempfile
from collections.abc import Callable, MutableMapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tui.cli.options import credentials_problem, endpoint_url, region, without_userinfo

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
            "error, no credentials, or nothing could be read. Docs: README.md, Headless report."
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
        help="report on the demo account (embedded moto; needs the [demo] extra)",
    )
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


def run(argv: Sequence[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(list(argv))
    _check_arguments(parser, args)
    if args.output and not args.force and os.path.lexists(args.output):
        return _fail(f"{args.output} already exists; pass --force to replace it")
    # botocore logs warnings on credential refresh failures; they are not the report.
    logging.getLogger().addHandler(logging.NullHandler())
    from tui.aws.session import Settings

    if not args.demo:
        settings = Settings(
            profile=args.profile,
            region=args.region,
            endpoint_url=args.endpoint_url,
            read_only=True,
            allow_insecure_endpoint=args.allow_insecure_endpoint,
        )
        return _report(args, settings)
    try:
        from tui.demo import DemoServer, DemoServerError
    except ImportError as exc:  # pragma: no cover - the [demo] extra is missing
        return _fail(f"the demo could not start: {exc}")
    server = DemoServer()
    try:
        endpoint = server.start(region_delay=600.0)
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
        return _report(args, settings)
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
    text = renderers()[args.format](report)
    if args.output:
        try:
            write_atomically(Path(args.output), text, replace=args.force)
        except OSError as exc:
            return _fail(f"cannot write {args.output}: {exc.strerror or exc}")
    elif not write_stdout(text):
        return _fail("cannot write the report to standard output (closed, or its reader left)")
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


def write_stdout(text: str) -> bool:
    """Write ``text`` to standard output; False when it is closed or its reader has gone
    (``acct-tui report | head -1``). Then standard output is pointed at the null device,
    so Python's own flush at exit cannot fail again with a traceback."""
    stream = sys.stdout
    if stream is None:  # started with standard output closed (``>&-``)
        return False
    try:
        stream.write(text)
        stream.flush()
    except (OSError, ValueError):
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, stream.fileno())
            os.close(devnull)
        return False
    return True


def write_atomically(target: Path, text: str, *, replace: bool) -> None:
    """Write ``text`` to ``target`` through a temporary file in the same folder and
    ``os.replace``: a reader sees the old file or the whole new one, never half. Without
    ``replace``, an existing ``target`` is never overwritten (checked again at the end)."""
    folder = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if replace:
            os.replace(tmp, target)
        else:
            os.link(tmp, target)  # fails with FileExistsError if it appeared meanwhile
            os.unlink(tmp)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
