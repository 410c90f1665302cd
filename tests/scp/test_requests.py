"""Prove the compiled SCPs do what the rules say: per rule, the violating call from a workload role is
denied, the compliant call is allowed, and the same violating call from break-glass is allowed."""

from __future__ import annotations

import json
from typing import Any

import pytest
from scp_evaluator import Request, evaluate, scp_levels

BREAK_GLASS = [
    "arn:aws:iam::222222222222:role/BreakGlassAdmin",
    "arn:aws:iam::222222222222:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_PlatformBreakGlass_0a1b2c",
    "arn:aws:iam::222222222222:role/PlatformPipeline",
]
VOL = "arn:aws:ec2:eu-west-1:222222222222:volume/vol-0abc"
INST = "arn:aws:ec2:eu-west-1:222222222222:instance/i-0abc"
DB = "arn:aws:rds:eu-west-1:222222222222:db:orders"
CLUSTER = "arn:aws:rds:eu-west-1:222222222222:cluster:ledger"
BUCKET = "arn:aws:s3:::northwind-data"
ASG = "arn:aws:autoscaling:eu-west-1:222222222222:autoScalingGroup:uuid:autoScalingGroupName/web"

# (rule, target, request, violating?)
TABLE: list[tuple[str, str, Request, bool]] = [
    ("ebs-encryption", "prod", Request("ec2:CreateVolume", VOL, context={"ec2:Encrypted": "false"}), True),
    ("ebs-encryption", "prod", Request("ec2:CreateVolume", VOL, context={"ec2:Encrypted": "true"}), False),
    ("ebs-encryption", "staging", Request("ec2:RunInstances", VOL, context={"ec2:Encrypted": "false"}), True),
    ("ebs-encryption", "dev", Request("ec2:CreateFleet", VOL, context={"ec2:Encrypted": "false"}), True),
    ("ebs-encryption", "dev", Request("ec2:CreateFleet", VOL, context={"ec2:Encrypted": "true"}), False),
    ("ebs-encryption", "prod", Request("ec2:DisableEbsEncryptionByDefault"), True),
    ("ebs-encryption", "prod", Request("ec2:EnableEbsEncryptionByDefault"), False),
    ("rds-encryption", "prod", Request("rds:CreateDBInstance", DB, context={
        "rds:StorageEncrypted": "false", "rds:DatabaseEngine": "postgres"}), True),
    ("rds-encryption", "prod", Request("rds:CreateDBInstance", DB, context={
        "rds:StorageEncrypted": "true", "rds:DatabaseEngine": "postgres"}), False),
    # An Aurora member instance inherits the cluster's encryption: never blocked at the instance.
    ("rds-encryption", "prod", Request("rds:CreateDBInstance", DB, context={
        "rds:StorageEncrypted": "false", "rds:DatabaseEngine": "aurora-postgresql"}), False),
    ("rds-encryption", "isolated", Request("rds:CreateDBCluster", CLUSTER, context={
        "rds:StorageEncrypted": "false"}), True),
    ("rds-encryption", "isolated", Request("rds:CreateDBCluster", CLUSTER, context={
        "rds:StorageEncrypted": "true"}), False),
    ("rds-encryption", "dev", Request("rds:RestoreDBClusterFromS3", CLUSTER, context={
        "rds:StorageEncrypted": "false"}), True),
    *[("sso-only-access", "staging", Request(f"iam:{a}", "arn:aws:iam::222222222222:user/alice"), True)
      for a in ("CreateUser", "CreateAccessKey", "CreateLoginProfile", "UpdateLoginProfile",
                "CreateServiceSpecificCredential", "ResetServiceSpecificCredential", "UploadSSHPublicKey",
                "UploadSigningCertificate")],
    ("sso-only-access", "staging", Request("iam:CreateRole", "arn:aws:iam::222222222222:role/app"), False),
    ("no-burstable-instances", "prod", Request("ec2:RunInstances", INST, context={"ec2:InstanceType": "t3.micro"}),
     True),
    ("no-burstable-instances", "isolated", Request("ec2:CreateFleet", INST,
                                                   context={"ec2:InstanceType": "t4g.small"}), True),
    *[("no-burstable-instances", target, req, True) for target in ("prod", "staging", "isolated") for req in (
        Request("ec2:RunInstances", INST, context={"ec2:InstanceType": "t2.nano"}),
        Request("autoscaling:CreateLaunchConfiguration", context={"autoscaling:InstanceType": "t1.micro"}),
        Request("autoscaling:CreateAutoScalingGroup", ASG, context={"autoscaling:InstanceTypes": ["t3.large"]}),
    )],
    ("no-burstable-instances", "prod", Request("ec2:RunInstances", INST, context={"ec2:InstanceType": "m7g.large"}),
     False),
    # dev runs the rule in detect mode: burstable launches are reported, not denied.
    ("no-burstable-instances", "dev", Request("ec2:RunInstances", INST, context={"ec2:InstanceType": "t3.micro"}),
     False),
    ("no-burstable-instances", "staging", Request("autoscaling:CreateLaunchConfiguration", context={
        "autoscaling:InstanceType": "t2.micro"}), True),
    ("no-burstable-instances", "staging", Request("autoscaling:CreateLaunchConfiguration", context={
        "autoscaling:InstanceType": "m7i.large"}), False),
    ("no-burstable-instances", "prod", Request("autoscaling:CreateAutoScalingGroup", ASG, context={
        "autoscaling:InstanceTypes": ["m7g.large", "t3a.small"]}), True),
    ("no-burstable-instances", "prod", Request("autoscaling:UpdateAutoScalingGroup", ASG, context={
        "autoscaling:InstanceTypes": ["t3.small"]}), True),
    ("no-burstable-instances", "prod", Request("autoscaling:CreateAutoScalingGroup", ASG, context={
        "autoscaling:InstanceTypes": ["m7g.large", "c7g.large"]}), False),
    *[("no-internet-egress-gateways", "isolated", Request(a), True)
      for a in ("ec2:CreateInternetGateway", "ec2:AttachInternetGateway", "ec2:CreateEgressOnlyInternetGateway",
                "ec2:CreateNatGateway", "ec2:CreateVpcPeeringConnection", "ec2:AcceptVpcPeeringConnection",
                "ec2:CreateCarrierGateway", "globalaccelerator:CreateAccelerator",
                "globalaccelerator:CreateCustomRoutingAccelerator")],
    ("no-internet-egress-gateways", "isolated", Request("ec2:CreateTransitGatewayVpcAttachment"), False),
    # Only the isolated OU asks for it.
    ("no-internet-egress-gateways", "prod", Request("ec2:CreateInternetGateway"), False),
    ("denied-services", "prod", Request("eks:CreateCluster"), True),
    ("denied-services", "dev", Request("lightsail:CreateInstances"), True),
    ("denied-services", "dev", Request("ecs:CreateCluster"), False),
    ("s3-bucket-versioning", "prod", Request("s3:PutBucketVersioning", BUCKET), True),
    ("s3-bucket-versioning", "prod", Request("s3:GetBucketVersioning", BUCKET), False),
    ("s3-bucket-encryption-kms", "isolated", Request("s3:PutEncryptionConfiguration", BUCKET), True),
    ("s3-bucket-encryption-kms", "isolated", Request("s3:PutObject", BUCKET + "/key"), False),
    *[("protect-guardrails", "dev", Request(a), True)
      for a in ("config:StopConfigurationRecorder", "config:DeleteConfigurationRecorder",
                "config:PutConfigurationRecorder", "config:DeleteDeliveryChannel", "config:PutDeliveryChannel",
                "config:DeleteConfigRule", "cloudtrail:StopLogging", "cloudtrail:DeleteTrail",
                "cloudtrail:UpdateTrail", "cloudtrail:PutEventSelectors", "organizations:LeaveOrganization")],
    ("protect-guardrails", "dev", Request("config:PutConfigRule"), False),
    ("protect-guardrails", "dev", Request("cloudtrail:LookupEvents"), False),
]


