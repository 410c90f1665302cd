"""report.md: a short summary to paste into a ticket or a chat message.

Every string that came from AWS (names, resource ids, reasons) goes through `_text` or `_code`, so a
hostile tag cannot break a table or inject markup.
"""

from __future__ import annotations

import re

from engine.reports.audit import calendar
from engine.reports.audit.view import AuditView, ChangeItem

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")
_LIST_LIMIT = 20


def _text(s: object) -> str:
    return _MD_SPECIAL.sub(r"\\\1", str(s)).replace("\n", " ")


def _code(s: object) -> str:
    # A code span cannot escape backticks; swap them so the span stays closed.
    return "`" + str(s).replace("`", "'").replace("|", "\\|").replace("\n", " ") + "`"


def _changes(title: str, items: list[ChangeItem]) -> list[str]:
    out = [f"**{title}: {len(items)}**", ""]
    for i in items[:_LIST_LIMIT]:
        region = f" {_text(i.region)}" if i.region else ""
        out.append(f"- {_code(i.rule_id)} {_code(i.resource)} in {_text(i.account)}{region} ({i.severity})")
    if len(items) > _LIST_LIMIT:
        out.append(f"- … and {len(items) - _LIST_LIMIT} more (see report.json)")
    if items:
        out.append("")
    return out


def render(view: AuditView) -> str:
    r, c = view.result, view.counts
    assessed = sum(a.assessed for a in view.accounts)
    compliant = sum(a.status == "compliant" for a in view.accounts)
    pct = "n/a" if view.compliance_percent is None else f"{view.compliance_percent:g}%"
    lines = [
        f"# Compliance audit: {_text(view.org_name)}",
        "",
        f"Run {r.started.isoformat()} to {r.finished.isoformat()} ({r.collector}), regions: "
        f"{_text(', '.join(sorted(r.regions)) or 'none')}.",
        "",
        f"- **Accounts:** {len(view.accounts)}; assessed {assessed}, **not assessed "
        f"{len(view.accounts) - assessed}**, compliant {compliant}",
        f"- **Checks passing:** {pct} (pass / pass + fail + error + unknown; waived not counted)",
        f"- **Findings:** {c['fail']} fail, {c['error']} error, {c['unknown']} unknown, {c['waived']} waived, "
        f"{c['pass']} pass",
        "",
    ]
    not_assessed = [a for a in view.accounts if a.not_assessed]
    if not_assessed:
        lines += ["## Not assessed (not counted as compliant)", ""]
        for a in not_assessed:
            for n in a.not_assessed:
                where = "whole account" if n.region is None else _text(n.region)
                lines.append(f"- **{_text(a.account.name)}** ({_text(a.account.id)}, {_text(a.account.ou_path)}), "
                             f"{where}: {_text(n.reason)}")
        lines.append("")
    else:
        lines += ["Every account and region was assessed.", ""]

    lines += ["## Rules", "", "| Rule | Severity | Fail | Error | Unknown | Waived | Pass |",
              "|---|---|---:|---:|---:|---:|---:|"]
    for rv in view.rules:
        k = rv.counts
        lines.append(f"| {_code(rv.id)} {_text(rv.title)} | {rv.severity} | {k['fail']} | {k['error']} | "
                     f"{k['unknown']} | {k['waived']} | {k['pass']} |")
    lines.append("")

    worst = view.worst_accounts(5)
    if worst:
        lines += ["## Top offenders", "", "| Account | OU | Owner | Critical/high fail | All fail |",
                  "|---|---|---|---:|---:|"]
        for a in worst:
            lines.append(f"| {_text(a.account.name)} ({_text(a.account.id)}) | {_text(a.account.ou_path)} | "
                         f"{_text(a.account.owner or '-')} | {a.critical_high_fail} | {a.counts['fail']} |")
        lines.append("")

    ch = view.changes
    if ch is None:
        lines += ["## Changes", "", "No previous report to compare with.", ""]
    else:
        since = f" ({_text(ch.previous_started)})" if ch.previous_started else ""
        lines += [f"## Changes since {_text(ch.previous)}{since}", ""]
        lines += _changes("New", ch.new) + _changes("Fixed", ch.fixed)
        lines += [f"**Still open: {len(ch.still_open)}**", ""]
        if ch.unverified:
            lines += _changes("Not re-checked (account or region not assessed)", ch.unverified)

    if view.expired:
        lines += ["## Expired exemptions (no longer applied)", ""]
        for e in view.expired:
            ex = e.exemption
            lines.append(f"- {_code(ex.rule)} {_text(ex.scope_text())}, owner {_text(ex.owner)}, expired "
                         f"{ex.expires.isoformat()}: {e.findings} open finding(s)")
        lines.append("")
    ttf = view.history.time_to_fix if view.history else {}
    if ttf:
        lines += [f"## Time to fix (last {len(view.history.runs)} runs)", "",
                  "| rule | fixed | median days | max days |", "|---|---|---|---|"]
        for rid, t in ttf.items():
            bound = " (at least: open since the oldest run shown)" if t["lower_bounds"] else ""
            lines.append(f"| {_code(rid)} | {t['fixed']} | {t['median_days']}{bound} | {t['max_days']} |")
        lines.append("")
    soon = calendar.expiring(view)
    if soon:
        lines += [f"## Exemptions expiring within {calendar.HORIZON_DAYS} days", ""]
        for e, left in soon:
            ex = e.exemption
            lines.append(f"- {ex.expires.isoformat()} ({left} day(s)): {_code(ex.rule)} {_text(ex.scope_text())}, "
                         f"owner {_text(ex.owner)}: {e.findings} waived finding(s) come back when it lapses")
        lines.append("")
    lines += ["Full details: report.html (open in a browser) and report.json.", ""]
    return "\n".join(lines)
