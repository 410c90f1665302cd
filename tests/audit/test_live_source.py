"""Live normalizers on boto3-shaped responses, target mapping and error lines: no AWS, no moto."""

from __future__ import annotations

import dataclasses
from typing import Any

from botocore.exceptions import ClientError

from engine.audit.collect import describe_error
from engine.audit.discovery import target_for
from engine.catalog.model import Target
from engine.resources.model import UNKNOWN
from engine.sources import live

A, R = "111122223333", "eu-west-1"


def test_bucket_reads_absence_as_aws_means_it() -> None:
    b = live.bucket("logs", {}, None, A, R)  # never versioned; ServerSideEncryptionConfigurationNotFoundError
    assert b.attrs == {"versioning": "Disabled", "encryption_algorithm": "AES256"}
    assert (b.location.account, b.location.region) == (A, R)
    kms = {"ServerSideEncryptionConfiguration": {"Rules": [{"ApplyServerSideEncryptionByDefault": {
        "SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "arn:aws:kms:eu-west-1:111122223333:key/k"},
        "BucketKeyEnabled": True}]}}
    b = live.bucket("data", {"Status": "Suspended", "MFADelete": "Disabled"}, kms, A, R)
    assert b.attrs == {"versioning": "Suspended", "encryption_algorithm": "aws:kms"}


def test_bucket_region() -> None:
    assert live.bucket_region({"LocationConstraint": None}) == "us-east-1"
    assert live.bucket_region({"LocationConstraint": "EU"}) == "eu-west-1"
    assert live.bucket_region({"LocationConstraint": "eu-central-1"}) == "eu-central-1"


def test_security_group_one_entry_per_peer_and_all_protocols() -> None:
    raw = {"GroupId": "sg-1", "GroupName": "web", "VpcId": "vpc-1",
           "IpPermissions": [
               {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [
                   {"CidrIp": "0.0.0.0/0"}, {"CidrIp": "10.0.0.0/8"}], "Ipv6Ranges": [{"CidrIpv6": "::/0"}],
                "PrefixListIds": [{"PrefixListId": "pl-1"}], "UserIdGroupPairs": [{"GroupId": "sg-2"}]}],
           "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [],
                                    "PrefixListIds": [], "UserIdGroupPairs": []}]}
    sg = live.security_group(raw, A, R)
    tcp22 = {"protocol": "tcp", "from_port": 22, "to_port": 22}
    assert sg.attrs["ingress"] == [
        {**tcp22, "cidr": "0.0.0.0/0", "peer": "0.0.0.0/0"}, {**tcp22, "cidr": "10.0.0.0/8", "peer": "10.0.0.0/8"},
        {**tcp22, "cidr": "::/0", "peer": "::/0"}, {**tcp22, "cidr": None, "peer": "pl-1"},
        {**tcp22, "cidr": None, "peer": "sg-2"}]
    assert sg.attrs["egress"] == [{"protocol": "all", "from_port": 0, "to_port": 65535, "cidr": "0.0.0.0/0",
                                   "peer": "0.0.0.0/0"}]


def test_instance_joins_volumes_and_never_guesses() -> None:
    raw = {"InstanceId": "i-1", "InstanceType": "m7g.large", "State": {"Name": "running"},
           "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {"VolumeId": "vol-1"}},
                                   {"DeviceName": "/dev/xvdb", "Ebs": {"VolumeId": "vol-new"}}],
           "Tags": [{"Key": "aws:ec2launchtemplate:id", "Value": "lt-1"}]}
    i = live.instance(raw, {"vol-1": True}, A, R)
    assert i.attrs["volumes"] == [{"device": "/dev/xvda", "encrypted": True},
                                  {"device": "/dev/xvdb", "encrypted": UNKNOWN}]
    assert i.attrs["launch_template"] == "lt-1"
    gone = {"Instances": [{**raw, "State": {"Name": "terminated"}}, raw]}
    assert [r.id for r in live.instances([gone], {}, A, R)] == ["i-1"]


def test_launch_template_default_version() -> None:
    v = {"LaunchTemplateId": "lt-1", "LaunchTemplateName": "web", "VersionNumber": 3, "DefaultVersion": True,
         "LaunchTemplateData": {"InstanceType": "t3.micro", "BlockDeviceMappings": [
             {"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 8}},
             {"DeviceName": "/dev/sdb", "VirtualName": "ephemeral0"}]}}
    lt = live.launch_template(v, A, R)
    assert lt.attrs == {"instance_type": "t3.micro", "volumes": [{"device": "/dev/xvda", "encrypted": False}]}
    # Attribute-based selection: what describe_launch_template_versions returns, AWS's default spelled out.
    by_attributes = {**v, "LaunchTemplateData": {"InstanceRequirements": {
        "VCpuCount": {"Min": 2}, "MemoryMiB": {"Min": 4096}, "BurstablePerformance": "included"}}}
    assert live.launch_template(by_attributes, A, R).attrs == {"volumes": [], "burstable_performance": "included"}
    by_attributes["LaunchTemplateData"]["InstanceRequirements"].pop("BurstablePerformance")
    assert live.launch_template(by_attributes, A, R).attrs == {"volumes": [], "burstable_performance": "excluded"}


def test_gateways_rds_iam_eks_and_ebs_defaults() -> None:
    assert live.nat_gateway({"NatGatewayId": "nat-1", "State": "available"}, A, R).attrs == {  # type: ignore[union-attr]
        "connectivity_type": "public"}
    assert live.nat_gateway({"NatGatewayId": "nat-2", "State": "deleted"}, A, R) is None
    member = live.db_instance({"DBInstanceIdentifier": "db-1", "Engine": "aurora-postgresql",
                               "DBClusterIdentifier": "c-1", "StorageEncrypted": True}, A, R)
    assert member.attrs == {"storage_encrypted": True, "engine": "aurora-postgresql", "cluster_member": True}
    assert live.db_cluster({"DBClusterIdentifier": "c-1", "Engine": "aurora-mysql"}, A, R).attrs[
        "storage_encrypted"] is False
    key = live.access_key({"UserName": "bob", "AccessKeyId": "AKIA1", "Status": "Active"}, A)
    assert (key.kind, key.id, key.attrs, key.location.region) == ("iam.access_key", "AKIA1", {"user": "bob"}, "global")
    assert live.login_profile("bob", A).id == "bob/login-profile"
    eks = live.eks_cluster("k8s", A, R)
    assert (eks.kind, eks.service) == ("other", "eks")
    assert live.ebs_defaults({"EbsEncryptionByDefault": True}, A, R).attrs == {"encryption_by_default": True}


def test_target_mapping_explicit_accounts_then_longest_ou(catalog: Any) -> None:
    assert target_for(catalog, A, "Workloads/Prod/Payments") == "prod"
    assert target_for(catalog, A, "Workloads/Production") is None  # a prefix must end at a "/"
    assert target_for(catalog, A, "Sandbox") is None
    targets = dict(catalog.targets)
    targets["payments"] = Target("payments", ou="Workloads/Prod/Payments")
    targets["pinned"] = Target("pinned", accounts=(A,))
    c = dataclasses.replace(catalog, targets=targets)
    assert target_for(c, "999999999999", "Workloads/Prod/Payments/Team") == "payments"
    assert target_for(c, A, "Workloads/Prod/Payments") == "pinned"


def test_error_lines() -> None:
    exc = ClientError({"Error": {"Code": "AccessDenied", "Message": "not\nauthorized"}}, "AssumeRole")
    assert describe_error(exc) == "AccessDenied on AssumeRole: not authorized"
    assert describe_error(KeyError("x")) == "KeyError: 'x'"
