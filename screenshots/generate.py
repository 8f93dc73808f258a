"""Regenerate the SVG screenshots in this folder from a reproducible demo account.

    python screenshots/generate.py [--out DIR] [--only NAME ...]

Each entry of :data:`SHOTS` starts the real app headless (``run_test``) over the demo
server, drives it with key presses to one view and saves that view as ``NAME.svg``.
Shots that change the account get a fresh server of their own, so every shot starts from
the same account and the list can grow in any order.

Nothing depends on when or where it runs, so regenerating gives byte-identical files
unless the UI changed (tests/e2e/test_screenshots.py fails when the committed files are
stale):

- the demo server runs with ``--frozen-at`` (:mod:`tui.demo.frozen`): moto's IAM clock
  stands at :data:`FROZEN_AT`, ids come from a fixed random seed (re-seeded right before a
  step whose ids are shown), MFA seeds are a fixed fake;
- the app reads "now" from :mod:`tui.aws.clock`, frozen at the same instant (ages, dates,
  "enabling for 0s");
- Regions in transit stay there (an hour-long transition); the theme is pinned, the user's
  config and NO_COLOR are kept out, animations are off, cursors do not blink,
  notifications are cleared, and a view is saved once two captures in a row agree;
- Textual's SVG ids are derived from the content (a hash), not random.

Secrets (passwords, secret access keys, MFA seeds) are masked on every screen; a shot
that shows one is refused, and the test checks every file again.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import os
import re
import sys
import tempfile
import urllib.request
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from textual.pilot import Pilot  # noqa: E402
from textual.widgets import Input, TextArea  # noqa: E402

from tests.support.app import make_app as test_app  # noqa: E402
from tests.support.keyrings import MemoryKeyring  # noqa: E402
from tui.app import AcctApp  # noqa: E402
from tui.aws import clock  # noqa: E402
from tui.aws.models import RegionStatus  # noqa: E402
from tui.demo import DemoEndpoint, DemoServer  # noqa: E402
from tui.demo.frozen import FAKE_MFA_SEED  # noqa: E402
from tui.screens.main import PANE_IDS  # noqa: E402
from tui.support.vault import Vault  # noqa: E402
from tui.widgets.rowtable import RowTable  # noqa: E402

#: The instant every screenshot is taken at (server and app clocks alike).
FROZEN_AT = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
THEME = "textual-dark"
#: How long any one wait may take before the run gives up (a loaded CI machine is slow).
TIMEOUT = 60.0


# ----------------------------------------------------------------------------- the run
@dataclass
class Run:
    """What a shot's ``drive`` gets: the app, its pilot, the server, and a secrets jar."""

    app: AcctApp
    pilot: Pilot[None]
    endpoint: DemoEndpoint
    secrets: set[str] = field(default_factory=set)

    async def until(self, what: str, predicate: Callable[[], bool]) -> None:
        """Wait (bounded by :data:`TIMEOUT`) until ``predicate()`` holds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + TIMEOUT
        while not predicate():
            if loop.time() > deadline:
                raise ShotFailed(f"{what}: not reached within {TIMEOUT:g} s")
            await self.pilot.pause(0.05)

    async def screen(self, kind: type) -> Any:
        """Wait until the top screen is a ``kind`` and return it."""
        await self.until(f"{kind.__name__} open", lambda: isinstance(self.app.screen, kind))
        return self.app.screen

    async def press(self, *keys: str) -> None:
        await self.pilot.press(*keys)

    async def type(self, text: str) -> None:
        await self.pilot.press(*text)

    def reseed(self, seed: int) -> None:
        """Re-seed moto's ids: the next ids are the same on every run (no read in flight)."""
        url = f"{self.endpoint.endpoint_url}/moto-api/seed?a={seed}"
        with urllib.request.urlopen(urllib.request.Request(url, data=b"", method="POST")):
            pass


Drive = Callable[[Run], Awaitable[None]]


@dataclass(frozen=True)
class Shot:
    """One screenshot: ``NAME.svg`` at ``size``, after ``drive`` has run."""

    name: str
    size: tuple[int, int]
    drive: Drive
    caption: str
    changes_account: bool = False
    org: bool = False  # the demo organization (acct-tui --demo --org), Accounts first


class ShotFailed(RuntimeError):
    """A shot could not be taken (a view did not appear, or a secret would be shown)."""


def make_app(endpoint: DemoEndpoint) -> AcctApp:
    # The guide opens by itself on the demo account; shots open it with g when they want it.
    # A keyring in memory: the credentials screen shows a successful save.
    app = test_app(endpoint, vault=Vault(MemoryKeyring()))
    app.animation_level = "none"
    app.theme = THEME
    return app


# ----------------------------------------------------------------------- drive helpers
def pane(pane_id: str) -> Drive:
    async def drive(run: Run) -> None:
        await run.press(str(PANE_IDS.index(pane_id) + 1))
        await run.until(f"{pane_id} focused", lambda: run.app.active_pane == pane_id)

    return drive


