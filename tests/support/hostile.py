"""Hostile and odd AWS text for tests: what to seed, how to slip in what XML cannot carry,
and how to read exactly what the terminal would receive.

Where each kind of text can come from:

- IAM names are ``[\\w+=,.@-]`` in AWS, but moto (and any endpoint that is not AWS) returns
  whatever it was given, so names with Rich markup, emoji and RTL letters are seeded into
  moto over the wire. An IAM *path* may hold any printable ASCII in AWS itself, so markup
  in a path (and so in every ARN under it) is real-world data. Tag values allow letters,
  digits and spaces of any script, U+2028 LINE SEPARATOR included.
- ESC, NUL, C1 controls cannot travel in IAM's XML (the response fails to parse), but they
  can in JSON (the Account API), in the base64 credential report, and from any endpoint or
  proxy. They are injected into the parsed responses of the app's own botocore clients
  (``after-call``), and AWS errors are answered in place of the call (``before-call``,
  the mechanism botocore's ``Stubber`` uses). Everything from botocore up is real.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import boto3
from botocore.awsrequest import AWSResponse
from rich.cells import cell_len
from rich.console import Console
from textual.app import App
from textual.widget import Widget

from tui.aws.models import (
    AuthDetails,
    Caller,
    CredentialReport,
    CredentialRow,
    IamGroup,
    IamUser,
    Part,
    Posture,
)
from tui.aws.service import AccountService

ACCOUNT = "123456789012"

# -- the strings ------------------------------------------------------------------------------
MARKUP_NAMES = (
    "[bold]x[/]",
    "[link=https://evil.example]click[/link]",
    "[/]",
    "[red",
    "[@click=app.quit]q[/]",
)
UNICODE_NAME = "😀مرحبا-עברית"
MAX_USER = "u" * 64  # userNameType max
MAX_GROUP = "g" * 128  # groupNameType max
MARKUP_GROUP = "[b]admins[/b]"
MARKUP_POLICY = "[blink]policy[/blink]"
# Valid in AWS itself: a path is printable ASCII, so markup rides in every ARN under it.
MARKUP_PATH = "/[link=https://evil.example]click[/link]/"
PATH_USER = "pathy"
LONG_PATH = "/" + "p" * 510 + "/"  # pathType max 512
LONG_PATH_USER = "longpath"
# Valid tag text in AWS: letters of any script, digits, spaces (U+2028 is a space: Zl).
TAG_KEY = "k" * 128
TAG_VALUE = ("مرحبا עברית 日本語\u2028" + "v" * 256)[:256]
TAG_VALUE_SHOWN = TAG_VALUE.replace("\u2028", "\\u2028")

# Control characters: injected, since IAM's XML cannot carry them.
ESC_USER = "ansi\x1b[31mred\x1b[0m"
ESC_USER_SHOWN = "ansi␛[31mred␛[0m"
OSC52 = "\x1b]52;c;cHduZWQ=\x07"  # would put "pwned" on the clipboard
OSC52_SHOWN = "␛]52;c;cHduZWQ=␇"
OSC_TITLE = "\x1b]0;pwned\x07"  # would retitle the terminal window
OSC_TITLE_SHOWN = "␛]0;pwned␇"
CONTROLS = "nul\x00 cr\r bs\b tab\t del\x7f csi\x9b31m"
CONTROLS_SHOWN = "nul␀ cr␍ bs␈ tab␉ del␡ csi\\x9b31m"
ESC_PATH = "/" + OSC_TITLE + "/"
ESC_PATH_SHOWN = "/" + OSC_TITLE_SHOWN + "/"
DENIED_MESSAGE = (
    "User: arn:aws:iam::123456789012:user/[bold]x[/] is not authorized "
    "[link=https://evil.example]click[/link] " + OSC52 + " \x1b[31mred"
)
DENIED_MESSAGE_SHOWN = (
    "User: arn:aws:iam::123456789012:user/[bold]x[/] is not authorized "
    "[link=https://evil.example]click[/link] " + OSC52_SHOWN + " ␛[31mred"
)
THROTTLE_CODE = "Throttling\x1b[5m"
THROTTLE_CODE_SHOWN = "Throttling␛[5m"

THROTTLED_USER = MARKUP_NAMES[1]  # ListAccessKeys of this user fails with hostile text
SEEDED_USERS = (*MARKUP_NAMES, UNICODE_NAME, MAX_USER, PATH_USER, LONG_PATH_USER)
SEEDED_GROUPS = (MARKUP_GROUP, MAX_GROUP)


# -- seeding moto ------------------------------------------------------------------------------
def iam_client(endpoint_url: str) -> Any:
    return boto3.client(
        "iam",
        endpoint_url=endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def seed(endpoint_url: str) -> None:
    """Users, groups, a policy, paths and tags with markup, scripts and maximum lengths."""
    iam = iam_client(endpoint_url)
    for group in SEEDED_GROUPS:
        iam.create_group(GroupName=group)
    policy = iam.create_policy(PolicyName=MARKUP_POLICY, PolicyDocument=_ALLOW_NOTHING)
    for name in (*MARKUP_NAMES, UNICODE_NAME, MAX_USER):
        iam.create_user(UserName=name)
    iam.create_user(
        UserName=PATH_USER,
        Path=MARKUP_PATH,
        Tags=[{"Key": TAG_KEY, "Value": TAG_VALUE}, {"Key": "team", "Value": "مرحبا"}],
    )
    iam.create_user(UserName=LONG_PATH_USER, Path=LONG_PATH)
    iam.add_user_to_group(GroupName=MARKUP_GROUP, UserName=MARKUP_NAMES[0])
    iam.attach_user_policy(UserName=MARKUP_NAMES[0], PolicyArn=policy["Policy"]["Arn"])


_ALLOW_NOTHING = (
    '{"Version": "2012-10-17", "Statement": '
    '[{"Effect": "Deny", "Action": "iam:DeleteAccountAlias", "Resource": "*"}]}'
)


# -- injecting what XML cannot carry -----------------------------------------------------------
def injected_user() -> dict[str, Any]:
    return {
        "UserName": ESC_USER,
        "Path": ESC_PATH,
        "UserId": "AIDAESCAPE",
        "Arn": f"arn:aws:iam::{ACCOUNT}:user{ESC_PATH}{ESC_USER}",
        "CreateDate": datetime(2024, 1, 2, tzinfo=UTC),
        "GroupList": [MARKUP_GROUP],
        "AttachedManagedPolicies": [],
        "UserPolicyList": [{"PolicyName": "inline\x1b[8m", "PolicyDocument": "{}"}],
        "Tags": [{"Key": "osc52", "Value": OSC52}, {"Key": "ctl", "Value": CONTROLS}],
    }


def _error_response(code: str, message: str, status: int) -> tuple[AWSResponse, dict[str, Any]]:
    parsed = {
        "Error": {"Code": code, "Message": message},
        "ResponseMetadata": {"HTTPStatusCode": status},
    }
    return AWSResponse("https://iam.amazonaws.com/", status, {}, None), parsed


def inject(service: AccountService) -> None:
    """Make the app's own IAM client see control characters AWS could send in JSON."""
    events = service.session.iam().meta.events

    def add_user(parsed: dict[str, Any], **_: Any) -> None:
        if not parsed.get("IsTruncated"):  # the last page
            parsed.setdefault("UserDetailList", []).append(injected_user())

    def deny(**_: Any) -> tuple[AWSResponse, dict[str, Any]]:
        return _error_response("AccessDenied", DENIED_MESSAGE, 403)

    def throttle(params: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
        if params["body"].get("UserName") != THROTTLED_USER:
            return None  # the call goes to moto
        return _error_response(THROTTLE_CODE, DENIED_MESSAGE, 400)

    events.register("after-call.iam.GetAccountAuthorizationDetails", add_user)
    events.register("before-call.iam.ListAccountAliases", deny)
    events.register("before-call.iam.ListAccessKeys", throttle)


# -- what the terminal receives ----------------------------------------------------------------
# Textual's own sequences in a full redraw: SGR colours and cursor positioning.
_OWN_SEQUENCES = re.compile(r"\x1b\[[0-9;:]*m|\x1b\[\d+;\d+H")
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


@dataclass
class Frame:
    """One full redraw: the bytes a terminal would get, and the screen as a cell grid."""

    raw: str
    grid: list[list[str]]  # grid[y][x]: the character in that cell ("" right of a wide one)

    @property
    def lines(self) -> list[str]:
        return ["".join(row) for row in self.grid]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def at(self, x: int, y: int) -> str:
        return self.grid[y][x]

    def column(self, y: int, text: str) -> int:
        """The cell column where ``text`` starts on line ``y`` (-1 when absent)."""
        index = self.lines[y].find(text)
        seen = 0
        for x, cell in enumerate(self.grid[y]):
            if cell and seen == index:
                return x
            seen += len(cell)
        return -1


def frame(app: App[Any]) -> Frame:
    """Render the current screen (modals over their background) as a terminal would get it."""
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        legacy_windows=False,
        safe_box=False,
    )
    strips = [list(line) for line in update.strips]
    grid: list[list[str]] = []
    for line in strips:
        row: list[str] = []
        for strip in line:
            for segment in strip:
                for ch in segment.text:
                    cells = cell_len(ch)
                    if cells == 0 and row:
                        row[-1] += ch  # a zero-width character joins the cell before it
                    else:
                        row.append(ch)
                        row.extend([""] * (cells - 1))
        grid.append(row)
    update.strips = strips  # render_segments iterates them again
    return Frame(update.render_segments(console), grid)


