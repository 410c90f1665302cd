"""The exemption expiry calendar in report.json and report.md: in force, lapsing within 14 days of the run."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from audit_sample import IN_FORCE, make_result, mini_catalog

from engine.reports.audit import write_report


def test_expiring_exemptions_are_listed(tmp_path: Path) -> None:
    result = make_result()
    soon = IN_FORCE.__class__(**{**IN_FORCE.__dict__, "expires": dt.date(2026, 12, 1)})  # 9 days after the run
    later = IN_FORCE.__class__(**{**IN_FORCE.__dict__, "resource": "other*", "expires": dt.date(2026, 12, 7)})
    result.exemptions_in_force = [soon, later]
    out = write_report(result, tmp_path, catalog=mini_catalog())  # validates report.json against its schema
    doc = json.loads((out / "report.json").read_text())
    assert [(e["expires"], e["days_left"], e["findings"]) for e in doc["exemptions"]["expiring"]] == \
        [("2026-12-01", 9, 1)]
    md = (out / "report.md").read_text()
    assert "## Exemptions expiring within 14 days" in md and "2026-12-01 (9 day(s))" in md


def test_nothing_expiring_no_section(tmp_path: Path) -> None:
    out = write_report(make_result(), tmp_path, catalog=mini_catalog())
    assert json.loads((out / "report.json").read_text())["exemptions"]["expiring"] == []
    assert "expiring within" not in (out / "report.md").read_text()
