"""Regenerate the SVG screenshots in this folder from the demo account.

    python screenshots/generate.py

Runs the real app headless over the demo server (moto_server child + Region stand-in), at
80×24 (one screenshot per pane) and 160×50 (all panes). No secret is ever on these screens.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tui.app import PANE_IDS, AcctApp  # noqa: E402
from tui.aws.service import AccountService  # noqa: E402
from tui.aws.session import Settings  # noqa: E402
from tui.demo import DemoEndpoint, DemoServer  # noqa: E402


def make_app(endpoint: DemoEndpoint) -> AcctApp:
    from keyring.backends import fail

    from tui.vault import Vault

    settings = Settings(
        region=endpoint.region,
        endpoint_url=endpoint.endpoint_url,
        access_key_id=endpoint.access_key_id,
        secret_access_key=endpoint.secret_access_key,
        demo=True,
    )
    # No keyring on a headless box: the screenshot shows what the user is told then.
    vault = Vault(fail.Keyring())
    return AcctApp(AccountService(settings, report_poll_interval=0.2), demo=True, vault=vault)


async def shoot(endpoint: DemoEndpoint, size: tuple[int, int], panes: list[str]) -> list[Path]:
    app = make_app(endpoint)
    written = []
    async with app.run_test(size=size) as pilot:
        for _ in range(600):
            await pilot.pause(0.05)
            if app.generation and not app.refreshing:
                break
        else:
            raise SystemExit("the demo account did not load in 30 s")
        await pilot.pause(0.3)
        for pane_id in panes:
            await pilot.press(str(PANE_IDS.index(pane_id) + 1))
            await pilot.pause(0.2)
            name = f"{size[0]}x{size[1]}-{PANE_IDS.index(pane_id) + 1}-{pane_id}.svg"
            app.save_screenshot(filename=name, path=str(HERE))
            written.append(HERE / name)
    return written


async def shoot_create_user(endpoint: DemoEndpoint) -> list[Path]:
    """The create-user form, its review and the credentials screen (secrets masked)."""
    from tui.forms.create_user import CreateUserScreen
    from tui.forms.review import ReviewScreen
    from tui.screens.credentials import CredentialsScreen

    app = make_app(endpoint)
    written = []

    async def until(kind: type) -> None:
        for _ in range(400):
            await pilot.pause(0.05)
            if isinstance(app.screen, kind):
                await pilot.pause(0.3)
                return
        raise SystemExit(f"{kind.__name__} did not open")

    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(600):
            await pilot.pause(0.05)
            if app.generation and not app.refreshing:
                break
        await pilot.press("2", "n")
        await until(CreateUserScreen)
        await pilot.press(*"nina", "tab", "tab", "tab", "tab", "tab", "space")
        for name, kind, keys in (
            ("80x24-users-new.svg", ReviewScreen, ("ctrl+s",)),
            ("80x24-users-review.svg", CredentialsScreen, ("ctrl+s",)),
        ):
            app.save_screenshot(filename=name, path=str(HERE))
            written.append(HERE / name)
            await pilot.press(*keys)
            await until(kind)
        screen = app.screen
        assert isinstance(screen, CredentialsScreen)
        secret = screen.credentials.secret_access_key or ""
        password = screen.credentials.password or ""
        name = "80x24-users-credentials.svg"
        app.save_screenshot(filename=name, path=str(HERE))
        text = (HERE / name).read_text()
        if not secret or secret in text or password in text:
            raise SystemExit("a secret reached the screenshot: not written")
        written.append(HERE / name)
    return written


async def main() -> None:
    with DemoServer() as server:
        endpoint = server.start(region_delay=3600)
        files = await shoot(endpoint, (80, 24), list(PANE_IDS))
        files += await shoot(endpoint, (160, 50), ["users"])
        files += await shoot_create_user(endpoint)
    for f in files:
        print(f.relative_to(HERE.parent))


if __name__ == "__main__":
    asyncio.run(main())
