"""Canonical attributes from resolved CloudFormation properties, one builder per kind.

The simple paths and defaults are those in engine/resources/kinds.py; the irregular cases (block
device lists, security-group rules and AWS's implicit allow-all egress) are code here. Values are
coerced as CloudFormation does: "true"/"false" strings are booleans, "22" is port 22. A value of
the wrong shape becomes UNKNOWN rather than a guess, so a rule never passes on it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from engine.resources.kinds import DEFAULT_BURSTABLE_PERFORMANCE, KINDS
from engine.resources.model import UNKNOWN

ABSENT: Any = object()

_ALL_TRAFFIC = {"protocol": "all", "from_port": 0, "to_port": 65535}
_PROTOCOL_NUMBERS = {"-1": "all", "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}
_INT = re.compile(r"-?\d+")


def get(value: Any, *path: str | int) -> Any:
    """Walk keys and list indexes; ABSENT when a step is missing, UNKNOWN when a step is unknown."""
    cur = value
    for step in path:
        if cur is UNKNOWN:
            return UNKNOWN
        if isinstance(step, int):
            if not isinstance(cur, list):
                return UNKNOWN if cur is not ABSENT else ABSENT
            if step >= len(cur):
                return ABSENT
            cur = cur[step]
        elif isinstance(cur, Mapping):
            cur = cur.get(step, ABSENT)
        elif cur is ABSENT or cur is None:
            return ABSENT
        else:
            return UNKNOWN
        if cur is ABSENT:
            return ABSENT
    return cur


def as_bool(v: Any, default: Any = ABSENT) -> Any:
    if v is ABSENT or v is None:
        return default
    if isinstance(v, bool) or v is UNKNOWN:
        return v
    if isinstance(v, str) and v.lower() in ("true", "false"):
        return v.lower() == "true"
    return UNKNOWN


def as_str(v: Any, default: Any = ABSENT) -> Any:
    if v is ABSENT or v is None:
        return default
    if isinstance(v, str) or v is UNKNOWN:
        return v
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return str(v)
    return UNKNOWN


def as_port(v: Any) -> Any:
    if v is ABSENT or v is None:
        return None
    if v is UNKNOWN or (isinstance(v, int) and not isinstance(v, bool)):
        return v
    if isinstance(v, str) and _INT.fullmatch(v.strip()):
        return int(v)
    return UNKNOWN


def _protocol(v: Any) -> Any:
    if v is UNKNOWN:
        return UNKNOWN
    text = as_str(v)
    if text is ABSENT or text is UNKNOWN:
        return UNKNOWN if text is UNKNOWN else "all"
    text = text.strip().lower()
    return _PROTOCOL_NUMBERS.get(text, text)


def sg_rule(entry: Any) -> Any:
    """One SecurityGroupIngress/Egress entry (inline or standalone) in canonical form."""
    if not isinstance(entry, Mapping):
        return UNKNOWN
    protocol = _protocol(entry.get("IpProtocol", ABSENT))
    rule: dict[str, Any] = {"protocol": protocol}
    if isinstance(protocol, str) and protocol == "all":
        rule.update(_ALL_TRAFFIC)
    else:
        rule["from_port"] = as_port(entry.get("FromPort", ABSENT))
        rule["to_port"] = as_port(entry.get("ToPort", ABSENT))
    for key in ("CidrIp", "CidrIpv6"):
        if key in entry:
            rule.update(cidr=as_str(entry[key], None), peer="cidr")
            return rule
    if "SourcePrefixListId" in entry or "DestinationPrefixListId" in entry:
        rule.update(cidr=None, peer="prefix_list")
    elif any(k in entry for k in ("SourceSecurityGroupId", "SourceSecurityGroupName", "DestinationSecurityGroupId")):
        rule.update(cidr=None, peer="security_group")
    else:
        rule.update(cidr=None, peer="cidr")
    return rule


def _default_egress() -> list[dict[str, Any]]:
    # "If you do not add egress rules, we add egress rules that allow all outbound IPv4 and IPv6 traffic."
    return [{**_ALL_TRAFFIC, "cidr": cidr, "peer": "cidr"} for cidr in ("0.0.0.0/0", "::/0")]


def _rules(value: Any) -> Any:
    if value is UNKNOWN or not isinstance(value, list):
        return UNKNOWN
    return [sg_rule(e) for e in value]


def volumes(mappings: Any, absent: Any) -> Any:
    """Block device mappings with an Ebs block; ephemeral (VirtualName) and NoDevice entries are skipped."""
    if mappings is ABSENT or mappings is None:
        return absent
    if not isinstance(mappings, list):
        return UNKNOWN
    out: list[Any] = []
    for m in mappings:
        if not isinstance(m, Mapping):
            out.append(UNKNOWN)
            continue
        ebs = m.get("Ebs", ABSENT)
        if ebs is ABSENT:
            continue
        device = as_str(m.get("DeviceName", ABSENT), None)
        encrypted = as_bool(ebs.get("Encrypted", ABSENT), False) if isinstance(ebs, Mapping) else UNKNOWN
        out.append({"device": device, "encrypted": encrypted})
    return out


# The AMI's root device name is not in the template; these are the names AMIs give it.
_ROOT_DEVICES = ("/dev/xvda", "/dev/sda1", "/dev/sda")


def with_root_volume(vols: Any) -> Any:
    """An instance or launch configuration always has a root volume: when no mapping names a root
    device, it is the AMI's, created unencrypted unless the account encrypts by default (the plan
    source reads an absent root_block_device the same way)."""
    if not isinstance(vols, list):
        return vols
    if any(not isinstance(v, Mapping) or v.get("device") in _ROOT_DEVICES or v.get("device") is UNKNOWN
           for v in vols):
        return vols
    return [{"device": "root", "encrypted": False}, *vols]


def _set(attrs: dict[str, Any], name: str, value: Any) -> None:
    if value is not ABSENT:
        attrs[name] = value


def _s3_bucket(p: Any) -> dict[str, Any]:
    return {
        "versioning": as_str(get(p, "VersioningConfiguration", "Status"), "Disabled"),
        "encryption_algorithm": as_str(get(
            p, "BucketEncryption", "ServerSideEncryptionConfiguration", 0,
            "ServerSideEncryptionByDefault", "SSEAlgorithm"), "AES256"),
    }


def _ec2_volume(p: Any) -> dict[str, Any]:
    return {"encrypted": as_bool(get(p, "Encrypted"), False)}


def _ec2_instance(p: Any) -> dict[str, Any]:
    template = get(p, "LaunchTemplate")
    attrs: dict[str, Any] = {}
    _set(attrs, "instance_type", as_str(get(p, "InstanceType")))
    if template is ABSENT or template is None:
        attrs["launch_template"] = None
        attrs["volumes"] = with_root_volume(volumes(get(p, "BlockDeviceMappings"), []))
    else:
        name = get(template, "LaunchTemplateId")
        if name is ABSENT:
            name = get(template, "LaunchTemplateName")
        attrs["launch_template"] = as_str(name, UNKNOWN)
        # Without mappings here the launch template decides; it is judged on its own.
        attrs["volumes"] = volumes(get(p, "BlockDeviceMappings"), UNKNOWN)
    return attrs


def burstable_performance(requirements: Any) -> Any:
    """InstanceRequirements.BurstablePerformance: ABSENT without requirements, else the value or EC2's
    default."""
    if requirements is ABSENT or requirements is None:
        return ABSENT
    if not isinstance(requirements, Mapping):
        return UNKNOWN
    return as_str(requirements.get("BurstablePerformance", ABSENT), DEFAULT_BURSTABLE_PERFORMANCE)


def _launch_template(p: Any) -> dict[str, Any]:
    data = get(p, "LaunchTemplateData")
    attrs: dict[str, Any] = {}
    _set(attrs, "instance_type", as_str(get(data, "InstanceType")))
    _set(attrs, "burstable_performance", burstable_performance(get(data, "InstanceRequirements")))
    attrs["volumes"] = volumes(get(data, "BlockDeviceMappings"), [])
    return attrs


def _launch_configuration(p: Any) -> dict[str, Any]:
    attrs: dict[str, Any] = {}
    _set(attrs, "instance_type", as_str(get(p, "InstanceType")))
    attrs["volumes"] = with_root_volume(volumes(get(p, "BlockDeviceMappings"), []))
    return attrs


def _autoscaling_group(p: Any) -> dict[str, Any]:
    overrides = get(p, "MixedInstancesPolicy", "LaunchTemplate", "Overrides")
    if overrides is ABSENT or overrides is None:
        return {"instance_types": []}
    if not isinstance(overrides, list):
        return {"instance_types": UNKNOWN}
    types: list[Any] = []
    for o in overrides:
        if not isinstance(o, Mapping):
            types.append(UNKNOWN)
        elif "InstanceType" in o:
            types.append({"instance_type": as_str(o["InstanceType"], None)})
        elif "InstanceRequirements" in o:
            types.append({"instance_type": None,
                          "burstable_performance": burstable_performance(o["InstanceRequirements"])})
    return {"instance_types": types}


# A restore or a replica takes its encryption from the source; left unset, StorageEncrypted is then
# the source's (CloudFormation: "don't specify this property ... inherited from the snapshot").
_ENCRYPTION_SOURCES = {
    "rds.instance": ("DBSnapshotIdentifier", "SourceDBInstanceIdentifier", "SourceDBInstanceAutomatedBackupsArn",
                     "SourceDbiResourceId", "SourceDBClusterIdentifier"),
    "rds.cluster": ("SnapshotIdentifier", "SourceDBClusterIdentifier"),
}


def _storage_encrypted(p: Any, kind: str) -> Any:
    inherited = any(get(p, key) not in (ABSENT, None, "") for key in _ENCRYPTION_SOURCES[kind])
    return as_bool(get(p, "StorageEncrypted"), UNKNOWN if inherited else False)


def _rds_instance(p: Any) -> dict[str, Any]:
    attrs = {"storage_encrypted": _storage_encrypted(p, "rds.instance"),
             "cluster_member": get(p, "DBClusterIdentifier") is not ABSENT}
    _set(attrs, "engine", as_str(get(p, "Engine")))
    return attrs


def _rds_cluster(p: Any) -> dict[str, Any]:
    attrs = {"storage_encrypted": _storage_encrypted(p, "rds.cluster")}
    _set(attrs, "engine", as_str(get(p, "Engine")))
    return attrs


def _user_name(p: Any) -> dict[str, Any]:
    # No UserName: CloudFormation generates one, unknown until deployment.
    return {"name": as_str(get(p, "UserName"), UNKNOWN)}


def _access_key(p: Any) -> dict[str, Any]:
    return {"user": as_str(get(p, "UserName"), UNKNOWN)}


def _igw_attachment(p: Any) -> dict[str, Any]:
    return {"vpc_id": as_str(get(p, "VpcId"), UNKNOWN)}


def _nat_gateway(p: Any) -> dict[str, Any]:
    return {"connectivity_type": as_str(get(p, "ConnectivityType"), "public")}


def _security_group(p: Any) -> dict[str, Any]:
    ingress = get(p, "SecurityGroupIngress")
    egress = get(p, "SecurityGroupEgress")
    return {
        "ingress": [] if ingress is ABSENT or ingress is None else _rules(ingress),
        "egress": _default_egress() if egress is ABSENT or egress is None or egress == [] else _rules(egress),
    }


BUILDERS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "s3.bucket": _s3_bucket,
    "ec2.volume": _ec2_volume,
    "ec2.instance": _ec2_instance,
    "ec2.launch_template": _launch_template,
    "autoscaling.launch_configuration": _launch_configuration,
    "autoscaling.group": _autoscaling_group,
    "rds.instance": _rds_instance,
    "rds.cluster": _rds_cluster,
    "iam.user": _user_name,
    "iam.access_key": _access_key,
    "ec2.internet_gateway_attachment": _igw_attachment,
    "ec2.nat_gateway": _nat_gateway,
    "ec2.security_group": _security_group,
}


def canonical(kind: str, native_type: str, props: Any) -> dict[str, Any]:
    """The canonical attributes of one resource from its resolved Properties."""
    if props is UNKNOWN:
        return {a.name: UNKNOWN for a in KINDS[kind].attrs}
    if kind == "ec2.security_group_rule":
        rule = sg_rule(props)
        inbound = native_type == "AWS::EC2::SecurityGroupIngress"
        return {"ingress": [rule] if inbound else [], "egress": [] if inbound else [rule]}
    if kind == "iam.login_profile":
        return {"user": as_str(get(props, "UserName"), UNKNOWN)}
    builder = BUILDERS.get(kind)
    return builder(props if props is not None else {}) if builder else {}