async def drawn(app: App[Any], pilot: Any, seconds: float = 10.0) -> Frame:
    """:func:`frame` once the screen on top has been laid out and drawn (a screen pushed
    a moment ago has nothing to render yet)."""
    for _ in range(int(seconds / 0.05)):
        shot = frame(app)
        if shot.grid and shot.grid[0]:
            return shot
        await pilot.pause(0.05)
    raise AssertionError(f"{app.screen!r} drew nothing in {seconds} s")


def leaks(shot: Frame) -> list[str]:
    """Control characters in the redraw that Textual did not put there itself."""
    rest = _OWN_SEQUENCES.sub("", shot.raw)
    return sorted({repr(ch) for ch in _CONTROL.findall(rest)})


def assert_terminal_safe(shot: Frame) -> None:
    leaked = leaks(shot)
    assert not leaked, f"control characters reach the terminal: {leaked}"
    width = len(shot.grid[0])
    widths = {len(row) for row in shot.grid}
    assert widths == {width}, f"lines of different widths: {sorted(widths)}"


def assert_box_intact(shot: Frame, widget: Widget) -> None:
    """``widget``'s border (round, or heavy while it has the focus): four corners and
    unbroken sides where Textual put them."""
    region = widget.region
    x0, y0 = region.x, region.y
    x1, y1 = region.right - 1, region.bottom - 1
    corners = (shot.at(x0, y0), shot.at(x1, y0), shot.at(x0, y1), shot.at(x1, y1))
    side = "┃" if corners == ("┏", "┓", "┗", "┛") else "│"
    assert corners in (("╭", "╮", "╰", "╯"), ("┏", "┓", "┗", "┛")), (
        f"{widget!r} corners are {corners}"
    )
    for y in range(y0 + 1, y1):
        sides = (shot.at(x0, y), shot.at(x1, y))
        assert sides == (side, side), f"{widget!r} side broken on line {y}: {shot.lines[y]!r}"