async def new_user_form(run: Run) -> None:
    from tui.screens.forms.create_user import CreateUserScreen

    await run.press("2", "n")
    await run.screen(CreateUserScreen)
    await run.type("nina")
    # path, console, password mode, reset, access key: on; then pick the first group.
    await run.press("tab", "tab", "tab", "tab", "tab", "space", "tab", "space")


async def review(run: Run) -> None:
    from tui.screens.dialogs.review import ReviewScreen

    await new_user_form(run)
    await run.press("ctrl+s")
    await run.screen(ReviewScreen)


async def credentials(run: Run) -> None:
    from tui.screens.credentials import CredentialsScreen

    await review(run)
    run.reseed(1)  # the new user's access key id is shown
    await run.press("ctrl+s")
    screen = await run.screen(CredentialsScreen)
    creds = screen.credentials
    run.secrets.update(s for s in (creds.password, creds.secret_access_key) if s)
    await run.until("keyring save", lambda: screen.saved)


async def mfa_qr(run: Run) -> None:
    from textual.widgets import Static

    from tui.screens.mfa import MfaScreen

    await pane("users")(run)
    await run.press("down", "m")  # bob: a console user without MFA
    screen = await run.screen(MfaScreen)
    run.secrets.add(screen.device.seed)
    qr = screen.query_one("#mfa-qr", Static)
    await run.until("QR drawn", lambda: bool(qr.content))


async def getting_started(run: Run) -> None:
    from tui.screens.guide import GuideScreen

    await run.press("g")
    await run.screen(GuideScreen)


async def regions_enabling(run: Run) -> None:
    from tui.screens.dialogs.confirm import ConfirmScreen

    await pane("regions")(run)
    await run.press("enter")  # af-south-1, the first row: DISABLED
    await run.screen(ConfirmScreen)
    await run.press("y")

    def enabling() -> bool:
        listing = run.app.posture.regions.value
        status = {r.code: r.status for r in listing.regions} if listing else {}
        return status.get("af-south-1") is RegionStatus.ENABLING

    await run.until("af-south-1 ENABLING", enabling)


async def user_workspace(run: Run) -> None:
    from tui.screens.user import UserScreen

    await pane("users")(run)
    await run.press("down", "enter")  # bob: console, a key used from s3, a group, tags
    screen = await run.screen(UserScreen)
    await run.until("the user's reads", lambda: screen.loaded)


async def rotation_plan(run: Run) -> None:
    from tui.screens.dialogs.confirm import ConfirmScreen

    await user_workspace(run)
    await run.press("tab", "tab", "r")  # the access keys section: rotate bob's key
    await run.screen(ConfirmScreen)


async def accounts(run: Run) -> None:
    from tui.screens.org import OrgScreen

    await run.screen(OrgScreen)
    org = run.app.org
    await run.until("every account read", lambda: org.organization is not None and not org.busy)
    pane = run.app.screen.query_one("#accounts")
    await run.until("the last redraw", lambda: str(pane.border_title).endswith(" read"))


async def member_console(run: Run) -> None:
    from tui.screens.main import MainScreen

    await accounts(run)
    org = run.app.org
    web = next(a.id for a in org.accounts if a.name == "prod-web")
    table = run.app.screen.query_one("#accounts #table", RowTable)
    table.move_cursor(row=table.get_row_index(web))
    await run.press("enter")
    await run.screen(MainScreen)

    def read() -> bool:
        caller = run.app.posture.caller.value
        return caller is not None and caller.account_id == web and not run.app.refreshing

    await run.until("prod-web read", read)


#: Every screenshot, in the order the README lists them. Add a view by adding a Shot.
SHOTS: list[Shot] = [
    *(
        Shot(f"80x24-{n}-{pane_id}", (80, 24), pane(pane_id), f"{pane_id.title()} at 80×24")
        for n, pane_id in enumerate(PANE_IDS, start=1)
    ),
    Shot("160x50-all-panes", (160, 50), pane("users"), "All five panes at 160×50"),
    Shot("80x24-getting-started", (80, 24), getting_started, "Getting started: the guided set-up"),
    Shot("80x24-users-new", (80, 24), new_user_form, "The new-user form"),
    Shot("80x24-users-review", (80, 24), review, "Review: every API call and its aws CLI twin"),
    Shot(
        "80x24-users-credentials",
        (80, 24),
        credentials,
        "Credentials, shown once (secrets masked)",
        changes_account=True,
    ),
    Shot("80x24-mfa-qr", (80, 24), mfa_qr, "Virtual MFA with its QR code", changes_account=True),
    Shot("80x24-user-workspace", (80, 24), user_workspace, "A user's workspace: every section"),
    Shot("80x24-rotation-plan", (80, 24), rotation_plan, "Key rotation: every step, in order"),
    Shot("80x24-accounts", (80, 24), accounts, "An organization's accounts at 80×24", org=True),
    Shot("200x50-accounts", (200, 50), accounts, "Every column at 200×50", org=True),
    Shot(
        "80x24-member-console",
        (80, 24),
        member_console,
        "A member account's console, through its role",
        org=True,
    ),
    Shot(
        "80x24-regions-enabling",
        (80, 24),
        regions_enabling,
        "Regions while one is enabling",
        changes_account=True,
    ),
]


