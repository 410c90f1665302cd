"""Property-based tests over the sources: random but well-formed templates and plans.

- they never crash the linter (a SourceError is the only allowed refusal);
- a template gives identical findings as YAML and as JSON;
- key order, comments and formatting never change findings;
- a resource's verdict does not depend on which unrelated resources share the file.
"""

from __future__ import annotations

import json
import random
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.catalog.loader import load_catalog
from engine.catalog.model import ActiveRule, Catalog
from engine.errors import SourceError
from engine.lint import lint_resources
from engine.sources import cloudformation, terraform_plan

REPO = Path(__file__).resolve().parents[2]
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@cache
def _catalog() -> tuple[Catalog, list[ActiveRule]]:
    catalog = load_catalog(REPO)
    return catalog, catalog.active()


def findings(result_resources: list[Any]) -> list[tuple[str, str, str, str, str | None]]:
    catalog, rules = _catalog()
    out = lint_resources(rules, result_resources, catalog)
    return sorted((f.resource.id, f.rule_id, f.status.value, f.message, f.path) for f in out)


# -- CloudFormation ----------------------------------------------------------------------------------

NAMES = st.from_regex(r"[A-Z][A-Za-z0-9]{0,10}", fullmatch=True)
SCALARS = st.one_of(st.booleans(), st.integers(-5, 70000), st.sampled_from(
    ["true", "false", "Enabled", "Suspended", "aws:kms", "AES256", "0.0.0.0/0", "10.0.0.0/8", "::/0", "tcp",
     "-1", "t3.micro", "m7g.large", "postgres", "aurora-mysql", "private", "public", ""]))
REF = st.builds(lambda p: {"Ref": p}, st.sampled_from(["Env", "Cidr", "Missing", "AWS::Region"]))
GETATT = st.builds(lambda r: {"Fn::GetAtt": [r, "Arn"]}, NAMES)
VALUE = st.one_of(SCALARS, REF, GETATT)


def _props(draw: Any, rtype: str) -> dict[str, Any]:
    v = lambda: draw(VALUE)  # noqa: E731
    rule = lambda: {"IpProtocol": v(), "FromPort": v(), "ToPort": v(), "CidrIp": v()}  # noqa: E731
    shapes: dict[str, dict[str, Any]] = {
        "AWS::S3::Bucket": {"VersioningConfiguration": {"Status": v()}, "BucketEncryption": {
            "ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": v()}}]}},
        "AWS::EC2::Volume": {"Encrypted": v(), "Size": v()},
        "AWS::EC2::Instance": {"InstanceType": v(), "BlockDeviceMappings": [{"DeviceName": "/dev/xvda",
                                                                             "Ebs": {"Encrypted": v()}}]},
        "AWS::EC2::SecurityGroup": {"SecurityGroupIngress": [rule()], "SecurityGroupEgress": [rule()]},
        "AWS::EC2::SecurityGroupIngress": rule(),
        "AWS::RDS::DBInstance": {"StorageEncrypted": v(), "Engine": v()},
        "AWS::RDS::DBCluster": {"StorageEncrypted": v(), "Engine": v()},
        "AWS::EC2::NatGateway": {"ConnectivityType": v()},
        "AWS::IAM::User": {"UserName": v()},
        "AWS::SNS::Topic": {"TopicName": v()},
    }
    props = shapes[rtype]
    # Drop some keys: absence is the most common way to be non-compliant.
    return {k: val for k, val in props.items() if draw(st.booleans()) or len(props) == 1}


RULE_TYPES = ["AWS::S3::Bucket", "AWS::EC2::Volume", "AWS::EC2::Instance", "AWS::EC2::SecurityGroup",
              "AWS::EC2::SecurityGroupIngress", "AWS::RDS::DBInstance", "AWS::RDS::DBCluster",
              "AWS::EC2::NatGateway", "AWS::IAM::User"]


