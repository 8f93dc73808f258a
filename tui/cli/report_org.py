"""``acct-tui report --org``: every member account of an AWS Organization, headless.

Run as the organization's management account (or a delegated administrator) with
``policies/acct-tui-org-read.json``: the organization is listed (``tui.aws.org.OrgReader``),
then each member account is read through ``--org-role`` (default: config.toml's
``[organization]`` role, else ``OrganizationAccountAccessRole``), at most
``--org-concurrency`` at a time
(``tui.aws.org.OrgScan``), and gets exactly the checks of the one-account report. The
caller's own account is read with its own credentials. Read-only as ever: the only call
that is not a read is ``sts:AssumeRole``, which changes nothing.

Exit status: the worst account's (1 when one has a failing check at or above ``--fail-on``
or, with ``--unknown fail``, an unknown one; an account that could not be read counts as
unknown, a suspended one does not); 2 when the organization cannot be listed (not in an
organization, ListAccounts denied: the reason and the policy hint on stderr) or on a usage
error.

SARIF is refused with ``--org`` (a usage error): one SARIF log per account is what code
scanning tools expect, so run the one-account report per member for it.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from tui.aws.org_permissions import DEFAULT_ROLE

if TYPE_CHECKING:
    from collections.abc import Callable

    from tui.aws.service import AccountService
    from tui.aws.session import Settings
    from tui.cli.report_org_data import OrgReport

EXIT_USAGE = 2
ORG_OPTIONS = ("--org-role", "--org-external-id", "--org-concurrency")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--org`` and the member options, as ``acct-tui`` has them (checked by argparse
    against the botocore model's limits, so a bad value is a usage error before any call)."""
    from tui.cli.org_options import add_org_arguments

    add_org_arguments(
        parser,
        at_start="report on every member account of the AWS Organization (run as its "
        "management account or a delegated administrator, with "
        "policies/acct-tui-org-read.json); the exit status is the worst account's; json, "
        "text, markdown or csv (not sarif)",
    )


def check_arguments(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Usage errors of the organization options (exit 2), before any call is made; then
    the options not given are taken from config.toml's ``[organization]``, else the
    defaults."""
    if not args.org:
        values = (args.org_role, args.org_external_id, args.org_concurrency)
        given = [o for o, v in zip(ORG_OPTIONS, values, strict=True) if v is not None]
        if given:
            parser.error(f"{given[0]} only applies with --org")
        return
    if args.format == "sarif":
        parser.error(
            "--format sarif is one account's log: with --org use json, text, markdown or csv "
            "(or run the one-account report with --format sarif in each member account)"
        )
    from tui.aws.org_permissions import DEFAULT_CONCURRENCY
    from tui.support.config import load_config

    config = load_config()
    for problem in config.problems:  # the file is read for [organization]: say what it ignored
        print(f"acct-tui: warning: {problem}", file=sys.stderr)
    args.org_role = args.org_role or config.org_role or DEFAULT_ROLE
    args.org_external_id = args.org_external_id or config.org_external_id
    args.org_concurrency = args.org_concurrency or config.org_concurrency or DEFAULT_CONCURRENCY


def start_demo(server: Any, org: bool) -> Any:
    """The demo's endpoint; with ``org``, a demo organization (``DemoServer.start(org=True)``)."""
    return server.start(region_delay=600.0, org=org)


def run_org(args: argparse.Namespace, settings: Settings) -> int:
    from tui.aws.findings import Severity
    from tui.aws.service import AccountService
    from tui.cli.options import credentials_problem
    from tui.cli.report_org_data import org_exit_status
    from tui.cli.report_output import deliver

    service = AccountService(settings)
    problem = credentials_problem(service)
    if problem is not None:
        print(problem, file=sys.stderr)
        return EXIT_USAGE
    try:
        report = read_org_report(
            service,
            role=args.org_role,
            external_id=args.org_external_id,
            concurrency=args.org_concurrency,
        )
    finally:
        service.session.close()
    if isinstance(report, str):
        print(f"acct-tui: {report}", file=sys.stderr)
        return EXIT_USAGE
    if not deliver(args, org_renderers()[args.format](report)):
        return EXIT_USAGE
    return org_exit_status(report, Severity[args.fail_on.upper()], args.unknown == "fail")


def read_org_report(
    service: AccountService, *, role: str, external_id: str | None, concurrency: int
) -> OrgReport | str:
    """The organization's report, or why it cannot be made (one line for stderr)."""
    from tui.aws.errors import from_exception
    from tui.aws.models import utcnow
    from tui.aws.org import OrgReader, OrgScan, OrgUnavailable
    from tui.cli.report_data import clean
    from tui.cli.report_org_data import build_org_report

    try:
        caller = str(service.session.sts().get_caller_identity()["Account"])
    except Exception as exc:  # noqa: BLE001 - said on stderr as an AwsError
        error = from_exception(exc, "sts", "GetCallerIdentity")
        return f"nothing could be read from the account: {clean(error.summary())}"
    try:
        organization = OrgReader(service.session).read()
    except OrgUnavailable as exc:
        return f"cannot list the organization: {clean(exc.error.summary())}"
    scan = OrgScan(
        service,
        role=role,
        external_id=external_id,
        concurrency=concurrency,
        caller_account=caller,
    )
    reads = scan.scan(organization.accounts)
    return build_org_report(organization, reads, utcnow(), role=role, caller_account_id=caller)


def org_renderers() -> dict[str, Callable[[OrgReport], str]]:
    from tui.cli.report_org_data import render_org_json
    from tui.cli.report_org_text import render_org_csv, render_org_markdown, render_org_text

    return {
        "text": render_org_text,
        "json": render_org_json,
        "markdown": render_org_markdown,
        "csv": render_org_csv,
    }
