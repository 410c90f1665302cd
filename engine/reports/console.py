"""`--format console`: a rich table per file, then a summary. The default for humans."""

from __future__ import annotations

import io
from itertools import groupby

from rich.console import Console
from rich.table import Table
from rich.text import Text

from engine.gate import Gate
from engine.lint import LintReport
from engine.reports.common import label, summary_line
from engine.resources.model import Finding, Verdict

_STATUS_STYLE = {
    "fail": "bold red", "unknown": "yellow", "waived": "cyan", "error": "bold magenta",
    "pass": "green", "not_applicable": "dim",
}
_SEVERITY_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "dim"}


def _status_cell(f: Finding, gate: Gate) -> Text:
    return Text(label(f, gate), style=_STATUS_STYLE.get(f.status.value, ""))


def render(report: LintReport, gate: Gate, include_passing: bool, *, width: int | None = None,
           color: bool | None = None) -> str:
    buf = io.StringIO()
    console = Console(file=buf, width=width or 160, force_terminal=bool(color), no_color=not color,
                      highlight=False, soft_wrap=False)
    shown = [f for f in report.findings if gate.shown(f, include_passing)]
    for file, group in groupby(shown, key=lambda f: f.resource.location.file or "(no file)"):
        table = Table(title=Text(file, style="bold"), title_justify="left", show_lines=False, expand=False)
        table.add_column("status", no_wrap=True)
        table.add_column("rule", no_wrap=True)
        table.add_column("severity", no_wrap=True)
        table.add_column("resource", overflow="fold")
        table.add_column("line", justify="right", no_wrap=True)
        table.add_column("message", overflow="fold", ratio=1)
        for f in group:
            line = f.resource.location.line
            message = f.message if not f.reason or f.status is not Verdict.WAIVED else f"{f.message} [{f.reason}]"
            # Text, never markup strings: ids and messages may contain "[...]" from user input.
            table.add_row(_status_cell(f, gate), Text(f.rule_id), Text(f.severity, style=_SEVERITY_STYLE[f.severity]),
                          Text(f.resource.id), Text(str(line) if line else "-"), Text(message))
        console.print(table)
        console.print()
    for e in report.errors:
        console.print(Text(f"error: {e.file}: {e.message}", style="bold magenta"))
    for ex in report.expired_exemptions:
        console.print(Text(f"expired exemption: {ex.rule} ({ex.scope_text()}) owned by {ex.owner} "
                           f"expired {ex.expires.isoformat()}; it no longer applies", style="yellow"))
    for note in report.notes:
        console.print(Text(f"note: {note}", style="dim"))
    blocking = sum(1 for f in report.findings if gate.blocks(f))
    b = report.baseline
    for fixed in b.fixed if b is not None else ():
        console.print(Text(f"fixed since the baseline: {fixed.rule_id} on {fixed.resource} in {fixed.file}",
                           style="green"))
    console.print(Text(summary_line(report, gate), style="bold"))
    if report.errors:
        console.print(Text(f"{len(report.errors)} file(s) could not be read: not assessed", style="bold magenta"))
    elif blocking:
        console.print(Text(f"{blocking} blocking finding(s)", style="bold red"))
    else:
        console.print(Text("no blocking findings", style="bold green"))
    return buf.getvalue()
