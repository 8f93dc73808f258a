"""The Users pane: every IAM user with console, MFA, keys and groups at a glance."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType

from tui.aws.models import Posture, UserView, utcnow
from tui.panes import format as fmt
from tui.panes.base import TablePane, error_text, make_row, stale_text


class UsersPane(TablePane):
    """IAM users joined with the credential report; ``enter`` shows one in full."""

    TITLE = "2 Users"
    PARTS = frozenset({"details", "report"})
    MUTATING = frozenset({"new", "delete", "mfa"})
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new", "New user", id="users.new", tooltip="Create an IAM user"),
        Binding("ctrl+d", "delete", "Delete", id="users.delete", tooltip="Delete the user"),
        Binding("k", "keys", "Keys", id="users.keys", tooltip="Access keys of the user"),
        Binding("m", "mfa", "MFA", id="users.mfa", tooltip="Enroll a virtual MFA device"),
        Binding("c", "copy_arn", "Copy ARN", id="users.copy", tooltip="Copy the user's ARN"),
    ]
    COLUMNS: ClassVar[tuple[str, ...]] = (
        "User",
        "Console",
        "MFA",
        "Keys (n·oldest·used)",
        "Groups",
        "Created",
        "Password used",
    )

    def __init__(self, *, id: str) -> None:  # noqa: A002
        super().__init__(id=id)
        self.views: dict[str, UserView] = {}

    def update_from(self, posture: Posture) -> None:
        details = posture.details
        if details.error is not None:
            self.set_status(stale_text(details.error, self.table.row_count > 0))
        elif posture.report.error is not None:
            text = error_text(posture.report.error)
            text.append("\nConsole, MFA and key columns are unknown (?) without the report.")
            self.set_status(text)
        elif details.loaded and not posture.report.loaded:
            self.set_status("Waiting for the credential report…")
        else:
            self.set_status(None)
        if details.value is None:
            return
        now = utcnow()
        views = posture.user_views()
        self.views = {v.name: v for v in views}
        self.summary = f"{len(views)} users"
        self.set_rows(
            [
                make_row(
                    v.name,
                    v.name,
                    fmt.console_cell(v.row),
                    fmt.mfa_cell(v.row),
                    fmt.keys_cell(v.row, now),
                    ", ".join(v.user.groups) or "—",
                    fmt.date(v.user.created),
                    fmt.ago(v.row.password_last_used, now) if v.row else "?",
                )
                for v in views
            ]
        )

    def action_new(self) -> None:
        self.acct.action_create_user()

    def action_delete(self) -> None:
        name = self.selected_key()
        if name:
            self.acct.action_delete_user(name)

    def action_keys(self) -> None:
        name = self.selected_key()
        if name:
            self.acct.action_access_keys(name)

    def action_mfa(self) -> None:
        name = self.selected_key()
        if name:
            self.acct.action_enroll_mfa(name)

    def action_copy_arn(self) -> None:
        view = self.views.get(self.selected_key() or "")
        if view is not None:
            self.copy(view.user.arn, f"the ARN of {view.name}")

    def open_row(self, key: str) -> None:
        from tui.screens.user import UserScreen

        view = self.views.get(key)
        if view is None:
            return
        user, row = view.user, view.row
        now = utcnow()
        lines: list[tuple[str, str]] = [
            ("ARN", user.arn),
            ("User id", user.user_id),
            ("Path", user.path),
            ("Created", fmt.date(user.created)),
            ("Groups", ", ".join(user.groups) or "none"),
            ("Policies", ", ".join(p.name for p in user.attached_policies) or "none"),
            ("Inline", ", ".join(user.inline_policies) or "none"),
            ("Tags", ", ".join(f"{k}={v}" for k, v in user.tags) or "none"),
        ]
        if row is None:
            lines.append(("Credentials", "unknown: no credential report"))
        else:
            lines.append(("Console", "yes" if row.password_enabled else "no"))
            lines.append(("Password used", fmt.ago(row.password_last_used, now)))
            lines.append(("MFA", "yes" if row.mfa_active else "no"))
            for k in row.keys:
                lines.append((f"Key {k.slot}", fmt.key_summary(k, now)))
        self.app.push_screen(UserScreen(self.acct, user.name, lines))
