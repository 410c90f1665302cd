"""The terminal summary `ordinance audit` prints: accounts and rules as rich tables, rendered to a string."""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table
from rich.text import Text

from engine.audit_model import AuditResult
from engine.catalog.model import Catalog
from engine.reports.audit.view import build_view

_ACCOUNT_STYLE = {"compliant": "green", "non_compliant": "bold red", "incomplete": "yellow",
                  "not_assessed": "bold white on red"}
_ACCOUNT_LABEL = {"compliant": "compliant", "non_compliant": "non-compliant", "incomplete": "incomplete",
                  "not_assessed": "NOT ASSESSED"}


def render_summary(result: AuditResult, *, catalog: Catalog | None = None, width: int | None = None,
                   color: bool = False) -> str:
    view = build_view(result, catalog)
    buf = io.StringIO()
    console = Console(file=buf, width=width or 120, force_terminal=color, no_color=not color,
                      highlight=False, soft_wrap=False)

    accounts = Table(title=Text("Accounts", style="bold"), title_justify="left")
    for col, justify in (("account", "left"), ("OU", "left"), ("status", "left"), ("fail", "right"),
                         ("error", "right"), ("unknown", "right"), ("waived", "right"), ("pass", "right")):
        accounts.add_column(col, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for a in view.accounts:
        c = a.counts
        status = Text(_ACCOUNT_LABEL[a.status], style=_ACCOUNT_STYLE[a.status])
        if a.reason:
            status.append(f" ({a.reason})", style="dim" if a.assessed else "red")
        # Text() keeps account names literal: a tag like "[bold]" is not rich markup.
        accounts.add_row(Text(f"{a.account.name} {a.account.id}"), Text(a.account.ou_path), status,
                         *(("-" if not a.assessed else str(c[s])) for s in ("fail", "error", "unknown", "waived",
                                                                             "pass")))
    console.print(accounts)

    rules = Table(title=Text("Rules", style="bold"), title_justify="left")
    for col in ("rule", "severity", "fail", "error", "unknown", "waived", "pass"):
        rules.add_column(col, justify="left" if col in ("rule", "severity") else "right")
    for rv in view.rules:
        k = rv.counts
        rules.add_row(rv.id, rv.severity, *(str(k[s]) for s in ("fail", "error", "unknown", "waived", "pass")))
    console.print(rules)

    c = view.counts
    not_assessed = sum(not a.assessed for a in view.accounts)
    pct = "n/a" if view.compliance_percent is None else f"{view.compliance_percent:g}%"
    console.print(Text(f"{len(view.accounts)} account(s), {len(result.regions)} region(s): {c['fail']} fail, "
                       f"{c['error']} error, {c['unknown']} unknown, {c['waived']} waived, {c['pass']} pass; "
                       f"checks passing {pct}", style="bold"))
    for e in view.expired:
        ex = e.exemption
        console.print(Text(f"expired exemption: {ex.rule} ({ex.scope_text()}) owned by {ex.owner} expired "
                           f"{ex.expires.isoformat()}; it no longer applies", style="yellow"))
    if not_assessed or not result.complete:
        console.print(Text(f"INCOMPLETE: {not_assessed} account(s) not assessed, "
                           f"{len(result.not_assessed)} gap(s) in total; not counted as compliant",
                           style="bold red"))
    return buf.getvalue()
