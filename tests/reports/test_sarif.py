"""SARIF 2.1.0 as GitHub code scanning reads it, validated against the OASIS schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from engine.gate import Gate
from engine.reports import sarif

SCHEMA = json.loads((Path(__file__).resolve().parents[1] / "data" / "sarif-schema-2.1.0.json").read_text())


def _validate(doc: dict) -> None:  # type: ignore[type-arg]
    jsonschema.Draft4Validator(SCHEMA).validate(doc)


def test_examples_validate_against_the_sarif_schema(examples_report) -> None:  # type: ignore[no-untyped-def]
    doc = json.loads(sarif.render(examples_report, Gate(), False))
    _validate(doc)
    _validate(json.loads(sarif.render(examples_report, Gate(), True)))  # passing results too
    run = doc["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "ordinance" and driver["version"] and driver["informationUri"]
    ids = [r["id"] for r in driver["rules"]]
    assert ids == sorted(set(ids)), "rule ids must be unique (GitHub rejects duplicates)"
    for rule in driver["rules"]:
        assert rule["help"]["text"] and rule["help"]["markdown"] and rule["shortDescription"]["text"]
        assert rule["properties"]["security-severity"] in {"9.5", "8.0", "5.5", "3.0"}
        assert rule["defaultConfiguration"]["level"] in {"error", "warning"}
    for result in run["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        loc = result["locations"][0]["physicalLocation"]
        assert loc["region"]["startLine"] >= 1, "GitHub requires a region"
        assert not loc["artifactLocation"]["uri"].startswith(("/", "file:")), "relative to the repo root"
        assert len(result["partialFingerprints"]["ordinance/v1"]) == 16


def test_plan_findings_point_at_the_plan_and_carry_the_address(examples_report) -> None:  # type: ignore[no-untyped-def]
    doc = json.loads(sarif.render(examples_report, Gate(), False))
    (eks,) = [r for r in doc["runs"][0]["results"] if r["ruleId"] == "denied-services"]
    loc = eks["locations"][0]
    assert loc["physicalLocation"]["artifactLocation"]["uri"] == "examples/terraform/data-platform.plan.json"
    assert loc["physicalLocation"]["region"] == {"startLine": 1}
    assert loc["logicalLocations"][0]["fullyQualifiedName"] == "aws_eks_cluster.analytics"
    assert eks["message"]["text"].startswith("aws_eks_cluster.analytics: ")
    assert eks["level"] == "error" and eks["properties"]["planAction"] == "create"


def test_cloudformation_findings_carry_their_line(examples_report) -> None:  # type: ignore[no-untyped-def]
    doc = json.loads(sarif.render(examples_report, Gate(), False))
    vol = [r for r in doc["runs"][0]["results"] if r["locations"][0]["logicalLocations"][0]["name"] == "ReportDataVolume"]
    assert vol[0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 63
    assert vol[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == \
        "examples/cloudformation/legacy-reporting.yaml"


def test_waived_findings_are_suppressed_with_their_reason(examples_report, waived_report) -> None:  # type: ignore[no-untyped-def]
    exempt = [r for r in json.loads(sarif.render(examples_report, Gate(), False))["runs"][0]["results"]
              if "suppressions" in r]
    assert [r["suppressions"][0]["kind"] for r in exempt] == ["external"]  # policies.yaml exemption
    assert "Build cache is rebuilt" in exempt[0]["suppressions"][0]["justification"]
    doc = json.loads(sarif.render(waived_report, Gate(), False))
    _validate(doc)
    (inline,) = [r for r in doc["runs"][0]["results"] if "suppressions" in r]
    assert inline["suppressions"][0] == {"kind": "inSource", "status": "accepted",
                                         "justification": "inline waiver: Scratch space for a public data set, "
                                                          "wiped nightly: nothing to protect"}


def test_detect_mode_and_below_threshold_findings_are_warnings(examples_report) -> None:  # type: ignore[no-untyped-def]
    doc = json.loads(sarif.render(examples_report, Gate(severity_threshold="critical"), False))
    levels = {(r["ruleId"], r["level"]) for r in doc["runs"][0]["results"] if "suppressions" not in r}
    assert ("rds-prefer-aurora", "warning") in levels and ("ebs-encryption", "warning") in levels
    assert ("sso-only-access", "error") in levels
