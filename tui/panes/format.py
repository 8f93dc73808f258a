"""Small formatting helpers shared by the panes (dates, ages, yes/no)."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text

from tui.aws.models import CredentialRow, KeyInfo, utcnow


def date(value: datetime | None, empty: str = "—") -> str:
    return value.strftime("%Y-%m-%d") if value else empty


def ago(value: datetime | None, now: datetime | None = None, empty: str = "never") -> str:
    if value is None:
        return empty
    days = ((now or utcnow()) - value).days
    return "today" if days <= 0 else f"{days}d ago"


def console_cell(row: CredentialRow | None) -> Text:
    if row is None or row.password_enabled is None:
        return Text("?", style="dim")
    return Text("yes") if row.password_enabled else Text("no", style="dim")


def mfa_cell(row: CredentialRow | None) -> Text:
    if row is None:
        return Text("?", style="dim")
    if row.mfa_active:
        return Text("✓ yes", style="green")
    if row.password_enabled:
        return Text("✗ no", style="bold red")
    return Text("no", style="dim")


def key_summary(key: KeyInfo, now: datetime) -> str:
    state = "" if key.active else " inactive"
    age = "?" if key.last_rotated is None else f"{(now - key.last_rotated).days}d"
    return f"{age} old{state}, used {ago(key.last_used, now)}"


def keys_cell(row: CredentialRow | None, now: datetime) -> Text:
    if row is None:
        return Text("?", style="dim")
    if not row.keys:
        return Text("0", style="dim")
    oldest = max(
        ((now - k.last_rotated).days for k in row.keys if k.last_rotated is not None), default=0
    )
    return Text(
        f"{len(row.keys)} · {oldest}d · " + ", ".join(ago(k.last_used, now) for k in row.keys)
    )
