"""The Access Analyzer fix (CIS 1.19): an external-access analyzer in every enabled Region.

Review (each Region listed, with the aws commands) → plan (one CreateAnalyzer per Region,
each reported, roll back offered) → the new analyzers applied to the posture at once.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from textual.app import App

from tui.aws.analyzers import ANALYZER_TYPE
from tui.aws.control_models import Analyzer, AnalyzerScan
from tui.aws.models import Part
from tui.screens.dialogs.review import ReviewScreen
from tui.screens.plan import PlanScreen

if TYPE_CHECKING:
    from tui.aws.checks import Finding
    from tui.aws.plan import Plan
    from tui.state import AccountState


def _created(scan: AnalyzerScan, plan: Plan, account: str) -> AnalyzerScan:
    """``scan`` with the analyzers ``plan`` created (its steps' ids name Region and name)."""
    made: dict[str, str] = {}
    for step in plan.steps:
        _, region, name = step.id.split(":", 2)
        made[region] = name
    regions = []
    for r in scan.regions:
        new = made.get(r.region)
        if new is not None:
            arn = f"arn:aws:access-analyzer:{r.region}:{account}:analyzer/{new}"
            r = replace(r, analyzers=(*r.analyzers, Analyzer(new, arn, ANALYZER_TYPE, "ACTIVE")))
        regions.append(r)
    return AnalyzerScan(tuple(regions))


async def create_analyzers(state: AccountState, screens: App[Any], finding: Finding) -> None:
    """Create an ACCOUNT analyzer in each enabled Region that has no external-access one."""
    scan = state.posture.analyzers.value
    lacking = scan.lacking if scan is not None else ()
    if scan is None or not lacking:
        state.notify("No Region read lacks an external-access analyzer.", title=finding.title)
        return
    taken = {r.region: [a.name for a in r.analyzers] for r in scan.regions}
    plan = state.service.analyzers_writer.plan_create(lacking, taken)
    review = ReviewScreen(
        f"Create an external-access analyzer in {len(lacking)} Region(s)",
        plan,
        copy=state.copy_text,
    )
    if not await screens.push_screen_wait(review):
        return
    outcome = await screens.push_screen_wait(PlanScreen("Creating analyzers", plan))
    if not outcome.succeeded:
        state.refresh_if_changed(plan)
        return
    account, _ = state.account()
    created = _created(scan, plan, account)
    state.apply_posture(state.posture.with_part("analyzers", Part.ok(created)))
    state.notify(f"Analyzers created in {len(lacking)} Region(s).", title="Access Analyzer")
