"""report.html: the organization's compliance at a glance, in one self-contained file.

No scripts, no external fonts, stylesheets or images: the page opens from a ticket attachment or an
air-gapped share. Collapsing uses <details>. Every string from AWS or the catalog goes through `_e`.
"""

from __future__ import annotations

from html import escape

from engine import __version__
from engine.catalog.model import severity_rank
from engine.reports.audit import heatmap
from engine.reports.audit.style import CSS
from engine.reports.audit.view import AuditView, ChangeItem, ExemptionView, GroupView, RuleView

_SOON_DAYS = 30
_STATUSES = ("fail", "error", "unknown", "waived", "pass")


def _e(s: object) -> str:
    return escape(str(s), quote=True)


def _kpi(n: object, label: str, cls: str, title: str = "") -> str:
    return f'<div class="kpi {cls}" title="{_e(title)}"><div class="n">{_e(n)}</div><div class="l">{_e(label)}</div></div>'


def _pct(view: AuditView) -> str:
    return "n/a" if view.compliance_percent is None else f"{view.compliance_percent:g}%"


def _header(view: AuditView) -> str:
    r = view.result
    minutes = (r.finished - r.started).total_seconds() / 60
    regions = ", ".join(sorted(r.regions)) or "none"
    return (f'<header class="top"><div class="inner"><h1>Compliance audit · {_e(view.org_name)}</h1>'
            f'<div class="meta">Run {_e(r.started.strftime("%Y-%m-%d %H:%M UTC"))} · {minutes:.0f} min · '
            f'{len(view.accounts)} accounts · regions {_e(regions)} · collector {_e(r.collector)} · '
            f'{r.api_calls} API calls</div></div></header>')


def _nav(view: AuditView) -> str:
    links = [("summary", "Summary"), ("not-assessed", "Not assessed"), ("heatmap", "Heatmap"),
             ("changes", "Changes"), ("offenders", "Worst offenders"), ("groups", "By OU / domain / owner"),
             ("exemptions", "Exemptions"), ("findings", "Findings & remediation")]
    return '<nav><div class="inner">' + "".join(f'<a href="#{a}">{t}</a>' for a, t in links) + "</div></nav>"


def _summary(view: AuditView) -> str:
    c = view.counts
    n = len(view.accounts)
    na = sum(not a.assessed for a in view.accounts)
    compliant = sum(a.status == "compliant" for a in view.accounts)
    if na or not view.result.complete:
        gaps = len(view.result.not_assessed)
        banner = (f'<div class="banner bad">Incomplete audit: {na} of {n} accounts could not be assessed '
                  f'({gaps} gap(s) in total, see below). They are shown as “not assessed” and are not counted '
                  f'as compliant.</div>')
    else:
        banner = '<div class="banner good">Every account and region was assessed.</div>'
    tiles = [
        _kpi(_pct(view), "checks passing", "score", "pass / (pass + fail + error + unknown); waived not counted"),
        _kpi(f"{compliant}/{n}", "accounts compliant", "score", "fully assessed, no fail, error or unknown"),
        _kpi(na, "accounts not assessed", "na bad" if na else "na"),
        _kpi(c["fail"], "fail", "fail"), _kpi(c["error"], "error", "error"), _kpi(c["unknown"], "unknown", "unknown"),
        _kpi(c["waived"], "waived", "waived"), _kpi(c["pass"], "pass", "pass"),
    ]
    return f'<section id="summary">{banner}<div class="kpis">{"".join(tiles)}</div></section>'


def _not_assessed(view: AuditView) -> str:
    rows = [(a, n) for a in view.accounts for n in a.not_assessed]
    if not rows:
        return ('<section id="not-assessed"><h2>Not assessed</h2><p class="note">None: every account and '
                'region was read.</p></section>')
    body = "".join(
        f'<tr><td><b>{_e(a.account.name)}</b><br><span class="mono muted">{_e(a.account.id)}</span></td>'
        f'<td>{_e(a.account.ou_path)}</td><td>{"whole account" if n.region is None else _e(n.region)}</td>'
        f'<td>{_e(n.reason)}</td></tr>' for a, n in rows)
    return (f'<section id="not-assessed" class="na-box" style="margin-top:20px"><h2>Not assessed ({len(rows)})</h2>'
            f'<p class="note">These could not be read. Nothing is known about their compliance; they are '
            f'<b>not</b> counted as compliant.</p><table class="data"><thead><tr><th>Account</th><th>OU</th>'
            f'<th>Scope</th><th>Reason</th></tr></thead><tbody>{body}</tbody></table></section>')


