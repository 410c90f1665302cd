"""Terraform plan source: canonical resources and verdicts from `terraform show -json` fixtures.

Fixtures under terraform_plan/ name resources by expected outcome (pass_*, fail_*, unknown_*).
"""

from __future__ import annotations

import contextlib
import json
import time
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from engine.catalog.loader import load_catalog
from engine.catalog.model import ActiveRule
from engine.errors import SourceError
from engine.evaluate import evaluate
from engine.resources.model import UNKNOWN, Resource
from engine.sources import SourceResult
from engine.sources.terraform_plan import load

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "terraform_plan"
REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / ".." / "shared" / "corpus" / "terraform-plan"


@cache
def rules() -> list[ActiveRule]:
    return load_catalog(REPO).active()


def load_fixture(name: str) -> SourceResult:
    path = FIXTURES / name
    return load(path, path.read_bytes())


def by_id(result: SourceResult) -> dict[str, Resource]:
    return {r.id: r for r in result.resources}


def verdicts(resources: list[Resource], rule_id: str) -> dict[str, str]:
    return {f.resource.id: f.status.value for f in evaluate(rules(), resources) if f.rule_id == rule_id}


def vol(device: Any, encrypted: Any) -> dict[str, Any]:
    return {"device": device, "encrypted": encrypted}


def sg(protocol: Any, low: Any, high: Any, cidr: Any, peer: str) -> dict[str, Any]:
    return {"protocol": protocol, "from_port": low, "to_port": high, "cidr": cidr, "peer": peer}


# -- S3 ----------------------------------------------------------------------------------------------


def test_split_and_legacy_s3_buckets() -> None:
    result = load_fixture("s3_split.json")
    res = by_id(result)
    # Satellites are folded into their bucket, never emitted themselves.
    assert list(res) == ["aws_s3_bucket.pass_split", "aws_s3_bucket.fail_split", "aws_s3_bucket.pass_legacy",
                         "aws_s3_bucket.fail_legacy", "aws_s3_bucket.unknown_prefixed"]
    assert res["aws_s3_bucket.pass_split"].attrs == {"versioning": "Enabled", "encryption_algorithm": "aws:kms"}
    assert res["aws_s3_bucket.fail_split"].attrs == {"versioning": "Suspended", "encryption_algorithm": "AES256"}
    assert res["aws_s3_bucket.pass_legacy"].attrs == {"versioning": "Enabled", "encryption_algorithm": "aws:kms"}
    # versioning { enabled = false } is Disabled; no SSE configured -> S3's default SSE-S3.
    assert res["aws_s3_bucket.fail_legacy"].attrs == {"versioning": "Disabled", "encryption_algorithm": "AES256"}
    # bucket_prefix: the name is unknown, so the satellites are linked through configuration references;
    # sse_algorithm comes from a variable set at apply time.
    assert res["aws_s3_bucket.unknown_prefixed"].attrs == {"versioning": "Enabled",
                                                           "encryption_algorithm": UNKNOWN}
    bucket = res["aws_s3_bucket.pass_split"]
    assert (bucket.kind, bucket.native_type, bucket.service) == ("s3.bucket", "aws_s3_bucket", "s3")
    assert bucket.location.file == str(FIXTURES / "s3_split.json") and bucket.location.line is None
    assert bucket.meta == {"action": "create", "tags": {}}
    assert res["aws_s3_bucket.pass_legacy"].meta["action"] == "no-op"
    assert any("aws_s3_bucket_versioning.orphan" in n and "no bucket" in n for n in result.notes)

    assert verdicts(result.resources, "s3-bucket-versioning") == {
        "aws_s3_bucket.pass_split": "pass", "aws_s3_bucket.fail_split": "fail",
        "aws_s3_bucket.pass_legacy": "pass", "aws_s3_bucket.fail_legacy": "fail",
        "aws_s3_bucket.unknown_prefixed": "pass",
    }
    assert verdicts(result.resources, "s3-bucket-encryption-kms") == {
        "aws_s3_bucket.pass_split": "pass", "aws_s3_bucket.fail_split": "fail",
        "aws_s3_bucket.pass_legacy": "pass", "aws_s3_bucket.fail_legacy": "fail",
        "aws_s3_bucket.unknown_prefixed": "unknown",
    }


