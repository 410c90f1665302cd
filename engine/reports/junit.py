"""`--format junit`: JUnit XML for CI test tabs (GitLab, Jenkins, Azure DevOps).

One test suite per file, one test case per rule x resource (`classname` the rule, `name` the resource).
Failing findings are <failure>; a rule that crashed is <error>; waived findings and, unless
--unknown fail, undecided ones are <skipped> with the reason, so a reviewer sees them without a red
build. Not-applicable pairs are no test at all. Passing pairs are always test cases: a JUnit report
counts what was checked, whatever --all says. No timestamps: the output is deterministic.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from itertools import groupby

from engine.gate import Gate
from engine.lint import LintReport
from engine.reports.common import label
from engine.resources.model import Finding, Verdict


def _case(suite: ET.Element, f: Finding, gate: Gate) -> None:
    res = f.resource
    case = ET.SubElement(suite, "testcase", {"classname": f.rule_id, "name": res.id,
                                             "file": res.location.file or "", "time": "0"})
    if res.location.line:
        case.set("line", str(res.location.line))
    detail = "\n".join(x for x in (
        f"rule: {f.rule_id} ({f.severity}, {f.level})", f"resource: {res.id} ({res.native_type})",
        f"file: {res.location.file}" + (f":{res.location.line}" if res.location.line else ""),
        f"attribute: {f.path}" if f.path else "", f"reason: {f.reason}" if f.reason else "",
        f"fingerprint: {f.fingerprint}") if x)
    tag = label(f, gate)
    if f.status is Verdict.ERROR:
        ET.SubElement(case, "error", {"type": "error", "message": f.message}).text = detail
    elif f.status is Verdict.WAIVED:
        ET.SubElement(case, "skipped", {"message": f"waived: {f.reason or 'no reason given'}"})
    elif f.status is Verdict.UNKNOWN and not gate.blocks(f):
        ET.SubElement(case, "skipped", {"message": f"{tag}: {f.message}"})
    elif f.status in (Verdict.FAIL, Verdict.UNKNOWN):
        # type tells blocking failures from warnings (detect mode, below threshold, in the baseline).
        kind = "blocking" if gate.blocks(f) else tag
        ET.SubElement(case, "failure", {"type": kind, "message": f.message}).text = detail


# When one rule x resource has several findings (a CloudFormation parameter's other allowed value adds a
# fail beside the default's pass), the worst one is the test case.
_WORST = {Verdict.ERROR: 0, Verdict.FAIL: 1, Verdict.UNKNOWN: 2, Verdict.WAIVED: 3, Verdict.PASS: 4}


def _cases(report: LintReport, gate: Gate) -> list[Finding]:
    worst: dict[tuple[str, str, str], Finding] = {}
    for f in report.findings:
        if f.status is Verdict.NOT_APPLICABLE or (f.status is Verdict.UNKNOWN and not gate.shown(f)):
            continue
        key = (f.resource.location.file or "", f.rule_id, f.resource.id)
        if key not in worst or _WORST[f.status] < _WORST[worst[key].status]:
            worst[key] = f
    return [worst[k] for k in sorted(worst)]


def render(report: LintReport, gate: Gate, include_passing: bool) -> str:
    cases = _cases(report, gate)
    root = ET.Element("testsuites", {"name": "ordinance lint"})
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for file, group in groupby(cases, key=lambda f: f.resource.location.file or "(no file)"):
        suite = ET.SubElement(root, "testsuite", {"name": file})
        for f in sorted(group, key=lambda f: (f.rule_id, f.resource.id)):
            _case(suite, f, gate)
        counts = {
            "tests": len(suite),
            "failures": sum(1 for c in suite if c.find("failure") is not None),
            "errors": sum(1 for c in suite if c.find("error") is not None),
            "skipped": sum(1 for c in suite if c.find("skipped") is not None),
        }
        for k, v in counts.items():
            suite.set(k, str(v))
            totals[k] += v
        suite.set("time", "0")
    for k, v in totals.items():
        root.set(k, str(v))
    for e in report.errors:  # unreadable files are errors of the run, as a suite of their own
        suite = ET.SubElement(root, "testsuite", {"name": e.file, "tests": "1", "failures": "0", "errors": "1",
                                                  "skipped": "0", "time": "0"})
        case = ET.SubElement(suite, "testcase", {"classname": "ordinance.read", "name": e.file, "time": "0"})
        ET.SubElement(case, "error", {"type": "unreadable", "message": e.message})
        root.set("tests", str(int(root.get("tests", "0")) + 1))
        root.set("errors", str(int(root.get("errors", "0")) + 1))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
