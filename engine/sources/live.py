"""Live-account source: boto3 response shapes -> canonical resources.

One small function per kind, each taking the response pieces the collector read (plain dicts as
boto3 returns them) and the account and region they came from. No API calls happen here, so every
normalizer is unit-tested with recorded response shapes; `engine.audit.collect` does the reading.

Absence is read the way AWS means it (see `engine.resources.kinds`, the `live` column):
- a bucket without a versioning status was never versioned: "Disabled";
- a bucket without an encryption configuration has AWS's default SSE-S3 ("AES256", since 2023);
- a launch-template block device without `Encrypted` is unencrypted unless the account default is on
  (the rule reads that from the `account.ebs_defaults` fact);
- a NAT gateway without `ConnectivityType` is public.
Stdlib only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from engine.resources.kinds import DEFAULT_BURSTABLE_PERFORMANCE
from engine.resources.model import UNKNOWN, Location, Resource

# IAM is global: AWS Config records it under the pseudo-region "global"; the audit does the same.
GLOBAL_REGION = "global"

_PROTOCOLS = {"-1": "all", "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}


def _loc(account: str, region: str) -> Location:
    return Location(account=account, region=region)


def _tags(raw: Iterable[Mapping[str, Any]] | None) -> dict[str, str]:
    return {str(t.get("Key")): str(t.get("Value", "")) for t in raw or ()}


# --- S3 -------------------------------------------------------------------------------------------

def bucket(name: str, versioning: Mapping[str, Any], encryption: Mapping[str, Any] | None,
           account: str, region: str) -> Resource:
    """`versioning`: get_bucket_versioning(); `encryption`: get_bucket_encryption(), or None when S3
    answered ServerSideEncryptionConfigurationNotFoundError (the bucket has AWS's default SSE-S3)."""
    meta: dict[str, Any] = {}
    algorithm: Any = "AES256"
    if encryption is None:
        meta["notes"] = ["no explicit default encryption: AWS applies SSE-S3 (AES256)"]
    else:
        rules = (encryption.get("ServerSideEncryptionConfiguration") or {}).get("Rules") or []
        by_default = (rules[0].get("ApplyServerSideEncryptionByDefault") or {}) if rules else {}
        algorithm = by_default.get("SSEAlgorithm", "AES256")
    return Resource(
        kind="s3.bucket", id=name, native_type="AWS::S3::Bucket", service="s3",
        attrs={"versioning": versioning.get("Status") or "Disabled", "encryption_algorithm": algorithm},
        location=_loc(account, region), meta=meta,
    )


def bucket_region(location_response: Mapping[str, Any]) -> str:
    """get_bucket_location: None means us-east-1, and the legacy "EU" means eu-west-1."""
    constraint = location_response.get("LocationConstraint")
    if not constraint:
        return "us-east-1"
    return "eu-west-1" if constraint == "EU" else str(constraint)


# --- EC2 ------------------------------------------------------------------------------------------

def volume(raw: Mapping[str, Any], account: str, region: str) -> Resource:
    return Resource(
        kind="ec2.volume", id=raw["VolumeId"], native_type="AWS::EC2::Volume", service="ec2",
        attrs={"encrypted": bool(raw.get("Encrypted", False))},
        location=_loc(account, region), meta={"tags": _tags(raw.get("Tags"))},
    )


def instance(raw: Mapping[str, Any], volume_encryption: Mapping[str, bool], account: str,
             region: str) -> Resource:
    """`volume_encryption`: VolumeId -> Encrypted from describe_volumes in the same region. A volume the
    listing did not show (attached in between) is UNKNOWN, never assumed encrypted."""
    volumes: list[Any] = []
    for mapping in raw.get("BlockDeviceMappings") or ():
        ebs = mapping.get("Ebs")
        if not ebs:
            continue
        vol_id = ebs.get("VolumeId")
        encrypted = volume_encryption.get(vol_id, UNKNOWN) if vol_id else UNKNOWN
        volumes.append({"device": mapping.get("DeviceName"), "encrypted": encrypted})
    tags = _tags(raw.get("Tags"))
    attrs: dict[str, Any] = {"instance_type": raw.get("InstanceType"), "volumes": volumes}
    # describe_instances has no launch-template field; EC2 tags instances launched from one.
    if "aws:ec2launchtemplate:id" in tags:
        attrs["launch_template"] = tags["aws:ec2launchtemplate:id"]
    return Resource(kind="ec2.instance", id=raw["InstanceId"], native_type="AWS::EC2::Instance",
                    service="ec2", attrs=attrs, location=_loc(account, region), meta={"tags": tags})


def launch_template(version: Mapping[str, Any], account: str, region: str) -> Resource:
    """One describe_launch_template_versions entry (the default version: what a plain launch uses)."""
    data = version.get("LaunchTemplateData") or {}
    volumes = [
        {"device": m.get("DeviceName"), "encrypted": bool(m["Ebs"].get("Encrypted", False))}
        for m in data.get("BlockDeviceMappings") or () if m.get("Ebs") is not None
    ]
    attrs: dict[str, Any] = {"volumes": volumes}
    if data.get("InstanceType"):
        attrs["instance_type"] = data["InstanceType"]
    requirements = data.get("InstanceRequirements")
    if isinstance(requirements, dict):  # attribute-based selection
        attrs["burstable_performance"] = requirements.get("BurstablePerformance") or DEFAULT_BURSTABLE_PERFORMANCE
    return Resource(
        kind="ec2.launch_template", id=version["LaunchTemplateId"], native_type="AWS::EC2::LaunchTemplate",
        service="ec2", attrs=attrs, location=_loc(account, region),
        meta={"name": version.get("LaunchTemplateName"), "version": version.get("VersionNumber")},
    )


def ebs_defaults(response: Mapping[str, Any], account: str, region: str) -> Resource:
    return Resource(
        kind="account.ebs_defaults", id=f"{account}/{region}/ebs-encryption-by-default",
        native_type="AWS::EC2::EBSEncryptionByDefault", service="ec2",
        attrs={"encryption_by_default": bool(response.get("EbsEncryptionByDefault", False))},
        location=_loc(account, region),
    )


def _permission_entries(perm: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One canonical entry per peer of one IpPermissions element."""
    raw_proto = str(perm.get("IpProtocol", "-1")).lower()
    protocol = _PROTOCOLS.get(raw_proto, raw_proto)
    from_port: int | None = perm.get("FromPort")
    to_port: int | None = perm.get("ToPort")
    if protocol == "all":
        from_port, to_port = 0, 65535
    base = {"protocol": protocol, "from_port": from_port, "to_port": to_port}
    out: list[dict[str, Any]] = []
    out += [{**base, "cidr": r["CidrIp"], "peer": r["CidrIp"]} for r in perm.get("IpRanges") or ()]
    out += [{**base, "cidr": r["CidrIpv6"], "peer": r["CidrIpv6"]} for r in perm.get("Ipv6Ranges") or ()]
    out += [{**base, "cidr": None, "peer": p["PrefixListId"]} for p in perm.get("PrefixListIds") or ()]
    out += [{**base, "cidr": None, "peer": g.get("GroupId") or g.get("GroupName")}
            for g in perm.get("UserIdGroupPairs") or ()]
    return out


def security_group(raw: Mapping[str, Any], account: str, region: str) -> Resource:
    ingress = [e for p in raw.get("IpPermissions") or () for e in _permission_entries(p)]
    egress = [e for p in raw.get("IpPermissionsEgress") or () for e in _permission_entries(p)]
    return Resource(
        kind="ec2.security_group", id=raw["GroupId"], native_type="AWS::EC2::SecurityGroup", service="ec2",
        attrs={"ingress": ingress, "egress": egress}, location=_loc(account, region),
        meta={"name": raw.get("GroupName"), "vpc": raw.get("VpcId"), "tags": _tags(raw.get("Tags"))},
    )


def internet_gateway(raw: Mapping[str, Any], account: str, region: str) -> Resource:
    # Every IGW is reported, attached or not: a detached one is one API call from being an exit.
    return Resource(
        kind="ec2.internet_gateway", id=raw["InternetGatewayId"], native_type="AWS::EC2::InternetGateway",
        service="ec2", attrs={}, location=_loc(account, region),
        meta={"attachments": [a.get("VpcId") for a in raw.get("Attachments") or ()]},
    )


def nat_gateway(raw: Mapping[str, Any], account: str, region: str) -> Resource | None:
    """None for a deleted (or deleting) gateway: it no longer routes anything."""
    if raw.get("State") in ("deleted", "deleting", "failed"):
        return None
    return Resource(
        kind="ec2.nat_gateway", id=raw["NatGatewayId"], native_type="AWS::EC2::NatGateway", service="ec2",
        attrs={"connectivity_type": raw.get("ConnectivityType") or "public"}, location=_loc(account, region),
    )


def egress_only_internet_gateway(raw: Mapping[str, Any], account: str, region: str) -> Resource:
    return Resource(
        kind="ec2.egress_only_internet_gateway", id=raw["EgressOnlyInternetGatewayId"],
        native_type="AWS::EC2::EgressOnlyInternetGateway", service="ec2", attrs={},
        location=_loc(account, region),
    )


# --- RDS, EKS ---------------------------------------------------------------------------------------

def db_instance(raw: Mapping[str, Any], account: str, region: str) -> Resource:
    return Resource(
        kind="rds.instance", id=raw["DBInstanceIdentifier"], native_type="AWS::RDS::DBInstance", service="rds",
        attrs={"storage_encrypted": bool(raw.get("StorageEncrypted", False)), "engine": raw.get("Engine"),
               "cluster_member": bool(raw.get("DBClusterIdentifier"))},
        location=_loc(account, region),
    )


def db_cluster(raw: Mapping[str, Any], account: str, region: str) -> Resource:
    return Resource(
        kind="rds.cluster", id=raw["DBClusterIdentifier"], native_type="AWS::RDS::DBCluster", service="rds",
        attrs={"storage_encrypted": bool(raw.get("StorageEncrypted", False)), "engine": raw.get("Engine")},
        location=_loc(account, region),
    )


def eks_cluster(name: str, account: str, region: str) -> Resource:
    # No rule models EKS beyond its service; "other" keeps it visible to denied-services.
    return Resource(kind="other", id=name, native_type="AWS::EKS::Cluster", attrs={}, service="eks",
                    location=_loc(account, region))


# --- IAM ------------------------------------------------------------------------------------------

def iam_user(raw: Mapping[str, Any], account: str) -> Resource:
    return Resource(kind="iam.user", id=raw["UserName"], native_type="AWS::IAM::User", service="iam",
                    attrs={"name": raw["UserName"]}, location=_loc(account, GLOBAL_REGION),
                    meta={"arn": raw.get("Arn")})


def access_key(raw: Mapping[str, Any], account: str) -> Resource:
    return Resource(kind="iam.access_key", id=raw["AccessKeyId"], native_type="AWS::IAM::AccessKey",
                    service="iam", attrs={"user": raw.get("UserName")}, location=_loc(account, GLOBAL_REGION),
                    meta={"status": raw.get("Status")})


def login_profile(user: str, account: str) -> Resource:
    return Resource(kind="iam.login_profile", id=f"{user}/login-profile",
                    native_type="AWS::IAM::User.LoginProfile", service="iam", attrs={"user": user},
                    location=_loc(account, GLOBAL_REGION))


def instances(reservations: Sequence[Mapping[str, Any]], volume_encryption: Mapping[str, bool],
              account: str, region: str) -> list[Resource]:
    """Every instance of describe_instances pages' Reservations, except terminated ones."""
    return [instance(i, volume_encryption, account, region)
            for r in reservations for i in r.get("Instances") or ()
            if (i.get("State") or {}).get("Name") != "terminated"]
