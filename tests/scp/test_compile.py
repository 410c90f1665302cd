"""Compile output: determinism, drift check, sizes and packing, exemptions, root hoisting."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, TODAY
from scp_evaluator import Request, evaluate, scp_levels

from engine.catalog.model import Catalog, Exemption, Setting
from engine.compilers import iam_reference, scp
from engine.compilers.scp_pack import QUOTAS
from engine.errors import CompileError


def _with(catalog: Catalog, **changes: Any) -> Catalog:
    return dataclasses.replace(catalog, **changes)


def _many_services(catalog: Catalog, n: int) -> Catalog:
    services = sorted(iam_reference._raw()["services"])[:n]
    defaults = dict(catalog.defaults)
    defaults["denied-services"] = Setting(enabled=True, mode="prevent", parameters={"services": services})
    return _with(catalog, defaults=defaults)


def test_compile_is_byte_identical_across_runs(catalog: Catalog) -> None:
    assert scp.compile(catalog, TODAY) == scp.compile(catalog, TODAY)


def test_committed_scp_matches_the_catalog(catalog: Catalog) -> None:
    # `ordinance compile --check`: the committed scp/ is what the catalog compiles to today.
    assert scp.check(catalog, REPO / "scp") == []


def test_check_reports_drift_and_stale_files(catalog: Catalog, tmp_path: Path) -> None:
    scp.write(catalog, tmp_path, TODAY)
    assert scp.check(catalog, tmp_path, TODAY) == []
    (tmp_path / "prod" / "ordinance-prod-1.json").write_bytes(b"{}")
    (tmp_path / "prod" / "stale.json").write_bytes(b"{}")
    assert scp.check(catalog, tmp_path, TODAY) == ["prod/ordinance-prod-1.json", "prod/stale.json"]
    scp.write(catalog, tmp_path, TODAY)
    assert scp.check(catalog, tmp_path, TODAY) == []


def test_policy_files_are_minified_api_text(compiled: dict[str, bytes]) -> None:
    manifest = json.loads(compiled["manifest.json"])
    for name, info in manifest["policies"].items():
        data = compiled[info["file"]]
        doc = json.loads(data)
        assert data == json.dumps(doc, sort_keys=True, separators=(",", ":")).encode(), name
        assert info["size"] == len(data) <= manifest["limits"]["max_policy_chars"]
    assert compiled["manifest.json"].endswith(b"}\n")


def test_default_quotas_are_current_and_legacy_is_one_switch_away(catalog: Catalog) -> None:
    lim = json.loads(scp.compile(catalog, TODAY)["manifest.json"])["limits"]
    assert (lim["max_policy_chars"], lim["max_policies_per_target"]) == QUOTAS["current"] == (10_240, 10)
    legacy = json.loads(scp.compile(_with(catalog, scp={"quotas": "legacy"}), TODAY)["manifest.json"])["limits"]
    assert (legacy["max_policy_chars"], legacy["max_policies_per_target"]) == (5_120, 5)


def test_legacy_quotas_force_a_split(catalog: Catalog) -> None:
    big = _many_services(catalog, 400)
    current = json.loads(scp.compile(big, TODAY)["manifest.json"])
    assert len(current["targets"]["root"]["policies"]) == 1
    legacy = scp.compile(_with(big, scp={"quotas": "legacy"}), TODAY)
    manifest = json.loads(legacy["manifest.json"])
    root = manifest["targets"]["root"]["policies"]
    assert len(root) >= 2
    assert all(manifest["policies"][p]["size"] <= 5_120 for p in root)
    # The split changes nothing about what is denied.
    for service in ("a4b", "eks", "lightsail"):
        assert not evaluate(scp_levels(legacy, "prod"), Request(f"{service}:AnyAction")).allowed


def test_over_capacity_names_target_and_overflow(catalog: Catalog) -> None:
    big = _with(_many_services(catalog, 400), scp={"quotas": "legacy", "max_policies_per_target": 2})
    with pytest.raises(CompileError, match=r"target root: .* over by \d+ polic(y|ies), at least \d+ characters"):
        scp.compile(big, TODAY)


def test_attached_elsewhere_counts_against_the_cap(catalog: Catalog) -> None:
    with pytest.raises(CompileError, match=r"target isolated: .*over by 1 polic"):
        scp.compile(_with(catalog, scp={"attached_elsewhere": {"isolated": 9}}), TODAY)


def test_every_deny_exempts_break_glass_and_pipeline(catalog: Catalog, compiled: dict[str, bytes]) -> None:
    principals = sorted(set(catalog.break_glass) | set(catalog.pipeline))
    for path, data in compiled.items():
        if path.count("/") == 1 and path.endswith(".json") and "vpc-bpa" not in path:
            for st in json.loads(data)["Statement"]:
                assert st["Effect"] == "Deny"
                assert st["Condition"]["ArnNotLike"]["aws:PrincipalArn"] == principals


def test_no_principals_means_no_scp(catalog: Catalog) -> None:
    with pytest.raises(CompileError, match="no break-glass"):
        scp.compile(_with(catalog, break_glass=(), pipeline=()), TODAY)


def test_common_statements_go_to_the_root_once(compiled: dict[str, bytes]) -> None:
    manifest = json.loads(compiled["manifest.json"])
    assert "sso-only-access" in manifest["targets"]["root"]["rules_enforced"]
    for name in ("prod", "staging", "isolated"):
        assert "sso-only-access" not in {r for p in manifest["targets"][name]["policies"]
                                         for r in manifest["policies"][p]["rules"]}
    # dev tolerates burstable types, so that rule cannot go to the root.
    assert "no-burstable-instances" not in manifest["targets"]["root"]["rules_enforced"]


def test_account_exemption_is_exactly_one_account(catalog: Catalog) -> None:
    ex = Exemption(rule="denied-services", reason="EKS pilot approved by the platform board", owner="x",
                   expires=dt.date(2027, 1, 1), account="333333333333")
    files = scp.compile(_with(catalog, exemptions=(*catalog.exemptions, ex)), TODAY)
    levels = scp_levels(files, "prod")
    assert evaluate(levels, Request("eks:CreateCluster", account="333333333333")).allowed
    assert not evaluate(levels, Request("eks:CreateCluster", account="444444444444")).allowed
    assert not evaluate(levels, Request("iam:CreateUser", account="333333333333")).allowed


def test_expired_exemption_is_not_compiled(catalog: Catalog) -> None:
    ex = Exemption(rule="denied-services", reason="EKS pilot approved by the platform board", owner="x",
                   expires=dt.date(2026, 1, 1), account="333333333333")
    files = scp.compile(_with(catalog, exemptions=(ex,)), TODAY)
    assert not evaluate(scp_levels(files, "prod"), Request("eks:CreateCluster", account="333333333333")).allowed
    report = json.loads(files["manifest.json"])["exemptions"]
    assert report[0]["compiled_as"].startswith("not compiled: expired")


def test_resource_exemption_is_lint_only(compiled: dict[str, bytes]) -> None:
    report = json.loads(compiled["manifest.json"])["exemptions"]
    versioning = [e for e in report if e["rule"] == "s3-bucket-versioning"]
    assert versioning and versioning[0]["compiled_as"].startswith("lint/audit only")


def test_target_exemption_drops_the_rule_for_that_target_only(catalog: Catalog) -> None:
    ex = Exemption(rule="s3-bucket-versioning", reason="Staging buckets are recreated nightly", owner="x",
                   expires=dt.date(2027, 1, 1), target="staging")
    files = scp.compile(_with(catalog, exemptions=(ex,)), TODAY)
    assert evaluate(scp_levels(files, "staging"), Request("s3:PutBucketVersioning", "arn:aws:s3:::b")).allowed
    assert not evaluate(scp_levels(files, "prod"), Request("s3:PutBucketVersioning", "arn:aws:s3:::b")).allowed


def test_management_account_target_is_refused(catalog: Catalog) -> None:
    targets = dict(catalog.targets)
    targets["mgmt"] = dataclasses.replace(targets["prod"], name="mgmt", ou=None, accounts=("111111111111",))
    with pytest.raises(CompileError, match="management account"):
        scp.compile(_with(catalog, targets=targets), TODAY)


def test_declarative_policies_follow_the_targets(compiled: dict[str, bytes]) -> None:
    iso = json.loads(compiled["isolated/ordinance-isolated-vpc-bpa.json"])
    block = iso["ec2_attributes"]["vpc_block_public_access"]["internet_gateway_block"]
    assert block["mode"]["@@assign"] == "block_bidirectional"
    assert block["exclusions_allowed"]["@@assign"] == "disabled"
    prod = json.loads(compiled["prod/ordinance-prod-vpc-bpa.json"])
    assert prod["ec2_attributes"]["vpc_block_public_access"]["internet_gateway_block"]["mode"]["@@assign"] == \
        "block_ingress"
    assert not any(p.startswith(("dev/", "staging/")) and "vpc-bpa" in p for p in compiled)
    manifest = json.loads(compiled["manifest.json"])
    assert "sg-no-open-egress" in manifest["policies"]["ordinance-isolated-vpc-bpa"]["rules"]


def test_manifest_states_every_rule_coverage(catalog: Catalog, compiled: dict[str, bytes]) -> None:
    rules = json.loads(compiled["manifest.json"])["rules"]
    assert set(rules) == set(catalog.rules)
    for rule_id, info in rules.items():
        assert info["coverage"] == catalog.rules[rule_id].coverage
        if info["coverage"] != "full":
            assert info["reason"], rule_id
    assert rules["sg-no-open-egress"]["coverage"] == "none"
    assert rules["s3-bucket-versioning"]["coverage"] == "partial"
