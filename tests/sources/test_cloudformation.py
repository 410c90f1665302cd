"""CloudFormation source: canonical attributes, verdicts, bad input, the corpus, and cfn-lint as judge."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from engine.catalog.loader import load_catalog
from engine.errors import SourceError
from engine.evaluate import evaluate
from engine.resources.model import UNKNOWN, Resource
from engine.sources.cfn_decode import MAX_EXPANDED_NODES, decode
from engine.sources.cloudformation import load

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "cloudformation"
CORPUS = REPO.parent / "shared" / "corpus" / "cloudformation"
TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json", ".template")
# Corpus files that are genuinely not templates (macro invocation events wrapping a fragment).
NOT_TEMPLATES = {
    "aws-cloudformation__aws-cloudformation-templates/CloudFormation/MacrosExamples/Count/event.json",
    "aws-cloudformation__aws-cloudformation-templates/CloudFormation/MacrosExamples/Count/event_bad.json",
}

ALL_EGRESS = [
    {"protocol": "all", "from_port": 0, "to_port": 65535, "cidr": "0.0.0.0/0", "peer": "cidr"},
    {"protocol": "all", "from_port": 0, "to_port": 65535, "cidr": "::/0", "peer": "cidr"},
]


@pytest.fixture(scope="module")
def rules() -> list[Any]:
    return load_catalog(REPO).active()


def _load(name: str) -> dict[str, Resource]:
    path = FIXTURES / name
    return {r.id: r for r in load(path, path.read_bytes()).resources}


def _verdicts(rules: list[Any], resources: dict[str, Resource]) -> dict[tuple[str, str], str]:
    return {(f.resource.id, f.rule_id): f.status.value for f in evaluate(rules, list(resources.values()))}


def _load_text(tmp_path: Path, name: str, text: str | bytes) -> list[Resource]:
    path = tmp_path / name
    data = text.encode() if isinstance(text, str) else text
    path.write_bytes(data)
    return load(path, data).resources


# --- S3 ---------------------------------------------------------------------------------------------

def test_s3_attrs_and_verdicts(rules: list[Any]) -> None:
    res = _load("s3.yaml")
    assert res["pass_bucket"].attrs == {"versioning": "Enabled", "encryption_algorithm": "aws:kms"}
    assert res["fail_suspended_sse_s3"].attrs == {"versioning": "Suspended", "encryption_algorithm": "AES256"}
    assert res["fail_default"].attrs == {"versioning": "Disabled", "encryption_algorithm": "AES256"}
    assert res["unknown_status"].attrs == {"versioning": UNKNOWN, "encryption_algorithm": UNKNOWN}
    v = _verdicts(rules, res)
    for rule in ("s3-bucket-versioning", "s3-bucket-encryption-kms"):
        assert v["pass_bucket", rule] == "pass"
        assert v["fail_suspended_sse_s3", rule] == "fail"
        assert v["fail_default", rule] == "fail"
        assert v["unknown_status", rule] == "unknown"
    r = res["pass_bucket"]
    assert (r.kind, r.native_type, r.service, r.location.line) == ("s3.bucket", "AWS::S3::Bucket", "s3", 4)
    assert r.location.file == str(FIXTURES / "s3.yaml")


# --- intrinsics -------------------------------------------------------------------------------------

def test_short_forms_refs_mappings_sub_join(rules: list[Any]) -> None:
    res = _load("intrinsics.yaml")
    kms = {"versioning": "Enabled", "encryption_algorithm": "aws:kms"}
    assert res["pass_ref_default"].attrs == kms  # Ref to defaults, FindInMap keyed by a Ref
    assert res["pass_sub_join"].attrs == kms  # Join of Sub, Sub with a variable map
    assert res["unknown_no_default"].attrs["versioning"] is UNKNOWN  # parameter without Default
    assert res["unknown_findinmap"].attrs["versioning"] is UNKNOWN  # keyed by a pseudo parameter
    assert res["unknown_getatt_volume"].attrs == {"encrypted": UNKNOWN}
    v = _verdicts(rules, res)
    assert v["pass_ref_default", "s3-bucket-versioning"] == "pass"
    assert v["unknown_no_default", "s3-bucket-versioning"] == "unknown"
    assert v["unknown_findinmap", "s3-bucket-versioning"] == "unknown"
    assert v["unknown_getatt_volume", "ebs-encryption"] == "unknown"


def test_allowed_values_alternative(rules: list[Any]) -> None:
    inst = _load("intrinsics.yaml")["pass_instance_param"]
    main = {"instance_type": "m5.large", "launch_template": None,
            "volumes": [{"device": "/dev/xvda", "encrypted": True}]}
    assert inst.attrs == main
    assert inst.meta["alternatives"] == [{
        "description": "parameter InstanceType = 't3.micro'",
        "attrs": {**main, "instance_type": "t3.micro"},
        "line": 4,
    }]
    assert _verdicts(rules, {inst.id: inst})[inst.id, "no-burstable-instances"] == "pass"
    alt = Resource(inst.kind, inst.id, inst.native_type, inst.meta["alternatives"][0]["attrs"], inst.service)
    assert _verdicts(rules, {alt.id: alt})[alt.id, "no-burstable-instances"] == "fail"


def test_fn_if_both_branches_and_novalue() -> None:
    bucket = _load("intrinsics.yaml")["pass_if_bucket"]
    assert bucket.attrs == {"versioning": "Enabled", "encryption_algorithm": "aws:kms"}
    assert bucket.meta["condition"] == "IsProd"
    assert bucket.meta["alternatives"] == [{
        "description": "condition IsProd is false",
        "attrs": {"versioning": "Suspended", "encryption_algorithm": "AES256"},  # NoValue: key removed
        "line": bucket.location.line,
    }]


def test_sub_escape_and_pseudo(tmp_path: Path) -> None:
    text = """
