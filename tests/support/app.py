"""The one way tests, the screenshot script and the benchmark build the app.

``make_app(where, ...)`` takes what the app talks to:

- a :class:`~tui.demo.DemoEndpoint` (the seeded demo account: its keys, its Region,
  ``demo`` on);
- a URL string (a moto_server, a fault proxy, a closed port), signed with ``key``;
- an :class:`AccountService` already built (a test that hooks the service's clients
  first, or a profile-based session): used as it is.

By default the app has no keyring (``NO_KEYRING``) and the Getting started guide does not
open by itself; ``vault=None`` gives the app's own system keyring, as the command line does.
Only light modules are imported here: the benchmark times the imports of the process that
builds the app.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, Literal

from tui.app import AcctApp
from tui.aws.service import AccountService
from tui.aws.session import Settings

if TYPE_CHECKING:
    from tui.demo import DemoEndpoint
    from tui.support.config import Config
    from tui.support.vault import Vault

NO_KEYRING: Final = "no keyring"
# moto_server checks no signature: any key that is not an IAM user's acts as "user/moto".
TEST_KEY: Final = ("testing", "testing")
# Nothing listens on port 9: every call fails at once (screens tested without an account).
OFFLINE_URL: Final = "http://127.0.0.1:9"


def make_service(
    where: DemoEndpoint | str,
    *,
    key: tuple[str, str] | None = None,
    read_only: bool = False,
    poll: float = 0.1,
    read_timeout: float | None = None,
) -> AccountService:
    """An AccountService on the demo account or an endpoint URL (``poll``: how often the
    credential report is asked for while AWS makes it)."""
    extra = {} if read_timeout is None else {"read_timeout": read_timeout}
    if isinstance(where, str):
        access, secret = key or TEST_KEY
        settings = Settings(
            region="us-east-1",
            endpoint_url=where,
            access_key_id=access,
            secret_access_key=secret,
            read_only=read_only,
            **extra,
        )
    else:
        access, secret = key or (where.access_key_id, where.secret_access_key)
        settings = Settings(
            region=where.region,
            endpoint_url=where.endpoint_url,
            access_key_id=access,
            secret_access_key=secret,
            read_only=read_only,
            demo=True,
            **extra,
        )
    return AccountService(settings, report_poll_interval=poll)


def make_app(
    where: DemoEndpoint | str | AccountService,
    *,
    demo: bool | None = None,
    vault: Vault | Literal["no keyring"] | None = NO_KEYRING,
    open_guide: bool = False,
    config: Config | None = None,
    key: tuple[str, str] | None = None,
    read_only: bool = False,
) -> AcctApp:
    """The real app over ``where`` (see the module docstring).

    ``demo`` defaults to whether ``where`` is the demo account (or a service built on it).
    """
    if isinstance(where, AccountService):
        service = where
    else:
        service = make_service(where, key=key, read_only=read_only)
    if demo is None:
        demo = service.settings.demo
    if vault == NO_KEYRING:
        from keyring.backends import fail

        from tui.support.vault import Vault

        vault = Vault(fail.Keyring())
    return AcctApp(service, demo=demo, vault=vault, open_guide=open_guide, config=config)
