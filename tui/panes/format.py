"""Small formatting helpers shared by the panes (dates, ages, yes/no)."""

from __future__ import annotations

from datetime import datetime

from tui.aws.models import CredentialRow, KeyInfo, utcnow
from tui.widgets.colours import FAIL, MUTED, SUCCESS
from tui.widgets.rowdata import Cell

# An access key's status column is as wide as its longest word: "Inactive" is never cut.
KEY_STATUSES = ("Active", "Inactive")
KEY_STATUS_WIDTH = max(len(s) for s in KEY_STATUSES)


def date(value: datetime | None, empty: str = "—") -> str:
    return value.strftime("%Y-%m-%d") if value else empty


def short_key_id(key_id: str) -> str:
    """An access key id as results name it: ``AKIA…WXYZ`` (enough to tell keys apart)."""
    return key_id if len(key_id) <= 12 else f"{key_id[:4]}…{key_id[-4:]}"


def key_result(key_id: str, verb: str) -> str:
    """What a change of one key did, e.g. "Key AKIA…WXYZ deactivated." (no secret)."""
    return f"Key {short_key_id(key_id)} {verb}."


def ago(value: datetime | None, now: datetime | None = None, empty: str = "never") -> str:
    if value is None:
        return empty
    days = ((now or utcnow()) - value).days
    return "today" if days <= 0 else f"{days}d ago"


def console_cell(row: CredentialRow | None) -> Cell:
    if row is None or row.password_enabled is None:
        return Cell("?", MUTED)
    return Cell("yes") if row.password_enabled else Cell("no", MUTED)


def mfa_cell(row: CredentialRow | None) -> Cell:
    if row is None:
        return Cell("?", MUTED)
    if row.mfa_active:
        return Cell("✓ yes", SUCCESS)
    if row.password_enabled:
        return Cell("✗ no", FAIL)
    return Cell("no", MUTED)


def key_summary(key: KeyInfo, now: datetime) -> str:
    state = "" if key.active else " inactive"
    age = "?" if key.last_rotated is None else f"{(now - key.last_rotated).days}d"
    return f"{age} old{state}, used {ago(key.last_used, now)}"


def keys_cell(row: CredentialRow | None, now: datetime) -> Cell:
    if row is None:
        return Cell("?", MUTED)
    if not row.keys:
        return Cell("0", MUTED)
    oldest = max(
        ((now - k.last_rotated).days for k in row.keys if k.last_rotated is not None), default=0
    )
    return Cell(
        f"{len(row.keys)} · {oldest}d · " + ", ".join(ago(k.last_used, now) for k in row.keys)
    )


def break_after(text: str, width: int, marks: str = "/.") -> list[str]:
    """``text`` (a URL, an ARN) in lines of at most ``width`` cells, each ending after one of
    ``marks``: the parts stay whole, so the text reads, and copies, as it is. A part longer
    than a whole line is cut where it must."""
    if width <= 0 or len(text) <= width:
        return [text]
    parts: list[str] = []
    start = 0
    for i, char in enumerate(text):
        if char in marks:
            parts.append(text[start : i + 1])
            start = i + 1
    if start < len(text):
        parts.append(text[start:])
    lines: list[str] = []
    line = ""
    for part in parts:
        if line and len(line) + len(part) > width:
            lines.append(line)
            line = ""
        line += part
        while len(line) > width:
            lines.append(line[:width])
            line = line[width:]
    if line:
        lines.append(line)
    return lines


def elapsed(seconds: float) -> str:
    """``75`` → ``"1m 15s"``."""
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours}h {minutes}m"
    return f"{minutes}m {secs:02d}s" if minutes else f"{secs}s"
