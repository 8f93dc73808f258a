"""What the create flows share: the one-line reason a plan failed, for the form."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.screens.plan import PlanOutcome


def error_line(outcome: PlanOutcome) -> str:
    """Why a plan did not succeed, for the form it returns to."""
    error = outcome.error
    if error is None:
        return "The plan failed; see the report."
    text = f"{error.headline()}: {error.message}" if error.message else error.headline()
    if outcome.rolled_back:
        text += " (rolled back)"
    return text