def test_s3_count_for_each_and_nested_modules() -> None:
    result = load_fixture("s3_modules.json")
    attrs = {r.id: r.attrs for r in result.resources}
    assert attrs == {
        # count: aws_s3_bucket.counted[count.index] pairs satellite [i] with bucket [i]
        "aws_s3_bucket.counted[0]": {"versioning": "Enabled", "encryption_algorithm": "AES256"},
        "aws_s3_bucket.counted[1]": {"versioning": "Suspended", "encryption_algorithm": "AES256"},
        # for_each module: references resolve within the same module instance
        'module.data["eu"].aws_s3_bucket.logs': {"versioning": "Enabled", "encryption_algorithm": "aws:kms"},
        'module.data["us"].aws_s3_bucket.logs': {"versioning": "Suspended", "encryption_algorithm": "AES256"},
        # nested modules + for_each: aws_s3_bucket.this[each.key]
        'module.platform.module.archive.aws_s3_bucket.this["a"]': {"versioning": "Enabled",
                                                                   "encryption_algorithm": "aws:kms"},
        'module.platform.module.archive.aws_s3_bucket.this["b"]': {"versioning": "Enabled",
                                                                   "encryption_algorithm": "AES256"},
    }
    assert result.notes == []
    assert verdicts(result.resources, "s3-bucket-versioning") == {
        "aws_s3_bucket.counted[0]": "pass", "aws_s3_bucket.counted[1]": "fail",
        'module.data["eu"].aws_s3_bucket.logs': "pass", 'module.data["us"].aws_s3_bucket.logs': "fail",
        'module.platform.module.archive.aws_s3_bucket.this["a"]': "pass",
        'module.platform.module.archive.aws_s3_bucket.this["b"]': "pass",
    }
    assert verdicts(result.resources, "s3-bucket-encryption-kms")[
        'module.platform.module.archive.aws_s3_bucket.this["b"]'] == "fail"


# -- EC2 ---------------------------------------------------------------------------------------------


def test_instances_templates_volumes_and_groups() -> None:
    result = load_fixture("ec2.json")
    attrs = {r.id: r.attrs for r in result.resources}
    assert attrs == {
        # No block devices: root_block_device is computed and not configured -> unencrypted root.
        "aws_instance.fail_no_devices": {"instance_type": "t3.micro", "volumes": [vol("root", False)],
                                         "launch_template": None},
        "aws_instance.pass_encrypted": {"instance_type": "m7g.large", "launch_template": None,
                                        "volumes": [vol("root", True), vol("/dev/sdf", True)]},
        "aws_instance.fail_data_volume": {"instance_type": "m7g.large", "launch_template": None,
                                          "volumes": [vol("root", True), vol("/dev/sdg", False)]},
        # The launch template decides the root volume and the type; the template is judged on its own.
        "aws_instance.unknown_from_template": {"launch_template": UNKNOWN, "volumes": [vol("root", UNKNOWN)]},
        "aws_launch_template.pass_lt": {"instance_type": "m7g.large", "volumes": [vol("/dev/xvda", True)]},
        # "false" and "" (unset) are both unencrypted; the instance-store mapping is not an EBS volume.
        "aws_launch_template.fail_lt": {"instance_type": "t3.small",
                                        "volumes": [vol("/dev/xvda", False), vol("/dev/sdb", False)]},
        "aws_launch_template.fail_no_mappings": {"instance_type": "m7g.large", "volumes": []},
        "aws_ebs_volume.fail_volume": {"encrypted": False},
        "aws_ebs_volume.pass_volume": {"encrypted": True},
        "aws_launch_configuration.pass_lc": {"instance_type": "m5.large", "volumes": [vol("root", True)]},
        "aws_autoscaling_group.fail_asg": {"instance_types": [{"instance_type": "m5.large"},
                                                              {"instance_type": "t3.large"}]},
    }
    kinds = {r.id: r.kind for r in result.resources}
    assert kinds["aws_launch_configuration.pass_lc"] == "autoscaling.launch_configuration"
    assert kinds["aws_autoscaling_group.fail_asg"] == "autoscaling.group"
    assert verdicts(result.resources, "ebs-encryption") == {
        "aws_instance.fail_no_devices": "fail", "aws_instance.pass_encrypted": "pass",
        "aws_instance.fail_data_volume": "fail", "aws_instance.unknown_from_template": "unknown",
        "aws_launch_template.pass_lt": "pass", "aws_launch_template.fail_lt": "fail",
        "aws_launch_template.fail_no_mappings": "fail", "aws_ebs_volume.fail_volume": "fail",
        "aws_ebs_volume.pass_volume": "pass", "aws_launch_configuration.pass_lc": "pass",
    }
    burstable = verdicts(result.resources, "no-burstable-instances")
    assert {k for k, v in burstable.items() if v == "fail"} == {
        "aws_instance.fail_no_devices", "aws_launch_template.fail_lt", "aws_autoscaling_group.fail_asg"}


