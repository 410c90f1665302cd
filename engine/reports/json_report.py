"""`--format json`: the machine-readable lint report (schema: engine/schemas/lint-report.schema.json)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from engine import __version__
from engine.gate import Gate
from engine.lint import LintReport
from engine.reports.json_text import dumps
from engine.resources.model import Finding, Verdict


def finding_json(f: Finding, gate: Gate, blocking: bool | None = None) -> dict[str, Any]:
    """`blocking`: gate.blocks(f), when the caller has it already."""
    out: dict[str, Any] = {
        "rule_id": f.rule_id,
        "status": f.status.value,
        "severity": f.severity,
        "level": f.level,
        "blocking": gate.blocks(f) if blocking is None else blocking,
        "resource": {"kind": f.resource.kind, "type": f.resource.native_type, "id": f.resource.id},
        "location": f.resource.location.to_json(),
        "message": f.message,
        "path": f.path,
        "fingerprint": f.fingerprint,
    }
    if f.reason:
        out["reason"] = f.reason
    if "action" in f.resource.meta:
        out["resource"]["action"] = f.resource.meta["action"]
    if gate.baseline:
        out["baseline"] = "known" if gate.in_baseline(f) else "new"
    return out


def _blocks(gate: Gate) -> Callable[[Finding], bool]:
    """gate.blocks, asked once per (verdict, level, severity): without a baseline nothing else counts,
    and a large plan has tens of thousands of findings but a handful of those triples."""
    if gate.baseline:
        return gate.blocks
    memo: dict[tuple[Verdict, str, str], bool] = {}

    def blocks(f: Finding) -> bool:
        key = (f.status, f.level, f.severity)
        found = memo.get(key)
        if found is None:
            found = memo[key] = gate.blocks(f)
        return found

    return blocks


def document(report: LintReport, gate: Gate, include_passing: bool) -> dict[str, Any]:
    counts = Counter(f.status for f in report.findings)
    blocks = _blocks(gate)
    shown = [f for f in report.findings if gate.shown(f, include_passing)]
    return {
        "version": 1,
        "tool": {"name": "ordinance", "version": __version__},
        "target": report.target,
        "summary": {
            "files_scanned": report.files_scanned,
            "files_skipped": report.files_skipped,
            "resources": report.resources,
            "rules": sorted(r.rule.id for r in report.rules),
            "by_status": {v.value: counts.get(v, 0) for v in Verdict},
            "blocking": sum(1 for f in report.findings if blocks(f)),
            "errors": [{"file": e.file, "message": e.message} for e in report.errors],
            "expired_exemptions": [e.to_json() for e in report.expired_exemptions],
            "notes": report.notes,
            **({"changed_only": {"unchanged": report.unchanged}} if report.changed_only else {}),
            **({"baseline": report.baseline.to_json()} if report.baseline is not None else {}),
        },
        "findings": [finding_json(f, gate, blocks(f)) for f in shown],
    }


def render(report: LintReport, gate: Gate, include_passing: bool) -> str:
    return dumps(document(report, gate, include_passing)) + "\n"