# -- fixed data for snapshots ------------------------------------------------------------------
def snapshot_posture() -> Posture:
    """Hostile users with fixed dates and ids, so an SVG baseline changes only with the UI."""
    created = datetime(2024, 1, 2, tzinfo=UTC)

    def user(name: str, path: str = "/", **extra: Any) -> IamUser:
        arn = f"arn:aws:iam::{ACCOUNT}:user{path}{name}"
        return IamUser(name, arn, f"AIDA{len(name):04d}", path, created, **extra)

    users = (
        user(MARKUP_NAMES[0], groups=(MARKUP_GROUP,)),
        user(MARKUP_NAMES[1]),
        user(MARKUP_NAMES[4]),
        user(
            ESC_USER,
            ESC_PATH,
            groups=(MARKUP_GROUP,),
            inline_policies=("inline\x1b[8m",),
            tags=(("osc52", OSC52), ("ctl", CONTROLS)),
        ),
        user(PATH_USER, MARKUP_PATH, tags=(("team", "مرحبا"), ("note", "a\u2028b"))),
        user(UNICODE_NAME),
    )
    rows = tuple(
        CredentialRow(u.name, u.arn, created, n % 2 == 0, None, n % 3 == 0)
        for n, u in enumerate(users)
    )
    group = IamGroup(MARKUP_GROUP, f"arn:aws:iam::{ACCOUNT}:group/{MARKUP_GROUP}", "/", created)
    caller = Caller(ACCOUNT, f"arn:aws:iam::{ACCOUNT}:user/admin", "AIDA0000")
    return Posture(
        caller=Part.ok(caller),
        details=Part.ok(AuthDetails(users=users, groups=(group,))),
        report=Part.ok(CredentialReport(created, rows)),
        aliases=Part.ok(()),
    )


# -- the app with injected text, for a real terminal -------------------------------------------
def main(argv: list[str] | None = None) -> None:
    """``python -m tests.support.hostile URL``: acct-tui over a (seeded) moto_server, with the
    control characters of :func:`inject` in its responses, in whatever terminal runs it."""
    import sys

    from tests.support.app import make_app, make_service

    (endpoint_url,) = sys.argv[1:] if argv is None else argv
    service = make_service(endpoint_url, poll=1.0)
    inject(service)
    make_app(service).run()


if __name__ == "__main__":
    main()