Parameters: {Name: {Type: String, Default: logs}}
Resources:
  B:
    Type: AWS::S3::Bucket
    Properties:
      VersioningConfiguration: {Status: !Sub "${!Name}-${Name}"}
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault: {SSEAlgorithm: !Sub "${AWS::Region}"}
"""
    (b,) = _load_text(tmp_path, "t.yaml", text)
    assert b.attrs == {"versioning": "${Name}-logs", "encryption_algorithm": UNKNOWN}


# --- network ----------------------------------------------------------------------------------------

def test_security_groups(rules: list[Any]) -> None:
    res = _load("network.yaml")
    assert res["fail_sg_default_egress"].attrs == {
        "ingress": [{"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr": "10.0.0.0/8", "peer": "cidr"}],
        "egress": ALL_EGRESS,
    }
    assert res["fail_sg_all_ports_world"].attrs == {
        "ingress": [
            {"protocol": "tcp", "from_port": 0, "to_port": 65535, "cidr": "0.0.0.0/0", "peer": "cidr"},
            {"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr": None, "peer": "security_group"},
        ],
        "egress": [
            {"protocol": "all", "from_port": 0, "to_port": 65535, "cidr": None, "peer": "prefix_list"},
            {"protocol": "udp", "from_port": 53, "to_port": 53, "cidr": "fd00::/8", "peer": "cidr"},
        ],
    }
    assert res["fail_ingress_ssh"].kind == "ec2.security_group_rule"
    assert res["fail_ingress_ssh"].attrs == {
        "ingress": [{"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr": "::/0", "peer": "cidr"}],
        "egress": [],
    }
    assert res["pass_egress_rule"].attrs["ingress"] == []
    assert res["unknown_sg_cidr"].attrs["ingress"][0]["cidr"] is UNKNOWN
    assert res["unknown_sg_cidr"].attrs["egress"] == ALL_EGRESS  # explicit [] gets the default too
    v = _verdicts(rules, res)
    assert v["fail_sg_default_egress", "sg-no-open-egress"] == "fail"
    assert v["fail_sg_default_egress", "sg-no-public-ssh"] == "pass"
    assert v["fail_sg_all_ports_world", "sg-no-public-ssh"] == "fail"
    assert v["fail_sg_all_ports_world", "sg-no-open-egress"] == "pass"
    assert v["fail_ingress_ssh", "sg-no-public-ssh"] == "fail"
    assert v["pass_egress_rule", "sg-no-open-egress"] == "pass"
    assert v["unknown_sg_cidr", "sg-no-public-ssh"] == "unknown"


def test_gateways(rules: list[Any]) -> None:
    res = _load("network.yaml")
    assert res["fail_igw_attachment"].kind == "ec2.internet_gateway_attachment"
    assert res["fail_igw_attachment"].attrs == {"vpc_id": "vpc-1"}
    vpn = res["other_vpn_attachment"]
    assert (vpn.kind, vpn.service, vpn.attrs) == ("other", "ec2", {})
    assert res["fail_nat"].attrs == {"connectivity_type": "public"}
    v = _verdicts(rules, res)
    assert v["fail_igw", "no-internet-egress-gateways"] == "fail"
    assert v["fail_igw_attachment", "no-internet-egress-gateways"] == "fail"
    assert v["fail_nat", "no-internet-egress-gateways"] == "fail"
    assert v["pass_private_nat", "no-internet-egress-gateways"] == "not_applicable"
    assert ("other_vpn_attachment", "no-internet-egress-gateways") not in v


# --- compute, databases, IAM, services --------------------------------------------------------------

def test_compute(rules: list[Any]) -> None:
    res = _load("compute_db_iam.yaml")
    # No mapping names a root device: the AMI's root volume, unencrypted (as the plan source reads it).
    assert res["fail_instance_no_mappings"].attrs == {"instance_type": "t3.micro", "launch_template": None,
                                                      "volumes": [{"device": "root", "encrypted": False}]}
    assert res["unknown_instance_from_template"].attrs == {"launch_template": UNKNOWN, "volumes": UNKNOWN}
    assert res["pass_launch_template"].attrs == {"instance_type": "m7g.large",
                                                 "volumes": [{"device": "/dev/xvda", "encrypted": True}]}
    assert res["fail_launch_configuration"].attrs == {"instance_type": "t2.small",
                                                      "volumes": [{"device": "/dev/xvda", "encrypted": False}]}
    assert res["fail_asg_mixed"].attrs == {"instance_types": [{"instance_type": "m5.large"},
                                                              {"instance_type": "t3a.large"}]}
    assert res["pass_volume"].attrs == {"encrypted": True}  # "TRUE" coerced
    v = _verdicts(rules, res)
    assert v["fail_instance_no_mappings", "ebs-encryption"] == "fail"
    assert v["fail_instance_no_mappings", "no-burstable-instances"] == "fail"
    assert v["unknown_instance_from_template", "ebs-encryption"] == "unknown"
    assert v["pass_launch_template", "ebs-encryption"] == "pass"
    assert v["fail_launch_configuration", "ebs-encryption"] == "fail"
    assert v["fail_asg_mixed", "no-burstable-instances"] == "fail"
    assert v["pass_volume", "ebs-encryption"] == "pass"


def test_databases(rules: list[Any]) -> None:
    res = _load("compute_db_iam.yaml")
    assert res["notapplicable_cluster_instance"].attrs == {
        "storage_encrypted": False, "cluster_member": True, "engine": "aurora-postgresql"}
    assert res["fail_db_instance"].attrs == {"storage_encrypted": False, "cluster_member": False,
                                             "engine": "postgres"}
    v = _verdicts(rules, res)
    assert v["notapplicable_cluster_instance", "rds-encryption"] == "not_applicable"
    assert v["notapplicable_cluster_instance", "rds-prefer-aurora"] == "not_applicable"
    assert v["pass_cluster", "rds-encryption"] == "pass"
    assert v["fail_db_instance", "rds-encryption"] == "fail"


def test_iam_user_with_login_profile_is_two_resources(rules: list[Any]) -> None:
    res = _load("compute_db_iam.yaml")
    user, profile = res["fail_user"], res["fail_user.LoginProfile"]
    assert (user.kind, user.attrs) == ("iam.user", {"name": "alice"})
    assert (profile.kind, profile.native_type, profile.attrs) == ("iam.login_profile", "AWS::IAM::User",
                                                                  {"user": "alice"})
    assert profile.location == user.location
    assert res["fail_key"].attrs == {"user": UNKNOWN}  # Ref to a resource
    v = _verdicts(rules, res)
    assert v["fail_user", "sso-only-access"] == "fail"
    assert v["fail_user.LoginProfile", "sso-only-access"] == "fail"
    assert v["fail_key", "sso-only-access"] == "fail"


def test_denied_service_waiver_and_sam(rules: list[Any]) -> None:
    path = FIXTURES / "compute_db_iam.yaml"
    result = load(path, path.read_bytes())
    res = {r.id: r for r in result.resources}
    eks = res["fail_eks"]
    assert (eks.kind, eks.service) == ("other", "eks")
    assert eks.meta["waivers"] == {"denied-services": "pilot approved in ARCH-12"}
    assert any("inline waiver" in n and "sso-only-access" in n for n in result.notes)
    assert (res["other_function"].kind, res["other_function"].service) == ("other", "serverless")
    v = _verdicts(rules, res)
    assert v["fail_eks", "denied-services"] == "waived"
    unwaived = Resource(eks.kind, eks.id, eks.native_type, eks.attrs, eks.service, eks.location)
    assert _verdicts(rules, {eks.id: unwaived})[eks.id, "denied-services"] == "fail"


def test_yaml_and_json_twins_are_identical() -> None:
    def shape(r: Resource) -> tuple[Any, ...]:
        alts = [{k: v for k, v in a.items() if k != "line"} for a in r.meta.get("alternatives", [])]
        return r.kind, r.id, r.native_type, r.service, r.attrs, alts

    yaml_res, json_res = _load("twin.yaml"), _load("twin.json")
    assert [shape(r) for r in yaml_res.values()] == [shape(r) for r in json_res.values()]
    assert [r.location.line for r in json_res.values()] == [14, 22]  # JSON lines found by the key scan
    assert json_res["fail_sg"].meta["alternatives"][0]["line"] == 4


# --- edge cases -------------------------------------------------------------------------------------

def test_rain_foreach_and_sam_notes(tmp_path: Path) -> None:
    text = """Transform: [AWS::LanguageExtensions, AWS::Serverless-2016-10-31]
