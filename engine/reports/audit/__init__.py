"""Org-wide audit reports: report.json, report.md and report.html under reports/<UTC timestamp>/.

The three files are built in a hidden temporary sibling directory and the directory is renamed into
place at the end, so a crash leaves no half report and an earlier report is never overwritten.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from engine.artifacts import write_atomic
from engine.audit_model import AuditResult
from engine.catalog.model import Catalog
from engine.errors import OrdinanceError
from engine.reports.audit import history, html, json_doc, markdown
from engine.reports.audit.summary import render_summary
from engine.reports.audit.view import AuditView, build_view

__all__ = ["find_previous", "render_summary", "stamp", "write_report"]

_REPORT_DIR = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z)(?:-(\d+))?$")


def stamp(when: dt.datetime) -> str:
    """2026-11-22T04-49-01Z: sortable, and legal in every file system (no colons)."""
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC)
    return when.strftime("%Y-%m-%dT%H-%M-%SZ")


def _order(name: str) -> tuple[str, int] | None:
    m = _REPORT_DIR.match(name)
    return (m.group(1), int(m.group(2) or 1)) if m else None


def find_previous(out_dir: Path, before: str | None = None) -> Path | None:
    """The newest report directory with a report.json, at or before the `before` stamp when given."""
    if not out_dir.is_dir():
        return None
    found: list[tuple[tuple[str, int], Path]] = []
    for p in out_dir.iterdir():
        key = _order(p.name)
        if key and (before is None or key[0] <= before) and (p / "report.json").is_file():
            found.append((key, p))
    return max(found)[1] if found else None


def _load_previous(path: Path) -> tuple[str, Mapping[str, Any]]:
    file = path / "report.json" if path.is_dir() else path
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise OrdinanceError(f"cannot read the previous report {file}: {exc}") from exc
    return (file.parent.name, data)


def _history(view: AuditView, name: str, earlier: list[tuple[str, Mapping[str, Any]]]) -> history.History:
    runs = [history.run_from_doc(n, d) for n, d in earlier] + [history.run_from_view(name, view)]
    return history.build(runs, [r.id for r in view.rules])


def _render_all(view: AuditView) -> dict[str, bytes]:
    doc = json_doc.document(view)
    json_doc.validate(doc)  # never ship a report.json that breaks its own schema
    return {
        "report.json": (json.dumps(doc, indent=2, sort_keys=True) + "\n").encode(),
        "report.md": markdown.render(view).encode(),
        "report.html": html.render(view).encode(),
    }


def _publish(tmp: Path, out_dir: Path, name: str) -> Path:
    """Rename tmp to out_dir/name, or name-2, name-3, ...: an existing report is never replaced."""
    n = 1
    while True:
        final = out_dir / (name if n == 1 else f"{name}-{n}")
        if not final.exists():
            try:
                # rename(2) onto a non-empty directory fails, so a racing writer cannot be clobbered.
                os.rename(tmp, final)
                return final
            except OSError:
                if not final.exists():
                    raise
        n += 1


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_report(result: AuditResult, out_dir: Path, *, catalog: Catalog | None = None,
                 previous: Path | None = None) -> Path:
    """Write report.json, report.md and report.html to out_dir/<UTC start time>/ and return that directory.

    previous: a report directory (or its report.json) to diff against; default: the newest earlier
    report under out_dir.
    """
    name = stamp(result.started)
    if previous is None:
        previous = find_previous(out_dir, before=name)
    view = build_view(result, catalog, _load_previous(previous) if previous else None)
    view.history = _history(view, name, history.local_docs(out_dir, before=name))
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = out_dir / f".tmp-{name}-{secrets.token_hex(4)}"
    tmp.mkdir()
    try:
        for file, data in _render_all(view).items():
            write_atomic(tmp / file, data)
        _fsync_dir(tmp)
        final = _publish(tmp, out_dir, name)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _fsync_dir(out_dir)
    return final
