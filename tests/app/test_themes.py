"""Readable in Textual's dark and light themes and under NO_COLOR; status never by colour alone.

Each test drives the real app over the demo account and reads what the terminal would get:
every cell with its real colours (``tests/support/render.py``, after Textual's ANSI palette and its
NO_COLOR filter). "Readable" is measured, not eyeballed: every glyph of text has at least
WCAG AA contrast (4.5:1) against its own background; dim text is taken at half strength,
as many terminals show it. Under NO_COLOR every colour becomes a grey, so a status that
only a colour told apart would vanish: each status and severity must carry a word or a
symbol, checked on the rendered rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from textual.theme import BUILTIN_THEMES
from textual.widget import Widget
from textual.widgets import Static

from tests.support.app import make_app
from tests.support.keyrings import MemoryKeyring
from tests.support.pilot import iam, loaded, plain, wait_for_screen, wait_until
from tests.support.render import Paint, cells_text, contrast, screen_cells
from tui.app import AcctApp
from tui.aws.checks import Severity, Status, evaluate
from tui.aws.guide import StepState, guide_steps
from tui.aws.iam import StepReport
from tui.aws.iam import StepState as PlanState
from tui.aws.models import RegionStatus
from tui.demo import DemoEndpoint
from tui.panes import TablePane
from tui.screens.access_keys import AccessKeysScreen
from tui.screens.credentials import MASK, CredentialsScreen
from tui.screens.dialogs.review import ReviewScreen
from tui.screens.forms.alias import AliasScreen
from tui.screens.forms.create_user import CreateUserScreen
from tui.screens.forms.password_policy import PasswordPolicyScreen
from tui.screens.guide import GuideScreen
from tui.screens.mfa import MfaScreen
from tui.screens.plan import PlanScreen, render_reports
from tui.screens.root_mfa import RootMfaScreen
from tui.screens.user import UserScreen
from tui.support.vault import Vault
from tui.widgets.colours import readable_variables

pytestmark = pytest.mark.server

AA = 4.5
MODES = {
    # mode: (theme, NO_COLOR)
    "dark": ("textual-dark", False),
    "light": ("textual-light", False),
    "no-color": ("textual-dark", True),
    "no-color-light": ("textual-light", True),
}
# Not text: borders, scrollbars and the QR code (tested by decoding it, tests/app/test_qr.py).
NOT_TEXT = re.compile(r"[\s\u2500-\u259f\u00a0]")
STATUS_SYMBOLS = "✓✗?◷○…!↶·-"


# ------------------------------------------------------------------------------ helpers
def runs(cells: list[list[Paint]]) -> Iterator[tuple[list[Paint], str]]:
    """Stretches of cells painted alike, with their text."""
    for row in cells:
        start = 0
        for x in range(1, len(row) + 1):
            if x == len(row) or (row[x].fg, row[x].bg, row[x].dim) != (
                row[start].fg,
                row[start].bg,
                row[start].dim,
            ):
                yield row[start:x], "".join(p.char for p in row[start:x])
                start = x


def crop(cells: list[list[Paint]], widget: Widget | None) -> list[list[Paint]]:
    """The cells of ``widget``'s region (all of them for None)."""
    if widget is None:
        return cells
    r = widget.region
    return [row[r.x : r.right] for row in cells[r.y : r.bottom]]


def hide_marks(cells: list[list[Paint]], *, unticked_only: bool) -> None:
    """Blank the marks of tick boxes ("[x]" in a checkbox or a selection list, "(•)" in a
    radio button; Textual's own "▐X▌"/"▐●▌"). An unticked mark is faint on purpose (its
    absence says "off"), so it is no text to measure; a ticked one is measured like text,
    but is no status either."""
    for row in cells:
        for x in range(1, len(row) - 1):
            mark = row[x]
            sides = (row[x - 1].char, row[x + 1].char)
            boxed = sides in (("▐", "▌"), ("[", "]"), ("(", ")")) and mark.char in "X●x•"
            if boxed and (not unticked_only or contrast(mark.fg, mark.bg) < 2):
                row[x] = replace(mark, char=" ")


def unreadable(app: AcctApp, widget: Widget | None = None) -> list[str]:
    """Every stretch of text below AA on its background, as "ratio: text"."""
    found = []
    cells = screen_cells(app)
    hide_marks(cells, unticked_only=True)
    for paints, text in runs(crop(cells, widget)):
        if NOT_TEXT.sub("", text) == "":
            continue
        ratio = contrast(paints[0].fg, paints[0].bg)
        if ratio < AA:
            found.append(f"{ratio:.2f}: {text.strip()!r} fg={paints[0].fg} bg={paints[0].bg}")
    return found