# -------------------------------------------------------------------------- the shooting
async def _steady_svg(run: Run) -> str:
    """The screen as SVG, once it has stopped changing (no cursor blink, no toasts)."""
    app = run.app
    previous = None
    loop = asyncio.get_running_loop()
    deadline = loop.time() + TIMEOUT
    while loop.time() < deadline:
        app.clear_notifications()
        for widget in app.screen.query("Input, TextArea"):
            if isinstance(widget, (Input, TextArea)):
                widget.cursor_blink = False
        await run.pilot.pause(0.15)
        svg = app.export_screenshot()
        if svg == previous:
            return svg
        previous = svg
    raise ShotFailed(f"the screen kept changing for {TIMEOUT:g} s")


def svg_text(svg: str) -> str:
    """The text an SVG screenshot shows, its runs joined (to search it for secrets)."""
    runs = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    return html.unescape("".join(runs)).replace("\xa0", " ")


def shown_secrets(svg: str, secrets: set[str]) -> list[str]:
    """Which of ``secrets`` appear in clear in ``svg`` (a prefix is enough to count)."""
    text = svg_text(svg)
    return [s for s in secrets if s and (s in text or s[:12] in text)]


async def take(shot: Shot, endpoint: DemoEndpoint, out: Path, secrets: set[str]) -> Path:
    app = make_app(endpoint)
    if shot.org:
        from tui.runtime.org import OrgOptions

        app.org.options = OrgOptions(open_at_start=True)
    async with app.run_test(size=shot.size) as pilot:
        run = Run(app, pilot, endpoint, {endpoint.secret_access_key, FAKE_MFA_SEED})
        await run.until("demo account loaded", lambda: bool(app.generation) and not app.refreshing)
        # A table's cursor follows its row while parts arrive in whatever order: start
        # every shot from the top.
        for table in app.query(RowTable):
            table.move_cursor(row=0)
        await shot.drive(run)
        svg = await _steady_svg(run)
        secrets |= run.secrets
    leaked = shown_secrets(svg, secrets)
    if leaked:
        raise ShotFailed(f"{shot.name}: a secret would be shown in clear; not written")
    path = out / f"{shot.name}.svg"
    path.write_bytes(svg.encode("utf-8"))
    return path


@contextmanager
def _pinned_environment() -> Iterator[None]:
    """Keep the developer's settings (theme, colours, keymap) out of the screenshots."""
    saved = {k: os.environ.get(k) for k in ("NO_COLOR", "XDG_CONFIG_HOME", "TEXTUAL_THEME")}
    with tempfile.TemporaryDirectory(prefix="acct-tui-shots-") as config:
        os.environ.pop("NO_COLOR", None)
        os.environ.pop("TEXTUAL_THEME", None)
        os.environ["XDG_CONFIG_HOME"] = config
        try:
            yield
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


@dataclass(frozen=True)
class Generated:
    """The files written, and every secret that existed during the run (to check them)."""

    files: list[Path]
    secrets: frozenset[str]


async def generate(out: Path, only: Sequence[str] = ()) -> Generated:
    """Take every shot (or those named in ``only``) into ``out``."""
    shots = [s for s in SHOTS if not only or s.name in only]
    unknown = set(only) - {s.name for s in SHOTS}
    if unknown:
        raise ShotFailed(f"no such shot: {', '.join(sorted(unknown))}")
    await asyncio.to_thread(out.mkdir, parents=True, exist_ok=True)
    files: list[Path] = []
    secrets: set[str] = set()
    shared: DemoServer | None = None
    with _pinned_environment(), clock.frozen(FROZEN_AT):
        try:
            for shot in shots:
                if shot.changes_account or shot.org:
                    with DemoServer() as server:
                        endpoint = server.start(
                            region_delay=3600, frozen_at=FROZEN_AT, org=shot.org
                        )
                        files.append(await take(shot, endpoint, out, secrets))
                    continue
                if shared is None:
                    shared = DemoServer()
                    shared.start(region_delay=3600, frozen_at=FROZEN_AT)
                assert shared.endpoint is not None
                files.append(await take(shot, shared.endpoint, out, secrets))
        finally:
            if shared is not None:
                shared.stop()
    return Generated(files, frozenset(secrets))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=HERE, help="where to write (default: here)")
    parser.add_argument("--only", nargs="*", default=(), metavar="NAME", help="these shots only")
    args = parser.parse_args(argv)
    result = asyncio.run(generate(args.out, args.only))
    if args.out.resolve() == HERE and not args.only:
        # Shots removed from the list leave no stale file behind.
        for orphan in sorted(set(HERE.glob("*.svg")) - set(result.files)):
            orphan.unlink()
            print(f"removed {orphan.relative_to(HERE.parent)}")
    for path in result.files:
        print(os.path.relpath(path))


if __name__ == "__main__":
    main()
