"""`--format sarif`: SARIF 2.1.0 as GitHub code scanning reads it.

What GitHub needs and we guarantee: unique rule ids with help text, a physical location with a region
on every result (startLine 1 when the form has no line: plan JSON), `partialFingerprints` so alerts
survive line moves, and `properties.security-severity` on rules so alerts get a severity.
Waived findings are kept, as suppressed results with the waiver's reason as justification.
Deterministic: sorted, no timestamps.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from engine import __version__
from engine.gate import Gate
from engine.lint import LintReport
from engine.reports.common import repo_path, shown
from engine.resources.model import Finding, Verdict

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://ordinance.dev/"  # the project's home, as in the lint-report schema $id
FINGERPRINT_KEY = "ordinance/v1"
# GitHub's convention: >9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low.
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}


def _rule(active: Any) -> dict[str, Any]:
    rule = active.rule
    refs = [f"{k}: {', '.join(v)}" for k, v in sorted(rule.references.items())]
    help_text = rule.remediation.strip()
    help_md = f"**Remediation.** {help_text}"
    if refs:
        help_text += "\nReferences: " + "; ".join(refs)
        help_md += "\n\n**References.** " + "; ".join(refs)
    help_md += f"\n\nRun `ordinance explain {rule.id}` to see every place this rule is enforced."
    return {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.id.split("-")),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": " ".join(rule.description.split())},
        "help": {"text": help_text, "markdown": help_md},
        "defaultConfiguration": {"level": "error" if active.mode == "prevent" else "warning"},
        "properties": {
            "tags": sorted({"security", "compliance", *(k.split(".")[0] for k in rule.applies_to if k != "*")}),
            "security-severity": SECURITY_SEVERITY[active.severity],
            "precision": "very-high",
            "problem.severity": "error" if active.mode == "prevent" else "warning",
        },
    }


def _level(f: Finding, gate: Gate) -> str:
    """Red is what fails the build: error exactly when the finding blocks, warning otherwise."""
    if f.status in (Verdict.PASS, Verdict.NOT_APPLICABLE):
        return "none"
    if f.status is Verdict.WAIVED:
        return "note"
    return "error" if gate.blocks(f) else "warning"


def _kind(f: Finding) -> str:
    return {Verdict.PASS: "pass", Verdict.NOT_APPLICABLE: "notApplicable",
            Verdict.UNKNOWN: "review"}.get(f.status, "fail")


def _uri(file: str | None) -> str:
    path = repo_path(file)
    if path is None:
        return "unknown"
    return Path(path).as_uri() if path.startswith("/") else path


def _result(f: Finding, gate: Gate, index: dict[str, int]) -> dict[str, Any]:
    res = f.resource
    text = f"{res.id}: {f.message}"
    if f.status is Verdict.WAIVED and f.reason:
        text += f" (waived: {f.reason})"
    out: dict[str, Any] = {
        "ruleId": f.rule_id,
        "ruleIndex": index[f.rule_id],
        "kind": _kind(f),
        "level": _level(f, gate),
        "message": {"text": text},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": {"uri": _uri(res.location.file)},
                # GitHub rejects results without a region; plan JSON has no lines, so point at line 1.
                "region": {"startLine": res.location.line or 1},
            },
            "logicalLocations": [{"name": res.id, "fullyQualifiedName": res.id, "kind": "resource"}],
        }],
        "partialFingerprints": {FINGERPRINT_KEY: f.fingerprint},
        "properties": {"status": f.status.value, "severity": f.severity, "blocking": gate.blocks(f),
                       "resourceType": res.native_type, "resourceKind": res.kind},
    }
    if f.path:
        out["properties"]["attribute"] = f.path
    if "action" in res.meta:
        out["properties"]["planAction"] = res.meta["action"]
    if gate.in_baseline(f):
        out["baselineState"] = "unchanged"
    elif gate.baseline:
        out["baselineState"] = "new"
    if f.status is Verdict.WAIVED:
        reason = f.reason or "waived"
        # Inline waivers live in the template; exemptions in policies.yaml, outside the analysed file.
        kind = "inSource" if reason.startswith("inline waiver") else "external"
        out["suppressions"] = [{"kind": kind, "status": "accepted", "justification": reason}]
    return out


def document(report: LintReport, gate: Gate, include_passing: bool) -> dict[str, Any]:
    rules = sorted(report.rules, key=lambda a: a.rule.id)
    index = {a.rule.id: i for i, a in enumerate(rules)}
    results = [_result(f, gate, index) for f in shown(report, gate, include_passing) if f.rule_id in index]
    notifications = [{"level": "error", "message": {"text": f"{e.file}: {e.message}"},
                      "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(e.file)}}}]}
                     for e in report.errors]
    invocation: dict[str, Any] = {"executionSuccessful": not report.errors}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "ordinance", "version": __version__, "semanticVersion": __version__,
                                "informationUri": INFORMATION_URI, "rules": [_rule(a) for a in rules]}},
            "automationDetails": {"id": f"ordinance/{report.target or 'all'}/"},
            "invocations": [invocation],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }


def render(report: LintReport, gate: Gate, include_passing: bool) -> str:
    return json.dumps(document(report, gate, include_passing), indent=2, sort_keys=True) + "\n"
