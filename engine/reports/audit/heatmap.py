"""The accounts x rules heatmap of report.html: a plain table, colour-scaled by failing findings.

Every cell carries data-account, data-rule, data-state and the counts, so a test (or a person with
dev tools) can read the numbers without parsing colours.
"""

from __future__ import annotations

from html import escape
from itertools import groupby

from engine.reports.audit.view import OPEN, AccountView, AuditView, RuleView

# Fail-count buckets -> CSS class; fixed buckets keep the legend honest across reports.
_BUCKETS = ((10, "f5"), (5, "f4"), (3, "f3"), (2, "f2"), (1, "f1"))


def _e(s: object) -> str:
    return escape(str(s), quote=True)


def _bucket(fail: int) -> str:
    return next(cls for low, cls in _BUCKETS if fail >= low)


def _cell(a: AccountView, rv: RuleView) -> str:
    acct, rule = _e(a.account.id), _e(rv.id)
    if not a.assessed:
        return (f'<td class="c na" data-account="{acct}" data-rule="{rule}" data-state="na" '
                f'title="not assessed: {_e(a.reason or "")}">n/a</td>')
    c = a.by_rule.get(rv.id)
    if c is None:
        return (f'<td class="c empty" data-account="{acct}" data-rule="{rule}" data-state="empty" data-fail="0" '
                f'data-waived="0" data-pass="0" data-open="0" title="{_e(a.account.name)} / {rule}: '
                f'no applicable resources">·</td>')
    undecided = c["error"] + c["unknown"]
    if c["fail"]:
        state, cls = "fail", _bucket(c["fail"])
    elif undecided:
        state, cls = "undecided", "undecided"
    else:
        state, cls = "ok", "ok"
    parts = [f"{c[s]} {s}" for s in ("fail", "error", "unknown", "waived", "pass") if c[s]]
    title = f"{a.account.name} / {rv.id}: " + ", ".join(parts)
    main = str(c["fail"]) if state != "undecided" else f"?{undecided}"
    extra = ""
    if c["fail"] and undecided:
        extra += f"<small>?{undecided}</small>"
    if c["waived"]:
        extra += f'<small class="wv">+{c["waived"]}w</small>'
    return (f'<td class="c {cls}" data-account="{acct}" data-rule="{rule}" data-state="{state}" '
            f'data-fail="{c["fail"]}" data-waived="{c["waived"]}" data-pass="{c["pass"]}" '
            f'data-open="{sum(c[s] for s in OPEN)}" title="{_e(title)}">{main}{extra}</td>')


def _account_head(a: AccountView) -> str:
    owner = f" · {_e(a.account.owner)}" if a.account.owner else ""
    note = ""
    if not a.assessed:
        note = ' <span class="st not_assessed">not assessed</span>'
    elif a.not_assessed:
        note = f' <span class="st incomplete" title="{_e(a.reason or "")}">partial</span>'
    return (f'<th class="acct" scope="row">{_e(a.account.name)}{note}<br>'
            f'<small class="mono">{_e(a.account.id)}</small><small>{owner}</small></th>')


def render(view: AuditView) -> str:
    rules = view.rules
    head = "".join(f'<th class="rule" scope="col" title="{_e(rv.title)}"><div>{_e(rv.id)}</div></th>'
                   for rv in rules)
    # Severity sits in its own row, unrotated, so the badge stays legible.
    sev = "".join(f'<th class="sevrow" title="severity: {rv.severity}"><span class="sev {rv.severity}">'
                  f'{rv.severity[0].upper()}</span></th>' for rv in rules)
    rows: list[str] = []
    for ou, members in groupby(view.accounts, key=lambda a: a.account.ou_path):
        rows.append(f'<tbody><tr class="ou"><th colspan="{len(rules) + 2}">OU {_e(ou or "(root)")}</th></tr>')
        for a in members:
            cells = "".join(_cell(a, rv) for rv in rules)
            total = ('<td class="tot muted">n/a</td>' if not a.assessed
                     else f'<td class="tot" data-account="{_e(a.account.id)}" data-total-fail="{a.counts["fail"]}">'
                          f'{a.counts["fail"]}</td>')
            rows.append(f"<tr>{_account_head(a)}{cells}{total}</tr>")
        rows.append("</tbody>")
    legend = (
        '<div class="legend"><b>Cell = failing findings of that rule in that account.</b>'
        '<span><span class="sw c ok"></span>0 (all checks pass)</span>'
        '<span><span class="sw c f1"></span>1</span><span><span class="sw c f2"></span>2</span>'
        '<span><span class="sw c f3"></span>3&ndash;4</span><span><span class="sw c f4"></span>5&ndash;9</span>'
        '<span><span class="sw c f5"></span>10+</span>'
        '<span><span class="sw c undecided"></span>?n: could not be decided (error/unknown)</span>'
        '<span><span class="sw c na"></span>n/a: account not assessed (never counted as compliant)</span>'
        '<span><span class="sw c empty"></span>· no applicable resources</span>'
        '<span><b class="wv" style="color:#0b5cad">+nw</b> waived by an exemption</span>'
        "</div>"
    )
    return (f'<div class="heat-wrap"><table class="heat" id="heatmap"><thead><tr><th></th>{head}'
            f'<th class="rule"><div>total fail</div></th></tr><tr><th class="sevrow acct">severity</th>{sev}<th></th></tr>'
            f'</thead>{"".join(rows)}</table>{legend}</div>')