@st.composite
def templates(draw: Any) -> dict[str, Any]:
    resources = {}
    for name in draw(st.lists(NAMES, min_size=1, max_size=6, unique=True)):
        rtype = draw(st.sampled_from([*RULE_TYPES, "AWS::SNS::Topic"]))
        resources[name] = {"Type": rtype, "Properties": _props(draw, rtype)}
    return {"AWSTemplateFormatVersion": "2010-09-09",
            "Parameters": {"Env": {"Type": "String", "Default": draw(st.sampled_from(["prod", "true", "0.0.0.0/0"])),
                                   "AllowedValues": ["prod", "true", "0.0.0.0/0"]},
                           "Cidr": {"Type": "String", "Default": "10.0.0.0/8"}},
            "Resources": resources}


def load_text(text: str, name: str = "t.yaml") -> list[Any]:
    return cloudformation.load(Path(name), text.encode()).resources


def shuffled(value: Any, rng: random.Random) -> Any:
    if isinstance(value, dict):
        items = list(value.items())
        rng.shuffle(items)
        return {k: shuffled(v, rng) for k, v in items}
    if isinstance(value, list):
        return [shuffled(v, rng) for v in value]
    return value


@SETTINGS
@given(templates())
def test_template_never_crashes_and_yaml_equals_json(doc: dict[str, Any]) -> None:
    try:
        from_json = findings(load_text(json.dumps(doc, indent=2), "t.json"))
    except SourceError:
        return
    from_yaml = findings(load_text(yaml.safe_dump(doc, sort_keys=False)))
    assert from_yaml == from_json


@SETTINGS
@given(templates(), st.integers(0, 2**32))
def test_key_order_comments_and_formatting_do_not_matter(doc: dict[str, Any], seed: int) -> None:
    try:
        base = findings(load_text(yaml.safe_dump(doc, sort_keys=False)))
    except SourceError:
        return
    rng = random.Random(seed)
    other = shuffled(doc, rng)
    text = yaml.safe_dump(other, sort_keys=False, default_flow_style=rng.choice([None, False]), indent=rng.choice([2, 4]),
                          width=rng.choice([40, 200]))
    commented = "# generated\n" + "".join(line + ("  # note" if rng.random() < .3 and not line.endswith(("|", ">",
                                          "|-", ">-")) and "#" not in line else "") + "\n"
                                          for line in text.splitlines())
    assert findings(load_text(commented)) == base
    assert findings(load_text(json.dumps(other, indent=rng.choice([None, 1, 4])), "t.json")) == base


@SETTINGS
@given(templates(), st.lists(st.sampled_from(["AWS::SNS::Topic", "AWS::Logs::LogGroup", "AWS::SQS::Queue",
                                               "AWS::Lambda::Function"]), max_size=5))
def test_unrelated_resources_do_not_change_a_verdict(doc: dict[str, Any], extra: list[str]) -> None:
    try:
        base = findings(load_text(json.dumps(doc), "t.json"))
    except SourceError:
        return
    bigger = json.loads(json.dumps(doc))
    # Longer than any NAMES draws (11 characters at most): the template's own resources stay compared,
    # whatever they are called ("Zz" once was, and was filtered out with the additions).
    added = {f"UnrelatedExtra{i}" for i in range(len(extra))}
    for i, rtype in enumerate(extra):
        bigger["Resources"][f"UnrelatedExtra{i}"] = {"Type": rtype, "Properties": {"Name": f"x{i}"}}
    got = [f for f in findings(load_text(json.dumps(bigger), "t.json")) if f[0] not in added]
    assert got == base


# -- Terraform plans ---------------------------------------------------------------------------------

TF_VALUE = st.one_of(st.booleans(), st.none(), st.sampled_from(["Enabled", "Suspended", "aws:kms", "AES256", "true",
                                                                "false", "", "t3.micro", "m7g.large"]))


