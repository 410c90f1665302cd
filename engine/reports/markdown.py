"""`--format markdown`: a pull-request comment. A verdict line, a summary table per rule, then one
collapsible <details> block per file with its findings. GitHub and GitLab both render it.

Cells are escaped (pipes, HTML, newlines): resource ids and messages come from user input.
"""

from __future__ import annotations

import html
from collections import Counter, defaultdict
from itertools import groupby

from engine.gate import Gate
from engine.lint import LintReport
from engine.reports.common import blocking_count, label, shown, summary_line
from engine.resources.model import Finding, Verdict

_ICON = {"fail": "❌", "error": "💥", "unknown": "❔", "warn": "⚠️", "waived": "🔕", "known": "📌", "pass": "✅",
         "not_applicable": "➖"}


def cell(text: object) -> str:
    return html.escape(str(text), quote=False).replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def _verdict(report: LintReport, gate: Gate) -> str:
    if report.errors:
        return f"💥 **{len(report.errors)} file(s) could not be read: not assessed**"
    blocking = blocking_count(report, gate)
    if blocking:
        return f"❌ **{blocking} blocking finding(s)**"
    return "✅ **No blocking findings**"


def _rule_table(report: LintReport, gate: Gate) -> list[str]:
    per_rule: dict[str, Counter[str]] = defaultdict(Counter)
    for f in report.findings:
        if f.status is not Verdict.NOT_APPLICABLE:
            per_rule[f.rule_id][label(f, gate)] += 1
            per_rule[f.rule_id]["blocking"] += gate.blocks(f)
    active = {a.rule.id: a for a in report.rules}
    lines = ["| Rule | Severity | Mode | Blocking | Fail | Warn | Unknown | Waived | Known | Pass |",
             "|---|---|---|--:|--:|--:|--:|--:|--:|--:|"]
    for rule_id in sorted(per_rule):
        c, a = per_rule[rule_id], active.get(rule_id)
        sev, mode = (a.severity, a.mode) if a else ("", "")
        lines.append(f"| `{cell(rule_id)}` | {sev} | {mode} | {c['blocking']} | {c['fail']} | {c['warn']} | "
                     f"{c['unknown']} | {c['waived']} | {c['known']} | {c['pass']} |")
    return lines


def _details(findings: list[Finding], gate: Gate) -> list[str]:
    out: list[str] = []
    for file, group in groupby(findings, key=lambda f: f.resource.location.file or "(no file)"):
        items = list(group)
        blocking = sum(1 for f in items if gate.blocks(f))
        out += ["<details>", f"<summary><code>{html.escape(file)}</code>: {len(items)} finding(s), "
                f"{blocking} blocking</summary>", "",
                "| | Rule | Severity | Resource | Line | Message |", "|---|---|---|---|--:|---|"]
        for f in items:
            tag = label(f, gate)
            message = f.message
            if f.status is Verdict.WAIVED:
                message += f" — **waived**: {f.reason or 'no reason given'}"
            out.append(f"| {_ICON.get(tag, '')} {tag} | `{cell(f.rule_id)}` | {f.severity} | `{cell(f.resource.id)}` "
                       f"| {f.resource.location.line or '-'} | {cell(message)} |")
        out += ["", "</details>", ""]
    return out


def render(report: LintReport, gate: Gate, include_passing: bool) -> str:
    lines = ["## ordinance lint" + (f" (target `{cell(report.target)}`)" if report.target else ""), "",
             _verdict(report, gate), "", cell(summary_line(report, gate)), ""]
    if any(f.status is not Verdict.NOT_APPLICABLE for f in report.findings):
        lines += _rule_table(report, gate) + [""]
    b = report.baseline
    if b is not None and b.fixed:
        lines += [f"**Fixed since the baseline ({len(b.fixed)})**", ""]
        lines += [f"- `{cell(e.rule_id)}` on `{cell(e.resource)}` in `{cell(e.file)}`" for e in b.fixed] + [""]
    for e in report.errors:
        lines.append(f"- 💥 `{cell(e.file)}`: {cell(e.message)}")
    for ex in report.expired_exemptions:
        lines.append(f"- ⏰ expired exemption: `{cell(ex.rule)}` ({cell(ex.scope_text())}) owned by "
                     f"{cell(ex.owner)}, expired {ex.expires.isoformat()}; it no longer applies")
    if report.errors or report.expired_exemptions:
        lines.append("")
    lines += _details(shown(report, gate, include_passing), gate)
    return "\n".join(lines).rstrip("\n") + "\n"
