"""report.json: the machine-readable audit (schema: engine/schemas/audit-report.schema.json).

Deterministic for a given result and previous report: sorted keys, sorted lists, indent 2. The only
time fields are run.started and run.finished (from the result, not the clock).
"""

from __future__ import annotations

import json
from typing import Any

from engine import __version__
from engine.gate import Gate
from engine.reports.audit import calendar, history
from engine.reports.audit.view import OPEN, AccountView, AuditView, GroupView, finding_fingerprint
from engine.reports.json_report import finding_json
from engine.resources.model import Finding

SCHEMA = "audit-report.schema.json"
_GATE = Gate()  # the audit does not gate; `blocking` keeps the linter's meaning for the default gate


def _finding(f: Finding, view: AuditView) -> dict[str, Any]:
    """The linter's finding shape, plus account, region and OU; the fingerprint is the cross-run one."""
    out = finding_json(f, _GATE)
    loc = f.resource.location
    acct = view.by_id.get(loc.account or "")
    out["fingerprint"] = finding_fingerprint(f)
    out["account"] = loc.account or ""
    out["account_name"] = acct.account.name if acct else (loc.account or "")
    out["region"] = loc.region or ""
    out["ou"] = acct.account.ou_path if acct else ""
    return out


def _account(a: AccountView) -> dict[str, Any]:
    return {
        "id": a.account.id, "name": a.account.name, "ou": a.account.ou_path, "target": a.account.target,
        "tags": dict(sorted(a.account.tags.items())), "owner": a.account.owner, "domain": a.account.domain,
        "org_status": a.account.status, "status": a.status, "assessed": a.assessed, "reason": a.reason,
        "by_status": a.counts,
        "by_rule": {rid: {"fail": c["fail"], "waived": c["waived"], "pass": c["pass"],
                          "open": sum(c[s] for s in OPEN)} for rid, c in sorted(a.by_rule.items())},
    }


def _group(g: GroupView) -> dict[str, Any]:
    return {"name": g.name, "accounts": g.accounts, "compliant": g.compliant, "not_assessed": g.not_assessed,
            "by_status": g.counts}


def document(view: AuditView) -> dict[str, Any]:
    r = view.result
    compliant = sum(a.status == "compliant" for a in view.accounts)
    doc: dict[str, Any] = {
        "version": 1,
        "tool": {"name": "ordinance", "version": __version__},
        "organization": view.org_name,
        "run": {"started": r.started.isoformat(), "finished": r.finished.isoformat(), "collector": r.collector,
                "api_calls": r.api_calls, "complete": r.complete},
        "regions": sorted(r.regions),
        "summary": {
            "accounts": len(view.accounts),
            "accounts_assessed": sum(a.assessed for a in view.accounts),
            "accounts_not_assessed": sum(not a.assessed for a in view.accounts),
            "accounts_compliant": compliant,
            "compliance_percent": view.compliance_percent,
            "by_status": view.counts,
            "rules": [r.id for r in view.rules],
        },
        "not_assessed": [{"account": n.account, "account_name": a.account.name, "ou": a.account.ou_path,
                          "region": n.region, "reason": n.reason}
                         for a in view.accounts for n in a.not_assessed],
        "accounts": [_account(a) for a in view.accounts],
        "rules": [{"id": rv.id, "title": rv.title, "severity": rv.severity, "remediation": rv.remediation,
                   "by_status": rv.counts} for rv in view.rules],
        "by_ou": [_group(g) for g in view.by_ou],
        "by_domain": [_group(g) for g in view.by_domain],
        "by_owner": [_group(g) for g in view.by_owner],
        "exemptions": {
            "in_force": [{**e.exemption.to_json(), "findings": e.findings} for e in view.in_force],
            "expired": [{**e.exemption.to_json(), "findings": e.findings} for e in view.expired],
            "expiring": calendar.to_json(view),
        },
        "changes": None,
        "history": history.to_json(view.history),
        "findings": [_finding(f, view) for f in view.findings],
    }
    if view.changes is not None:
        ch = view.changes
        doc["changes"] = {
            "previous": ch.previous, "previous_started": ch.previous_started,
            "new": [i.to_json() for i in ch.new], "fixed": [i.to_json() for i in ch.fixed],
            "still_open": [i.to_json() for i in ch.still_open], "unverified": [i.to_json() for i in ch.unverified],
        }
    return doc


def render(view: AuditView) -> str:
    return json.dumps(document(view), indent=2, sort_keys=True) + "\n"


def validate(doc: dict[str, Any]) -> None:
    """Raise jsonschema.ValidationError when the document breaks the shipped schema."""
    from jsonschema import Draft202012Validator

    from engine.catalog.loader import schema

    Draft202012Validator(schema(SCHEMA)).validate(doc)
