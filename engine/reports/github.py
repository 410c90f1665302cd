"""`--format github`: GitHub Actions workflow commands, one annotation per finding.

`::error file=F,line=N,title=T::message` for blocking findings, `::warning` for the rest, `::notice` for
waived ones (with the reason). Plan findings have no line: the annotation sits on the file.
Escaping follows GitHub's runner (toolkit `command.ts`): data escapes % CR LF; property values also
escape : and ,. Anything else on stdout is a plain log line.
"""

from __future__ import annotations

from engine.gate import Gate
from engine.lint import LintReport
from engine.reports.common import blocking_count, label, repo_path, shown, summary_line
from engine.resources.model import Finding, Verdict


def escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(s: str) -> str:
    return escape_data(s).replace(":", "%3A").replace(",", "%2C")


def _command(f: Finding, gate: Gate) -> str:
    if f.status is Verdict.WAIVED:
        cmd = "notice"
    elif f.status is Verdict.ERROR or gate.blocks(f):
        cmd = "error"
    elif f.status in (Verdict.PASS, Verdict.NOT_APPLICABLE):
        cmd = "notice"
    else:
        cmd = "warning"
    props = []
    file = repo_path(f.resource.location.file)
    if file:
        props.append(f"file={escape_property(file)}")
    if f.resource.location.line:
        props.append(f"line={f.resource.location.line}")
    props.append(f"title={escape_property(f'{f.rule_id} ({f.severity}, {label(f, gate)})')}")
    message = f"{f.resource.id}: {f.message}"
    if f.status is Verdict.WAIVED:
        message += f" [waived: {f.reason or 'no reason given'}]"
    return f"::{cmd} {','.join(props)}::{escape_data(message)}"


def render(report: LintReport, gate: Gate, include_passing: bool) -> str:
    lines = [_command(f, gate) for f in shown(report, gate, include_passing)]
    for e in report.errors:
        lines.append(f"::error file={escape_property(repo_path(e.file) or e.file)},"
                     f"title={escape_property('ordinance: unreadable')}::{escape_data(e.message)}")
    for ex in report.expired_exemptions:
        lines.append(f"::warning title={escape_property('ordinance: expired exemption')}::"
                     + escape_data(f"{ex.rule} ({ex.scope_text()}) owned by {ex.owner} expired "
                                   f"{ex.expires.isoformat()}; it no longer applies"))
    b = report.baseline
    for fixed in b.fixed if b is not None else ():
        lines.append(f"::notice file={escape_property(fixed.file)},title={escape_property('ordinance: fixed')}::"
                     + escape_data(f"{fixed.rule_id} on {fixed.resource} no longer occurs; "
                                   "remove it from the baseline"))
    lines.append(summary_line(report, gate))
    lines.append(f"{blocking_count(report, gate)} blocking finding(s)")
    return "\n".join(lines) + "\n"
