"""Realistic, deterministic Terraform plans and CloudFormation templates of a given size.

    python bench/generate.py plan 20000 out.json [--seed 1]
    python bench/generate.py template 1000 out.yaml [--seed 1] [--json]

A plan is what `terraform show -json` writes for a root module that calls a `service` module with
`for_each` (each instance holds a bucket with split versioning/encryption resources, instances with
`count`, a launch template, volumes, security groups and standalone rules, databases, IAM, gateways)
mixed with the unrelated resources real stacks are mostly made of (roles, policies, log groups,
lambdas, DNS records, subnets, `random_id`, `null_resource`). Computed values (ids, ARNs, bucket
names from `bucket_prefix`) are unknown, as in a real first plan, so the split S3 resources can only
be joined to their bucket through the configuration's references. Planned values, resource changes
and configuration are all present, so the file is about the size of a real plan (~2.3 KB/resource).

The plan is written as a stream: memory stays flat whatever the size (the hostile tests write 200 MB).
The same (kind, size, seed) always gives byte-identical output.
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

import yaml

UNIT_KEYS = ("payments", "ledger", "quotes", "orders", "risk", "clearing", "audit", "market", "custody", "fx")
REGION = "eu-west-1"

# -- Terraform plans -----------------------------------------------------------------------------------------


def _tags(rng: random.Random, name: str) -> dict[str, str]:
    return {"Name": name, "team": rng.choice(("core", "trading", "platform", "data")),
            "env": rng.choice(("prod", "staging", "dev")), "cost-center": f"cc-{rng.randrange(100, 999)}",
            "managed-by": "terraform", "owner": f"{name.split('-')[0]}-team@example.com",
            "repository": "github.com/example/platform-infrastructure",
            "data-classification": rng.choice(("internal", "confidential", "restricted")),
            "git-commit": f"{rng.getrandbits(160):040x}", "module": "modules/service"}


def _common(rng: random.Random, name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    tags = _tags(rng, name)
    return {"tags": tags, "tags_all": dict(tags), "region": REGION}, {"arn": True, "id": True, "tags": {},
                                                                      "tags_all": {}}


def _bucket(rng: random.Random, name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    after, unknown = _common(rng, name)
    after.update({"bucket_prefix": f"{name[:30]}-", "force_destroy": False, "object_lock_enabled": None,
                  "timeouts": None})
    unknown.update({"bucket": True, "bucket_domain_name": True, "bucket_regional_domain_name": True,
                    "hosted_zone_id": True, "versioning": True, "server_side_encryption_configuration": True,
                    "acceleration_status": True, "acl": True, "cors_rule": True, "grant": True, "lifecycle_rule": True,
                    "logging": True, "object_lock_configuration": True, "policy": True, "replication_configuration": True,
                    "request_payer": True, "website": True, "website_domain": True, "website_endpoint": True,
                    "region": True})
    return after, unknown


def _versioning(rng: random.Random) -> tuple[dict[str, Any], dict[str, Any]]:
    status = rng.choice(("Enabled", "Enabled", "Enabled", "Suspended"))
    return ({"expected_bucket_owner": None, "mfa": None, "versioning_configuration": [
        {"mfa_delete": None, "status": status}]}, {"bucket": True, "id": True, "versioning_configuration": [
            {"mfa_delete": True}]})


def _sse(rng: random.Random) -> tuple[dict[str, Any], dict[str, Any]]:
    algo = rng.choice(("aws:kms", "aws:kms", "AES256"))
    return ({"expected_bucket_owner": None, "rule": [{"apply_server_side_encryption_by_default": [
        {"kms_master_key_id": None, "sse_algorithm": algo}], "bucket_key_enabled": algo == "aws:kms"}]},
        {"bucket": True, "id": True, "rule": [{"apply_server_side_encryption_by_default": [
            {"kms_master_key_id": algo == "aws:kms"}]}]})


def _instance(rng: random.Random, name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    after, unknown = _common(rng, name)
    enc = rng.choice((True, True, False))
    after.update({
        "ami": f"ami-{rng.randrange(16**16):016x}", "instance_type": rng.choice(("m7g.large", "c7g.xlarge", "t3.micro",
                                                                                 "r7g.large", "t4g.small")),
        "associate_public_ip_address": False, "monitoring": True, "ebs_optimized": True, "get_password_data": False,
        "hibernation": None, "iam_instance_profile": f"{name}-profile", "source_dest_check": True,
        "user_data_replace_on_change": False, "volume_tags": None, "timeouts": None, "credit_specification": [],
        "launch_template": [], "ebs_block_device": [], "ephemeral_block_device": [],
        "metadata_options": [{"http_endpoint": "enabled", "http_put_response_hop_limit": 1, "http_tokens": "required",
                              "instance_metadata_tags": "disabled"}],
        "root_block_device": [{"delete_on_termination": True, "encrypted": enc, "tags": None,
                               "volume_size": 50, "volume_type": "gp3"}],
    })
    unknown.update({"availability_zone": True, "cpu_core_count": True, "cpu_threads_per_core": True,
                    "host_id": True, "instance_state": True, "ipv6_addresses": True, "key_name": True,
                    "outpost_arn": True, "password_data": True, "placement_group": True, "primary_network_interface_id":
                    True, "private_dns": True, "private_ip": True, "public_dns": True, "public_ip": True,
                    "secondary_private_ips": True, "security_groups": True, "subnet_id": True, "tenancy": True,
                    "vpc_security_group_ids": True, "root_block_device": [{"device_name": True, "iops": True,
                                                                          "kms_key_id": True, "throughput": True,
                                                                          "volume_id": True}]})
    return after, unknown


def _launch_template(rng: random.Random, name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    after, unknown = _common(rng, name)
    after.update({"name_prefix": f"{name}-", "instance_type": rng.choice(("m7g.large", "t3.medium")),
                  "update_default_version": True, "block_device_mappings": [
                      {"device_name": "/dev/xvda", "no_device": "", "virtual_name": "", "ebs": [
                          {"delete_on_termination": "true", "encrypted": rng.choice(("true", "true", "false", "")),
                           "volume_size": 40, "volume_type": "gp3"}]}]})
    unknown.update({"default_version": True, "latest_version": True, "name": True,
                    "block_device_mappings": [{"ebs": [{"iops": True, "kms_key_id": True, "throughput": True}]}]})
    return after, unknown


def _volume(rng: random.Random, name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    after, unknown = _common(rng, name)
    after.update({"availability_zone": f"{REGION}a", "encrypted": rng.choice((True, True, False)), "size": 100,
                  "type": "gp3", "final_snapshot": False, "multi_attach_enabled": False, "timeouts": None})
    unknown.update({"iops": True, "kms_key_id": True, "snapshot_id": True, "throughput": True})
    return after, unknown


def _sg_block(from_port: int, to_port: int, protocol: str, cidrs: list[str], desc: str) -> dict[str, Any]:
    return {"cidr_blocks": cidrs, "description": desc, "from_port": from_port, "ipv6_cidr_blocks": [],
            "prefix_list_ids": [], "protocol": protocol, "security_groups": [], "self": False, "to_port": to_port}


def _security_group(rng: random.Random, name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    after, unknown = _common(rng, name)
    ssh = rng.choice(("10.0.0.0/8", "10.0.0.0/8", "0.0.0.0/0"))
    egress = rng.choice(("0.0.0.0/0", "10.0.0.0/8"))
    after.update({"name": name, "description": f"{name} service", "revoke_rules_on_delete": False, "timeouts": None,
                  "ingress": [_sg_block(443, 443, "tcp", ["10.0.0.0/8"], "https"),
                              _sg_block(22, 22, "tcp", [ssh], "ssh")],
                  "egress": [_sg_block(0, 0, "-1", [egress], "all out")]})
    unknown.update({"name_prefix": True, "owner_id": True, "vpc_id": True})
    return after, unknown


def _sg_rule(rng: random.Random) -> tuple[dict[str, Any], dict[str, Any]]:
    return ({"type": "ingress", "from_port": 5432, "to_port": 5432, "protocol": "tcp", "description": "db",
             "cidr_blocks": [rng.choice(("10.20.0.0/16", "0.0.0.0/0"))], "ipv6_cidr_blocks": None,
             "prefix_list_ids": None, "self": False, "timeouts": None},
            {"id": True, "security_group_id": True, "security_group_rule_id": True, "source_security_group_id": True})


def _egress_rule(rng: random.Random) -> tuple[dict[str, Any], dict[str, Any]]:
    return ({"cidr_ipv4": rng.choice(("10.0.0.0/8", "0.0.0.0/0")), "cidr_ipv6": None, "description": "egress",
             "from_port": 443, "to_port": 443, "ip_protocol": "tcp", "prefix_list_id": None,
             "referenced_security_group_id": None, "tags": None},
            {"arn": True, "id": True, "security_group_id": True, "security_group_rule_id": True, "tags_all": True})


def _db_instance(rng: random.Random, name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    after, unknown = _common(rng, name)
    after.update({"identifier_prefix": f"{name}-", "engine": rng.choice(("postgres", "mysql")),
                  "engine_version": "16.3", "instance_class": "db.r7g.large", "allocated_storage": 100,
                  "storage_encrypted": rng.choice((True, True, False)), "multi_az": True, "publicly_accessible": False,
                  "skip_final_snapshot": False, "backup_retention_period": 7, "deletion_protection": True,
                  "username": "admin", "manage_master_user_password": True, "timeouts": None})
    unknown.update({"address": True, "endpoint": True, "hosted_zone_id": True, "kms_key_id": True, "port": True,
                    "resource_id": True, "status": True, "db_subnet_group_name": True})
    return after, unknown


def _rds_cluster(rng: random.Random, name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    after, unknown = _common(rng, name)
    after.update({"cluster_identifier_prefix": f"{name}-", "engine": "aurora-postgresql", "engine_version": "16.2",
                  "storage_encrypted": rng.choice((True, True, None)), "deletion_protection": True,
                  "master_username": "admin", "manage_master_user_password": True, "skip_final_snapshot": False,
                  "backup_retention_period": 7, "timeouts": None})
    unknown.update({"endpoint": True, "reader_endpoint": True, "kms_key_id": True, "port": True,
                    "cluster_resource_id": True, "storage_encrypted": after["storage_encrypted"] is None})
    return after, unknown


def _unrelated(rng: random.Random, rtype: str, name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Resources no rule models: they are most of any real plan."""
    after, unknown = _common(rng, name)
    if rtype == "aws_iam_role":
        after.update({"name": name, "path": "/", "max_session_duration": 3600, "force_detach_policies": False,
                      "assume_role_policy": json.dumps({"Version": "2012-10-17", "Statement": [
                          {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                           "Action": "sts:AssumeRole"}]})})
        unknown.update({"create_date": True, "unique_id": True, "managed_policy_arns": True, "inline_policy": True})
    elif rtype == "aws_iam_role_policy":
        after = {"name": name, "policy": json.dumps({"Version": "2012-10-17", "Statement": [
            {"Sid": "ReadWriteData", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
             "Resource": [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"]},
            {"Sid": "UseKey", "Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
             "Resource": f"arn:aws:kms:{REGION}:111122223333:key/{rng.randrange(16**12):012x}",
             "Condition": {"StringEquals": {"kms:ViaService": f"s3.{REGION}.amazonaws.com"}}},
            {"Sid": "WriteLogs", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
             "Resource": f"arn:aws:logs:{REGION}:111122223333:log-group:/aws/{name}:*"}]})}
        unknown = {"id": True, "role": True}
    elif rtype == "aws_cloudwatch_log_group":
        after.update({"name": f"/aws/{name}", "retention_in_days": 90, "skip_destroy": False, "log_group_class":
                      "STANDARD"})
        unknown.update({"kms_key_id": True})
    elif rtype == "aws_lambda_function":
        after.update({"function_name": name, "handler": "app.handler", "runtime": "python3.12", "memory_size": 512,
                      "timeout": 30, "architectures": ["arm64"], "publish": False, "package_type": "Zip",
                      "environment": [{"variables": {"LOG_LEVEL": "info", "SERVICE": name}}],
                      "tracing_config": [{"mode": "Active"}], "filename": "build/app.zip"})
        unknown.update({"invoke_arn": True, "last_modified": True, "qualified_arn": True, "role": True,
                        "source_code_hash": True, "source_code_size": True, "version": True})
    elif rtype == "aws_route53_record":
        after = {"name": f"{name}.internal.example.com", "type": "CNAME", "ttl": 300, "allow_overwrite": None,
                 "zone_id": "Z0123456789ABCDEFGHIJ", "set_identifier": None, "health_check_id": None}
        unknown = {"fqdn": True, "id": True, "records": True}
    elif rtype == "aws_subnet":
        after.update({"cidr_block": f"10.{rng.randrange(256)}.{rng.randrange(256)}.0/24", "map_public_ip_on_launch":
                      False, "assign_ipv6_address_on_creation": False, "enable_dns64": False})
        unknown.update({"availability_zone": True, "vpc_id": True, "owner_id": True, "ipv6_cidr_block_association_id":
                        True})
    elif rtype == "aws_kms_key":
        after.update({"description": f"{name} key", "enable_key_rotation": True, "deletion_window_in_days": 30,
                      "key_usage": "ENCRYPT_DECRYPT", "is_enabled": True, "multi_region": False})
        unknown.update({"key_id": True, "policy": True})
    elif rtype == "aws_s3_bucket_public_access_block":
        after = {"block_public_acls": True, "block_public_policy": True, "ignore_public_acls": True,
                 "restrict_public_buckets": True}
        unknown = {"bucket": True, "id": True}
    else:
        raise ValueError(rtype)
    return after, unknown


# One module instance: (resource type, name, count, maker). Names are module-relative.
_UNIT: tuple[tuple[str, str, int], ...] = (
    ("aws_s3_bucket", "data", 1), ("aws_s3_bucket_versioning", "data", 1),
    ("aws_s3_bucket_server_side_encryption_configuration", "data", 1),
    ("aws_s3_bucket_public_access_block", "data", 1),
    ("aws_instance", "app", 2), ("aws_launch_template", "app", 1), ("aws_ebs_volume", "scratch", 1),
    ("aws_security_group", "app", 1), ("aws_security_group_rule", "db_in", 1),
    ("aws_vpc_security_group_egress_rule", "https_out", 1),
    ("aws_db_instance", "db", 1), ("aws_rds_cluster", "aurora", 1),
    ("aws_iam_role", "app", 1), ("aws_iam_role_policy", "app", 2), ("aws_cloudwatch_log_group", "app", 2),
    ("aws_lambda_function", "worker", 2), ("aws_route53_record", "app", 1), ("aws_subnet", "private", 2),
    ("aws_kms_key", "data", 1), ("random_id", "suffix", 1), ("null_resource", "hook", 1),
)
UNIT_SIZE = sum(c for _, _, c in _UNIT)  # 27


def _values(rng: random.Random, rtype: str, name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    makers = {"aws_s3_bucket": _bucket, "aws_instance": _instance, "aws_launch_template": _launch_template,
              "aws_ebs_volume": _volume, "aws_security_group": _security_group, "aws_db_instance": _db_instance,
              "aws_rds_cluster": _rds_cluster}
    if rtype in makers:
        return makers[rtype](rng, name)
    if rtype == "aws_s3_bucket_versioning":
        return _versioning(rng)
    if rtype == "aws_s3_bucket_server_side_encryption_configuration":
        return _sse(rng)
    if rtype == "aws_security_group_rule":
        return _sg_rule(rng)
    if rtype == "aws_vpc_security_group_egress_rule":
        return _egress_rule(rng)
    if rtype == "random_id":
        return {"byte_length": 4, "keepers": None, "prefix": None}, {"b64_std": True, "b64_url": True, "dec": True,
                                                                    "hex": True, "id": True}
    if rtype == "null_resource":
        return {"triggers": {"version": str(rng.randrange(100))}}, {"id": True}
    return _unrelated(rng, rtype, name)


def _expressions(rtype: str) -> dict[str, Any]:
    """Configuration expressions of one resource block inside the service module."""
    if rtype in ("aws_s3_bucket_versioning", "aws_s3_bucket_server_side_encryption_configuration",
                 "aws_s3_bucket_public_access_block"):
        return {"bucket": {"references": ["aws_s3_bucket.data.id", "aws_s3_bucket.data"]}}
    if rtype == "aws_s3_bucket":
        return {"bucket_prefix": {"references": ["var.name"]}, "tags": {"references": ["local.tags"]}}
    if rtype == "aws_instance":
        return {"ami": {"references": ["data.aws_ami.al2023.id"]}, "instance_type": {"references": ["var.size"]},
                "root_block_device": [{"encrypted": {"references": ["var.encrypt"]}, "volume_size": {
                    "constant_value": 50}}], "subnet_id": {"references": ["aws_subnet.private[0].id"]}}
    if rtype == "aws_security_group_rule":
        return {"security_group_id": {"references": ["aws_security_group.app.id", "aws_security_group.app"]},
                "type": {"constant_value": "ingress"}, "cidr_blocks": {"references": ["var.db_cidrs"]}}
    if rtype == "aws_vpc_security_group_egress_rule":
        return {"security_group_id": {"references": ["aws_security_group.app.id"]},
                "cidr_ipv4": {"references": ["var.egress_cidr"]}}
    if rtype == "aws_rds_cluster":
        return {"engine": {"constant_value": "aurora-postgresql"}, "storage_encrypted": {"references":
                                                                                         ["var.encrypt"]}}
    return {"tags": {"references": ["local.tags"]}}


def _unit_resources(seed: int, unit: int, prefix: str) -> Iterator[tuple[str, str, str, Any, dict[str, Any],
                                                                        dict[str, Any]]]:
    """(address, type, name, index, after, after_unknown) of one module instance, deterministic."""
    rng = random.Random(seed * 1_000_003 + unit)
    for rtype, name, count in _UNIT:
        for i in range(count):
            index: Any = i if count > 1 else None
            address = f"{prefix}{rtype}.{name}" + (f"[{i}]" if count > 1 else "")
            after, unknown = _values(rng, rtype, f"{UNIT_KEYS[unit % len(UNIT_KEYS)]}-{unit}-{name}")
            yield address, rtype, name, index, after, unknown


def _unit_prefix(unit: int) -> tuple[str, str]:
    key = f"{UNIT_KEYS[unit % len(UNIT_KEYS)]}-{unit}"
    return f'module.service["{key}"]', key


def _root_resources(seed: int, n: int) -> Iterator[tuple[str, str, str, Any, dict[str, Any], dict[str, Any]]]:
    """Root-module resources with `count`: the remainder after whole units, plus a few rule kinds."""
    rng = random.Random(seed * 7919 + n)
    kinds = ("aws_iam_user", "aws_iam_access_key", "aws_nat_gateway", "aws_internet_gateway", "aws_eks_cluster")
    for i in range(n):
        rtype = kinds[i] if i < len(kinds) else rng.choice(("aws_cloudwatch_log_group", "aws_route53_record",
                                                            "aws_subnet"))
        name = "shared"
        if rtype.startswith(("aws_iam_user", "aws_iam_access_key", "aws_nat", "aws_internet", "aws_eks")):
            after, unknown = _common(rng, f"{rtype}-{i}")
            after.update({"name": f"ci-{i}"} if rtype == "aws_iam_user" else {"user": "ci"}
                         if rtype == "aws_iam_access_key" else {"connectivity_type": "public"}
                         if rtype == "aws_nat_gateway" else {"name": "platform", "version": "1.30"}
                         if rtype == "aws_eks_cluster" else {})
        else:
            after, unknown = _unrelated(rng, rtype, f"root-{i}")
        yield f"{rtype}.{name}[{i}]", rtype, name, i, after, unknown


def plan_counts(resources: int) -> tuple[int, int]:
    """(module instances, root resources) for a plan of `resources` resource instances."""
    units = resources // UNIT_SIZE
    return units, resources - units * UNIT_SIZE


def _dump(out: TextIO, items: Iterator[str]) -> None:
    first = True
    for item in items:
        out.write(item if first else "," + item)
        first = False


def write_plan(out: TextIO, resources: int, seed: int = 1) -> None:
    """Stream a plan of exactly `resources` managed resource instances to `out`."""
    units, rest = plan_counts(resources)
    dumps = json.JSONEncoder(separators=(",", ":")).encode

    def all_resources() -> Iterator[tuple[str, str, str, str, Any, dict[str, Any], dict[str, Any]]]:
        for u in range(units):
            prefix, _ = _unit_prefix(u)
            for r in _unit_resources(seed, u, prefix + "."):
                yield (prefix, *r)
        for r in _root_resources(seed, rest):
            yield ("", *r)

    def change(module: str, address: str, rtype: str, name: str, index: Any, after: dict[str, Any],
               unknown: dict[str, Any]) -> str:
        rc: dict[str, Any] = {"address": address, "mode": "managed", "type": rtype, "name": name}
        if module:
            rc["module_address"] = module
        if index is not None:
            rc["index"] = index
        rc["provider_name"] = "registry.terraform.io/hashicorp/" + ("aws" if rtype.startswith("aws_") else
                                                                     rtype.split("_")[0])
        rc["change"] = {"actions": ["create"], "before": None, "after": after, "after_unknown": unknown,
                        "before_sensitive": False, "after_sensitive": {"tags": {}, "tags_all": {}}}
        return dumps(rc)

    def planned(address: str, rtype: str, name: str, index: Any, after: dict[str, Any]) -> str:
        pv: dict[str, Any] = {"address": address, "mode": "managed", "type": rtype, "name": name}
        if index is not None:
            pv["index"] = index
        pv.update({"provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0,
                   "values": after, "sensitive_values": {"tags": {}, "tags_all": {}}})
        return dumps(pv)

    out.write('{"format_version":"1.2","terraform_version":"1.9.5","planned_values":{"outputs":{},"root_module":{')
    out.write('"resources":[')
    _dump(out, (planned(a, t, n, i, v) for a, t, n, i, v, _ in _root_resources(seed, rest)))
    out.write('],"child_modules":[')
    _dump(out, (dumps({"address": _unit_prefix(u)[0]})[:-1] + ',"resources":[' + ",".join(
        planned(a, t, n, i, v) for a, t, n, i, v, _ in _unit_resources(seed, u, _unit_prefix(u)[0] + ".")) + "]}"
        for u in range(units)))
    out.write(']}},"resource_changes":[')
    _dump(out, (change(*r) for r in all_resources()))
    out.write('],"configuration":{"provider_config":{"aws":{"name":"aws","full_name":'
              '"registry.terraform.io/hashicorp/aws","expressions":{"region":{"constant_value":"eu-west-1"}}}},')
    module_resources = [{"address": f"{t}.{n}", "mode": "managed", "type": t, "name": n,
                         "provider_config_key": "aws", "expressions": _expressions(t), "schema_version": 0,
                         **({"count_expression": {"constant_value": c}} if c > 1 else {})} for t, n, c in _UNIT]
    root_types = sorted({t for _, t, _, _, _, _ in _root_resources(seed, rest)})
    root = {"resources": [{"address": f"{t}.shared", "mode": "managed", "type": t, "name": "shared",
                           "provider_config_key": "aws", "expressions": {"tags": {"references": ["local.tags"]}},
                           "count_expression": {"references": ["local.n"]}, "schema_version": 0}
                          for t in root_types],
            "module_calls": {"service": {"source": "./modules/service", "expressions": {
                "name": {"references": ["each.key"]}}, "for_each_expression": {"references": ["local.services"]},
                "module": {"resources": module_resources}}}}
    out.write('"root_module":' + dumps(root) + "}}")


def plan_bytes(resources: int, seed: int = 1) -> bytes:
    import io

    buf = io.StringIO()
    write_plan(buf, resources, seed)
    return buf.getvalue().encode()


# -- CloudFormation templates --------------------------------------------------------------------------------


def template(resources: int, seed: int = 1) -> dict[str, Any]:
    """A template with `resources` entries: every rule's types, intrinsics, parameters, unrelated types."""
    rng = random.Random(seed)
    res: dict[str, Any] = {}
    makers = [
        ("Bucket", lambda: {"Type": "AWS::S3::Bucket", "Properties": {
            "BucketName": {"Fn::Sub": "${AWS::StackName}-data-${AWS::AccountId}"},
            **({"VersioningConfiguration": {"Status": rng.choice(("Enabled", "Suspended"))}} if rng.random() < .8 else {}),
            **({"BucketEncryption": {"ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {
                "SSEAlgorithm": rng.choice(("aws:kms", "AES256")), "KMSMasterKeyID": {"Ref": "DataKey"}}}]}}
               if rng.random() < .7 else {}),
            "Tags": [{"Key": "team", "Value": "core"}]}}),
        ("Volume", lambda: {"Type": "AWS::EC2::Volume", "Properties": {
            "AvailabilityZone": {"Fn::Select": [0, {"Fn::GetAZs": ""}]}, "Size": 100,
            "Encrypted": rng.choice((True, "true", False, {"Ref": "EncryptVolumes"}))}}),
        ("Instance", lambda: {"Type": "AWS::EC2::Instance", "Properties": {
            "ImageId": {"Ref": "ImageId"}, "InstanceType": rng.choice(("m7g.large", {"Ref": "InstanceType"}, "t3.micro")),
            "SubnetId": {"Ref": "SubnetId"}, "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {
                "VolumeSize": 50, "Encrypted": rng.choice((True, False))}}]}}),
        ("Group", lambda: {"Type": "AWS::EC2::SecurityGroup", "Properties": {
            "GroupDescription": "service", "VpcId": {"Ref": "VpcId"},
            "SecurityGroupIngress": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                                      "CidrIp": rng.choice(("10.0.0.0/8", "0.0.0.0/0"))}],
            **({"SecurityGroupEgress": [{"IpProtocol": "-1", "CidrIp": rng.choice(("10.0.0.0/8", "0.0.0.0/0"))}]}
               if rng.random() < .6 else {})}}),
        ("Ingress", lambda: {"Type": "AWS::EC2::SecurityGroupIngress", "Properties": {
            "GroupId": {"Fn::GetAtt": ["Group0", "GroupId"]}, "IpProtocol": "tcp", "FromPort": 0, "ToPort": 1024,
            "CidrIp": rng.choice(("10.1.0.0/16", "0.0.0.0/0"))}}),
        ("Database", lambda: {"Type": "AWS::RDS::DBInstance", "Properties": {
            "Engine": "postgres", "DBInstanceClass": "db.r7g.large", "AllocatedStorage": "100",
            "StorageEncrypted": rng.choice((True, False)), "MasterUsername": "admin",
            "ManageMasterUserPassword": True}}),
        ("Cluster", lambda: {"Type": "AWS::RDS::DBCluster", "Properties": {
            "Engine": "aurora-postgresql", "StorageEncrypted": rng.choice((True, False)), "MasterUsername": "admin",
            "ManageMasterUserPassword": True}}),
        ("Template", lambda: {"Type": "AWS::EC2::LaunchTemplate", "Properties": {"LaunchTemplateData": {
            "InstanceType": "m7g.large", "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {
                "Encrypted": rng.choice((True, False))}}]}}}),
        ("Nat", lambda: {"Type": "AWS::EC2::NatGateway", "Properties": {
            "SubnetId": {"Ref": "SubnetId"}, "ConnectivityType": rng.choice(("private", "public"))}}),
        ("Role", lambda: {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                                                    "Action": "sts:AssumeRole"}]}}}),
        ("Logs", lambda: {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 90}}),
        ("Function", lambda: {"Type": "AWS::Lambda::Function", "Properties": {
            "Runtime": "python3.12", "Handler": "app.handler", "Role": {"Fn::GetAtt": ["Role0", "Arn"]},
            "Code": {"ZipFile": "def handler(e, c):\n    return e\n"}, "MemorySize": 512}}),
        ("Topic", lambda: {"Type": "AWS::SNS::Topic", "Properties": {"KmsMasterKeyId": {"Ref": "DataKey"}}}),
        ("Queue", lambda: {"Type": "AWS::SQS::Queue", "Properties": {"VisibilityTimeout": 60}}),
    ]
    specials = [("User", {"Type": "AWS::IAM::User", "Properties": {"LoginProfile": {"Password": {"Ref": "Password"}}}}),
                ("Key", {"Type": "AWS::IAM::AccessKey", "Properties": {"UserName": {"Ref": "User"}}}),
                ("DataKey", {"Type": "AWS::KMS::Key", "Properties": {"EnableKeyRotation": True}})]
    for name, body in specials[: max(0, min(len(specials), resources))]:
        res[name] = body
    i = 0
    while len(res) < resources:
        prefix, make = makers[i % len(makers)]
        res[f"{prefix}{i // len(makers)}"] = make()
        i += 1
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": f"Generated benchmark template ({resources} resources, seed {seed})",
        "Parameters": {
            "ImageId": {"Type": "AWS::EC2::Image::Id"}, "SubnetId": {"Type": "AWS::EC2::Subnet::Id"},
            "VpcId": {"Type": "AWS::EC2::VPC::Id"}, "Password": {"Type": "String", "NoEcho": True},
            "InstanceType": {"Type": "String", "Default": "m7g.large", "AllowedValues": ["m7g.large", "t3.large"]},
            "EncryptVolumes": {"Type": "String", "Default": "true", "AllowedValues": ["true", "false"]},
        },
        "Resources": res,
    }


def template_text(resources: int, seed: int = 1, as_json: bool = False) -> str:
    doc = template(resources, seed)
    if as_json:
        return json.dumps(doc, indent=2) + "\n"
    return yaml.safe_dump(doc, sort_keys=False, width=120)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("kind", choices=["plan", "template"])
    p.add_argument("size", type=int, help="number of resources")
    p.add_argument("out", type=Path)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--json", action="store_true", help="template as JSON instead of YAML")
    args = p.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as out:
        if args.kind == "plan":
            write_plan(out, args.size, args.seed)
        else:
            out.write(template_text(args.size, args.seed, args.json))


if __name__ == "__main__":
    main()
