"""``acct-tui report`` as plain text, Markdown and CSV.

Text from AWS (user names, policy names, error messages) is data:

- text: printed as it is, except that characters which would drive a terminal (ESC, other
  controls, bidi overrides) are shown as visible stand-ins (:func:`tui.support.visible`);
  no colour, no Rich markup, ever;
- Markdown: the characters Markdown would read (``|``, ``*``, ``_``, ``[``, ``]``, ``~``,
  backslash, backtick) are backslash-escaped, ``<`` and ``&`` become entities (no HTML),
  and a line break in a table cell becomes ``<br>``;
- CSV: RFC 4180 through the ``csv`` module; a cell that a spreadsheet would run as a
  formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab or a CR) gets a leading ``'``.
"""

from __future__ import annotations

import csv
import io
import re

from tui.aws.findings import Finding, Status
from tui.cli.report_data import Report, fix_document, severity_name
from tui.support.visible import visible

_LABEL = {Status.FAIL: "FAIL", Status.UNKNOWN: "UNKNOWN", Status.INFO: "INFO", Status.PASS: "PASS"}


def _cis(finding: Finding) -> str:
    return "CIS " + ", ".join(finding.cis) if finding.cis else "no CIS id"


def _header(report: Report) -> list[str]:
    account = report.account_id or "unknown (sts:GetCallerIdentity failed)"
    if report.account_alias:
        account += f" ({report.account_alias})"
    return [
        f"acct-tui {report.tool_version} report · {report.benchmark}",
        f"Account:   {account}",
        f"Caller:    {report.caller_arn or 'unknown'}",
        f"Generated: {report.generated_at.isoformat(timespec='seconds')}",
    ]


# ------------------------------------------------------------------------------------- text
def _text_finding(f: Finding) -> list[str]:
    lines = [
        f"[{_LABEL[f.status]}] {f.id} · {_cis(f)} · {severity_name(f.severity)}",
        f"  {f.title}",
        f"  Why: {visible(f.reason)}",
    ]
    if f.subjects:
        lines.append(f"  Affected: {', '.join(visible(s) for s in f.subjects)}")
    fix = fix_document(f)
    if fix is not None:
        lines.append(
            f"  Fix{' (once known)' if f.status is Status.UNKNOWN else ''}: {fix['label']}"
        )
        lines.extend(f"    {n}. {visible(s)}" for n, s in enumerate(fix["console_steps"], 1))
        if fix["url"]:
            lines.append(f"    {fix['url']}")
    return lines


def render_text(report: Report) -> str:
    lines = _header(report)
    for finding in report.findings:
        lines.append("")
        lines.extend(_text_finding(finding))
    if report.unread:
        lines += ["", "Not read (the checks that need it are unknown):"]
        for u in report.unread:
            lines.append(f"  {u.part}: {u.action} {u.code}: {visible(u.message)}")
            if u.hint:
                lines.append(f"    {visible(u.hint)}")
    lines += ["", f"Summary: {report.summary_line()}"]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------- markdown
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def md(text: str) -> str:
    """``text`` escaped for Markdown prose (line breaks become spaces)."""
    text = visible(text).replace("&", "&amp;").replace("<", "&lt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def md_cell(text: str) -> str:
    """``text`` escaped for a Markdown table cell: ``|`` escaped, line breaks as ``<br>``."""
    lines = re.split(r"\r\n|\r|\n", text)
    return "<br>".join(md(line) for line in lines)


def _md_details(f: Finding) -> list[str]:
    lines = [f"### {md(f.id)}: {md(f.title)}", ""]
    lines.append(f"- Status: **{f.status.value}**, severity {severity_name(f.severity)}")
    lines.append(f"- {md(_cis(f))}")
    lines.append(f"- Why: {md_cell(f.reason)}")
    if f.subjects:
        lines.append(f"- Affected: {', '.join(md(s) for s in f.subjects)}")
    fix = fix_document(f)
    if fix is not None:
        lines.append(f"- Fix: {md(fix['label'])}")
        lines.extend(f"  {n}. {md_cell(s)}" for n, s in enumerate(fix["console_steps"], 1))
        if fix["url"]:
            lines.append(f"  <{fix['url']}>")
    return [*lines, ""]


def render_markdown(report: Report) -> str:
    lines = [f"# {md(_header(report)[0])}", ""]
    lines += [f"- {md(line)}" for line in _header(report)[1:]]
    lines += ["", f"**{md(report.summary_line())}**", ""]
    lines += [
        "| Status | Severity | Check | CIS | Title | Reason |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for f in report.findings:
        cells = (
            _LABEL[f.status],
            severity_name(f.severity),
            md_cell(f.id),
            md_cell(", ".join(f.cis)),
            md_cell(f.title),
            md_cell(f.reason),
        )
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "## Details", ""]
    for f in report.findings:
        lines.extend(_md_details(f))
    if report.unread:
        lines += ["## Not read", ""]
        lines += [
            f"- {md(u.part)}: {md(u.action)} {md(u.code)}: {md(u.message)}" for u in report.unread
        ]
        lines.append("")
    return "\n".join(lines)


# -------------------------------------------------------------------------------------- csv
CSV_COLUMNS = (
    "id",
    "cis",
    "title",
    "status",
    "severity",
    "reason",
    "subjects",
    "fix",
    "console_steps",
    "url",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: str) -> str:
    """``value`` that no spreadsheet runs as a formula (a leading ``'`` when it could)."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def csv_row(f: Finding) -> tuple[str, ...]:
    """One check's cells, in :data:`CSV_COLUMNS` order (not yet made formula-safe)."""
    fix = fix_document(f) or {"label": "", "console_steps": [], "url": None}
    return (
        f.id,
        " ".join(f.cis),
        f.title,
        f.status.value,
        severity_name(f.severity),
        f.reason,
        "\n".join(f.subjects),
        fix["label"],
        "\n".join(fix["console_steps"]),
        fix["url"] or "",
    )


def render_csv(report: Report) -> str:
    """A header row, then one row per check; several values in a cell are one per line."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180 line ends
    writer.writerow(CSV_COLUMNS)
    for f in report.findings:
        writer.writerow([csv_cell(v) for v in csv_row(f)])
    return out.getvalue()
