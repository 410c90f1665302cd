"""Trends across runs: open (failing) findings per rule over the last N reports, and time to fix.

Built from earlier report.json documents plus the current view, so no extra state is kept anywhere.
Time to fix: a fingerprint the current or an earlier report lists as "fixed" (proof: read again and no
longer failing) is timed from the first run of its unbroken open streak to the run that fixed it. A
streak that starts at the oldest run in the window is a lower bound and is flagged as such.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.resources.model import Verdict

RUNS = 10  # the window: this run and up to 9 before it


@dataclass
class Run:
    name: str
    started: dt.datetime
    open_by_fp: dict[str, str]  # fingerprint -> rule id, failing in this run
    fixed: set[str]  # fingerprints this run proved fixed


@dataclass
class History:
    runs: list[str]  # oldest first; the last one is this run
    open_by_rule: dict[str, list[int]] = field(default_factory=dict)
    time_to_fix: dict[str, dict[str, Any]] = field(default_factory=dict)  # rule -> fixed, median_days, ...


def run_from_doc(name: str, doc: Mapping[str, Any]) -> Run:
    return Run(name, dt.datetime.fromisoformat(doc["run"]["started"]),
               {f["fingerprint"]: f["rule_id"] for f in doc.get("findings", []) if f["status"] == "fail"},
               {i["fingerprint"] for i in (doc.get("changes") or {}).get("fixed", [])})


def run_from_view(name: str, view: Any) -> Run:
    from engine.reports.audit.view import finding_fingerprint

    return Run(name, view.result.started,
               {finding_fingerprint(f): f.rule_id for f in view.findings if f.status is Verdict.FAIL},
               {i.fingerprint for i in view.changes.fixed} if view.changes else set())


def build(runs: Sequence[Run], rules: Sequence[str]) -> History:
    runs = list(runs)[-RUNS:]
    hist = History([r.name for r in runs])
    all_rules = sorted(set(rules) | {rid for r in runs for rid in r.open_by_fp.values()})
    for rid in all_rules:
        hist.open_by_rule[rid] = [sum(1 for v in r.open_by_fp.values() if v == rid) for r in runs]
    days: dict[str, list[float]] = {}
    bounded: dict[str, int] = {}
    for k in range(1, len(runs)):
        for fp in runs[k].fixed:
            rule = runs[k - 1].open_by_fp.get(fp)
            if rule is None:
                continue
            first = k - 1
            while first > 0 and fp in runs[first - 1].open_by_fp:
                first -= 1
            days.setdefault(rule, []).append((runs[k].started - runs[first].started).total_seconds() / 86400)
            if first == 0:
                bounded[rule] = bounded.get(rule, 0) + 1
    for rid, d in sorted(days.items()):
        hist.time_to_fix[rid] = {"fixed": len(d), "median_days": round(statistics.median(d), 1),
                                 "max_days": round(max(d), 1), "lower_bounds": bounded.get(rid, 0)}
    return hist


def local_docs(out_dir: Path, before: str, limit: int = RUNS - 1) -> list[tuple[str, Mapping[str, Any]]]:
    """Up to `limit` earlier report.json documents under out_dir, oldest first; unreadable ones skipped."""
    from engine.reports.audit import _order

    if not out_dir.is_dir():
        return []
    found = sorted((key, p) for p in out_dir.iterdir()
                   if (key := _order(p.name)) and key[0] <= before and (p / "report.json").is_file())
    out = []
    for _, p in found[-limit:]:
        try:
            out.append((p.name, json.loads((p / "report.json").read_text(encoding="utf-8"))))
        except (OSError, ValueError):
            continue  # a damaged old report must not stop today's
    return out


def sparkline(values: Sequence[int], width: int = 120, height: int = 24) -> str:
    """An inline SVG polyline (no script, no external reference: the report's CSP allows it)."""
    if not values:
        return ""
    top = max(values) or 1
    step = width / max(len(values) - 1, 1)
    pts = " ".join(f"{i * step:.1f},{height - 2 - (v / top) * (height - 4):.1f}" for i, v in enumerate(values))
    label = ", ".join(str(v) for v in values)
    return (f'<svg class="spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
            f'aria-label="open findings per run: {label}"><polyline fill="none" stroke="currentColor" '
            f'stroke-width="1.5" points="{pts}"/></svg>')


def to_json(hist: History | None) -> dict[str, Any] | None:
    if hist is None:
        return None
    return {"runs": hist.runs, "open_by_rule": hist.open_by_rule, "time_to_fix": hist.time_to_fix}
