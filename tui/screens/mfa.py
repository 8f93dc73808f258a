"""MfaScreen: enroll a virtual MFA device with a QR code drawn in the terminal.

The QR (segno, half blocks) is pinned black on white so it scans on dark and light themes,
and under NO_COLOR with a colour theme (Textual then paints greys: black and white stay).
Only NO_COLOR in an app started in an ANSI theme leaves no colour at all (Textual's NoColor
filter): the code is then drawn in the terminal's own colours, by glyph alone, with the ink
on the light modules for ``ansi-dark`` (light text on a dark terminal) and on the dark ones
for ``ansi-light``, so the terminal shows dark modules on a light quiet zone either way.
The two codes are checked locally against the seed (RFC 6238) before EnableMFADevice, so a
typo, the same code twice or a phone clock that is off is explained, not sent to AWS. The
seed is a secret: masked until revealed, never logged, dropped when the screen closes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.filter import NoColor
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static
from textual.worker import get_current_worker

from tui.aws.errors import AwsFailure
from tui.aws.mfa import MfaEnableFailed, VirtualMfa, format_seed
from tui.aws.totp import DIGITS, Problem, verify_pair
from tui.screens.forms.discard import DiscardGuard
from tui.support import qr
from tui.support.visible import visible
from tui.widgets.colours import FAIL, MUTED, SUCCESS, WARNING

if TYPE_CHECKING:
    from tui.state import AccountState

TEXT_COLUMNS = 35
"""The narrowest the text beside the QR code may be (80×24 shows both)."""
WIDEST_TEXT = 60
"""Wider terminals give the text up to this many columns, then centre the whole screen."""
MASK = "•" * 16
HINTS = {
    "code1": "enter: next code · ctrl+t show secret · ctrl+y copy it · escape: cancel",
    "code2": "enter: check & enable · ctrl+t show secret · ctrl+y copy it · escape: cancel",
}
"""The hint under the codes, for the field that has the focus: what enter does there."""


@dataclass
class _Enabled(Message):
    """EnableMFADevice finished: ``error`` is None on success."""

    error: str | None
    discarded: bool = False


class MfaScreen(DiscardGuard, ModalScreen[str | None]):
    """Returns "enabled", "retry" (start over with a new device) or None (cancelled)."""

    # Focused as the screen opens, so keys typed ahead (over SSH) are never lost.
    AUTO_FOCUS = "#code1"
    TOASTS = "status"  # notifications go to a status line, never over the QR code
    TOAST_HOST = "#mfa-text"  # beside it: the QR code takes every row at 80×24
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="mfa.cancel"),
        Binding("ctrl+s", "submit", "Enable", id="mfa.submit"),
        Binding("ctrl+t", "reveal", "Show secret", id="mfa.reveal"),
        Binding("ctrl+y", "copy", "Copy secret", id="mfa.copy"),
        Binding("ctrl+r", "retry", "Start over", id="mfa.retry"),
    ]

    def __init__(self, state: AccountState, device: VirtualMfa) -> None:
        super().__init__()
        self.state = state
        self.device = device
        self.revealed = False
        self.busy = False
        self.failed = False  # the device was discarded after an AWS error
        self.enabled = False
        self.error_field: int | None = None  # the code the message is about (0: both)
        self.format_error = False  # ... and it is about its shape (not 6 digits)

    def compose(self) -> ComposeResult:
        with Horizontal(id="mfa"):
            yield Static(id="mfa-qr", markup=False)
            with Vertical(id="mfa-text"):
                yield Label(Text(f"MFA for {visible(self.device.user_name)}", style="bold"))
                yield Static(id="mfa-help", markup=False)
                yield Static(id="mfa-secret", markup=False)
                yield Label("Code 1")
                yield Input(placeholder="6 digits", max_length=6, restrict=r"[0-9]*", id="code1")
                yield Label("Code 2 (the next one)")
                yield Input(
                    placeholder="6 digits, the next code",
                    max_length=6,
                    restrict=r"[0-9]*",
                    id="code2",
                )
                yield Static(id="mfa-message", markup=False)
                yield Static(Content.styled(HINTS["code1"], MUTED), id="mfa-hint", markup=False)

    def on_mount(self) -> None:
        self._draw()
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._draw())
        self.query_one("#code1", Input).focus()

    def on_resize(self) -> None:
        self._draw()

    def _draw(self) -> None:
        size = self.app.size
        qr_box = self.query_one("#mfa-qr", Static)
        help_text = self.query_one("#mfa-help", Static)
        room = (size.width - TEXT_COLUMNS, size.height - 1)
        fits = qr.fits(self.device.uri, *room)
        beside = qr.qr_size(self.device.uri)[0] if fits else 0
        text = self.query_one("#mfa-text")
        text.styles.width = max(min(WIDEST_TEXT, size.width - beside), min(size.width, 20))
        if fits:
            invert = self.colourless and qr.invert_for_theme(dark=self.app.current_theme.dark)
            qr_box.update("\n".join(qr.qr_lines(self.device.uri, invert=invert)))
            qr_box.display = True
            help_text.update(
                "1. Scan the code with an authenticator app, or type the secret below.\n"
                "2. Type two consecutive codes."
            )
        else:
            qr_box.display = False
            columns, rows = qr.qr_size(self.device.uri)
            help_text.update(
                Content.styled(
                    f"The terminal is too small for the QR code (it needs "
                    f"{columns + TEXT_COLUMNS}×{rows + 1}). Add the account by typing the "
                    "secret in your app (time-based, 6 digits), then type two codes.",
                    WARNING,
                )
            )
        self._draw_secret()

    @property
    def colourless(self) -> bool:
        """True when no colour reaches the terminal: Textual's NoColor filter is on.

        Textual picks it when NO_COLOR is set and the app *starts* in an ANSI theme
        (``TEXTUAL_THEME=ansi-dark``); otherwise NO_COLOR turns colours into greys, which
        keep the pinned black on white.
        """
        return any(isinstance(f, NoColor) for f in self.app.get_line_filters())

    def _draw_secret(self) -> None:
        shown = format_seed(self.device.seed) if self.revealed else (MASK, MUTED)
        self.query_one("#mfa-secret", Static).update(Content.assemble(("Secret ", "bold"), shown))

    def _say(self, message: str, *, error: bool = True) -> None:
        box = self.query_one("#mfa-message", Static)
        box.update(Content.styled(message, FAIL if error else SUCCESS))
        if not error:
            self.error_field = None

    @on(events.DescendantFocus)
    def _hint(self, event: events.DescendantFocus) -> None:
        hint = HINTS.get(event.widget.id or "")
        if hint is not None:
            self.query_one("#mfa-hint", Static).update(Content.styled(hint, MUTED))

    @on(Input.Changed, "#code1, #code2")
    def _corrected(self, event: Input.Changed) -> None:
        """An error goes as soon as the code it is about is corrected: a shape error once
        the code is 6 digits, any other (the codes do not match) once the code changes."""
        changed = 1 if event.input.id == "code1" else 2
        if self.error_field is None or self.error_field not in (0, changed):
            return
        value = event.value
        if self.format_error and not (len(value) == DIGITS and value.isdigit()):
            return
        self.error_field = None
        self.query_one("#mfa-message", Static).update("")

    # -- actions ------------------------------------------------------------------------------
    def action_reveal(self) -> None:
        self.revealed = not self.revealed
        self._draw_secret()

    def action_copy(self) -> None:
        self.state.copy_text(self.device.seed, "the MFA secret")

    @on(Input.Submitted, "#code1")
    def _next(self) -> None:
        self.query_one("#code2", Input).focus()

    @on(Input.Submitted, "#code2")
    def _submitted(self) -> None:
        self.action_submit()

    def action_submit(self) -> None:
        if self.busy or self.failed:
            return
        code1 = self.query_one("#code1", Input).value
        code2 = self.query_one("#code2", Input).value
        verdict = verify_pair(self.device.seed, code1, code2, now=time.time())
        if not verdict.ok:
            self._say(verdict.message)
            self.error_field = verdict.field or 0
            self.format_error = verdict.problem is Problem.FORMAT
            self.query_one(f"#code{verdict.field or 1}", Input).focus()
            return
        self.busy = True
        self._say("Codes match. Enabling the device…", error=False)
        self._enable(code1, code2)

    @work(thread=True, exclusive=True, exit_on_error=False, group="mfa", description="enable")
    def _enable(self, code1: str, code2: str) -> None:
        mfa = self.state.service.mfa
        try:
            mfa.enable(self.device.user_name, self.device.serial, code1, code2)
            message = _Enabled(None)
        except MfaEnableFailed as exc:
            message = _Enabled(exc.error.summary(), discarded=exc.discarded)
        except AwsFailure as exc:
            message = _Enabled(exc.error.summary())
        if not get_current_worker().is_cancelled:
            self.post_message(message)

    @on(_Enabled)
    def _enabled(self, message: _Enabled) -> None:
        self.busy = False
        if message.error is None:
            self.enabled = True
            self._forget()
            self.dismiss("enabled")
            return
        if message.discarded:
            self.failed = True
            self._say(f"{message.error}\nctrl+r starts over with a new QR code.")
        else:
            self._say(message.error)

    def action_retry(self) -> None:
        if self.failed:
            self._forget()
            self.dismiss("retry")

    def action_cancel(self) -> None:
        if self.busy:
            return  # EnableMFADevice is in flight: wait for its answer
        if not self.enabled and self.ask_to_discard(self._cancel):
            return  # codes typed: ask before throwing them away
        self._cancel()

    def _cancel(self) -> None:
        self._forget()
        self.dismiss(None)

    def _forget(self) -> None:
        self.state.forget_clipboard({self.device.seed})
        self.revealed = False