def _change_rows(items: list[ChangeItem], names: dict[str, str]) -> str:
    if not items:
        return '<p class="note">None.</p>'
    body = "".join(f'<tr><td><code>{_e(i.rule_id)}</code></td><td><span class="sev {i.severity}">{i.severity}'
                   f'</span></td><td>{_e(names.get(i.account, i.account))}<br><span class="mono muted">'
                   f'{_e(i.account)}</span></td><td>{_e(i.region or "global")}</td>'
                   f'<td class="mono">{_e(i.resource)}</td></tr>' for i in items)
    return (f'<table class="data"><thead><tr><th>Rule</th><th>Severity</th><th>Account</th><th>Region</th>'
            f'<th>Resource</th></tr></thead><tbody>{body}</tbody></table>')


def _changes(view: AuditView) -> str:
    ch = view.changes
    if ch is None:
        return ('<section id="changes"><h2>Changes since the previous report</h2><p class="note">No previous '
                'report: this is the first audit in this directory.</p></section>')
    since = f" ({_e(ch.previous_started)})" if ch.previous_started else ""
    tiles = (_kpi(len(ch.new), "new", "fail") + _kpi(len(ch.fixed), "fixed", "pass")
             + _kpi(len(ch.still_open), "still open", "unknown"))
    if ch.unverified:
        tiles += _kpi(len(ch.unverified), "not re-checked", "na bad", "failing before; not assessed this run")
    names = {a.account.id: a.account.name for a in view.accounts}
    parts = [("New", ch.new, True), ("Fixed", ch.fixed, True), ("Still open", ch.still_open, False)]
    if ch.unverified:
        parts.append(("Not re-checked: failing before, account or region not assessed now", ch.unverified, True))
    lists = "".join(f'<details class="rule"{" open" if opened and items else ""}><summary>{t} ({len(items)})'
                    f'</summary><div class="body">{_change_rows(items, names)}</div></details>' for t, items, opened in parts)
    return (f'<section id="changes"><h2>Changes since the previous report</h2><p class="note">Compared with '
            f'{_e(ch.previous)}{since}. Failing findings are matched by rule, account, region and resource.</p>'
            f'<div class="delta">{tiles}</div>{lists}</section>')


def _offenders(view: AuditView) -> str:
    accts = view.worst_accounts(10)
    a_rows = "".join(
        f'<tr><td><b>{_e(a.account.name)}</b> <span class="mono muted">{_e(a.account.id)}</span></td>'
        f'<td>{_e(a.account.ou_path)}</td><td>{_e(a.account.owner) if a.account.owner else "&ndash;"}</td>'
        f'<td class="num">{a.critical_high_fail}</td><td class="num">{a.counts["fail"]}</td></tr>' for a in accts)
    res = view.worst_resources(10)
    names = {a.account.id: a.account.name for a in view.accounts}
    r_rows = "".join(
        f'<tr><td class="mono">{_e(rid)}</td><td>{_e(names.get(acct, acct))}</td><td>{_e(region)}</td>'
        f'<td class="num">{ch}</td><td class="num">{total}</td></tr>' for acct, region, rid, ch, total in res)
    empty = '<tr><td colspan="5" class="muted">No failing findings.</td></tr>'
    return (f'<section id="offenders"><h2>Worst offenders</h2><p class="note">Ranked by failing critical and '
            f'high findings, then all failing findings.</p><div class="grid2"><div><h3>Accounts</h3>'
            f'<table class="data"><thead><tr><th>Account</th><th>OU</th><th>Owner</th><th class="num">Crit/high</th>'
            f'<th class="num">All fail</th></tr></thead><tbody>{a_rows or empty}</tbody></table></div>'
            f'<div><h3>Resources</h3><table class="data"><thead><tr><th>Resource</th><th>Account</th><th>Region</th>'
            f'<th class="num">Crit/high</th><th class="num">All fail</th></tr></thead><tbody>{r_rows or empty}'
            f'</tbody></table></div></div></section>')


