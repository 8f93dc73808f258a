"""The command palette's entries (``ctrl+p``): the app's own, and every key of every pane.

Pane entries are read from each pane's own bindings (with the keymap applied, as the help
screen shows them) and run on the pane's highlighted row, as the key would; actions
hidden under --read-only are left out.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import partial
from typing import TYPE_CHECKING

from textual.app import SystemCommand

from tui.keys import own_bindings, section_entries
from tui.panes.base import Pane, TablePane
from tui.screens.main import PANE_IDS, PANE_LABELS

if TYPE_CHECKING:
    from tui.screens.main import MainScreen
    from tui.state import AccountState


def system_commands(
    main: MainScreen, state: AccountState, keymap: Mapping[str, str]
) -> Iterator[SystemCommand]:
    """acct-tui's entries, after Textual's own (theme, keys, quit…)."""
    run = main.app.run_action
    for n, pane_id in enumerate(PANE_IDS, start=1):
        label = PANE_LABELS[pane_id]
        yield SystemCommand(
            f"{label.lower()}: show",
            f"Focus the {label} pane (key {n})",
            partial(run, f"app.show_pane({pane_id!r})"),
        )
    yield SystemCommand(
        "app: refresh", "Read the whole account again (r)", partial(run, "app.refresh")
    )
    yield SystemCommand("app: help", "Show every key (?)", partial(run, "app.help"))
    yield SystemCommand(
        "organization: accounts",
        "Every member account of the organization, each one key away (o)",
        main.action_organization,
    )
    yield from pane_commands(main, keymap)
    yield SystemCommand(
        "app: getting started",
        "The guided set-up: the tutorial's steps with their live status (g)",
        partial(run, "app.getting_started"),
    )
    if not state.read_only:
        yield SystemCommand(
            "groups: create administrators group",
            "The tutorial's administrators group with AdministratorAccess",
            partial(_create_admin_group, state, main),
        )
        me = _caller_without_mfa(state)
        if me is not None:
            yield SystemCommand(
                "users: add MFA for yourself",
                f"Enroll a virtual MFA device for {me}, the user acct-tui runs as",
                partial(_enroll_mfa, state, main, me),
            )


def pane_commands(main: MainScreen, keymap: Mapping[str, str]) -> Iterator[SystemCommand]:
    """ "pane: verb" for every key of every pane, then what enter and / do in the tables."""
    for pane_id, pane in main.panes.items():
        label = PANE_LABELS[pane_id]
        for entry in section_entries(label, own_bindings(type(pane)), keymap):
            if not pane.check_action(entry.action, ()):
                continue
            verb = entry.description[:1].lower() + entry.description[1:]
            yield SystemCommand(
                f"{label.lower()}: {verb}",
                f"{entry.description} (key {entry.keys} in {label})",
                partial(_run_pane_action, main, pane, entry.action),
            )
    for pane_id, pane in main.panes.items():
        if isinstance(pane, TablePane):
            label = PANE_LABELS[pane_id]
            yield SystemCommand(
                f"{label.lower()}: open the highlighted row",
                f"What enter does in {label}",
                partial(_run_pane_action, main, pane, "open_selected"),
            )
            yield SystemCommand(
                f"{label.lower()}: filter the table",
                f"Type to filter {label} (/)",
                partial(_run_pane_action, main, pane, "filter"),
            )


async def _run_pane_action(main: MainScreen, pane: Pane, action: str) -> None:
    main.show_pane(str(pane.id))
    await pane.run_action(action)


def _caller_without_mfa(state: AccountState) -> str | None:
    caller = state.posture.caller.value
    name = caller.user_name if caller else None
    report = state.posture.report.value
    row = report.row(name) if report and name else None
    return name if row is not None and not row.mfa_active else None


def _create_admin_group(state: AccountState, main: MainScreen) -> None:
    from tui.flows.groups import administrators, create_group

    flow = create_group(state, main.app, administrators())
    state.run_flow(flow, "create administrators group")


def _enroll_mfa(state: AccountState, main: MainScreen, name: str) -> None:
    from tui.flows.mfa import enroll_mfa

    state.run_flow(enroll_mfa(state, main.app, name), f"MFA for {name}")