Resources:
  Net:
    Type: !Rain::Module ../vpc.yml
  Fn::ForEach::Buckets:
    - Name
    - [a, b]
    - ${Name}Bucket: {Type: AWS::S3::Bucket}
  Real: {Type: AWS::SNS::Topic}
"""
    path = tmp_path / "t.yaml"
    result = load(path, text.encode())
    assert [r.id for r in result.resources] == ["Real"]
    assert any("SAM transform" in n for n in result.notes)
    assert any("Rain module" in n and ":3:" in n for n in result.notes)
    assert any("Fn::ForEach" in n and "not expanded" in n for n in result.notes)


def test_alternatives_are_capped(tmp_path: Path) -> None:
    values = [f"m{i}.large" for i in range(40)]
    text = ("Parameters:\n  T: {Type: String, Default: m0.large, AllowedValues: [" + ", ".join(values) + "]}\n"
            "Resources:\n  I: {Type: AWS::EC2::Instance, Properties: {InstanceType: !Ref T}}\n")
    (inst,) = _load_text(tmp_path, "t.yaml", text)
    assert len(inst.meta["alternatives"]) == 16


def test_decoder_matches_cfn_lint_on_tags() -> None:
    text = """A: !GetAtt a.b.c
B: !GetAtt [a, b]
C: !Condition IsProd
D: !Transform {Name: X}
E: yes
F: 2010-09-09
G: !Ref 123
"""
    assert decode(text, "t").data == {
        "A": {"Fn::GetAtt": ["a", "b.c"]}, "B": {"Fn::GetAtt": ["a", "b"]}, "C": {"Condition": "IsProd"},
        "D": {"Fn::Transform": {"Name": "X"}}, "E": True, "F": dt.date(2010, 9, 9), "G": {"Ref": "123"},
    }


@pytest.mark.parametrize(("name", "text", "message", "line"), [
    ("bad.yaml", "Resources:\n  A:\n    Type: [unclosed\n", "invalid YAML", 4),
    ("bad.json", '{\n  "Resources": {\n    "A": {"Type": "AWS::S3::Bucket",}\n  }\n}\n', "invalid JSON", 3),
    ("empty.yaml", "", "empty file", None),
    ("blank.yaml", "  \n\n", "empty file", None),
    ("comments.yaml", "# nothing here\n", "not a CloudFormation template", None),
    ("list.yaml", "- a\n- b\n", "not a CloudFormation template", None),
    ("random.yaml", "name: ci\non: [push]\n", "not a CloudFormation template", None),
    ("untyped.yaml", "Resources:\n  A: {Properties: {}}\n", "not a CloudFormation template", None),
    ("dup.yaml", "Resources:\n  A: {Type: AWS::S3::Bucket}\n  A: {Type: AWS::SNS::Topic}\n", "duplicate key", 3),
    ("dup.json", '{"Resources": {"A": {"Type": "AWS::S3::Bucket"}, "A": {"Type": "X"}}}', "duplicate key", None),
    ("recursive.yaml", "a: &x [*x]\n", "recursive", None),
])
def test_bad_input_is_a_one_line_source_error(tmp_path: Path, name: str, text: str, message: str,
                                              line: int | None) -> None:
    with pytest.raises(SourceError) as err:
        _load_text(tmp_path, name, text)
    assert message in str(err.value)
    assert "\n" not in str(err.value)
    assert err.value.file == str(tmp_path / name)
    if line is not None:
        assert err.value.line == line


def test_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    text = "\n".join(lines) + "\nResources:\n  A: {Type: AWS::S3::Bucket, Properties: *a9}\n"
    # Refused by counting expansions, not by running out of memory (speed is measured in bench/).
    with pytest.raises(SourceError, match="alias bomb"):
        _load_text(tmp_path, "bomb.yaml", text)
    # a template that legitimately reuses an anchor still loads
    ok = "x: &tags [{Key: a, Value: b}]\nResources:\n  A: {Type: AWS::SNS::Topic, Properties: {Tags: *tags}}\n"
    assert len(_load_text(tmp_path, "ok.yaml", ok)) == 1
    assert MAX_EXPANDED_NODES >= 100_000


def test_thousand_resources_load_with_exact_lines(tmp_path: Path) -> None:
    parts = ["Parameters:\n  T: {Type: String, Default: m5.large, AllowedValues: [m5.large, t3.micro]}\n",
             "Resources:\n"]
    for i in range(500):  # 1,000 resources: a security group and an instance each
        parts.append(f"""  Sg{i}:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: !Sub "group ${{T}} {i}"
      SecurityGroupIngress:
        - {{IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 10.0.0.0/8}}
  I{i}:
    Type: AWS::EC2::Instance
    Properties:
      InstanceType: !Ref T
      BlockDeviceMappings: [{{DeviceName: /dev/xvda, Ebs: {{Encrypted: true}}}}]
