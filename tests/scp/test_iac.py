"""Deployment as code: the CloudFormation template passes cfn-lint; Terraform names the same policies."""

from __future__ import annotations

import json
import re

from cfnlint.api import lint_all


def test_cloudformation_passes_cfn_lint(compiled: dict[str, bytes]) -> None:
    matches = lint_all(compiled["cloudformation.json"].decode())
    # Errors and warnings fail; informational hints (they change between cfn-lint releases) do not.
    assert [str(m) for m in matches if not m.rule.id.startswith("I")] == []


def test_cloudformation_carries_the_exact_policy_text(compiled: dict[str, bytes]) -> None:
    template = json.loads(compiled["cloudformation.json"])
    manifest = json.loads(compiled["manifest.json"])
    by_name = {r["Properties"]["Name"]: r["Properties"] for r in template["Resources"].values()}
    assert set(by_name) == set(manifest["policies"])
    for name, info in manifest["policies"].items():
        assert by_name[name]["Content"].encode() == compiled[info["file"]]
        assert by_name[name]["Type"] == info["type"]
    assert by_name["ordinance-root-1"]["TargetIds"] == [{"Ref": "RootId"}]
    assert by_name["ordinance-prod-1"]["TargetIds"] == [{"Ref": "OuIdProd"}]


def test_terraform_attaches_every_policy(compiled: dict[str, bytes]) -> None:
    tf = compiled["terraform/main.tf"].decode()
    manifest = json.loads(compiled["manifest.json"])
    for name, info in manifest["policies"].items():
        res = name.replace("-", "_")
        assert f'resource "aws_organizations_policy" "{res}"' in tf
        assert f'file("${{path.module}}/../{info["file"]}")' in tf
        assert re.search(rf'policy_id = aws_organizations_policy\.{res}\.id', tf)
    assert 'target_id = var.root_id' in tf and 'target_id = var.ou_id_isolated' in tf
