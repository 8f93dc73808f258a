"""``acct-tui credentials list | get USER [--account ID]``.

``get`` is meant to be an AWS CLI ``credential_process``: on success it prints exactly the
credential_process JSON to stdout and nothing else; every message goes to stderr as one
line. Exit status: 0 ok, 1 no such entry (or several accounts match, or the entry has no
access key), 2 the keyring cannot be used or the arguments are wrong.

Imports neither boto3 nor Textual: the AWS CLI runs this on every credential refresh.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from tui.support.keyringpolicy import VaultError, VaultUnavailable
from tui.support.vault import ACCOUNT_ID_RE, USER_NAME_RE, Vault, VaultEntry

PROG = "acct-tui credentials"
EXIT_OK, EXIT_ABSENT, EXIT_UNAVAILABLE = 0, 1, 2


def _user_name(text: str) -> str:
    if not USER_NAME_RE.fullmatch(text):
        raise argparse.ArgumentTypeError(f"not an IAM user name: {text!r}")
    return text


def _account_id(text: str) -> str:
    if not ACCOUNT_ID_RE.fullmatch(text):
        raise argparse.ArgumentTypeError(f"an account id is 12 digits, not {text!r}")
    return text


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Read the IAM credentials that acct-tui stored in the OS keyring.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser(
        "list",
        help="list stored entries: account, user, creation time (no secrets)",
        description="List acct-tui's keyring entries: account, user, creation time.",
    )
    get = commands.add_parser(
        "get",
        help="print a user's access key as AWS credential_process JSON",
        description=(
            "Print {'Version': 1, 'AccessKeyId': …, 'SecretAccessKey': …} for use as an AWS "
            "CLI credential_process."
        ),
    )
    get.add_argument("user", metavar="USER", type=_user_name, help="IAM user name")
    get.add_argument(
        "--account",
        metavar="ID",
        type=_account_id,
        help="12-digit account id (needed when the user exists in several accounts)",
    )
    return parser


def _err(message: str) -> None:
    print(f"acct-tui: {message}", file=sys.stderr)


def _unavailable(exc: VaultUnavailable) -> int:
    _err(f"the keyring cannot be used: {exc.reason}. {exc.how_to_fix}")
    return EXIT_UNAVAILABLE


def _list(vault: Vault) -> int:
    rows = vault.entries()
    if not rows:
        _err("no credentials stored by acct-tui in the keyring")
        return EXIT_OK
    headers = ("ACCOUNT", "USER", "CREATED")
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    for line in (headers, *rows):
        print("  ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)).rstrip())
    return EXIT_OK


def _find(vault: Vault, user: str, account: str | None) -> VaultEntry | int:
    if account is not None:
        entry = vault.get(account, user)
        if entry is None:
            _err(f"no keyring entry for user {user!r} in account {account}")
            return EXIT_ABSENT
        return entry
    accounts = sorted({a for a, u, _ in vault.entries() if u == user})
    if not accounts:
        _err(f"no keyring entry for user {user!r} (see `acct-tui credentials list`)")
        return EXIT_ABSENT
    if len(accounts) > 1:
        _err(
            f"user {user!r} has entries in several accounts ({', '.join(accounts)}): "
            "pass --account ID"
        )
        return EXIT_ABSENT
    entry = vault.get(accounts[0], user)
    if entry is None:
        _err(f"the keyring index lists {user!r} in {accounts[0]} but the entry is gone")
        return EXIT_ABSENT
    return entry


def _get(vault: Vault, user: str, account: str | None) -> int:
    found = _find(vault, user, account)
    if isinstance(found, int):
        return found
    if found.access_key_id is None or found.secret_access_key is None:
        _err(f"the keyring entry for {user!r} in {found.account_id} holds no access key")
        return EXIT_ABSENT
    document = {
        "Version": 1,
        "AccessKeyId": found.access_key_id,
        "SecretAccessKey": found.secret_access_key,
    }
    sys.stdout.write(json.dumps(document) + "\n")
    sys.stdout.flush()
    return EXIT_OK


def run(argv: Sequence[str], vault: Vault | None = None) -> int:
    """Run ``acct-tui credentials …`` (``argv`` without the word ``credentials``)."""
    try:
        args = build_parser().parse_args(list(argv))
    except SystemExit as exc:  # --help (0) or a usage error (2), already printed
        return exc.code if isinstance(exc.code, int) else EXIT_UNAVAILABLE
    vault = vault if vault is not None else Vault()
    try:
        if args.command == "list":
            return _list(vault)
        return _get(vault, args.user, args.account)
    except VaultUnavailable as exc:
        return _unavailable(exc)
    except ValueError as exc:  # a malformed user name or account id
        _err(str(exc))
        return EXIT_UNAVAILABLE
    except VaultError as exc:
        _err(str(exc))
        return EXIT_ABSENT
