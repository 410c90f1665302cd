"""`ordinance lint` end to end through `main`: format/output pairs, exit codes, changed-only, baselines."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from engine.cli import main

FIXTURES = Path(__file__).resolve().parent / "fixtures"
REPO = Path(__file__).resolve().parents[2]

VOLUME = """\
  {name}:
    Type: AWS::EC2::Volume
    Properties:
      AvailabilityZone: eu-west-1a
      Size: 10
      Encrypted: {encrypted}
"""


def _template(*volumes: tuple[str, bool]) -> str:
    body = "".join(VOLUME.format(name=n, encrypted=str(e).lower()) for n, e in volumes)
    return f'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n{body}'


@pytest.fixture()
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository without policies.yaml: the built-in rules, all in prevent mode."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_several_formats_in_one_run(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (work / "stack.yaml").write_text(_template(("Data", False)))
    rc = main(["lint", "stack.yaml", "--format", "sarif", "--output", "out/r.sarif", "--format", "junit",
               "--output", "out/r.xml", "--format", "markdown", "--output", "out/r.md", "--format", "github"])
    assert rc == 1
    out = capsys.readouterr().out
    assert out.startswith("::error file=stack.yaml,line=3,title=ebs-encryption (high%2C fail)::Data: ")
    assert json.loads((work / "out/r.sarif").read_text())["runs"][0]["results"][0]["ruleId"] == "ebs-encryption"
    assert ET.parse(work / "out/r.xml").getroot().get("failures") == "1"
    assert "❌ **1 blocking finding(s)**" in (work / "out/r.md").read_text()


def test_output_pairs_with_the_format_in_the_same_position(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (work / "stack.yaml").write_text(_template(("Data", True)))
    assert main(["lint", "stack.yaml", "--format", "json", "--output", "r.json", "--format", "console"]) == 0
    assert json.loads((work / "r.json").read_text())["summary"]["blocking"] == 0
    assert "no blocking findings" in capsys.readouterr().out
    assert main(["lint", "stack.yaml", "--output", "console.txt"]) == 0  # no --format: console to the file
    assert "no blocking findings" in (work / "console.txt").read_text()


@pytest.mark.parametrize("argv, message", [
    (["--format", "json", "--format", "sarif"], "only one --format can go to stdout"),
    (["--format", "json", "--output", "a", "--output", "b"], "2 --output for 1 --format"),
    (["--format", "json", "--output", "a", "--format", "sarif", "--output", "a"], "same --output file"),
    (["--output", "a", "--output", "b"], "2 --output for 1 --format"),
])
def test_usage_errors_exit_2(work: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    (work / "stack.yaml").write_text(_template(("Data", False)))
    assert main(["lint", "stack.yaml", *argv]) == 2
    assert message in capsys.readouterr().err
    assert not (work / "a").exists()


def test_unknown_format_and_missing_baseline_exit_2(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (work / "stack.yaml").write_text(_template(("Data", True)))
    with pytest.raises(SystemExit) as exc:
        main(["lint", "stack.yaml", "--format", "html"])
    assert exc.value.code == 2
    assert main(["lint", "stack.yaml", "--baseline", "missing.json"]) == 2
    (work / "bad.json").write_text('{"version": 7}')
    assert main(["lint", "stack.yaml", "--baseline", "bad.json"]) == 2
    assert "not an ordinance baseline" in capsys.readouterr().err


def test_only_non_iac_files_exit_0_with_a_short_message(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (work / "ci.yml").write_text("name: build\non: [push]\n")
    (work / "package.json").write_text('{"name": "x"}')
    assert main(["lint", "ci.yml", "package.json", "--format", "json", "--output", "r.json"]) == 0
    assert "no CloudFormation template or Terraform plan among 2 file(s)" in capsys.readouterr().err
    assert json.loads((work / "r.json").read_text())["summary"]["files_skipped"] == 2


def test_changed_only_skips_untouched_plan_resources(work: Path) -> None:
    shutil.copy(FIXTURES / "noop.plan.json", work / "plan.json")
    assert main(["lint", "plan.json", "--format", "json", "--output", "all.json"]) == 1
    assert main(["lint", "plan.json", "--changed-only", "--format", "json", "--output", "changed.json"]) == 0
    everything = json.loads((work / "all.json").read_text())
    changed = json.loads((work / "changed.json").read_text())
    assert [f["resource"]["id"] for f in everything["findings"]] == ["aws_ebs_volume.legacy"]
    assert everything["findings"][0]["resource"]["action"] == "no-op"
    assert changed["findings"] == [] and changed["summary"]["changed_only"] == {"unchanged": 1}
    # the legacy volume passed denied-services; under --changed-only it is not judged at all
    assert changed["summary"]["by_status"]["pass"] == everything["summary"]["by_status"]["pass"] - 1


def test_changed_only_judges_templates_whose_action_is_unknown(work: Path) -> None:
    (work / "stack.yaml").write_text(_template(("Data", False)))
    assert main(["lint", "stack.yaml", "--changed-only", "--format", "json", "--output", "r.json"]) == 1


def test_baseline_round_trip(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (work / "stack.yaml").write_text(_template(("Old", False), ("Older", False), ("Good", True)))
    assert main(["lint", "stack.yaml", "--write-baseline", "baseline.json", "--format", "json",
                 "--output", "r.json"]) == 0
    doc = json.loads((work / "baseline.json").read_text())
    assert doc["version"] == 1
    assert sorted(e["resource"] for e in doc["fingerprints"].values()) == ["Old", "Older"]
    assert {e["file"] for e in doc["fingerprints"].values()} == {"stack.yaml"}

    # Known findings pass, even when lines move.
    (work / "stack.yaml").write_text(_template(("Good", True), ("Older", False), ("Old", False)))
    assert main(["lint", "stack.yaml", "--baseline", "baseline.json", "--format", "json", "--output", "r.json"]) == 0
    summary = json.loads((work / "r.json").read_text())["summary"]
    assert summary["baseline"] == {"new": 0, "known": 2, "fixed": []} and summary["blocking"] == 0

    # A new finding fails; a fixed one is reported.
    (work / "stack.yaml").write_text(_template(("Old", False), ("Older", True), ("New", False)))
    assert main(["lint", "stack.yaml", "--baseline", "baseline.json", "--format", "json", "--output", "r.json",
                 "--format", "console"]) == 1
    doc = json.loads((work / "r.json").read_text())
    assert doc["summary"]["baseline"] == {
        "new": 1, "known": 1, "fixed": [{"rule_id": "ebs-encryption", "resource": "Older", "file": "stack.yaml"}]}
    assert {(f["resource"]["id"], f["baseline"], f["blocking"]) for f in doc["findings"]} == {
        ("Old", "known", False), ("New", "new", True)}
    out = capsys.readouterr().out
    assert "fixed since the baseline: ebs-encryption on Older in stack.yaml" in out
    assert "baseline: 1 new, 1 known, 1 fixed" in " ".join(out.split())


def test_baseline_does_not_call_unread_files_fixed(work: Path) -> None:
    (work / "a.yaml").write_text(_template(("A", False)))
    (work / "b.yaml").write_text(_template(("B", False)))
    assert main(["lint", "a.yaml", "b.yaml", "--write-baseline", "bl.json", "--format", "json",
                 "--output", "r.json"]) == 0
    assert main(["lint", "a.yaml", "--baseline", "bl.json", "--format", "json", "--output", "r.json"]) == 0
    assert json.loads((work / "r.json").read_text())["summary"]["baseline"]["fixed"] == []


def test_baseline_file_is_deterministic(work: Path) -> None:
    (work / "stack.yaml").write_text(_template(("B", False), ("A", False)))
    for name in ("one.json", "two.json"):
        main(["lint", "stack.yaml", "--write-baseline", name, "--format", "json", "--output", "r.json"])
    one = (work / "one.json").read_text()
    assert one == (work / "two.json").read_text() and one.endswith("}\n")
    assert list(json.loads(one)["fingerprints"]) == sorted(json.loads(one)["fingerprints"])


def test_catalog_from_the_environment(work: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    """ORDINANCE_CATALOG (the container image sets it) stands in for --catalog; the flag still wins."""
    (work / "stack.yaml").write_text(_template(("Data", True)))
    assert main(["lint", "stack.yaml", "--target", "prod"]) == 2  # the built-in rules know no targets
    assert "prod" in capsys.readouterr().err
    monkeypatch.setenv("ORDINANCE_CATALOG", str(REPO))
    assert main(["lint", "stack.yaml", "--target", "prod"]) == 0
    monkeypatch.setenv("ORDINANCE_CATALOG", str(work / "nowhere"))
    assert main(["lint", "stack.yaml"]) == 2
    assert "no policies.yaml here" in capsys.readouterr().err
    assert main(["--catalog", str(REPO), "lint", "stack.yaml", "--target", "prod"]) == 0