""")
    data = "".join(parts).encode()
    path = tmp_path / "big.yaml"
    result = load(path, data)
    assert len(result.resources) == 1000
    assert result.resources[-1].location.line == data.count(b"\n") - 4


# --- the corpus -------------------------------------------------------------------------------------

def _corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.suffix in TEMPLATE_SUFFIXES)


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present")
def test_corpus_loads_and_never_errors(rules: list[Any]) -> None:
    refused, loaded = set(), 0
    for path in _corpus_files():
        rel = path.relative_to(CORPUS).as_posix()
        try:
            result = load(path, path.read_bytes())
        except SourceError as exc:
            assert "not a CloudFormation template" in str(exc), rel
            refused.add(rel)
            continue
        loaded += 1
        for finding in evaluate(rules, result.resources):
            assert finding.status.value != "error", f"{rel}: {finding.resource.id}: {finding.message}"
            for alt in finding.resource.meta.get("alternatives", []):
                r = finding.resource
                twin = Resource(r.kind, r.id, r.native_type, alt["attrs"], r.service, r.location)
                assert all(f.status.value != "error" for f in evaluate(rules, [twin])), rel
    assert refused == NOT_TEMPLATES
    assert loaded == len(_corpus_files()) - len(NOT_TEMPLATES)


def _plain(value: Any) -> Any:
    """cfn-lint's node types (dict_node, str_node, ...) to plain dict/list/str."""
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