def _group_table(title: str, label: str, groups: list[GroupView]) -> str:
    rows = []
    for g in groups:
        assessed = g.accounts - g.not_assessed
        width = round(100 * g.compliant / g.accounts) if g.accounts else 0
        na = f' <span class="st not_assessed">{g.not_assessed} n/a</span>' if g.not_assessed else ""
        rows.append(f'<tr><td>{_e(g.name)}</td><td class="num"><span class="bar"><span style="width:{width}%">'
                    f'</span></span>{g.compliant}/{g.accounts}{na}</td><td class="num">{g.counts["fail"]}</td>'
                    f'<td class="num">{g.counts["error"] + g.counts["unknown"]}</td>'
                    f'<td class="num">{g.counts["waived"]}</td><td class="num">{g.counts["pass"] if assessed else "&ndash;"}'
                    f'</td></tr>')
    return (f'<div><h3>{_e(title)}</h3><table class="data"><thead><tr><th>{_e(label)}</th>'
            f'<th class="num">Compliant accts</th><th class="num">Fail</th><th class="num" title="error + unknown">'
            f'Undecided</th><th class="num">Waived</th><th class="num">Pass</th></tr></thead><tbody>{"".join(rows)}'
            f'</tbody></table></div>')


def _groups(view: AuditView) -> str:
    return (f'<section id="groups"><h2>By OU, domain and owner</h2><div class="grid3">'
            f'{_group_table("By OU", "OU", view.by_ou)}'
            f'{_group_table("By domain (tag)", "Domain", view.by_domain)}'
            f'{_group_table("By owner (tag)", "Owner", view.by_owner)}</div></section>')


