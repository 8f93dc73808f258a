"""One widget per pane of the main screen."""

from __future__ import annotations

from tui.panes.alias import AliasPane
from tui.panes.base import Pane, TablePane
from tui.panes.groups import GroupsPane
from tui.panes.recommendations import RecommendationsPane
from tui.panes.regions import RegionsPane
from tui.panes.users import UsersPane

__all__ = [
    "AliasPane",
    "GroupsPane",
    "Pane",
    "RecommendationsPane",
    "RegionsPane",
    "TablePane",
    "UsersPane",
]
