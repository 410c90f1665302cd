"""Small helpers the CI renderers share: labels, counts and paths. Presentation only, no verdicts."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path, PurePath

from engine.gate import Gate
from engine.lint import LintReport
from engine.resources.model import Finding, Verdict

STATUSES = ("fail", "unknown", "waived", "error", "pass")


def label(f: Finding, gate: Gate) -> str:
    """What a reader should call this finding: a non-blocking fail is a `warn`, a baselined one `known`."""
    if f.status in (Verdict.FAIL, Verdict.UNKNOWN) and gate.in_baseline(f):
        return "known"
    if f.status is Verdict.FAIL and not gate.blocks(f):
        return "warn"
    return f.status.value


def shown(report: LintReport, gate: Gate, include_passing: bool) -> list[Finding]:
    return [f for f in report.findings if gate.shown(f, include_passing)]


def summary_line(report: LintReport, gate: Gate) -> str:
    counts = Counter(f.status.value for f in report.findings)
    parts = ", ".join(f"{counts.get(s, 0)} {s}" for s in STATUSES)
    line = (f"{report.files_scanned} file(s) scanned, {report.files_skipped} skipped, "
            f"{report.resources} resource(s), {len(report.rules)} rule(s)"
            + (f" for target {report.target}" if report.target else "") + f": {parts}")
    if report.changed_only:
        line += f"; {report.unchanged} unchanged resource(s) not judged (--changed-only)"
    if report.baseline is not None:
        b = report.baseline
        line += f"; baseline: {len(b.new)} new, {len(b.known)} known, {len(b.fixed)} fixed"
    return line


def blocking_count(report: LintReport, gate: Gate) -> int:
    return sum(1 for f in report.findings if gate.blocks(f))


def waived_text(f: Finding) -> str:
    """The message with the waiver's reason: a waived finding always says why."""
    if f.status is Verdict.WAIVED and f.reason:
        return f"{f.message} [waived: {f.reason}]"
    return f.message


def repo_path(file: str | None) -> str | None:
    """The file relative to the working directory with forward slashes (CI runs from the repo root).

    A file outside the working directory keeps its absolute path.
    """
    if not file:
        return None
    p = Path(file)
    if p.is_absolute():
        try:
            p = p.relative_to(Path.cwd())
        except ValueError:
            return PurePath(os.path.normpath(p)).as_posix()
    return PurePath(os.path.normpath(p)).as_posix()