@st.composite
def plan_changes(draw: Any) -> list[dict[str, Any]]:
    changes = []
    for i in range(draw(st.integers(1, 6))):
        rtype = draw(st.sampled_from(["aws_s3_bucket", "aws_ebs_volume", "aws_instance", "aws_db_instance",
                                      "aws_security_group", "aws_iam_user", "aws_nat_gateway"]))
        after: dict[str, Any] = {}
        unknown: dict[str, Any] = {}
        for key in draw(st.lists(st.sampled_from(["encrypted", "storage_encrypted", "instance_type", "bucket",
                                                  "connectivity_type", "versioning", "ingress", "egress"]),
                                 max_size=4, unique=True)):
            if draw(st.booleans()):
                unknown[key] = True
            elif key in ("ingress", "egress"):
                after[key] = [{"from_port": draw(st.integers(0, 65535)), "to_port": draw(st.integers(0, 65535)),
                               "protocol": draw(st.sampled_from(["tcp", "-1", "udp"])),
                               "cidr_blocks": [draw(st.sampled_from(["0.0.0.0/0", "10.0.0.0/8"]))]}]
            elif key == "versioning":
                after[key] = [{"enabled": draw(st.booleans())}]
            else:
                after[key] = draw(TF_VALUE)
        actions = draw(st.sampled_from([["create"], ["update"], ["delete", "create"], ["no-op"], ["delete"]]))
        changes.append({"address": f"{rtype}.r{i}", "mode": "managed", "type": rtype, "name": f"r{i}",
                        "change": {"actions": actions, "before": None, "after": after, "after_unknown": unknown}})
    return changes


def plan_findings(changes: list[dict[str, Any]], **dump: Any) -> list[Any]:
    doc = {"format_version": "1.2", "terraform_version": "1.9.5", "planned_values": {"root_module": {}},
           "resource_changes": changes}
    return findings(terraform_plan.load(Path("p.json"), json.dumps(doc, **dump).encode()).resources)


@SETTINGS
@given(plan_changes(), st.integers(0, 2**32))
def test_plan_never_crashes_and_formatting_does_not_matter(changes: list[dict[str, Any]], seed: int) -> None:
    base = plan_findings(changes)
    rng = random.Random(seed)
    assert plan_findings(shuffled(changes, rng), indent=rng.choice([None, 2]), sort_keys=rng.choice([True, False]),
                         separators=rng.choice([None, (",", ":")])) == base


@SETTINGS
@given(plan_changes(), st.lists(st.sampled_from(["aws_sns_topic", "aws_cloudwatch_log_group", "random_id",
                                                  "aws_iam_role"]), max_size=5))
def test_plan_unrelated_resources_do_not_change_a_verdict(changes: list[dict[str, Any]], extra: list[str]) -> None:
    base = plan_findings(changes)
    more = changes + [{"address": f"{t}.zz{i}", "mode": "managed", "type": t, "name": f"zz{i}",
                       "change": {"actions": ["create"], "after": {"name": "x"}, "after_unknown": {"arn": True}}}
                      for i, t in enumerate(extra)]
    assert [f for f in plan_findings(more) if ".zz" not in f[0]] == base


def test_plan_fast_path_equals_json_loads_on_the_corpus() -> None:
    """engine.sources._tf_json steps over planned_values; everything else must be json.loads's value."""
    from engine.sources import _tf_json, decode_text

    corpus = REPO.parent / "shared" / "corpus" / "terraform-plan"
    from bench import generate

    texts = [generate.plan_bytes(300, seed=4).decode()]
    texts += [decode_text(p.read_bytes()) for p in sorted(corpus.rglob("*.json"))] if corpus.is_dir() else []
    fast = 0
    for text in texts:
        try:
            expected = json.loads(text)
        except ValueError:
            continue
        got = _tf_json.loads(text)
        if "planned_values" in expected and "planned_values" not in got:
            fast += 1
            expected.pop("planned_values")
        assert got == expected
    assert fast > 0
    # A look-alike key nested inside planned_values is not taken for the top-level one.
    tricky = ('{"format_version":"1.0","planned_values":{"x":{"a":1},"resource_changes":[{"fake":1}]},'
              '"resource_changes":[{"real":1}]}')
    assert _tf_json.loads(tricky)["resource_changes"] == [{"real": 1}]
