"""The compiled artifacts: deterministic bundle, clean import, cfn-lint, and a deploy into moto."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from config_rules_helpers import change_event, corpus_item

from engine.catalog.model import Catalog
from engine.compilers.config_rules import BUNDLE, COMPILED_CATALOG, RUNTIME_FILES, compile

TEMPLATES = ("account.template.yaml", "organization.template.yaml", "organization-member-role.template.yaml")


def test_compile_is_byte_identical(catalog: Catalog, compiled: dict[str, bytes]) -> None:
    assert compile(catalog) == compiled


def test_bundle_layout(compiled: dict[str, bytes]) -> None:
    with zipfile.ZipFile(io.BytesIO(compiled[BUNDLE])) as zf:
        infos = zf.infolist()
        assert [i.filename for i in infos] == sorted((*RUNTIME_FILES, COMPILED_CATALOG))
        assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
        assert {i.external_attr >> 16 for i in infos} == {0o100644}
        for info in infos:  # the sources beside the zip are exactly what it holds
            assert zf.read(info) == compiled[f"src/{info.filename}"]
    manifest = json.loads(compiled["manifest.json"])
    assert manifest["bundle"]["bytes"] == len(compiled[BUNDLE])
    for name, data in compiled.items():
        if name.endswith(".json"):
            assert data.endswith(b"\n") and json.loads(data) is not None


def test_manifest_scopes(compiled: dict[str, bytes]) -> None:
    rules = json.loads(compiled["manifest.json"])["rules"]
    ebs = rules["ebs-encryption"]
    assert "AWS::EC2::Instance" not in ebs["resource_types"]
    assert ebs["resource_types"] == ["AWS::AutoScaling::LaunchConfiguration", "AWS::EC2::LaunchTemplate",
                                     "AWS::EC2::Volume"]
    assert ebs["triggers"][-1] == "ScheduledNotification"
    assert [g["kind"] for g in ebs["not_covered"]] == ["ec2.instance"]
    assert "AWS::EKS::Cluster" in rules["denied-services"]["resource_types"]
    assert rules["sso-only-access"]["global_resources_only"] is True
    for rid, rule in rules.items():
        assert rule["config_rule_name"] == f"ordinance-{rid}" and len(rule["config_rule_name"]) <= 64
        assert rule["resource_types"], rid  # no scope-less rule
        assert rule["input_parameters"]["ruleId"] == rid


def _unzip(compiled: dict[str, bytes], tmp_path: Path) -> Path:
    root = tmp_path / "bundle"
    with zipfile.ZipFile(io.BytesIO(compiled[BUNDLE])) as zf:
        zf.extractall(root)
    return root


CLEAN_IMPORT = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
import engine.lambda_handler as lh
assert lh.__file__.startswith(sys.argv[1]), lh.__file__
heavy = sorted(m for m in ("yaml", "jsonschema", "rich", "boto3", "botocore") if m in sys.modules)
engine_mods = sorted(m for m in sys.modules if m == "engine" or m.startswith("engine."))
sent = []
class Recorder:
    def put_evaluations(self, **kw):
        sent.append(kw)
        return {"FailedEvaluations": []}
lh.client_factory = lambda service: Recorder()
lh.handler(json.loads(sys.argv[2]), None)
print(json.dumps({"heavy": heavy, "engine": engine_mods,
                  "types": [e["ComplianceType"] for e in sent[0]["Evaluations"]]}))
"""


def test_handler_imports_from_a_clean_directory(compiled: dict[str, bytes], tmp_path: Path) -> None:
    root = _unzip(compiled, tmp_path)
    event = change_event(corpus_item("AWS_EC2_Volume"), rule_id="ebs-encryption")
    proc = subprocess.run([sys.executable, "-I", "-c", CLEAN_IMPORT, str(root), json.dumps(event)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["heavy"] == []  # not yaml, jsonschema, rich; boto3 only once a real client is needed
    assert "engine.catalog.loader" not in out["engine"]
    assert out["types"] == ["COMPLIANT"]


@pytest.mark.parametrize("name", TEMPLATES)
def test_templates_pass_cfn_lint(compiled: dict[str, bytes], name: str) -> None:
    api = pytest.importorskip("cfnlint.api")
    matches = api.lint_all(compiled[name].decode("utf-8"))
    # No errors and no warnings; informational hints change between cfn-lint releases.
    assert [str(m) for m in matches if not m.rule.id.startswith("I")] == []


def test_deploy_into_moto(compiled: dict[str, bytes], monkeypatch: pytest.MonkeyPatch) -> None:
    boto3 = pytest.importorskip("boto3")
    moto = pytest.importorskip("moto")
    from engine import lambda_handler

    for key, value in {"AWS_DEFAULT_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "testing",
                       "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(key, value)
    manifest = json.loads(compiled["manifest.json"])
    with moto.mock_aws():
        role = boto3.client("iam").create_role(
            RoleName="ordinance-config-rules", AssumeRolePolicyDocument=json.dumps({
                "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                         "Principal": {"Service": "lambda.amazonaws.com"}}]}))
        fn = boto3.client("lambda").create_function(
            FunctionName="ordinance-config-rules", Runtime=manifest["bundle"]["runtime"],
            Handler=manifest["bundle"]["handler"], Role=role["Role"]["Arn"], Code={"ZipFile": compiled[BUNDLE]})
        config = boto3.client("config")
        for rule in manifest["rules"].values():
            details: list[dict[str, Any]] = [{"EventSource": "aws.config", "MessageType": t} for t in rule["triggers"]]
            for d in details:
                if d["MessageType"] == "ScheduledNotification":
                    d["MaximumExecutionFrequency"] = "TwentyFour_Hours"
            config.put_config_rule(ConfigRule={
                "ConfigRuleName": rule["config_rule_name"], "Scope": {"ComplianceResourceTypes": rule["resource_types"]},
                "Source": {"Owner": "CUSTOM_LAMBDA", "SourceIdentifier": fn["FunctionArn"], "SourceDetails": details},
                "InputParameters": json.dumps(rule["input_parameters"])})
        deployed = config.describe_config_rules()["ConfigRules"]
        assert sorted(r["ConfigRuleName"] for r in deployed) == sorted(
            r["config_rule_name"] for r in manifest["rules"].values())
        # The real boto3 path end to end: TESTMODE makes moto accept put_evaluations.
        lambda_handler.use_catalog(json.loads(compiled[f"src/{COMPILED_CATALOG}"]))
        lambda_handler._clients.clear()
        try:
            out = lambda_handler.handler(
                change_event(corpus_item("AWS_EC2_Volume"), rule_id="ebs-encryption", token="TESTMODE"), None)
        finally:
            lambda_handler.use_catalog(None)
            lambda_handler._clients.clear()
        assert out["evaluations"] == {"COMPLIANT": 1}
