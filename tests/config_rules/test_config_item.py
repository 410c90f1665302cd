"""Config items -> canonical resources, checked against the real items in the corpus."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from engine.errors import SourceError
from engine.resources.model import UNKNOWN, Location
from engine.sources.config_item import load, load_item
from config_rules_helpers import EVENTS, corpus_item

SG_OPEN_SSH = {"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr": "0.0.0.0/0", "peer": "cidr"}
ALL_OUT = {"protocol": "all", "from_port": 0, "to_port": 65535, "cidr": "0.0.0.0/0", "peer": "cidr"}

# corpus item -> (kind, service, id, exact canonical attrs)
CORPUS_CASES: dict[str, tuple[str, str, str, dict[str, Any]]] = {
    "AWS_S3_Bucket": ("s3.bucket", "s3", "mborch-test-bucket-config-item",
                      {"versioning": "Enabled", "encryption_algorithm": "AES256"}),
    "AWS_EC2_Volume": ("ec2.volume", "ec2", "vol-a416b170", {"encrypted": True}),
    "AWS_EC2_Instance": ("ec2.instance", "ec2", "i-03402838daac1d611",
                         {"instance_type": "t2.micro", "volumes": UNKNOWN}),
    "AWS_EC2_LaunchTemplate": ("ec2.launch_template", "ec2", "lt-test", {"volumes": []}),
    "AWS_AutoScaling_LaunchConfiguration": (
        "autoscaling.launch_configuration", "autoscaling",
        "arn:aws:autoscaling:us-east-2:123456789012:launchConfiguration:test2:launchConfigurationName/test",
        {"instance_type": "t2.nano", "volumes": [
            {"device": "/dev/sdj", "encrypted": True}, {"device": "/dev/sda1", "encrypted": False},
            {"device": "/dev/sdh", "encrypted": True}, {"device": "/dev/sdi", "encrypted": True}]}),
    "AWS_AutoScaling_AutoScalingGroup": (
        "autoscaling.group", "autoscaling",
        "arn:aws:autoscaling:us-east-2:123456789012:autoScalingGroup:test:autoScalingGroupName/asg1",
        {"instance_types": []}),
    "AWS_RDS_DBInstance": ("rds.instance", "rds", "db-HHTTSRD6HXUIKXPFPI6WFVZ4PA",
                           {"storage_encrypted": True, "engine": "mysql", "cluster_member": False}),
    "AWS_RDS_DBCluster": ("rds.cluster", "rds", "cluster-test", {"storage_encrypted": True, "engine": "aurora-mysql"}),
    "AWS_IAM_User": ("iam.user", "iam", "AIDAILEDWOGIPJFAKOJKW", {"name": "johndoe"}),
    "AWS_EC2_InternetGateway": ("ec2.internet_gateway", "ec2", "igw-a5f227c1", {}),
    "AWS_EC2_NatGateway": ("ec2.nat_gateway", "ec2", "nat-test", {"connectivity_type": "public"}),
    "AWS_EC2_SecurityGroup": ("ec2.security_group", "ec2", "sg-1d56fc66",
                              {"ingress": [SG_OPEN_SSH], "egress": [ALL_OUT]}),
    "AWS_EKS_Cluster": ("other", "eks", "test", {}),
    "AWS_Redshift_Cluster": ("other", "redshift", "", {}),
}


@pytest.mark.parametrize("name", sorted(CORPUS_CASES))
def test_corpus_item_normalizes_exactly(name: str) -> None:
    item = corpus_item(name)
    kind, service, rid, attrs = CORPUS_CASES[name]
    [r] = load_item(item)
    assert (r.kind, r.service, r.native_type) == (kind, service, item["resourceType"])
    assert r.id == (rid or item["resourceId"])
    assert r.attrs == attrs
    assert r.location == Location(account=item.get("awsAccountId") or item.get("accountId"), region=item["awsRegion"])
    assert r.meta["arn"] == (item.get("ARN") or item.get("arn"))


def test_api_form_is_decoded() -> None:
    """GetResourceConfigHistory gives configuration and supplementary values as JSON strings."""
    item = corpus_item("AWS_S3_Bucket")
    supp = item["supplementaryConfiguration"]
    supp["BucketVersioningConfiguration"] = {"status": "Off", "isMfaDeleteEnabled": None}
    supp["ServerSideEncryptionConfiguration"] = {"rules": [{"applyServerSideEncryptionByDefault": {
        "sseAlgorithm": "aws:kms", "kmsMasterKeyID": "arn:aws:kms:us-east-1:934654633380:key/k"}}]}
    api = {k: v for k, v in item.items() if k not in ("awsAccountId", "ARN")}
    api.update(accountId="934654633380", arn=item["ARN"], configuration=json.dumps(item["configuration"]),
               supplementaryConfiguration={k: json.dumps(v) for k, v in supp.items()})
    for form in (item, api):
        [r] = load_item(form)
        assert r.attrs == {"versioning": "Disabled", "encryption_algorithm": "aws:kms"}
        assert r.location.account == "934654633380"


def test_security_group_peers_one_entry_each() -> None:
    """Newer items carry ipv4Ranges and the legacy ipRanges together: each CIDR counts once."""
    item = corpus_item("AWS_EC2_SecurityGroup")
    item["configuration"]["ipPermissions"] = [{
        "ipProtocol": "6", "fromPort": 20, "toPort": 25,
        "ipv4Ranges": [{"cidrIp": "0.0.0.0/0"}], "ipRanges": ["0.0.0.0/0"],
        "ipv6Ranges": [{"cidrIpv6": "::/0"}], "prefixListIds": [{"prefixListId": "pl-1"}],
        "userIdGroupPairs": [{"groupId": "sg-2", "userId": "264683526309"}]}]
    item["configuration"]["ipPermissionsEgress"] = []
    [r] = load_item(item)
    base = {"protocol": "tcp", "from_port": 20, "to_port": 25}
    assert r.attrs["ingress"] == [
        {**base, "cidr": "0.0.0.0/0", "peer": "cidr"}, {**base, "cidr": "::/0", "peer": "cidr"},
        {**base, "cidr": None, "peer": "prefix_list"}, {**base, "cidr": None, "peer": "security_group"}]
    assert r.attrs["egress"] == []


def test_security_group_permission_with_missing_or_odd_lists() -> None:
    item = corpus_item("AWS_EC2_SecurityGroup")
    item["configuration"]["ipPermissions"] = [{"ipProtocol": "tcp", "fromPort": 22, "toPort": 22,
                                               "ipv4Ranges": [{"cidrIp": "10.0.0.0/8"}]}]
    item["configuration"]["ipPermissionsEgress"] = [{"ipProtocol": "-1", "ipRanges": "0.0.0.0/0"}]
    [r] = load_item(item)
    assert r.attrs["ingress"] == [{"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr": "10.0.0.0/8",
                                   "peer": "cidr"}]
    assert r.attrs["egress"] == [UNKNOWN]


def test_launch_template_pascal_case_and_egress_only_gateway() -> None:
    lt = corpus_item("AWS_EC2_LaunchTemplate")
    lt["configuration"]["LaunchTemplateData"].update(InstanceType="t3.large", BlockDeviceMappings=[
        {"DeviceName": "/dev/xvda", "Ebs": {"Encrypted": True}}, {"DeviceName": "/dev/sdb", "Ebs": {}},
        {"DeviceName": "/dev/sdc", "VirtualName": "ephemeral0"}])
    [r] = load_item(lt)
    assert r.attrs == {"instance_type": "t3.large", "volumes": [
        {"device": "/dev/xvda", "encrypted": True}, {"device": "/dev/sdb", "encrypted": False}]}
    eigw = {**corpus_item("AWS_EC2_InternetGateway"), "resourceType": "AWS::EC2::EgressOnlyInternetGateway",
            "resourceId": "eigw-1", "configuration": {"egressOnlyInternetGatewayId": "eigw-1"}}
    [g] = load_item(eigw)
    assert (g.kind, g.attrs) == ("ec2.egress_only_internet_gateway", {})


def test_rds_cluster_member_and_deleted_item() -> None:
    item = corpus_item("AWS_RDS_DBInstance")
    item["configuration"].update(dBClusterIdentifier="aurora-1", storageEncrypted=False, engine="aurora-postgresql")
    assert load_item(item)[0].attrs == {"storage_encrypted": False, "engine": "aurora-postgresql",
                                        "cluster_member": True}
    deleted = {**corpus_item("AWS_EC2_Volume"), "configurationItemStatus": "ResourceDeleted", "configuration": None}
    assert load_item(deleted)[0].attrs == {"encrypted": False}


def test_unexpected_value_is_unknown_not_a_guess() -> None:
    item = corpus_item("AWS_EC2_Volume")
    item["configuration"]["encrypted"] = {"weird": 1}
    assert load_item(item)[0].attrs["encrypted"] is UNKNOWN


@pytest.mark.parametrize("name", ["awsConfigRuleConfigurationChanged.json", "awsConfigRuleOversizedConfiguration.json",
                                  "awsConfigRuleScheduled.json"])
def test_load_file_holding_an_invoking_event(name: str) -> None:
    path = EVENTS / name
    result = load(path, path.read_bytes())
    if "Changed" in name:
        [r] = result.resources
        assert (r.kind, r.id, r.attrs["instance_type"], r.location.file) == (
            "ec2.instance", "i-042dd005362091826", "t2.medium", str(path))
    else:
        assert result.resources == [] and result.notes


def test_load_list_of_items_and_errors(tmp_path: Path) -> None:
    items = [corpus_item("AWS_EC2_Volume"), corpus_item("AWS_IAM_User")]
    assert [r.kind for r in load(tmp_path / "x.json", json.dumps(items).encode()).resources] == ["ec2.volume", "iam.user"]
    with pytest.raises(SourceError, match="not JSON"):
        load(tmp_path / "bad.json", b"{nope")
    with pytest.raises(SourceError, match="expected a configuration item"):
        load(tmp_path / "other.json", b'{"hello": 1}')
