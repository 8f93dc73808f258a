"""``acct-tui report --org`` as plain text, Markdown and CSV.

Text and Markdown: a summary table of every account first, then one section per account,
headed by its id, name and OU path, holding exactly the one-account report (or why the
account was not read). CSV: one row per check per account, with the account's id and name
in the first columns; an account that was not read has one row, ``account-not-read``,
status ``unknown``. AWS text is data here as in the one-account formats
(:mod:`tui.cli.report_text`).
"""

from __future__ import annotations

import csv
import io

from tui.cli.report_data import Unread
from tui.cli.report_org_data import AccountEntry, OrgReport
from tui.cli.report_text import (
    CSV_COLUMNS,
    csv_cell,
    csv_row,
    md,
    md_cell,
    render_markdown,
    render_text,
)
from tui.support.visible import visible


def _header(report: OrgReport) -> list[str]:
    return [
        f"acct-tui {report.tool_version} organization report · {report.benchmark}",
        f"Organization: {report.organization_id} "
        f"(management account {report.management_account_id})",
        f"Role:         {report.role}",
        f"Generated:    {report.generated_at.isoformat(timespec='seconds')}",
        f"Summary:      {report.summary()['verdict']}",
    ]


def _title(e: AccountEntry) -> str:
    return f"{e.id} · {e.name} · {e.ou_path or 'OU unknown'}"


def _why_lines(error: Unread) -> list[str]:
    return [f"{error.action} {error.code}: {error.message}", error.hint]


# ------------------------------------------------------------------------------------- text
def render_org_text(report: OrgReport) -> str:
    lines = _header(report)
    if report.tree_error is not None:
        u = report.tree_error
        lines.append(f"OU paths unknown: {u.action} {u.code}: {visible(u.message)}")
    rows = [("Account", "Name", "OU", "Result")]
    rows += [
        (e.id, visible(e.name), visible(e.ou_path or "?"), visible(e.verdict()))
        for e in report.accounts
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    lines.append("")
    for row in rows:
        cells = [c.ljust(w) for c, w in zip(row[:3], widths, strict=True)]
        lines.append("  ".join([*cells, row[3]]).rstrip())
    for e in report.accounts:
        lines += ["", f"== {visible(_title(e))} ==", ""]
        if e.report is not None:
            lines.append(render_text(e.report).rstrip("\n"))
            continue
        assert e.error is not None
        lines.append(f"Not read: {visible(e.problem)}")
        lines.extend(f"  {visible(line)}" for line in _why_lines(e.error) if line)
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------- markdown
def _demoted(markdown: str, levels: int = 2) -> list[str]:
    """The one-account Markdown with its headings ``levels`` deeper (a section of ours).
    Only its headings start with ``#``: every other line starts with ``|``, ``-`` or
    spaces, and AWS text never starts a line (it is in a list item or a cell)."""
    return [
        ("#" * levels + line) if line.startswith("#") else line for line in markdown.split("\n")
    ]


def render_org_markdown(report: OrgReport) -> str:
    head = _header(report)
    lines = [f"# {md(head[0])}", ""]
    lines += [f"- {md(line)}" for line in head[1:]]
    if report.tree_error is not None:
        u = report.tree_error
        lines.append(f"- OU paths unknown: {md(u.action)} {md(u.code)}: {md(u.message)}")
    lines += ["", "| Account | Name | OU | Status | Result |", "| --- | --- | --- | --- | --- |"]
    for e in report.accounts:
        cells = (e.id, e.name, e.ou_path or "?", e.status, e.verdict())
        lines.append("| " + " | ".join(md_cell(c) for c in cells) + " |")
    lines.append("")
    for e in report.accounts:
        lines += [f"## {md(_title(e))}", ""]
        if e.report is not None:
            lines.extend(_demoted(render_markdown(e.report)))
            continue
        assert e.error is not None
        lines += [f"**Not read:** {md(e.problem)}", ""]
        lines.extend(f"- {md_cell(line)}" for line in _why_lines(e.error) if line)
        lines.append("")
    return "\n".join(lines)


# -------------------------------------------------------------------------------------- csv
ORG_CSV_COLUMNS = ("account_id", "account_name", *CSV_COLUMNS)


def render_org_csv(report: OrgReport) -> str:
    """A header row, then one row per check of each account read, and one
    ``account-not-read`` row for each account that was not."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180 line ends
    writer.writerow(ORG_CSV_COLUMNS)
    for e in report.accounts:
        rows: list[tuple[str, ...]]
        if e.report is not None:
            rows = [csv_row(f) for f in e.report.findings]
        else:
            assert e.error is not None
            reason = "\n".join(line for line in (e.problem, *_why_lines(e.error)) if line)
            rows = [("account-not-read", "", "The account was read", "unknown", "", reason)]
            rows = [row + ("",) * (len(CSV_COLUMNS) - len(row)) for row in rows]
        for row in rows:
            writer.writerow([csv_cell(v) for v in (e.id, e.name, *row)])
    return out.getvalue()