def _exemption_rows(items: list[ExemptionView], expired: bool, view: AuditView) -> str:
    rows = []
    for ev in items:
        ex = ev.exemption
        left = (ex.expires - view.result.finished.date()).days
        when = _e(ex.expires.isoformat())
        if not expired and left <= _SOON_DAYS:
            when += f' <span class="soon">in {left} d</span>'
        ticket = f'<br><span class="muted">{_e(ex.ticket)}</span>' if ex.ticket else ""
        rows.append(f'<tr{" class=expired" if expired else ""}><td><code>{_e(ex.rule)}</code></td>'
                    f'<td>{_e(ex.scope_text() or "everywhere")}</td><td>{_e(ex.owner)}</td><td>{when}</td>'
                    f'<td>{_e(ex.reason)}{ticket}</td><td class="num">{ev.findings}</td></tr>')
    if not rows:
        return '<p class="note">None.</p>'
    count = "Findings back in force" if expired else "Findings waived"
    return (f'<table class="data"><thead><tr><th>Rule</th><th>Scope</th><th>Owner</th><th>'
            f'{"Expired" if expired else "Expires"}</th><th>Reason</th><th class="num">{count}</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def _exemptions(view: AuditView) -> str:
    return (f'<section id="exemptions"><h2>Exemptions</h2><h3>In force ({len(view.in_force)})</h3>'
            f'{_exemption_rows(view.in_force, False, view)}<h3>Expired ({len(view.expired)})</h3>'
            f'<p class="note">An expired exemption no longer applies: its findings count again.</p>'
            f'{_exemption_rows(view.expired, True, view)}</section>')


def _rule_section(view: AuditView, rv: RuleView) -> str:
    # Fails first, then undecided, then waived: what needs action leads.
    shown = sorted((f for f in view.findings if f.rule_id == rv.id and f.status.value != "pass"),
                   key=lambda f: _STATUSES.index(f.status.value))
    names = {a.account.id: a.account.name for a in view.accounts}
    rows = "".join(
        f'<tr><td><span class="st {f.status.value}">{f.status.value}</span></td>'
        f'<td>{_e(names.get(f.resource.location.account or "", f.resource.location.account or ""))}<br>'
        f'<span class="mono muted">{_e(f.resource.location.account or "")}</span></td>'
        f'<td>{_e(f.resource.location.region or "global")}</td><td class="mono">{_e(f.resource.id)}<br>'
        f'<span class="muted">{_e(f.resource.kind)}</span></td><td>{_e(f.message)}'
        + (f'<br><span class="muted">{_e(f.reason)}</span>' if f.reason else "") + "</td></tr>"
        for f in shown)
    counts = ", ".join(f"{rv.counts[s]} {s}" for s in _STATUSES if rv.counts[s]) or "no findings"
    remedy = (f'<div class="remedy"><b>Remediation.</b> {_e(rv.remediation)}</div>' if rv.remediation
              else '<div class="remedy muted">No remediation text in the catalog for this rule.</div>')
    opened = " open" if rv.counts["fail"] or rv.counts["error"] else ""
    return (f'<details class="rule" id="rule-{_e(rv.id)}"{opened}><summary><span class="sev {rv.severity}">'
            f'{rv.severity}</span> <code>{_e(rv.id)}</code> {_e(rv.title)}<span class="counts">{counts}</span>'
            f'</summary><div class="body">{remedy}<table class="data"><thead><tr><th>Status</th><th>Account</th>'
            f'<th>Region</th><th>Resource</th><th>Message</th></tr></thead><tbody>{rows}</tbody></table></div>'
            f'</details>')


def _findings(view: AuditView) -> str:
    # Worst first: the most severe rules lead, so a reader meets the criticals before the lows.
    ordered = sorted(view.rules, key=lambda rv: (-severity_rank(rv.severity), rv.id))
    with_findings = [rv for rv in ordered if any(rv.counts[s] for s in ("fail", "error", "unknown", "waived"))]
    clean = [rv for rv in view.rules if rv not in with_findings]
    sections = "".join(_rule_section(view, rv) for rv in with_findings)
    clean_note = ""
    if clean:
        clean_note = ('<p class="note">No failing, undecided or waived findings: '
                      + ", ".join(f"<code>{_e(rv.id)}</code>" for rv in clean) + ".</p>")
    return (f'<section id="findings"><h2>Findings and remediation, by rule</h2><p class="note">Failing, '
            f'undecided (error, unknown) and waived findings; passing ones are counted above and listed in '
            f'report.json.</p>{sections}{clean_note}</section>')


def _trends(view: AuditView) -> str:
    """Open findings per rule over the last runs, as inline SVG sparklines (no script needed)."""
    from engine.reports.audit.history import sparkline

    hist = view.history
    if hist is None or len(hist.runs) < 2:
        return ""
    rows = "".join(
        f"<tr><td><code>{_e(rid)}</code></td><td>{sparkline(series)}</td><td>{series[-1]}</td>"
        f"<td>{_e(str(hist.time_to_fix[rid]['median_days'])) if rid in hist.time_to_fix else '-'}</td></tr>"
        for rid, series in hist.open_by_rule.items())
    return (f'<section id="trends"><h2>Trends</h2><p class="note">Failing findings per rule over the last '
            f'{len(hist.runs)} runs ({_e(hist.runs[0])} to {_e(hist.runs[-1])}), and the median days to fix.</p>'
            f"<table><thead><tr><th>rule</th><th>trend</th><th>open now</th><th>median days to fix</th></tr>"
            f"</thead><tbody>{rows}</tbody></table></section>")


def render(view: AuditView) -> str:
    title = f"Compliance audit · {view.org_name} · {view.result.started.strftime('%Y-%m-%d %H:%M UTC')}"
    body = "".join((
        _summary(view), _not_assessed(view),
        '<section><h2 id="heatmap-title">Accounts &times; rules</h2><p class="note">Rows are accounts grouped by OU; '
        'columns are rules with their severity (C critical, H high, M medium, L low). Hover a cell for its '
        'counts.</p>',
        heatmap.render(view), "</section>",
        _changes(view), _trends(view), _offenders(view), _groups(view), _exemptions(view), _findings(view),
        f"<footer>Generated by ordinance {_e(__version__)}. report.json in the same directory holds the same "
        "data for machines; report.md is a short summary for a ticket.</footer>",
    ))
    return (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'">'
            f"<title>{_e(title)}</title><style>{CSS}</style></head><body>{_header(view)}{_nav(view)}"
            f"<main>{body}</main></body></html>\n")
