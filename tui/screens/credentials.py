"""CredentialsScreen: a new user's secrets, shown once, kept in the OS keyring.

The password and secret access key are masked until revealed (``v``), never logged or
notified, and dropped when the screen closes. Closing asks first when the keyring save
failed and not every secret shown was copied (or the CSV exported): losing a secret is the
worst bug we can ship.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Static
from textual.worker import get_current_worker

import tui.panes.format as fmt
from tui.aws.iam import UserCredentials
from tui.runtime.workers import in_thread
from tui.screens.dialogs.confirm import ConfirmScreen
from tui.screens.dialogs.prompt import PromptScreen
from tui.support import awsconfig
from tui.support.exports import CsvRow, default_export_dir, export_csv
from tui.support.keyringpolicy import VaultUnavailable
from tui.support.vault import VaultEntry
from tui.support.visible import visible
from tui.widgets.colours import HINT

if TYPE_CHECKING:
    from tui.state import AccountState

MASK = "•" * 16


class CredentialField(Widget, can_focus=True):
    """One labelled value; secrets render masked unless the screen reveals them."""

    DEFAULT_CSS = """
    CredentialField { height: auto; padding: 0 1; }
    CredentialField:focus { background: $accent 30%; }
    """
    LABEL = 15  # the label's column

    revealed: reactive[bool] = reactive(False)
    """Whether a secret value is shown in clear."""

    def __init__(self, label: str, value: str, *, secret: bool = False, id: str) -> None:  # noqa: A002
        super().__init__(id=id)
        self.label = label
        self.value = value
        self.secret = secret

    def render(self) -> Content:
        label = (f"{self.label:<{self.LABEL}}", "bold")
        if self.secret and not self.revealed:
            return Content.assemble(label, (MASK, HINT), ("  (v reveals)", f"{HINT} italic"))
        # A value wider than the field (a sign-in URL with a long alias) goes on more lines
        # under its label, broken only after a "/" or a "." (a one-line field showed none
        # of it: the URL wrapped onto a line it did not have).
        value = visible(self.value)
        width = self.content_region.width - self.LABEL
        lines = fmt.break_after(value, width) if width > 0 else [value]
        return Content.assemble(label, ("\n" + " " * self.LABEL).join(lines))

    def on_resize(self) -> None:
        self.refresh(layout=True)  # the value's lines follow the field's width

    def forget(self) -> None:
        self.value = ""


@dataclass
class _Saved(Message):
    """The keyring save finished: ``problem`` is None on success."""

    problem: str | None


async def add_profile_interactively(
    state: AccountState, screens: App[Any], account_id: str, user_name: str
) -> tuple[str, Path] | str | None:
    """Ask a profile name (a free one offered), add the credential_process profile.

    Returns (name, config path) when added, a message when refused, None when cancelled.
    A name already in use is never written: the prompt comes back with a free one."""
    # --demo: the throw-away files of its sandbox, never the person's.
    sandbox = state.sandbox
    config_file = None if sandbox is None else sandbox.aws_config_file
    credentials_file = None if sandbox is None else sandbox.aws_credentials_file
    try:
        name = await in_thread(
            screens,
            lambda: awsconfig.free_profile_name(user_name, config_file, credentials_file),
            "AWS config file",
        )
    except (OSError, ValueError) as exc:
        return _describe_os_error(exc)
    label = "Profile name:"
    while True:
        chosen = await screens.push_screen_wait(PromptScreen("AWS CLI profile", label, name))
        if not chosen:
            return None
        add = functools.partial(
            awsconfig.add_cli_profile,
            config_file,
            chosen,
            account_id,
            user_name,
            credentials_file=credentials_file,
        )
        try:
            path = await in_thread(screens, add, "AWS config file")
        except awsconfig.ProfileExists as exc:
            name = exc.suggestion
            label = f"{chosen!r} is already a profile ({exc.path}). Profile name:"
            continue
        except (OSError, ValueError) as exc:
            return _describe_os_error(exc)
        return chosen, path


def write_csv(path: str, row: CsvRow) -> Path:
    """Export to ``path`` as typed (``~`` and relative paths made absolute); the default
    folder is created (mode 0700) when missing. Returns the absolute path written."""
    target = Path(os.path.abspath(os.path.expanduser(path)))
    return export_csv(target, [row], make_dirs=target.parent == default_export_dir())


class CredentialsScreen(ModalScreen[None]):
    """Shows :class:`UserCredentials` once, saves them to the keyring, copies, exports."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "copy", "Copy field", id="credentials.copy", tooltip="Copy the focused field"),
        Binding("v", "reveal", "Reveal", id="credentials.reveal", tooltip="Show/hide secrets"),
        Binding("s", "save", "Save to keyring", id="credentials.save"),
        Binding("e", "export", "Export CSV", id="credentials.export"),
        Binding("p", "profile", "CLI profile", id="credentials.profile"),
        Binding("down,j", "app.focus_next", "Next", show=False, id="credentials.next"),
        Binding("up,k", "app.focus_previous", "Previous", show=False, id="credentials.prev"),
        Binding("escape", "close", "Close", id="credentials.close"),
    ]

    def __init__(
        self, state: AccountState, credentials: UserCredentials, *, merge: bool = False
    ) -> None:
        super().__init__()
        self.state = state
        self.credentials = credentials
        # An existing user's new password or key: its keyring entry keeps what this does
        # not replace (a new password keeps the stored key, a new key the stored password).
        self.merge = merge
        self.vault = state.vault
        self.saved = False
        self.kept_elsewhere = False  # every secret shown was copied, or the CSV was written
        self._copied: set[str] = set()  # the secret fields copied so far

    def compose(self) -> ComposeResult:
        c = self.credentials
        with Vertical(id="credentials") as box:
            box.border_title = Text(f"Credentials for {visible(c.user_name)} — shown once")
            box.border_subtitle = "c copy · v reveal · e CSV · p CLI profile · escape close"
            yield CredentialField("User", c.user_name, id="cred-user")
            yield CredentialField("Sign-in URL", c.sign_in_url, id="cred-url")
            if c.password:
                yield CredentialField("Password", c.password, secret=True, id="cred-password")
            if c.access_key_id:
                yield CredentialField("Access key ID", c.access_key_id, id="cred-key-id")
            if c.secret_access_key:
                yield CredentialField(
                    "Secret key", c.secret_access_key, secret=True, id="cred-secret"
                )
            yield Static("Keyring: saving…", id="cred-keyring", markup=False)
            yield Static("", id="cred-note", markup=False)

    def on_mount(self) -> None:
        fields = list(self.query(CredentialField))
        (fields[2] if len(fields) > 2 else fields[0]).focus()
        self.action_save()

    # -- keyring ---------------------------------------------------------------------------
    def action_save(self) -> None:
        if not self.saved:
            self._save()

    @work(thread=True, exclusive=True, exit_on_error=False, group="vault", description="keyring")
    def _save(self) -> None:
        try:
            self.vault.save(self._entry())
            problem = None
        except VaultUnavailable as exc:
            problem = f"{exc.reason}. {exc.how_to_fix}"
        except Exception as exc:  # noqa: BLE001 - a keyring backend may raise anything
            problem = f"{type(exc).__name__}: the keyring refused the entry"
        if not get_current_worker().is_cancelled:
            self.post_message(_Saved(problem))

    def _entry(self) -> VaultEntry:
        """The keyring entry to store (blocking: it may read the stored one to merge)."""
        c = self.credentials
        entry = VaultEntry(
            account_id=c.account_id,
            user_name=c.user_name,
            access_key_id=c.access_key_id,
            secret_access_key=c.secret_access_key,
            password=c.password,
            created=c.created.isoformat(),
        )
        if not self.merge:
            return entry
        try:
            stored = self.vault.get(c.account_id, c.user_name)
        except VaultUnavailable:
            raise
        except Exception:  # noqa: BLE001 - an unreadable entry is replaced, not merged
            stored = None
        if stored is None:
            return entry
        if entry.access_key_id is None and stored.access_key_id is not None:
            entry = replace(
                entry,
                access_key_id=stored.access_key_id,
                secret_access_key=stored.secret_access_key,
            )
        if entry.password is None and stored.password is not None:
            entry = replace(entry, password=stored.password)
        return entry

    @on(_Saved)
    def _saved(self, message: _Saved) -> None:
        status = self.query_one("#cred-keyring", Static)
        c = self.credentials
        if message.problem is None:
            self.saved = True
            where = f"service acct-tui, {c.account_id}/{c.user_name}"
            if self.state.sandbox is not None:
                where = "demo: kept in a throw-away keyring for this run"
            status.update(Text(f"Keyring: ✓ saved ({where})"))
            status.set_class(False, "-error")
        else:
            status.update(
                Text(f"Keyring: ✗ not saved — {message.problem} (s retries)", style="bold")
            )
            status.set_class(True, "-error")

    # -- copy / reveal -------------------------------------------------------------------------
    def action_reveal(self) -> None:
        for f in self.query(CredentialField):
            f.revealed = not f.revealed

    def action_copy(self) -> None:
        field = self.focused
        if not isinstance(field, CredentialField) or not field.value:
            self.notify("Select a field first (↑ ↓).", severity="warning")
            return
        self.state.copy_text(field.value, field.label.lower())
        if field.secret and field.id is not None:
            # One secret copied is not the others kept: the password copied, the secret
            # access key would still be lost on close.
            self._copied.add(field.id)
            shown = {f.id for f in self.query(CredentialField) if f.secret}
            self.kept_elsewhere = self.kept_elsewhere or shown <= self._copied

    # -- export / profile ------------------------------------------------------------------
    @work(exclusive=True, exit_on_error=False, group="credentials-flow")
    async def action_export(self) -> None:
        c = self.credentials
        sandbox = self.state.sandbox
        folder = default_export_dir() if sandbox is None else sandbox.directory
        default = str(folder / f"{c.user_name}_credentials.csv")
        label = "File (mode 0600, never overwritten, refused in a git work tree unless ignored):"
        if sandbox is not None:
            label = "File (mode 0600; demo: this folder is removed at exit):"
        path = await self.app.push_screen_wait(PromptScreen("Export CSV", label, default))
        if not path:
            return
        row = CsvRow(
            user_name=c.user_name,
            password=c.password or "",
            access_key_id=c.access_key_id or "",
            secret_access_key=c.secret_access_key or "",
            console_login_link=c.sign_in_url,
        )
        try:
            written = await in_thread(self, lambda: write_csv(path, row), "credentials file")
        except (OSError, ValueError) as exc:
            self._note(f"CSV not written: {_describe_os_error(exc)}", error=True)
            return
        self.kept_elsewhere = True
        self._note(f"CSV written to {written} (mode 0600). Keep it safe, then delete it.")

    @work(exclusive=True, exit_on_error=False, group="credentials-flow")
    async def action_profile(self) -> None:
        c = self.credentials
        if not c.access_key_id:
            self._note("This user has no access key, so no CLI profile.", error=True)
            return
        result = await add_profile_interactively(self.state, self.app, c.account_id, c.user_name)
        if result is None:
            return
        if isinstance(result, str):
            self._note(f"Profile not added: {result}", error=True)
            return
        name, path = result
        if self.state.sandbox is not None:
            self._note(
                f"Profile {name} added to the demo's throw-away AWS config {path} (removed "
                "at exit); your own AWS config is untouched."
            )
            return
        self._note(
            f"Profile {name} added to {path}: `aws --profile {name} …` reads the key from the "
            "keyring through credential_process; no secret is in the file."
        )

    def _note(self, text: str, *, error: bool = False) -> None:
        note = self.query_one("#cred-note", Static)
        note.update(Text(text))
        note.set_class(error, "-error")

    # -- close -------------------------------------------------------------------------------
    @work(exclusive=True, exit_on_error=False, group="credentials-flow")
    async def action_close(self) -> None:
        if not self.saved and not self.kept_elsewhere:
            sure = await self.app.push_screen_wait(
                ConfirmScreen(
                    "Close without keeping the credentials?",
                    [
                        "The keyring save failed; not every secret was copied or exported. "
                        "The password and secret access key cannot be shown again: you "
                        "would have to reset the password or create a new key (enter on "
                        "the user opens its workspace; p: password, n: new key).",
                    ],
                    confirm_label="Close anyway",
                )
            )
            if not sure:
                return
        self._forget()
        self.dismiss(None)

    def _forget(self) -> None:
        for f in self.query(CredentialField):
            f.forget()
        self.state.forget_clipboard(
            {self.credentials.password or "", self.credentials.secret_access_key or ""}
        )
        self.credentials = replace(self.credentials, password=None, secret_access_key=None)


def _describe_os_error(exc: Exception) -> str:
    if isinstance(exc, FileExistsError):
        return f"{exc.filename} already exists (never overwritten)"
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror}: {exc.filename}"
    return str(exc)
