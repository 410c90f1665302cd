"""`ordinance test`: a rule's fixtures judged in every form, with exact results and exit codes.

The first test runs the catalog's own fixtures (tests/policies/): every rule that judges resources has
cases that pass and cases that fail, and every form of every case gives the case's verdict. The
others build a fixtures directory in tmp_path and check that `ordinance test` notices what is wrong.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from engine.catalog.loader import load_catalog
from engine.cli import main

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "policies"
SCHEMA = json.loads((REPO / "engine" / "schemas" / "rule-tests.schema.json").read_text())


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    rc = main(["--catalog", str(REPO), "test", "--format", "json", *args])
    out = capsys.readouterr().out
    doc = json.loads(out)
    Draft202012Validator(SCHEMA).validate(doc)
    return rc, doc


def test_every_rule_gives_the_same_verdict_in_every_form(capsys: pytest.CaptureFixture[str]) -> None:
    rc, doc = _run(capsys, "--require-fixtures")
    failed = [f"{r['rule']}/{r['case']}/{r['form']}: {r.get('detail')}" for r in doc["results"] if not r["ok"]]
    assert (rc, failed, doc["errors"], doc["untested_rules"]) == (0, [], [], [])
    catalog = load_catalog(REPO)
    judged = sorted(rid for rid, rule in catalog.rules.items() if rule.applies_to)
    assert doc["scp_only_rules"] == sorted(set(catalog.rules) - set(judged)) == ["protect-guardrails"]
    cases: dict[str, set[str]] = {}
    forms: dict[tuple[str, str], set[str]] = {}
    for r in doc["results"]:
        cases.setdefault(r["rule"], set()).add(r["expected"])
        forms.setdefault((r["rule"], r["case"]), set()).add(r["form"])
    # Each judging rule proves both verdicts (a rule whose expectation is `always: false`, such as
    # sso-only-access, can only fail); each case is written in at least two forms (else it tests a
    # source, not the promise that the forms agree).
    needs = {rid: {"fail"} if dict(catalog.rules[rid].expect) == {"always": False} else {"pass", "fail"}
             for rid in judged}
    assert {rid: sorted(needs[rid] - cases.get(rid, set())) for rid in judged} == {rid: [] for rid in judged}
    assert sorted(rid for rid in judged if needs[rid] == {"fail"}) == ["no-internet-egress-gateways",
                                                                      "sso-only-access"]
    assert [case for case, f in forms.items() if len(f) < 2] == []
    assert doc["summary"]["passed"] == doc["summary"]["forms"] == len(doc["results"])


def _case(tmp_path: Path, name: str, source: str = "ebs-encryption/fail_unencrypted_volume") -> Path:
    case = tmp_path / "fixtures" / "ebs-encryption" / name
    shutil.copytree(FIXTURES / source, case)
    return case


def test_a_case_whose_forms_disagree_with_its_name_fails_with_each_form_named(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = _case(tmp_path, "pass_mislabelled")  # an unencrypted volume, claimed to pass
    rc, doc = _run(capsys, "ebs-encryption", "--fixtures", str(tmp_path / "fixtures"))
    assert rc == 1
    assert [(r["form"], r["ok"], r["verdicts"], r["detail"]) for r in doc["results"]] == [
        ("cloudformation", False, [{"resource": "DataVolume", "verdict": "fail"}],
         "expected pass everywhere; got DataVolume: fail"),
        ("terraform_plan", False, [{"resource": "aws_ebs_volume.data", "verdict": "fail"}],
         "expected pass everywhere; got aws_ebs_volume.data: fail"),
        ("terraform_hcl", False, [{"resource": "aws_ebs_volume.data", "verdict": "fail"}],
         "expected pass everywhere; got aws_ebs_volume.data: fail"),
        ("config_item", False, [{"resource": "vol-a416b170", "verdict": "fail"}],
         "expected pass everywhere; got vol-a416b170: fail"),
    ]
    assert doc["results"][0]["files"] == [str(case / "template.yaml")]
    assert doc["summary"] == {"forms": 4, "passed": 0, "failed": 4, "errors": 0, "untested_rules": 0}


def test_one_form_that_disagrees_is_the_only_failure(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = _case(tmp_path, "fail_one_form_drifted")
    tf = case / "main.tf"
    tf.write_text(tf.read_text().replace("encrypted         = false", "encrypted         = true"))
    rc, doc = _run(capsys, "ebs-encryption", "--fixtures", str(tmp_path / "fixtures"))
    assert rc == 1
    assert [(r["form"], r["ok"]) for r in doc["results"]] == [
        ("cloudformation", True), ("terraform_plan", True), ("terraform_hcl", False), ("config_item", True)]


def test_a_form_where_the_rule_judges_nothing_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = _case(tmp_path, "fail_only_a_topic")
    for f in case.iterdir():
        f.unlink()
    (case / "template.yaml").write_text("Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n")
    rc, doc = _run(capsys, "ebs-encryption", "--fixtures", str(tmp_path / "fixtures"))
    assert (rc, [(r["ok"], r["verdicts"], r["detail"]) for r in doc["results"]]) == (
        1, [(False, [], "the rule judged no resource here (wrong kind, or the source read nothing)")])


@pytest.mark.parametrize(("setup", "error"), [
    (lambda c: (c / "plan.json").write_text('{"format_version": "1.2", "planned_values": {'),
     "cannot read: invalid JSON: file ends early (truncated?): Expecting property name enclosed in double quotes"),
    (lambda c: (c / "plan.json").write_text((c / "template.yaml").read_text()),
     "cannot read: named as terraform_plan but reads as cloudformation"),
], ids=["truncated-plan", "template-named-plan"])
def test_a_fixture_that_cannot_be_read_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                               setup, error: str) -> None:  # type: ignore[no-untyped-def]
    case = _case(tmp_path, "fail_broken")
    setup(case)
    rc, doc = _run(capsys, "ebs-encryption", "--fixtures", str(tmp_path / "fixtures"))
    plan = next(r for r in doc["results"] if r["form"] == "terraform_plan")
    assert (rc, plan["ok"], plan["verdicts"]) == (2, False, [])
    assert plan["detail"] == error


@pytest.mark.parametrize(("name", "extra", "error"), [
    ("fail_typo", ("plan.jsn", "{}"), "plan.jsn: not a fixture file (expected one of: template.yaml, "
                                      "template.yml, template.json, plan.json, *.tf, config-item.json, case.yaml)"),
    ("unencrypted", None, "unencrypted: a case is a directory named pass_|fail_|unknown_|na_<name>"),
    ("fail_bad_parameter", ("case.yaml", "parameters: {encryption_by_defualt: true}\n"),
     "case.yaml: ebs-encryption has no parameter 'encryption_by_defualt'"),
    ("fail_bad_case_file", ("case.yaml", "expect: pass\n"),
     "case.yaml: expected a mapping with only 'description' and 'parameters'"),
])
def test_fixture_mistakes_are_errors_never_a_pass(tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str,
                                                  extra: tuple[str, str] | None, error: str) -> None:
    case = _case(tmp_path, name)
    if extra is not None:
        (case / extra[0]).write_text(extra[1])
    rc, doc = _run(capsys, "ebs-encryption", "--fixtures", str(tmp_path / "fixtures"))
    assert rc == 2
    assert len(doc["errors"]) == 1 and doc["errors"][0].endswith(error), doc["errors"]
    assert doc["results"] == []


def test_case_parameters_change_the_verdict(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An unencrypted volume passes when the rule is told the account encrypts by default."""
    case = _case(tmp_path, "pass_encrypted_by_default")
    (case / "case.yaml").write_text("description: the account turns on EBS encryption by default\n"
                                    "parameters: {encryption_by_default: true}\n")
    rc, doc = _run(capsys, "ebs-encryption", "--fixtures", str(tmp_path / "fixtures"))
    assert (rc, {r["form"]: r["ok"] for r in doc["results"]}) == (0, {
        "cloudformation": True, "terraform_plan": True, "terraform_hcl": True, "config_item": True})