def test_ebs_encryption_by_default_in_the_same_plan() -> None:
    result = load_fixture("ebs_default.json")
    res = by_id(result)
    assert res["aws_ebs_encryption_by_default.this"].kind == "account.ebs_defaults"
    assert res["aws_ebs_encryption_by_default.this"].attrs == {"encryption_by_default": True}
    assert res["aws_instance.pass_by_default"].attrs["volumes"] == [vol("root", False)]
    assert verdicts(result.resources, "ebs-encryption") == {"aws_instance.pass_by_default": "pass"}
    # Without the account switch the same instance fails.
    assert verdicts([res["aws_instance.pass_by_default"]], "ebs-encryption") == {
        "aws_instance.pass_by_default": "fail"}


# -- network -----------------------------------------------------------------------------------------


def test_security_groups_rules_and_gateways() -> None:
    result = load_fixture("network.json")
    res = by_id(result)
    assert res["aws_security_group.pass_no_egress"].attrs == {
        "ingress": [sg("tcp", 443, 443, "10.0.0.0/8", "cidr"), sg("tcp", 443, 443, None, "security_group")],
        "egress": [],  # Terraform removes AWS's default allow-all egress
    }
    assert res["aws_security_group.fail_open"].attrs == {
        "ingress": [sg("tcp", 22, 22, "0.0.0.0/0", "cidr"), sg("tcp", 443, 443, None, "self")],
        "egress": [sg("all", 0, 65535, "0.0.0.0/0", "cidr"), sg("all", 0, 65535, "::/0", "cidr"),
                   sg("all", 0, 65535, None, "prefix_list")],
    }
    # Standalone rules are their own resources; computed source_security_group_id is no peer.
    rule = res["aws_security_group_rule.fail_egress_all"]
    assert (rule.kind, rule.attrs) == ("ec2.security_group_rule",
                                       {"ingress": [], "egress": [sg("all", 0, 65535, "0.0.0.0/0", "cidr")]})
    assert res["aws_vpc_security_group_ingress_rule.fail_ssh"].attrs == {
        "ingress": [sg("tcp", 22, 22, "0.0.0.0/0", "cidr")], "egress": []}
    assert res["aws_vpc_security_group_egress_rule.pass_https_endpoint"].attrs == {
        "ingress": [], "egress": [sg("tcp", 443, 443, None, "prefix_list")]}
    assert res["aws_nat_gateway.fail_public"].attrs == {"connectivity_type": "public"}  # computed -> default
    assert res["aws_nat_gateway.pass_private"].attrs == {"connectivity_type": "private"}
    assert res["aws_internet_gateway.fail_igw"].kind == "ec2.internet_gateway"

    assert verdicts(result.resources, "sg-no-open-egress") == {
        "aws_security_group.pass_no_egress": "pass", "aws_security_group.fail_open": "fail",
        "aws_security_group_rule.fail_egress_all": "fail", "aws_vpc_security_group_ingress_rule.fail_ssh": "pass",
        "aws_vpc_security_group_egress_rule.pass_https_endpoint": "pass",
    }
    assert verdicts(result.resources, "sg-no-public-ssh") == {
        "aws_security_group.pass_no_egress": "pass", "aws_security_group.fail_open": "fail",
        "aws_security_group_rule.fail_egress_all": "pass", "aws_vpc_security_group_ingress_rule.fail_ssh": "fail",
        "aws_vpc_security_group_egress_rule.pass_https_endpoint": "pass",
    }
    assert verdicts(result.resources, "no-internet-egress-gateways") == {
        "aws_internet_gateway.fail_igw": "fail", "aws_nat_gateway.fail_public": "fail",
        "aws_nat_gateway.pass_private": "not_applicable",
    }


