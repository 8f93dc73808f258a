"""config.toml applied to the running app: its theme and keymap (see tui/support/config.py)."""

from __future__ import annotations

from typing import Any


def apply_config(app: Any) -> None:
    """Use config.toml's theme and keymap; say what was ignored, and why."""
    from tui.keys import entries

    config = app.config
    problems = list(config.problems)
    where = config.path or "config.toml"
    if config.theme is not None:
        if config.theme in app.available_themes:
            app.theme = config.theme
        else:
            known = ", ".join(sorted(app.available_themes))
            problems.append(f"{where}: no theme {config.theme!r} (known: {known}).")
    if config.keymap:
        # (Reading every screen's bindings imports them all: only with a keymap.)
        known_ids = {e.binding_id for e in entries() if e.binding_id}
        app.keymap = {k: v for k, v in config.keymap.items() if k in known_ids}
        for binding_id in sorted(set(config.keymap) - known_ids):
            problems.append(f"{where}: no key binding with id {binding_id!r} (see ? for ids).")
        if app.keymap:
            app.set_keymap(app.keymap)
    if problems:
        app.notify("\n".join(problems), title="config.toml", severity="warning", timeout=15)