def test_unknown_rules_and_missing_fixtures(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--catalog", str(REPO), "test", "no-such-rule"]) == 2
    assert capsys.readouterr().err == "ordinance: error: unknown rule id 'no-such-rule' (see `ordinance rules`)\n"
    assert main(["--catalog", str(REPO), "test", "--fixtures", str(tmp_path / "absent")]) == 2
    assert capsys.readouterr().err == (f"ordinance: error: {tmp_path / 'absent'}: no fixtures directory "
                                       "(one folder per rule id, one per case)\n")
    (tmp_path / "fixtures" / "ebs-encryptoin").mkdir(parents=True)  # a folder for a rule that is not there
    rc, doc = _run(capsys, "ebs-encryption", "--fixtures", str(tmp_path / "fixtures"))
    assert (rc, doc["errors"], doc["untested_rules"]) == (
        2, [f"{tmp_path / 'fixtures' / 'ebs-encryptoin'}: no rule with this id in the catalog"], ["ebs-encryption"])
    shutil.rmtree(tmp_path / "fixtures" / "ebs-encryptoin")
    # A rule without fixtures is reported; with --require-fixtures it fails the run.
    assert _run(capsys, "ebs-encryption", "--fixtures", str(tmp_path / "fixtures"))[0] == 0
    assert _run(capsys, "ebs-encryption", "--fixtures", str(tmp_path / "fixtures"), "--require-fixtures")[0] == 1


def test_console_report_names_the_failing_form(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _case(tmp_path, "pass_mislabelled")
    rc = main(["--catalog", str(REPO), "test", "ebs-encryption", "--fixtures", str(tmp_path / "fixtures")])
    out = capsys.readouterr().out
    assert rc == 1
    assert "FAIL ebs-encryption / pass_mislabelled / plan JSON: expected pass everywhere; got aws_ebs_volume.data: fail" \
        in out
    assert out.rstrip().endswith("0 of 4 form(s) gave the expected verdict; 4 failed, 0 fixture error(s)")
