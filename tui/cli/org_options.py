"""The organization options of ``acct-tui`` and ``acct-tui report``: argparse types checked
against the botocore model's limits (before any call), and config.toml's ``[organization]``.

Imports only the standard library at module level (``--help`` stays fast).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from tui.aws.org_permissions import (
    DEFAULT_CONCURRENCY,
    DEFAULT_ROLE,
    MAX_CONCURRENCY,
    concurrency_problem,
    external_id_problem,
    role_problem,
)

if TYPE_CHECKING:
    from tui.runtime.org import OrgOptions
    from tui.support.config import Config


def org_role(text: str) -> str:
    problem = role_problem(text)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return text


def external_id(text: str) -> str:
    problem = external_id_problem(text)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return text


def concurrency(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    problem = concurrency_problem(value)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return value


def add_org_arguments(parser: argparse.ArgumentParser, *, at_start: str) -> None:
    """``--org`` (``at_start`` says what it does) and the options of how members are reached."""
    org = parser.add_argument_group(
        "organization",
        "From an AWS Organization's management (or delegated administrator) account: every "
        "member account, each read through a role in it.",
    )
    org.add_argument("--org", action="store_true", help=at_start)
    org.add_argument(
        "--org-role",
        metavar="NAME",
        type=org_role,
        help=f"the role to assume in member accounts (default: {DEFAULT_ROLE}, or "
        "config.toml's [organization] role)",
    )
    org.add_argument(
        "--org-external-id",
        metavar="ID",
        type=external_id,
        help="the external id the member role's trust policy asks for",
    )
    org.add_argument(
        "--org-concurrency",
        metavar="N",
        type=concurrency,
        help=f"member accounts read at once (1-{MAX_CONCURRENCY}, default {DEFAULT_CONCURRENCY})",
    )


def org_options(args: Any, config: Config) -> OrgOptions:
    """The command line's organization options over config.toml's ``[organization]``."""
    from tui.runtime.org import OrgOptions

    return OrgOptions(
        role=args.org_role or config.org_role or DEFAULT_ROLE,
        external_id=args.org_external_id or config.org_external_id,
        concurrency=args.org_concurrency or config.org_concurrency or DEFAULT_CONCURRENCY,
        open_at_start=bool(args.org),
    )