# -- actions, RDS, IAM, services ---------------------------------------------------------------------


def test_actions_rds_iam_and_services() -> None:
    result = load_fixture("actions_misc.json")
    res = by_id(result)
    # Pure delete, data sources and other providers are not resources after apply.
    assert "aws_s3_bucket.deleted" not in res
    assert "data.aws_caller_identity.current" not in res and "random_id.suffix" not in res
    assert {r.id: r.meta["action"] for r in result.resources} == {
        "aws_db_instance.pass_db": "create", "aws_rds_cluster.fail_cluster": "create",
        "aws_rds_cluster_instance.member[0]": "create", "aws_eks_cluster.main": "create",
        "aws_iam_user.replaced": "replace", "aws_iam_access_key.kept": "no-op",
        "aws_iam_user_login_profile.console": "update",
    }
    assert res["aws_db_instance.pass_db"].attrs == {"storage_encrypted": True, "engine": "postgres",
                                                   "cluster_member": False}
    assert res["aws_rds_cluster.fail_cluster"].attrs == {"storage_encrypted": False, "engine": "aurora-postgresql"}
    assert res["aws_rds_cluster_instance.member[0]"].attrs == {"engine": "aurora-postgresql", "cluster_member": True}
    eks = res["aws_eks_cluster.main"]
    assert (eks.kind, eks.service, eks.attrs) == ("other", "eks", {})
    assert res["aws_iam_user.replaced"].attrs == {"name": "ci-deployer"}
    assert res["aws_iam_access_key.kept"].attrs == {"user": "ci-deployer"}
    assert res["aws_iam_user_login_profile.console"].kind == "iam.login_profile"
    user = res["aws_iam_user.replaced"]
    assert user.meta["tags"]["team"] == "platform"
    assert user.meta["waivers"] == {"sso-only-access": "legacy CI, PLAT-9", "denied-services": "legacy CI, PLAT-9"}

    assert verdicts(result.resources, "rds-encryption") == {
        "aws_db_instance.pass_db": "pass", "aws_rds_cluster.fail_cluster": "fail",
        "aws_rds_cluster_instance.member[0]": "not_applicable",
    }
    denied = verdicts(result.resources, "denied-services")
    assert denied["aws_eks_cluster.main"] == "fail"
    assert {k for k, v in denied.items() if v != "pass"} == {"aws_eks_cluster.main"}
    # sso-only-access does not accept inline waivers: the replaced user still fails.
    assert verdicts(result.resources, "sso-only-access") == {
        "aws_iam_user.replaced": "fail", "aws_iam_access_key.kept": "fail",
        "aws_iam_user_login_profile.console": "fail",
    }


def test_planned_values_fallback_recurses_child_modules() -> None:
    result = load_fixture("planned_values_only.json")
    assert {r.id: r.attrs for r in result.resources} == {
        "aws_s3_bucket.root": {"versioning": "Enabled", "encryption_algorithm": "AES256"},
        "module.vm.aws_ebs_volume.data": {"encrypted": True},
        "module.vm.module.disk.aws_ebs_volume.scratch": {"encrypted": False},
    }
    assert all(r.meta["action"] is None for r in result.resources)
    assert len(result.notes) == 1 and "planned_values" in result.notes[0]


