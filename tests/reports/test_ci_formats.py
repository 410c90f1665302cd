"""JUnit, Markdown and GitHub annotations on the bundled examples, plus golden files for every format.

Golden files: tests/reports/golden/examples.<format>. Regenerate after an intended change with
ORDINANCE_UPDATE_GOLDEN=1 pytest tests/reports, and review the diff.
"""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import jsonschema
import pytest

from engine.gate import Gate
from engine.reports import RENDERERS, renderer
from engine.reports.github import escape_data, escape_property
from engine.resources.model import Verdict

GOLDEN = Path(__file__).resolve().parent / "golden"
SUFFIX = {"json": "json", "sarif": "sarif", "junit": "xml", "markdown": "md", "github": "txt"}


@pytest.mark.parametrize("fmt", sorted(SUFFIX))
def test_exact_output_on_the_examples(fmt: str, examples_report) -> None:  # type: ignore[no-untyped-def]
    text = renderer(fmt)(examples_report, Gate(), False)
    assert text == renderer(fmt)(examples_report, Gate(), False), "deterministic"
    path = GOLDEN / f"examples.{SUFFIX[fmt]}"
    if os.environ.get("ORDINANCE_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text)
    assert text == path.read_text(), f"{path.name} differs; regenerate with ORDINANCE_UPDATE_GOLDEN=1 and review"


def test_every_format_is_registered() -> None:
    from engine.cli import FORMATS

    assert sorted(FORMATS) == sorted(RENDERERS)


def test_junit_has_one_case_per_rule_and_resource(examples_report) -> None:  # type: ignore[no-untyped-def]
    root = ET.fromstring(renderer("junit")(examples_report, Gate(), False))
    cases = [(suite.get("name"), c.get("classname"), c.get("name")) for suite in root for c in suite]
    assert len(cases) == len(set(cases))
    judged = {(f.resource.location.file, f.rule_id, f.resource.id) for f in examples_report.findings
              if f.status is not Verdict.NOT_APPLICABLE}
    assert set(cases) == judged
    failing = {(f.resource.location.file, f.rule_id, f.resource.id) for f in examples_report.findings
               if f.status is Verdict.FAIL}
    failed = {(s.get("name"), c.get("classname"), c.get("name")) for s in root for c in s
              if c.find("failure") is not None}
    assert failed == failing
    assert root.get("tests") == str(len(cases)) and root.get("failures") == str(len(failing))
    for suite in root:
        assert int(suite.get("tests", "0")) == len(suite)
    aurora = root.find(".//testcase[@classname='rds-prefer-aurora']/failure")
    assert aurora is not None and aurora.get("type") == "warn"  # detect mode: a failure, not blocking


def test_markdown_is_a_pr_comment(examples_report) -> None:  # type: ignore[no-untyped-def]
    md = renderer("markdown")(examples_report, Gate(), False)
    assert md.startswith("## ordinance lint\n\n❌ **24 blocking finding(s)**")
    assert "| Rule | Severity | Mode | Blocking | Fail | Warn | Unknown | Waived | Known | Pass |" in md
    assert md.count("<details>") == md.count("</details>") == 3
    assert "<summary><code>examples/terraform/data-platform.plan.json</code>: 9 finding(s), 6 blocking</summary>" in md
    assert "**waived**: exemption (platform-team@northwind.example, until 2027-06-30)" in md


def test_markdown_cells_are_escaped(examples_report) -> None:  # type: ignore[no-untyped-def]
    from engine.reports.markdown import cell

    assert cell("a|b<script>\nc") == "a\\|b&lt;script&gt; c"


def test_github_annotations(examples_report) -> None:  # type: ignore[no-untyped-def]
    lines = renderer("github")(examples_report, Gate(), False).splitlines()
    commands = [line for line in lines if line.startswith("::")]
    pattern = re.compile(r"^::(error|warning|notice) (file=[^,:]+(,line=\d+)?,)?title=[^:,]+::.+$")
    for line in commands:
        assert pattern.match(line), line
    assert ("::error file=examples/cloudformation/legacy-reporting.yaml,line=63,"
            "title=ebs-encryption (high%2C fail)::ReportDataVolume: EBS volume is not encrypted (encrypted = false)"
            in commands)
    kinds = Counter(line[2:].split(" ", 1)[0] for line in commands)
    assert kinds == {"error": 24, "warning": 4, "notice": 1}  # 3 non-blocking + the expired exemption
    assert lines[-1] == "24 blocking finding(s)"


def test_github_escaping() -> None:
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


@pytest.mark.parametrize("fmt", ["console", *sorted(SUFFIX)])
def test_waived_findings_show_with_their_reason_in_every_format(fmt: str, waived_report) -> None:  # type: ignore[no-untyped-def]
    if fmt == "console":
        from engine.reports.console import render

        text = render(waived_report, Gate(), False, width=400)  # wide: no wrapped cells
    else:
        text = renderer(fmt)(waived_report, Gate(), False)
    flat = " ".join(text.split())
    assert "waived" in flat and "Scratch space for a public data set" in flat, text
    # sso-only-access does not allow inline waivers: still a failure, never waived
    statuses = {(f.rule_id, f.status) for f in waived_report.findings}
    assert ("sso-only-access", Verdict.FAIL) in statuses and ("ebs-encryption", Verdict.WAIVED) in statuses


def test_json_report_with_baseline_and_changed_only_matches_the_schema(in_repo: Path, catalog) -> None:  # type: ignore[no-untyped-def]
    from engine import baseline
    from engine.lint import lint
    from engine.reports.json_report import document

    schema = json.loads((in_repo / "engine" / "schemas" / "lint-report.schema.json").read_text())
    report = lint([Path("tests/cli/fixtures")], catalog, changed_only=True)
    report.baseline = baseline.compare(report.findings, {}, report.files)
    doc = document(report, Gate(), True)
    jsonschema.Draft202012Validator(schema).validate(doc)
    assert doc["summary"]["changed_only"] == {"unchanged": 1}
    assert doc["summary"]["baseline"] == {"new": 1, "known": 0, "fixed": []}
