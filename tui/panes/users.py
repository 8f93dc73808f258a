"""The Users pane: every IAM user with console, MFA, keys and groups at a glance."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.binding import Binding, BindingType

import tui.panes.format as fmt
from tui.aws.models import Posture, UserView, utcnow
from tui.panes.base import Prepared, TablePane, error_text, make_row, stale_text
from tui.support.visible import visible


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

    def show_status(self, posture: Posture) -> None:
        details = posture.details
        if details.error is not None:
            self.set_status(stale_text(details.error, self.table.row_count > 0))
        elif posture.report.error is not None:
            self.set_status(
                error_text(posture.report.error)
                + "\nConsole, MFA and key columns are unknown (?) without the report."
            )
        elif details.loaded and not posture.report.loaded:
            self.set_status("Waiting for the credential report…")
        else:
            self.set_status(None)

    def prepare(self, posture: Posture) -> Prepared | None:
        if posture.details.value is None:
            return None
        now = utcnow()
        views = posture.user_views()
        rows = [
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
        return Prepared(rows, f"{len(views)} users", {v.name: v for v in views})

    def accept(self, data: Any) -> None:
        self.views = data

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
        # Single-line values are made visible here, so a newline inside one (an ARN path,
        # a tag value) shows as ␊ and cannot pass for the next item.
        lines: list[tuple[str, str]] = [
            ("ARN", visible(user.arn)),
            ("User id", visible(user.user_id)),
            ("Path", visible(user.path)),
            ("Created", fmt.date(user.created)),
            ("Groups", ", ".join(map(visible, user.groups)) or "none"),
            ("Policies", ", ".join(visible(p.name) for p in user.attached_policies) or "none"),
            ("Inline", ", ".join(map(visible, user.inline_policies)) or "none"),
            ("Tags", "\n".join(f"{visible(k)}={visible(v)}" for k, v in user.tags) or "none"),
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