@pytest.mark.slow
@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present")
def test_decoder_agrees_with_cfn_lint_on_corpus() -> None:
    cfnlint_decode = pytest.importorskip("cfnlint.decode")
    for path in _corpus_files():
        text = path.read_text(encoding="utf-8")
        theirs, matches = cfnlint_decode.decode_str(text)
        if matches:
            with pytest.raises(SourceError):
                decode(text, str(path))
            continue
        assert decode(text, str(path)).data == _plain(theirs), path.relative_to(CORPUS).as_posix()


JUDGE_SAMPLES = [
    "Resources:\n  A: {Type: AWS::S3::Bucket}\n  A: {Type: AWS::SNS::Topic}\n",  # duplicate key
    "Resources:\n  ~: {Type: AWS::S3::Bucket}\n",  # null key
    "Resources:\n  A: {Type: AWS::S3::Bucket, Properties: {X: 2010-13-45}}\n",  # impossible date
    "Resources:\n  A:\n    Type: [unclosed\n",
    "A: !GetAtt a.b.c\nB: !If [C, yes, 0x1F]\nC: !Select ['0', !GetAZs '']\nD: 1.5e3\nE: .inf\nF: 2010-09-09\n",
    'x: &a {k: v}\ny: *a\nz: {<<: *a, k: w}\n',
    '{\n\t"Resources": {"A": {"Type": "AWS::S3::Bucket", "Properties": {"N": 1e5, "S": "\\u00e9"}}}\n}\n',
    '{"Resources": {"A": {"Type": "AWS::S3::Bucket"}, "A": {"Type": "X"}}}',
]