def status_colours(app: AcctApp) -> set[tuple[int, int, int]]:
    """The RGB of the colours that carry a status (error, warning, success) in this theme."""
    from textual.color import Color

    variables = app.get_css_variables()
    names = ("readable-error", "readable-warning", "readable-success")
    return {Color.parse(variables[n]).rgb for n in names}


def colour_only(app: AcctApp, widget: Widget | None = None) -> list[str]:
    """Stretches painted in a status colour that hold neither a word nor a status symbol."""
    colours = status_colours(app)
    bare = []
    cells = screen_cells(app)
    hide_marks(cells, unticked_only=False)
    for paints, text in runs(crop(cells, widget)):
        shown = NOT_TEXT.sub("", text)
        says = re.search(r"[A-Za-z0-9]", shown) or set(shown) & set(STATUS_SYMBOLS)
        if paints[0].fg in colours and shown and not says:
            bare.append(repr(text))
    return bare


def check(app: AcctApp, where: str, widget: Widget | None, *texts: str) -> None:
    """Nothing unreadable, no colour-only status, and the key texts on screen."""
    problems = unreadable(app, widget)
    assert not problems, f"{where} ({app.theme}, NO_COLOR={app.no_color}):\n" + "\n".join(problems)
    assert not colour_only(app, widget), where
    shown = cells_text(crop(screen_cells(app), widget))
    for text in texts:
        assert text in shown, f"{where}: {text!r} not on screen:\n{shown}"


def set_mode(monkeypatch: pytest.MonkeyPatch, mode: str) -> str:
    theme, no_color = MODES[mode]
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    else:
        monkeypatch.delenv("NO_COLOR", raising=False)
    return theme


async def open_user(pilot: Any, user: str) -> None:
    await pilot.press("2", "slash", *user, "enter")