def test_no_configuration_keeps_unknowns_unknown() -> None:
    doc = json.loads((FIXTURES / "ec2.json").read_text())
    del doc["configuration"]
    result = load(Path("noconfig.json"), json.dumps(doc).encode())
    res = by_id(result)
    # Nothing tells whether the unknown root device is configured: it stays unknown, never a guess.
    assert res["aws_instance.fail_no_devices"].attrs["volumes"] == [vol("root", UNKNOWN), vol(UNKNOWN, UNKNOWN)]
    assert res["aws_ebs_volume.fail_volume"].attrs == {"encrypted": UNKNOWN}
    assert verdicts([res["aws_ebs_volume.fail_volume"]], "ebs-encryption") == {
        "aws_ebs_volume.fail_volume": "unknown"}


def test_malformed_waiver_tag_is_ignored_with_a_note() -> None:
    doc = json.loads((FIXTURES / "actions_misc.json").read_text())
    for rc in doc["resource_changes"]:
        if rc["address"] == "aws_iam_user.replaced":
            rc["change"]["after"]["tags"] = {"ordinance:skip": "sso-only-access"}
    result = load(Path("waiver.json"), json.dumps(doc).encode())
    assert "waivers" not in by_id(result)["aws_iam_user.replaced"].meta
    assert any("ordinance:skip" in n for n in result.notes)


# -- encodings and bad input -------------------------------------------------------------------------


def test_utf16_with_bom() -> None:
    data = (FIXTURES / "utf16_bom.json").read_bytes()
    assert data.startswith(b"\xff\xfe")
    result = load(FIXTURES / "utf16_bom.json", data)
    assert [(r.id, r.attrs) for r in result.resources] == [("aws_ebs_volume.fail_volume", {"encrypted": False})]
    assert verdicts(result.resources, "ebs-encryption") == {"aws_ebs_volume.fail_volume": "fail"}


GOOD = (FIXTURES / "network.json").read_bytes()


