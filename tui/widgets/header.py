"""Small widgets of the main screen."""

from __future__ import annotations

from rich.cells import cell_len
from textual.content import Content
from textual.widgets import Static

from tui.aws.models import Posture
from tui.support.visible import visible
from tui.widgets.colours import BADGE_INFO, BADGE_WARNING, ERROR, INFO, MUTED

MIN_ALIAS = 8  # an alias shortened below this many cells is left out (the id says it all)


def shorten(text: str, width: int, *, keep_end: bool = False) -> str:
    """``text`` in at most ``width`` cells, "…" marking what was left out."""
    if cell_len(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    if keep_end:
        while cell_len(text) > width - 1:
            text = text[1:]
        return "…" + text
    while cell_len(text) > width - 1:
        text = text[:-1]
    return text + "…"


def fit_identity(room: int, account: str, alias: str, arn: str) -> tuple[str, str, str]:
    """(label, alias, caller) for the header's ``room`` cells after its badges.

    The caller's identity is what must stay: the alias is shortened first, then left out,
    then the ARN gives way to its last part (``user/alice``), kept by its end.
    """
    label = "account "

    def width(lab: str, ali: str, who: str) -> int:
        return cell_len(lab + account + (f" ({ali})" if ali else "") + " · " + who)

    if width(label, alias, arn) <= room:
        return label, alias, arn
    spare = room - width(label, "", arn) - 3  # " (" and ")"
    if alias and spare >= MIN_ALIAS:
        return label, shorten(alias, spare), arn
    who = arn.split(":", 5)[-1] if arn.count(":") >= 5 else arn
    for lab in (label, ""):
        spare = room - width(lab, "", who) - 3
        if alias and spare >= MIN_ALIAS:
            return lab, shorten(alias, spare), who
        if width(lab, "", who) <= room:
            return lab, "", who
    return "", "", shorten(who, room - width("", "", ""), keep_end=True)


class AccountHeader(Static):
    """One line: account id, alias, caller ARN, and the mode (read-only, demo).

    Narrower than all of it (80 columns and a long alias), the caller's identity stays:
    :func:`fit_identity` shortens the other parts first.
    """

    def __init__(self, *, read_only: bool, demo: bool, insecure: bool = False) -> None:
        super().__init__(id="account-header", markup=False)
        self.read_only = read_only
        self.demo = demo
        self.insecure = insecure  # plain http to another machine (--allow-insecure-endpoint)
        self.member: str | None = None  # an organization member's name, in its console
        self._posture = Posture()

    def on_mount(self) -> None:
        self.show(Posture())

    def on_resize(self) -> None:
        self.show(self._posture)

    def show(self, posture: Posture) -> None:
        self._posture = posture
        # The badges are words; their reversed colours only make them stand out.
        parts: list[str | tuple[str, str]] = [("acct-tui ", "bold")]
        if self.demo:
            parts += [(" DEMO ", BADGE_WARNING), " "]
        if self.read_only:
            parts += [(" READ-ONLY ", BADGE_INFO), " "]
        if self.insecure:
            parts += [(" PLAIN HTTP ", BADGE_WARNING), " "]
        if self.member is not None:
            parts += [(f" MEMBER {visible(self.member)} ", BADGE_INFO), " "]
        caller = posture.caller
        if caller.value is not None:
            used = sum(cell_len(p if isinstance(p, str) else p[0]) for p in parts)
            room = self.content_region.width - used if self.content_region.width else 10**6
            account = visible(caller.value.account_id)
            label, alias, who = fit_identity(
                room, account, visible(posture.alias or ""), visible(caller.value.arn)
            )
            parts += [label, (account, "bold")]
            if alias:
                parts.append(f" ({alias})")
            parts += [" · ", (who, INFO)]
        elif caller.error is not None:
            parts.append((f"caller unknown: {visible(caller.error.code)}", ERROR))
        else:
            parts.append(("connecting…", MUTED))
        self.update(Content.assemble(*parts))