# ------------------------------------------------------------------------------ readable
@pytest.mark.parametrize("mode", list(MODES))
async def test_every_screen_is_readable(
    mode: str, demo: DemoEndpoint, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 80×24: the guide, the five panes, the password-policy and root-MFA fixes, the alias
    form, a user's MFA modal, access keys and details, the new-user form, its review, the
    credentials, and a failed plan."""
    theme = set_mode(monkeypatch, mode)
    app = make_app(demo, vault=Vault(MemoryKeyring()), open_guide=True)
    async with app.run_test(size=(80, 24)) as pilot:
        app.theme = theme
        await loaded(app, pilot)
        assert app.no_color is MODES[mode][1]
        guide = await wait_for_screen(app, pilot, GuideScreen)
        await pilot.pause(0.2)
        check(app, "guide", guide.query_one("#guide"), "Getting started", "✗ to do", "✓ done")
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, GuideScreen))
        panes = {
            # (24 checks: the passing ones are below the fold at 80×24; every status is
            # checked on rendered rows at 160×60, test_status_and_severity_are_words…)
            "1": ("Security recommendations", "✗ fix", "critical", "medium"),
            "2": ("Users", "bob", "✗ no", "✓ yes"),
            "3": ("Groups", "developers"),
            "4": ("Account alias", "No alias set", "Sign-in"),
            "5": ("Regions", "ENABLED_BY_DEFAULT", "DISABLED"),
        }
        for key, texts in panes.items():
            await pilot.press(key)
            await pilot.pause(0.2)
            check(app, f"pane {key}", None, "DEMO", *texts)
        # fixes behind enter on a finding: the password policy and the root MFA guide
        await pilot.press("1")
        recs = app.query_one("#recommendations", TablePane)
        recs.table.move_cursor(row=recs.table.get_row_index("password-policy"))
        await pilot.press("enter")
        policy = await wait_for_screen(app, pilot, PasswordPolicyScreen)
        await pilot.pause(0.2)
        box = policy.query_one("#password-policy")
        check(app, "password policy", box, "Proposed", "update-account-password-policy")
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, PasswordPolicyScreen))
        recs.table.move_cursor(row=recs.table.get_row_index("root-mfa"))
        await pilot.press("enter")
        root = await wait_for_screen(app, pilot, RootMfaScreen)
        await pilot.press("r")
        state = root.query_one("#root-mfa-state", Static)
        await wait_until(pilot, lambda: "still" in plain(state))
        check(app, "root MFA guide", root.query_one("#root-mfa"), "✗ Root still has no MFA")
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, RootMfaScreen))
        # the alias form, with the sign-in URL it would give
        await pilot.press("4", "n")
        alias = await wait_for_screen(app, pilot, AliasScreen)
        await pilot.press(*"my-corp")
        await pilot.pause(0.2)
        check(app, "alias form", alias.query_one(".form"), "Sign-in URL: https://my-corp")
        await pilot.press("escape", "y")  # typed into: escape asks before discarding
        await wait_until(pilot, lambda: alias not in app.screen_stack)
        # a user: the MFA modal (its QR is decoded in tests/app/test_qr.py), access keys, details
        await open_user(pilot, "bob")
        await pilot.press("m")
        mfa = await wait_for_screen(app, pilot, MfaScreen)
        await pilot.pause(0.2)
        check(app, "MFA modal", mfa.query_one("#mfa-text"), "MFA for bob", "Secret", MASK)
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, MfaScreen))
        await pilot.press("a")
        keys = await wait_for_screen(app, pilot, AccessKeysScreen)
        await pilot.pause(0.2)
        check(app, "access keys", keys.query_one("#access-keys"), "Access keys of bob", "Active")
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, AccessKeysScreen))
        await pilot.press("enter")
        user = await wait_for_screen(app, pilot, UserScreen)
        note = user.query_one("#mfa-note", Static)
        await wait_until(pilot, lambda: "Loading" not in plain(note))
        check(app, "user details", user.query_one("#workspace"), "No MFA device.")
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, UserScreen))
        # create a user: form, review, plan, credentials
        name = f"theme-{mode}"
        await pilot.press("escape", "2", "n")
        form = await wait_for_screen(app, pilot, CreateUserScreen)
        await pilot.press(*name, "tab", "tab", "tab", "tab", "tab", "space")
        await pilot.pause(0.2)
        check(app, "create-user form", form.query_one(".form"), "New user", name)
        await pilot.press("ctrl+s")
        review = await wait_for_screen(app, pilot, ReviewScreen)
        await pilot.pause(0.2)
        check(app, "review", review.query_one("#review"), "iam:CreateUser", "aws iam")
        await pilot.press("ctrl+s")
        creds = await wait_for_screen(app, pilot, CredentialsScreen)
        await wait_until(pilot, lambda: creds.saved)
        secret = creds.credentials.secret_access_key or ""
        check(app, "credentials", creds.query_one("#credentials"), "Access key ID", MASK, "✓")
        assert secret and secret not in cells_text(screen_cells(app))
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, CredentialsScreen))
        # a name taken behind the app's back: the plan fails, and says so in words and symbols
        iam(demo).create_user(UserName=f"ghost-{mode}")
        await pilot.press("2", "n")
        await wait_for_screen(app, pilot, CreateUserScreen)
        await pilot.press(*f"ghost-{mode}", "ctrl+s")
        await wait_for_screen(app, pilot, ReviewScreen)
        await pilot.press("ctrl+s")
        plan = await wait_for_screen(app, pilot, PlanScreen)
        await wait_until(pilot, lambda: plan.result is not None and not plan.running)
        await pilot.pause(0.2)
        check(app, "failed plan", plan.query_one("#plan"), "✗", "EntityAlreadyExists")


async def test_switching_theme_while_running_recolours_the_status(demo: DemoEndpoint) -> None:
    """The readable colours follow a theme switch (ctrl+p "Theme", as the README says)."""
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        commands = {c.title: c.help for c in app.get_system_commands(app.screen)}
        assert commands.get("Theme") == "Change the current theme"
        table = app.query_one("#recommendations", TablePane).table

        def fail_colour() -> tuple[int, int, int]:
            """The colour of "✗ fix" on the last failing row (not the cursor's)."""
            rows = ["".join(p.char for p in row) for row in crop(screen_cells(app), table)]
            y = max(i for i, text in enumerate(rows) if "✗ fix" in text)
            assert y != table.cursor_row + 1
            return crop(screen_cells(app), table)[y][rows[y].index("✗")].fg

        dark = fail_colour()
        app.theme = "textual-light"
        await pilot.pause(0.3)
        light = fail_colour()
        assert dark != light
        from textual.color import Color

        assert light == Color.parse(app.get_css_variables()["readable-error"]).rgb
        check(app, "recommendations after a switch", None, "✗ fix")


@pytest.mark.parametrize("theme", sorted(BUILTIN_THEMES))
def test_readable_colours_reach_aa_on_every_builtin_theme(theme: str) -> None:
    """Not only textual-dark and -light: every theme in ctrl+p "Theme", in colour and grey."""
    from textual.app import App
    from textual.color import Color

    app = App()
    app.theme = theme
    variables = app.get_css_variables()
    readable = readable_variables(variables)
    if BUILTIN_THEMES[theme].ansi:
        assert readable["readable-error"].startswith("ansi_")  # the terminal's own palette
        return
    backgrounds = [Color.parse(variables[n]) for n in ("background", "surface", "panel")]
    for name in ("error", "warning", "success", "info", "muted", "hint"):
        ink = Color.parse(readable[f"readable-{name}"])
        for bg in backgrounds:
            assert contrast(ink.rgb, bg.rgb) >= AA, (name, bg)
            assert contrast(ink.monochrome.rgb, bg.monochrome.rgb) >= AA, (name, bg, "grey")
    # the theme's meaning is kept: an error is still more red than green
    error = Color.parse(readable["readable-error"])
    assert error.r >= error.g


# ------------------------------------------------------------------------------ never by colour
# What each state must say in words or symbols, written out here rather than read from the
# app: a status made colour-only (or two states made to look alike) fails below.
FINDING_STATUS = {
    Status.FAIL: "✗ fix",
    Status.UNKNOWN: "? unknown",
    Status.INFO: "i note",
    Status.PASS: "✓ ok",
}
SEVERITY_WORD = {s: s.name.lower() for s in Severity}
GUIDE_LABEL = {
    StepState.DONE: "✓ done",
    StepState.TODO: "✗ to do",
    StepState.WAITING: "◷ in progress",
    StepState.OPTIONAL: "○ optional",
    StepState.LOADING: "… loading",
    StepState.UNKNOWN: "? unknown",
}


def row_text(app: AcctApp, pane: TablePane, key: str) -> str:
    """The line the terminal shows for row ``key`` of ``pane``'s table."""
    table = pane.table
    y = table.region.y + 1 + table.get_row_index(key) - table.scroll_offset.y
    assert table.region.y < y < table.region.bottom, f"row {key} is not on screen"
    row = screen_cells(app)[y][table.region.x : table.region.right]
    return "".join(p.char for p in row)


async def test_status_and_severity_are_words_on_the_rendered_rows(
    demo: DemoEndpoint, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under NO_COLOR (every colour a grey) each row still says what state it is in."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(demo, open_guide=True)
    async with app.run_test(size=(160, 60)) as pilot:
        await loaded(app, pilot)
        guide = await wait_for_screen(app, pilot, GuideScreen)
        await pilot.pause(0.2)
        shown = cells_text(crop(screen_cells(app), guide.query_one("#guide")))
        steps = guide_steps(app.posture)
        assert {s.state for s in steps} >= {StepState.DONE, StepState.TODO}
        for step in steps:
            line = next(line for line in shown.splitlines() if f"{step.number}. " in line)
            expected = GUIDE_LABEL[step.state]
            if step.denied:  # the state is unknown: it says why
                expected = expected.split()[0] + " denied"
            assert step.label == expected and expected in line, line
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, GuideScreen))
        await pilot.pause(0.3)

        recs = app.query_one("#recommendations", TablePane)
        findings = evaluate(app.posture)
        assert {f.status for f in findings} >= {Status.FAIL, Status.PASS}
        assert len({f.severity for f in findings}) >= 3
        for f in findings:
            # (24 rows: bring each into view first)
            recs.table.move_cursor(row=recs.table.get_row_index(f.id))
            await pilot.pause(0.05)
            line = row_text(app, recs, f.id)
            status, severity = FINDING_STATUS[f.status], SEVERITY_WORD[f.severity]
            assert re.search(rf"{re.escape(status)}\s+{severity}\b", line), (f.id, line)

        users = app.query_one("#users", TablePane)
        report = app.posture.report.value
        assert report is not None
        mfa_column = list(users.COLUMNS).index("MFA")
        seen = set()
        for key in users.visible_keys():
            row = report.row(key)
            if row is None:
                expected = "?"
            elif row.mfa_active:
                expected = "✓ yes"
            elif row.password_enabled:
                expected = "✗ no"  # a console user without MFA: a problem, so marked
            else:
                expected = "no"
            assert users.table.get_row(key)[mfa_column].plain == expected, key
            assert f" {expected} " in row_text(app, users, key), key
            seen.add(expected)
        assert {"✓ yes", "✗ no", "no"} <= seen

        regions = app.query_one("#regions", TablePane)
        listing = app.posture.regions.value
        assert listing is not None
        on_screen = regions.table.scrollable_content_region.height - 1
        statuses = set()
        for region in listing.regions[:on_screen]:
            assert f" {region.status.value}" in row_text(app, regions, region.code)
            statuses.add(region.status)
        assert {RegionStatus.ENABLED_BY_DEFAULT, RegionStatus.DISABLED} <= statuses


def test_each_plan_step_state_has_its_own_symbol() -> None:
    """The plan screen's results: seven states, seven different symbols before the step."""
    from tui.aws.iam import Step

    step = Step(id="s", action="iam:CreateUser", description="Create user nina", cli="aws")
    lines = {
        state: render_reports([StepReport(step, state, None)]).plain.splitlines()[0]
        for state in PlanState
    }
    symbols = {state: line.split()[0] for state, line in lines.items()}
    assert len(set(symbols.values())) == len(PlanState), symbols
    assert all(line.endswith("Create user nina") for line in lines.values())
    assert symbols[PlanState.DONE] == "✓" and symbols[PlanState.FAILED] == "✗"
