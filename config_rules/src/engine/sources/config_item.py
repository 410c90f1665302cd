"""AWS Config configuration items -> canonical resources.

Two shapes of the same item reach us, and both are accepted:
- the invoking-event form (`configurationItem` in a Lambda event, Config snapshots): `configuration`
  and most `supplementaryConfiguration` values are objects, the ids are `awsAccountId` and `ARN`;
- the API form (GetResourceConfigHistory, BatchGetResourceConfig, advanced queries): `configuration`
  is a JSON string, `supplementaryConfiguration` maps names to JSON strings, the ids are `accountId`
  and `arn`, and boto3 turns `configurationItemCaptureTime` into a datetime.
Even in the event form some supplementary values (e.g. `AccessControlList`) stay strings, so every
string-valued configuration is `json.loads`ed.

Paths follow the `config` column of engine/resources/kinds.py; irregular cases (S3 supplementary
configuration, security-group permission lists, block-device lists) are handled here.
Stdlib only: the Config rule Lambda ships this module.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from engine.errors import SourceError
from engine.resources.kinds import (
    DEFAULT_BURSTABLE_PERFORMANCE,
    KINDS,
    kind_for_config,
    service_for_cloudformation,
)
from engine.resources.model import UNKNOWN, Location, Resource
from engine.sources import SourceResult, decode_text

_ABSENT: Any = object()
_PROTOCOLS = {"-1": "all", "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}
_ALL_PORTS = {"from_port": 0, "to_port": 65535}
DELETED_STATUSES = ("ResourceDeleted", "ResourceDeletedNotRecorded", "ResourceNotRecorded")


def _json(value: Any) -> Any:
    """API form keeps nested documents as JSON strings; decode them, leave everything else alone."""
    if isinstance(value, str) and value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _get(obj: Any, *path: str | int) -> Any:
    cur = obj
    for step in path:
        if isinstance(step, int):
            if not isinstance(cur, list) or step >= len(cur):
                return _ABSENT
            cur = cur[step]
        elif isinstance(cur, Mapping):
            cur = cur.get(step, _ABSENT)
        else:
            return _ABSENT
        if cur is _ABSENT or cur is None:
            return _ABSENT
    return cur


def _bool(value: Any, default: Any = _ABSENT) -> Any:
    if value is _ABSENT or value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return UNKNOWN  # a shape we do not understand is undecidable, never a guess


def _str(value: Any, default: Any = _ABSENT) -> Any:
    if value is _ABSENT or value is None:
        return default
    return value if isinstance(value, str) else UNKNOWN


def _port(value: Any) -> Any:
    if value is _ABSENT or value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return UNKNOWN


def _default(kind: str, attr: str) -> Any:
    return KINDS[kind].attr(attr).default.get("config", _ABSENT)


# --- per-kind attribute readers: (configuration, supplementaryConfiguration) -> attrs ---------------


def _s3_bucket(conf: Mapping[str, Any], supp: Mapping[str, Any]) -> dict[str, Any]:
    status = _str(_get(supp, "BucketVersioningConfiguration", "status"), _default("s3.bucket", "versioning"))
    if status == "Off":  # Config's name for a bucket that was never versioned
        status = "Disabled"
    sse = _get(supp, "ServerSideEncryptionConfiguration", "rules", 0, "applyServerSideEncryptionByDefault",
               "sseAlgorithm")
    return {"versioning": status,
            "encryption_algorithm": _str(sse, _default("s3.bucket", "encryption_algorithm"))}


def _ec2_volume(conf: Mapping[str, Any], supp: Mapping[str, Any]) -> dict[str, Any]:
    return {"encrypted": _bool(_get(conf, "encrypted"), _default("ec2.volume", "encrypted"))}


def _volumes(mappings: Any, ebs_key: str, device_key: str, encrypted_key: str) -> Any:
    """Block-device mappings -> [{device, encrypted}]; instance-store and suppressed devices are skipped."""
    if mappings is _ABSENT:
        return []
    if not isinstance(mappings, list):
        return UNKNOWN
    out = []
    for m in mappings:
        ebs = _get(m, ebs_key)
        if not isinstance(ebs, Mapping):
            continue  # noDevice / virtualName (instance store): no EBS volume
        # Absent means unencrypted unless the account encrypts by default (the rule's escape hatch).
        out.append({"device": _str(_get(m, device_key), None), "encrypted": _bool(_get(ebs, encrypted_key), False)})
    return out


def _ec2_instance(conf: Mapping[str, Any], supp: Mapping[str, Any]) -> dict[str, Any]:
    attrs: dict[str, Any] = {"instance_type": _str(_get(conf, "instanceType"), UNKNOWN),
                             # The item lists volume ids only, never their encryption: the volumes are
                             # judged through their own AWS::EC2::Volume items, so here they are unknown.
                             "volumes": UNKNOWN}
    lt = _get(conf, "launchTemplate")
    if isinstance(lt, str):
        attrs["launch_template"] = lt
    return attrs


def _launch_template(conf: Mapping[str, Any], supp: Mapping[str, Any]) -> dict[str, Any]:
    data = _get(conf, "LaunchTemplateData")  # PascalCase: Config stores the API shape verbatim here
    data = data if isinstance(data, Mapping) else {}
    attrs: dict[str, Any] = {"volumes": _volumes(_get(data, "BlockDeviceMappings"), "Ebs", "DeviceName", "Encrypted")}
    instance_type = _get(data, "InstanceType")
    if instance_type is not _ABSENT:
        attrs["instance_type"] = _str(instance_type)
    requirements = _get(data, "InstanceRequirements")
    if isinstance(requirements, Mapping):
        attrs["burstable_performance"] = _str(_get(requirements, "BurstablePerformance"), DEFAULT_BURSTABLE_PERFORMANCE)
    return attrs


def _launch_configuration(conf: Mapping[str, Any], supp: Mapping[str, Any]) -> dict[str, Any]:
    return {"instance_type": _str(_get(conf, "instanceType"), UNKNOWN),
            "volumes": _volumes(_get(conf, "blockDeviceMappings"), "ebs", "deviceName", "encrypted")}


def _autoscaling_group(conf: Mapping[str, Any], supp: Mapping[str, Any]) -> dict[str, Any]:
    overrides = _get(conf, "mixedInstancesPolicy", "launchTemplate", "overrides")
    if overrides is _ABSENT:
        return {"instance_types": []}
    if not isinstance(overrides, list):
        return {"instance_types": UNKNOWN}
    types: list[Any] = []
    for o in overrides:
        requirements = _get(o, "instanceRequirements")
        if _get(o, "instanceType") is _ABSENT and isinstance(requirements, Mapping):
            burst = _str(_get(requirements, "burstablePerformance"), DEFAULT_BURSTABLE_PERFORMANCE)
            types.append({"instance_type": None, "burstable_performance": burst})
        else:
            types.append({"instance_type": _str(_get(o, "instanceType"), None)})
    return {"instance_types": types}


def _rds_instance(conf: Mapping[str, Any], supp: Mapping[str, Any]) -> dict[str, Any]:
    cluster = _get(conf, "dBClusterIdentifier")
    if cluster is _ABSENT:
        cluster = _get(conf, "dbClusterIdentifier")
    return {"storage_encrypted": _bool(_get(conf, "storageEncrypted"), _default("rds.instance", "storage_encrypted")),
            "engine": _str(_get(conf, "engine"), UNKNOWN),
            "cluster_member": cluster is not _ABSENT and cluster != ""}


def _rds_cluster(conf: Mapping[str, Any], supp: Mapping[str, Any]) -> dict[str, Any]:
    return {"storage_encrypted": _bool(_get(conf, "storageEncrypted"), _default("rds.cluster", "storage_encrypted")),
            "engine": _str(_get(conf, "engine"), UNKNOWN)}


def _iam_user(conf: Mapping[str, Any], supp: Mapping[str, Any]) -> dict[str, Any]:
    return {"name": _str(_get(conf, "userName"), UNKNOWN)}


def _nat_gateway(conf: Mapping[str, Any], supp: Mapping[str, Any]) -> dict[str, Any]:
    return {"connectivity_type": _str(_get(conf, "connectivityType"), _default("ec2.nat_gateway", "connectivity_type"))}


def _no_attrs(conf: Mapping[str, Any], supp: Mapping[str, Any]) -> dict[str, Any]:
    return {}


def _permission_entries(perm: Any) -> Iterator[Any]:
    """One IpPermission -> canonical entries, one per peer (CIDR, IPv6 CIDR, prefix list, group)."""
    if not isinstance(perm, Mapping):
        yield UNKNOWN
        return
    raw = _str(_get(perm, "ipProtocol"), "-1")
    protocol = raw if raw is UNKNOWN else _PROTOCOLS.get(raw.lower(), raw.lower())
    base: dict[str, Any] = {"protocol": protocol}
    if protocol == "all":
        base.update(_ALL_PORTS)  # ports are absent (or -1) when the protocol is all
    else:
        base.update(from_port=_port(_get(perm, "fromPort")), to_port=_port(_get(perm, "toPort")))
    # Newer items carry ipv4Ranges[].cidrIp and the legacy ipRanges[] strings side by side; older
    # ones only ipRanges. Read one of them, never both, or every CIDR would count twice.
    v4 = _get(perm, "ipv4Ranges")
    lists = [_get(perm, k) for k in ("ipRanges", "ipv6Ranges", "prefixListIds", "userIdGroupPairs")]
    if any(v is not _ABSENT and not isinstance(v, list) for v in (v4, *lists)):
        yield UNKNOWN  # a peer list we cannot read: undecidable, never "no peers"
        return
    legacy, v6, prefix_lists, groups = (v if isinstance(v, list) else [] for v in lists)
    cidrs = [_get(r, "cidrIp") for r in v4] if isinstance(v4, list) else list(legacy)
    cidrs += [_get(r, "cidrIpv6") for r in v6]
    for cidr in cidrs:
        yield {**base, "cidr": _str(cidr, None), "peer": "cidr"}
    for _ in prefix_lists:
        yield {**base, "cidr": None, "peer": "prefix_list"}
    for _ in groups:
        yield {**base, "cidr": None, "peer": "security_group"}


def _sg_entries(perms: Any) -> Any:
    if perms is _ABSENT:
        return []
    if not isinstance(perms, list):
        return UNKNOWN
    return [e for p in perms for e in _permission_entries(p)]


def _security_group(conf: Mapping[str, Any], supp: Mapping[str, Any]) -> dict[str, Any]:
    return {"ingress": _sg_entries(_get(conf, "ipPermissions")),
            "egress": _sg_entries(_get(conf, "ipPermissionsEgress"))}


READERS: dict[str, Callable[[Mapping[str, Any], Mapping[str, Any]], dict[str, Any]]] = {
    "s3.bucket": _s3_bucket,
    "ec2.volume": _ec2_volume,
    "ec2.instance": _ec2_instance,
    "ec2.launch_template": _launch_template,
    "autoscaling.launch_configuration": _launch_configuration,
    "autoscaling.group": _autoscaling_group,
    "rds.instance": _rds_instance,
    "rds.cluster": _rds_cluster,
    "iam.user": _iam_user,
    "ec2.internet_gateway": _no_attrs,
    "ec2.nat_gateway": _nat_gateway,
    "ec2.egress_only_internet_gateway": _no_attrs,
    "ec2.security_group": _security_group,
}


def capture_time(item: Mapping[str, Any]) -> dt.datetime | None:
    """configurationItemCaptureTime as an aware datetime (string in events, datetime from boto3)."""
    value = item.get("configurationItemCaptureTime")
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if isinstance(value, str) and value:
        return parse_time(value)
    return None


def parse_time(value: str) -> dt.datetime | None:
    """ISO 8601 as Config writes it (`2019-02-12T07:29:16.288Z`); None when it is not a timestamp."""
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def load_item(item: Mapping[str, Any], *, file: str | None = None) -> list[Resource]:
    """One configuration item (event or API form) -> its canonical resources (one, today)."""
    if not isinstance(item, Mapping):
        raise SourceError(f"a configuration item must be an object, got {type(item).__name__}")
    resource_type = item.get("resourceType")
    resource_id = item.get("resourceId")
    if not isinstance(resource_type, str) or not isinstance(resource_id, str):
        raise SourceError("configuration item without resourceType/resourceId")
    conf = _json(item.get("configuration"))
    conf = conf if isinstance(conf, Mapping) else {}  # deleted resources carry a null configuration
    supp_raw = item.get("supplementaryConfiguration")
    supp = {k: _json(v) for k, v in supp_raw.items()} if isinstance(supp_raw, Mapping) else {}
    kind = kind_for_config(resource_type)
    reader = READERS.get(kind)
    attrs = reader(conf, supp) if reader is not None else {}
    service = KINDS[kind].service if kind != "other" else service_for_cloudformation(resource_type)
    when = capture_time(item)
    meta: dict[str, Any] = {
        "arn": item.get("ARN") or item.get("arn"),
        "resource_name": item.get("resourceName"),
        "status": item.get("configurationItemStatus"),
        "capture_time": when.isoformat() if when else None,
    }
    location = Location(file=file, account=item.get("awsAccountId") or item.get("accountId"),
                        region=item.get("awsRegion"))
    return [Resource(kind=kind, id=resource_id, native_type=resource_type, attrs=attrs, service=service,
                     location=location, meta=meta)]


def items_in(doc: Any) -> tuple[list[Mapping[str, Any]], list[str]]:
    """The configuration items a document holds, and notes on what it holds but cannot give.

    Accepted: one item, a list of items, a Lambda invoking event (or its decoded invokingEvent), a
    Config snapshot or history response (`configurationItems`), a BatchGetResourceConfig response.
    """
    if isinstance(doc, list):
        return [i for i in doc if isinstance(i, Mapping)], []
    if not isinstance(doc, Mapping):
        raise SourceError("expected a configuration item, a list of items or an invoking event")
    if "invokingEvent" in doc:
        return items_in(_json(doc["invokingEvent"]))
    if "configurationItem" in doc:
        return [doc["configurationItem"]], []
    if "configurationItemSummary" in doc:
        s = doc["configurationItemSummary"]
        return [], [f"oversized item {s.get('resourceType')} {s.get('resourceId')}: not included, fetch it "
                    "with get_resource_config_history"]
    for key in ("configurationItems", "baseConfigurationItems"):
        if isinstance(doc.get(key), list):
            return [i for i in doc[key] if isinstance(i, Mapping)], []
    if "resourceType" in doc and "resourceId" in doc:
        return [doc], []
    if doc.get("messageType") == "ScheduledNotification":
        return [], ["scheduled notification: no configuration item"]
    raise SourceError("expected a configuration item, a list of items or an invoking event")


def load(path: Path, data: bytes) -> SourceResult:
    """A file holding one item, a list of items or an invoking event."""
    try:
        doc = json.loads(decode_text(data))
    except (ValueError, UnicodeDecodeError) as exc:
        raise SourceError(f"not JSON: {exc}", file=str(path)) from exc
    try:
        items, notes = items_in(doc)
        resources = [r for item in items for r in load_item(item, file=str(path))]
    except SourceError as exc:
        raise SourceError(exc.detail, file=str(path)) from exc
    return SourceResult(resources=resources, notes=notes)
