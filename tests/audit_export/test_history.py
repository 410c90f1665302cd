"""Trends over consecutive local reports: open findings per rule, time to fix, and the HTML sparkline."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from audit_sample import base_findings, make_result, mini_catalog

from engine.reports.audit import write_report
from engine.reports.audit.history import sparkline

DAY = dt.timedelta(days=1)
T0 = dt.datetime(2026, 11, 20, 4, 0, 0, tzinfo=dt.UTC)


def test_trend_and_time_to_fix(tmp_path: Path) -> None:
    fs = base_findings()
    without_raw = [f for f in fs if f.resource.id != "trades-raw"]
    without_dev = [f for f in without_raw if not f.resource.id.startswith("i-0dev")]
    for i, findings in enumerate((fs, fs, without_raw, without_dev)):
        out = write_report(make_result(findings, started=T0 + i * DAY), tmp_path, catalog=mini_catalog())
    doc = json.loads((out / "report.json").read_text())
    hist = doc["history"]
    assert len(hist["runs"]) == 4 and hist["runs"][-1] == out.name
    assert hist["open_by_rule"]["s3-bucket-versioning"] == [2, 2, 1, 1]
    assert hist["open_by_rule"]["no-burstable-instances"] == [3, 3, 3, 0]
    # trades-raw: open since the first run (a lower bound), fixed on the third: 2 days.
    assert hist["time_to_fix"]["s3-bucket-versioning"] == {"fixed": 1, "median_days": 2.0, "max_days": 2.0,
                                                          "lower_bounds": 1}
    assert hist["time_to_fix"]["no-burstable-instances"]["fixed"] == 3
    assert hist["time_to_fix"]["no-burstable-instances"]["median_days"] == 3.0
    page = (out / "report.html").read_text()
    assert 'id="trends"' in page and page.count('<svg class="spark"') == len(hist["open_by_rule"])
    assert "## Time to fix (last 4 runs)" in (out / "report.md").read_text()


def test_first_run_has_no_trend_section(tmp_path: Path) -> None:
    out = write_report(make_result(), tmp_path, catalog=mini_catalog())
    assert json.loads((out / "report.json").read_text())["history"]["runs"] == [out.name]
    assert 'id="trends"' not in (out / "report.html").read_text()


def test_sparkline() -> None:
    svg = sparkline([3, 0, 5])
    assert svg.startswith("<svg") and "<script" not in svg and 'aria-label="open findings per run: 3, 0, 5"' in svg
    assert sparkline([]) == "" and "points=" in sparkline([0])
