"""report.html in a real browser (Debian's chromium, headless): no console errors, right heatmap counts.

Skipped only when chromium is missing on a developer machine; with CI set, a missing chromium fails.
Install it with: apt-get update && apt-get install -y chromium
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from audit_sample import DARK, HOSTILE, PROD_A, F, check_heatmap, finding, mini_catalog, parse

from engine.audit_model import AuditResult
from engine.reports.audit import write_report
from engine.reports.audit.view import build_view

CHROMIUM = Path("/usr/bin/chromium")
# Chromium logs every console message (errors, CSP violations, uncaught exceptions) as CONSOLE lines.
CONSOLE = re.compile(r"CONSOLE|Uncaught")


@pytest.fixture(scope="module")
def chromium() -> Path:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is required in CI for the report.html test: apt-get install -y chromium")
        pytest.skip("chromium not installed (apt-get install -y chromium)")
    return CHROMIUM


def run_chromium(chromium: Path, page: Path, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / "profile"
    profile.mkdir(exist_ok=True)
    cmd = [str(chromium), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", *extra, page.as_uri()]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)


def console_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if CONSOLE.search(line)]


def test_console_detector_sees_errors(chromium: Path, tmp_path: Path) -> None:
    """Guard the guard: a page that throws must be caught by the same check."""
    bad = tmp_path / "bad.html"
    bad.write_text("<!doctype html><html><body><script>undefinedFn()</script></body></html>")
    proc = run_chromium(chromium, bad, tmp_path, "--dump-dom")
    assert any("Uncaught" in line for line in console_lines(proc.stderr)), proc.stderr[-2000:]


def test_report_renders_cleanly_with_the_right_heatmap(chromium: Path, tmp_path: Path, result: AuditResult) -> None:
    result.findings.append(finding("s3-bucket-versioning", PROD_A, "eu-west-1", HOSTILE, F))
    out = write_report(result, tmp_path / "reports", catalog=mini_catalog())
    page = out / "report.html"

    proc = run_chromium(chromium, page, tmp_path, "--dump-dom")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert console_lines(proc.stderr) == []
    dom = parse(proc.stdout)
    assert dom.scripts == 0  # the hostile bucket name stayed text in the live DOM
    assert HOSTILE.replace("<", "&lt;").replace(">", "&gt;") in proc.stdout

    view = build_view(result, mini_catalog())
    cells = dom.cells
    # The extra hostile bucket adds one failing finding to trading-prod's versioning cell.
    assert cells[(PROD_A, "s3-bucket-versioning")]["data-fail"] == "3"
    cells[(PROD_A, "s3-bucket-versioning")]["data-fail"] = "2"
    check_heatmap(cells, [r.id for r in view.rules], [a.account.id for a in view.accounts])
    assert cells[(DARK, "ebs-encryption")]["data-state"] == "na"

    shot = tmp_path / "report.png"
    proc = run_chromium(chromium, page, tmp_path, "--hide-scrollbars", "--window-size=1300,1800",
                        f"--screenshot={shot}")
    assert console_lines(proc.stderr) == []
    assert shot.stat().st_size > 20_000  # a rendered page, not a blank one