@pytest.mark.parametrize(("data", "message", "line"), [
    (b'{"format_version": "1.2",\n "resource_changes": [\n  {"address": }\n ]}', "invalid JSON", 3),
    (GOOD[: len(GOOD) // 2], "truncated", None),
    (b"", "truncated", 1),
    (b'{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}}', "not a Terraform plan", None),
    (b'[{"format_version": "1.0"}]', "not a Terraform plan", None),
    (b'{"format_version": "1.0", "terraform_version": "1.5.7"}', "neither resource_changes nor planned_values",
     None),
    (b'{"format_version": "2.0", "terraform_version": "2.0.0", "resource_changes": []}', "format_version 2.0",
     None),
    (b"\xff\xfe" + b"\x00\xd8", "not UTF-8 or UTF-16", None),
    ((FIXTURES / "invalid_terraform_wrapper.json").read_bytes(), "looks like terraform-wrapper output", 1),
])
def test_bad_input_is_a_source_error(data: bytes, message: str, line: int | None) -> None:
    with pytest.raises(SourceError) as info:
        load(Path("bad.json"), data)
    err = info.value
    assert message in str(err)
    assert "\n" not in str(err)
    assert err.file == "bad.json"
    if line is not None:
        assert err.line == line


def test_format_versions_0_and_1_are_accepted() -> None:
    for version in ("0.1", "0.2", "1.0", "1.2", "1.9"):
        doc: dict[str, Any] = {"format_version": version, "terraform_version": "1.9.5", "resource_changes": []}
        assert load(Path("v.json"), json.dumps(doc).encode()).resources == []


def test_large_plan_is_linear() -> None:
    """Thousands of buckets with satellites linked by reference: no quadratic pairing."""
    n = 5000
    changes: list[dict[str, Any]] = []
    for i in range(n):
        changes.append({"address": f"aws_s3_bucket.b[{i}]", "mode": "managed", "type": "aws_s3_bucket", "name": "b",
                        "index": i, "change": {"actions": ["create"], "after": {"bucket_prefix": "x"},
                                               "after_unknown": {"bucket": True, "versioning": True}}})
        changes.append({"address": f"aws_s3_bucket_versioning.v[{i}]", "mode": "managed",
                        "type": "aws_s3_bucket_versioning", "name": "v", "index": i,
                        "change": {"actions": ["create"],
                                   "after": {"versioning_configuration": [{"status": "Enabled"}]},
                                   "after_unknown": {"bucket": True}}})
    config = {"root_module": {"resources": [
        {"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b", "expressions": {}},
        {"address": "aws_s3_bucket_versioning.v", "mode": "managed", "type": "aws_s3_bucket_versioning",
         "name": "v", "expressions": {"bucket": {"references": ["aws_s3_bucket.b", "count.index"]}}}]}}
    data = json.dumps({"format_version": "1.2", "terraform_version": "1.9.5", "resource_changes": changes,
                       "configuration": config}).encode()
    start = time.process_time()
    result = load(Path("big.json"), data)
    elapsed = time.process_time() - start
    assert len(result.resources) == n
    assert all(r.attrs["versioning"] == "Enabled" for r in result.resources)
    assert elapsed < 5.0  # linear: well under a second; quadratic pairing (25M comparisons) would not be


# -- the third-party corpus --------------------------------------------------------------------------

# Known-invalid on purpose (GitHub Actions terraform-wrapper noise around the JSON).
_EXPECTED_ERRORS = {"infracost__infracost/cmd/infracost/testdata/plan_with_terraform_wrapper.json"}


def test_corpus_loads_and_never_errors() -> None:
    if not CORPUS.is_dir():
        pytest.skip("shared corpus not present")
    files = sorted(CORPUS.rglob("*.json"))
    assert files
    unexpected: list[str] = []
    errors: list[str] = []
    loaded = 0
    for path in files:
        rel = path.relative_to(CORPUS).as_posix()
        try:
            result = load(path, path.read_bytes())
        except SourceError as exc:
            if rel not in _EXPECTED_ERRORS:  # even plans without resources load (as zero resources)
                unexpected.append(f"{rel}: {exc}")
            continue
        loaded += 1
        errors += [f"{rel}: {f.rule_id} {f.resource.id}: {f.message}"
                   for f in evaluate(rules(), result.resources) if f.status.value == "error"]
    assert unexpected == []
    assert errors == []
    assert loaded == len(files) - len(_EXPECTED_ERRORS)


@pytest.mark.parametrize("name", ["ec2.json", "network.json", "s3_split.json", "actions_misc.json"])
def test_odd_values_never_crash(name: str) -> None:
    """Hand-edited plans put any JSON anywhere: the source loads or raises SourceError, nothing else."""
    original = json.loads((FIXTURES / name).read_text())
    odd_values: list[Any] = [True, "x", 5, {}, [], [None], [5], None]
    for i, rc in enumerate(original["resource_changes"]):
        for key in list(rc["change"]["after"] or {}):
            for odd in odd_values:
                doc = json.loads(json.dumps(original))
                doc["resource_changes"][i]["change"]["after"][key] = odd
                doc["resource_changes"][i]["change"]["after_unknown"] = {key: odd}
                with contextlib.suppress(SourceError):
                    load(Path(name), json.dumps(doc).encode())
    for section in ("configuration", "planned_values"):
        for odd in odd_values:
            doc = json.loads(json.dumps(original))
            doc[section] = {"root_module": odd}
            del doc["resource_changes"]
            with contextlib.suppress(SourceError):
                load(Path(name), json.dumps(doc).encode())


def test_planned_values_with_a_non_object_resource_is_not_a_crash(tmp_path: Path) -> None:
    """Found by the fuzzer: `resources: [1]` under planned_values (no resource_changes)."""
    import json as _json

    from engine.sources.terraform_plan import load as load_plan

    doc = {"format_version": "1.2", "terraform_version": "1.9.8",
           "planned_values": {"root_module": {"resources": [1, {"address": "aws_s3_bucket.b", "mode": "managed",
                                                                 "type": "aws_s3_bucket", "name": "b",
                                                                 "values": {"bucket": "b"}}]}}}
    result = load_plan(tmp_path / "p.json", _json.dumps(doc).encode())
    assert [r.id for r in result.resources] == ["aws_s3_bucket.b"]