def _id(row: tuple[str, str, Request, bool]) -> str:
    rule, target, req, bad = row
    return f"{rule}:{target}:{req.action}:{'deny' if bad else 'allow'}"


@pytest.mark.parametrize("row", TABLE, ids=[_id(r) for r in TABLE])
def test_workload_role(compiled: dict[str, bytes], row: tuple[str, str, Request, bool]) -> None:
    rule, target, req, violating = row
    decision = evaluate(scp_levels(compiled, target), req)
    assert decision.allowed is not violating, decision
    if violating:
        manifest = json.loads(compiled["manifest.json"])
        rules = {r for name, i in decision.denied_by for r in manifest["policies"][name]["statements"][i]["rules"]}
        assert rule in rules


@pytest.mark.parametrize("principal", BREAK_GLASS)
@pytest.mark.parametrize("row", [r for r in TABLE if r[3]], ids=[_id(r) for r in TABLE if r[3]])
def test_break_glass_and_pipeline_get_through(compiled: dict[str, bytes], row: tuple[str, str, Request, bool],
                                             principal: str) -> None:
    _, target, req, _ = row
    privileged = Request(req.action, req.resource, principal=principal, account=req.account, context=req.context)
    assert evaluate(scp_levels(compiled, target), privileged).allowed


def test_every_compiled_statement_denies_something(compiled: dict[str, bytes]) -> None:
    manifest = json.loads(compiled["manifest.json"])
    exercised: set[tuple[str, int]] = set()
    for _, target, req, violating in TABLE:
        if violating:
            exercised.update(evaluate(scp_levels(compiled, target), req).denied_by)
    every: set[tuple[str, int]] = {(name, i) for name, info in manifest["policies"].items()
                                   if info["type"] == "SERVICE_CONTROL_POLICY"
                                   for i in range(len(info["statements"]))}
    assert every - exercised == set()


def _statement_actions(compiled: dict[str, bytes]) -> set[str]:
    out: set[str] = set()
    for path, data in compiled.items():
        if path.endswith(".json") and "/" in path and "vpc-bpa" not in path:
            for st in json.loads(data)["Statement"]:
                acts: Any = st["Action"]
                out.update(acts if isinstance(acts, list) else [acts])
    return out


def test_every_compiled_action_is_in_the_table(compiled: dict[str, bytes]) -> None:
    tested = {req.action for _, _, req, bad in TABLE if bad}
    missing = {a for a in _statement_actions(compiled) if not any(
        a == t or (a.endswith(":*") and t.startswith(a[:-1])) for t in tested)}
    assert missing == set()
