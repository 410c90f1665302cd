"""report.json -> OCSF Compliance Finding events (class_uid 2003), one JSON object per line.

Mapping (OCSF 1.1):
  category_uid 2 (Findings), class_uid 2003, type_uid 200301 (Create) for open/waived findings and
  200303 (Close) for findings fixed since the previous report; time = run finished (epoch ms).
  severity_id: low 2, medium 3, high 4, critical 5 (anything else 1, Informational).
  compliance.status_id: fail 3 (Fail), unknown/error 2 (Warning), fixed 1 (Pass);
  compliance.control = the rule id, compliance.standards = ["ordinance"].
  status_id: 1 New (open), 3 Suppressed (waived, with the waiver reason), 4 Resolved (fixed).
  finding_info.uid = the cross-run fingerprint (same identity as the ASFF Id); cloud.account.uid and
  cloud.region = where the resource lives; resources[0] = {uid: resource id, type: native type}.
Passing checks are not exported, as with ASFF.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from engine import __version__

CLASS_UID, CATEGORY_UID = 2003, 2
_SEVERITY = {"low": 2, "medium": 3, "high": 4, "critical": 5}
_COMPLIANCE = {"fail": (3, "Fail"), "unknown": (2, "Warning"), "error": (2, "Warning"), "waived": (3, "Fail")}


def _event(*, fp: str, rule: Mapping[str, Any], account: str, region: str, resource: Mapping[str, Any],
           severity: str, compliance: tuple[int, str], status: tuple[int, str], activity: tuple[int, str],
           message: str, time_ms: int) -> dict[str, Any]:
    sev_id = _SEVERITY.get(severity.lower(), 1)
    return {
        "class_uid": CLASS_UID, "class_name": "Compliance Finding",
        "category_uid": CATEGORY_UID, "category_name": "Findings",
        "activity_id": activity[0], "activity_name": activity[1], "type_uid": CLASS_UID * 100 + activity[0],
        "time": time_ms, "severity_id": sev_id, "severity": severity.capitalize() if sev_id > 1 else "Informational",
        "status_id": status[0], "status": status[1], "message": message,
        "metadata": {"version": "1.1.0",
                     "product": {"name": "ordinance", "vendor_name": "ordinance", "version": __version__}},
        "finding_info": {"uid": fp, "title": str(rule.get("title") or rule["id"]), "desc": message,
                         "types": ["Software and Configuration Checks"]},
        "compliance": {"status_id": compliance[0], "status": compliance[1], "control": str(rule["id"]),
                       "standards": ["ordinance"]},
        "cloud": {"provider": "AWS", "account": {"uid": account}, "region": region or "global"},
        "resources": [dict(resource)],
        "remediation": {"desc": str(rule.get("remediation") or f"See the ordinance rule {rule['id']}.")},
    }


def to_ocsf(doc: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    rules = {r["id"]: r for r in doc.get("rules", [])}
    time_ms = int(dt.datetime.fromisoformat(str(doc["run"]["finished"])).timestamp() * 1000)
    for f in doc.get("findings", []):
        if f["status"] not in _COMPLIANCE:
            continue
        waived = f["status"] == "waived"
        msg = f.get("message", "") + (f" ({f['reason']})" if f.get("reason") else "")
        yield _event(fp=f["fingerprint"], rule=rules.get(f["rule_id"], {"id": f["rule_id"]}),
                     account=f["account"], region=f["region"],
                     resource={"uid": f["resource"]["id"], "type": f["resource"].get("type") or "Other"},
                     severity=f["severity"], compliance=_COMPLIANCE[f["status"]],
                     status=(3, "Suppressed") if waived else (1, "New"), activity=(1, "Create"),
                     message=msg, time_ms=time_ms)
    for item in (doc.get("changes") or {}).get("fixed", []):
        yield _event(fp=item["fingerprint"], rule=rules.get(item["rule_id"], {"id": item["rule_id"]}),
                     account=item["account"], region=item["region"],
                     resource={"uid": item["resource"], "type": "Other"}, severity=item["severity"],
                     compliance=(1, "Pass"), status=(4, "Resolved"), activity=(3, "Close"),
                     message=f"{item['rule_id']}: fixed since the previous audit", time_ms=time_ms)


def write_ocsf(doc: Mapping[str, Any], path: Path) -> int:
    from engine.artifacts import write_atomic

    lines = [json.dumps(e, sort_keys=True) for e in to_ocsf(doc)]
    write_atomic(path, ("\n".join(lines) + ("\n" if lines else "")).encode())
    return len(lines)