@pytest.mark.slow
@pytest.mark.parametrize("text", JUDGE_SAMPLES)
def test_decoder_agrees_with_cfn_lint_on_edge_cases(text: str) -> None:
    cfnlint_decode = pytest.importorskip("cfnlint.decode")
    theirs, matches = cfnlint_decode.decode_str(text)
    if matches:
        with pytest.raises(SourceError):
            decode(text, "t")
    else:
        assert decode(text, "t").data == _plain(theirs)


def test_a_macro_event_is_skipped_in_a_directory_but_an_error_when_named(tmp_path: Path) -> None:
    """A CloudFormation macro event mentions Resources and AWS:: types but is no template."""
    from engine.catalog.loader import load_catalog
    from engine.lint import lint

    event = tmp_path / "event.json"
    event.write_text('{"fragment": {"Resources": {"B": {"Type": "AWS::S3::Bucket"}}}, "requestId": "r"}')
    catalog = load_catalog(Path(__file__).resolve().parents[2])
    walked = lint([tmp_path], catalog)
    assert (walked.files_scanned, walked.files_skipped, walked.errors) == (0, 1, [])
    assert walked.notes == [f"{event}: skipped, not a CloudFormation template: no Resources mapping at the top level"]
    named = lint([event], catalog)
    assert [(e.file, e.message) for e in named.errors] == [
        (str(event), "not a CloudFormation template: no Resources mapping at the top level")]


def test_get_att_of_a_written_cidr_and_a_cycle(tmp_path: Path) -> None:
    """`!GetAtt Vpc.CidrBlock` is the VPC's written CIDR; one that points back at itself is unknown."""
    resources = {r.id: r for r in _load_text(tmp_path, "t.yaml", """
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.20.0.0/16}
  Loop:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: !GetAtt Loop.CidrBlock}
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: ssh
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: !GetAtt Vpc.CidrBlock}
        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: !GetAtt Loop.CidrBlock}
""")}
    assert [e["cidr"] for e in resources["Sg"].attrs["ingress"]] == ["10.20.0.0/16", UNKNOWN]
