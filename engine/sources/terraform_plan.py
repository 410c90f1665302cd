"""Terraform plan JSON (`terraform show -json plan`) to canonical resources.

Judges the planned state (`change.after`) of every managed AWS resource that will exist after apply.
A value the plan marks unknown is UNKNOWN, unless the provider computes it and nothing in the
configuration sets it: then AWS's default (from kinds.py) applies. Satellites such as
`aws_s3_bucket_versioning` are folded into their bucket. Stdlib only: plans reach 100 MB.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from engine.errors import SourceError
from engine.gcpause import paused_gc
from engine.resources.kinds import (
    DEFAULT_BURSTABLE_PERFORMANCE,
    KINDS,
    kind_for_terraform,
    service_for_terraform,
)
from engine.resources.model import UNKNOWN, Location, Resource
from engine.sources import SourceResult, _tf_json, decode_text
from engine.sources._tf_links import (
    SATELLITES,
    Entry,
    as_list,
    at,
    bucket_attrs,
    coerce,
    config_index,
    link_satellites,
    module_calls,
    module_prefix,
    pick,
    top,
)

_SKIPPED_ACTIONS = {"delete", "forget", "read"}
_WAIVER_TAG = "ordinance:skip"
_PROTOCOLS = {"-1": "all", "all": "all", "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}


def load(path: Path, data: bytes) -> SourceResult:
    # A 100 MB plan is millions of fresh dicts and lists and no cycles: GC passes would double the time.
    with paused_gc():
        return _load(str(path), data)


def _load(file: str, data: bytes) -> SourceResult:
    doc = _parse(data, file)
    notes: list[str] = []
    config = config_index(doc.get("configuration"))
    changes = doc.get("resource_changes")
    if isinstance(changes, list):
        entries = list(_from_changes(changes, file))
    elif isinstance(doc.get("planned_values"), dict):
        # Hand-trimmed plans keep only planned_values: no actions, and unknowns are simply missing.
        entries = list(_from_planned(doc["planned_values"]))
        notes.append(f"{file}: no resource_changes; read planned_values (actions and unknown values not known)")
    else:
        raise SourceError("not a Terraform plan: neither resource_changes nor planned_values", file)
    if config is not None:
        for e in entries:
            e.expressions = config.get((module_calls(e.module), f"{e.type}.{e.name}"))
    return SourceResult(resources=normalize(entries, file, notes), notes=notes)


# -- reading ---------------------------------------------------------------------------------------


def _parse(data: bytes, file: str) -> dict[str, Any]:
    try:
        text = decode_text(data)
    except UnicodeDecodeError as exc:
        raise SourceError(f"not UTF-8 or UTF-16 text (byte {exc.start})", file) from None
    try:
        doc = _tf_json.loads(text)
    except RecursionError:
        raise SourceError("invalid JSON: nested too deeply", file) from None
    except json.JSONDecodeError as exc:
        head = text.lstrip()[:4096]
        if head.startswith("[command]") or "::set-output" in text or "::debug::" in head:
            raise SourceError("not JSON: looks like terraform-wrapper output; use terraform show -json directly",
                              file, exc.lineno) from None
        if exc.pos >= len(text.rstrip()):
            raise SourceError(f"invalid JSON: file ends early (truncated?): {exc.msg}", file, exc.lineno) from None
        raise SourceError(f"invalid JSON: {exc.msg} (column {exc.colno})", file, exc.lineno) from None
    if not isinstance(doc, dict) or "format_version" not in doc:
        raise SourceError("not a Terraform plan: no format_version (expected terraform show -json output)", file)
    version = str(doc["format_version"])
    major = version.split(".", 1)[0]
    if major not in ("0", "1"):
        raise SourceError(f"unsupported plan format_version {version}: only 0.x and 1.x are understood", file)
    return doc


def _action(actions: Any) -> str | None:
    """One word for the planned action, or None when the resource will not exist after apply."""
    acts = tuple(actions) if isinstance(actions, list) else ()
    if not acts or set(acts) <= _SKIPPED_ACTIONS:
        return None
    if "create" in acts and len(acts) > 1:  # delete+create, create+delete, create+forget
        return "replace"
    return acts[0] if len(acts) == 1 else "-".join(acts)


def _from_changes(changes: list[Any], file: str) -> Iterator[Entry]:
    for rc in changes:
        if not isinstance(rc, dict) or rc.get("mode", "managed") != "managed" or rc.get("deposed"):
            continue
        rtype = rc.get("type")
        if not isinstance(rtype, str) or not rtype.startswith("aws_"):
            continue  # other providers (random, null, awscc) hold no AWS resource we judge
        change = rc.get("change")
        if not isinstance(change, dict):
            raise SourceError(f"resource change {rc.get('address')!r} has no change object", file)
        action = _action(change.get("actions"))
        if action is None:
            continue
        address = str(rc.get("address"))
        module = rc.get("module_address")
        after = change.get("after")
        yield Entry(address, rtype, str(rc.get("name")), rc.get("index"),
                    module if isinstance(module, str) else module_prefix(address),
                    after if isinstance(after, dict) else {}, change.get("after_unknown") or {}, action)


def _from_planned(planned: dict[str, Any]) -> Iterator[Entry]:
    root = planned.get("root_module")
    stack = [root] if isinstance(root, dict) else []
    for module in stack:  # grows while iterating: breadth-first over child_modules
        for r in as_list(module.get("resources")):
            if not isinstance(r, dict):  # a hand-trimmed or damaged plan: not a resource, not a crash
                continue
            rtype = r.get("type")
            if r.get("mode", "managed") == "managed" and isinstance(rtype, str) and rtype.startswith("aws_"):
                values = r.get("values")
                yield Entry(str(r.get("address")), rtype, str(r.get("name")), r.get("index"),
                            module_prefix(str(r.get("address"))), values if isinstance(values, dict) else {},
                            {}, None)
        stack.extend(c for c in as_list(module.get("child_modules")) if isinstance(c, dict))


# kind -> (canonical name, Terraform argument, default, type) for attributes read straight from `after`.
_SIMPLE: dict[str, tuple[tuple[str, str, Any, str], ...]] = {
    kind.name: tuple((a.name, a.terraform, a.default.get("terraform"), a.type) for a in kind.attrs
                     if a.terraform and a.terraform.isidentifier() and a.type != "list")
    for kind in KINDS.values()
}


def _simple_attrs(e: Entry, kind: str) -> dict[str, Any]:
    """Attributes whose Terraform path in kinds.py is a plain top-level argument."""
    out: dict[str, Any] = {}
    for name, key, default, typ in _SIMPLE[kind]:
        value = coerce(top(e, key, default), typ)
        if value is not None:
            out[name] = value
    return out


# -- irregular kinds -------------------------------------------------------------------------------


def _encrypted(e: Entry, *path: str | int, inherited: bool = False) -> Any:
    """`encrypted` of a block device: unset means unencrypted, unless a launch template decides."""
    value = pick(e.after, e.unknown, *path, "encrypted")
    if value is UNKNOWN and not e.configures_nested(str(path[0]), "encrypted"):
        value = None  # computed by the provider, not configured
    if value is None:
        return UNKNOWN if inherited else False
    return coerce(value, "bool")


def _block_volumes(e: Entry, launch_template: Any = None) -> list[dict[str, Any]]:
    """root_block_device + ebs_block_device of aws_instance / aws_launch_configuration."""
    inherited = launch_template is not None  # the template's mappings decide what is not declared
    root = pick(e.after, e.unknown, "root_block_device")
    if root is UNKNOWN:
        # New instance: the root volume always exists; computed and not configured -> AWS default.
        computed = e.expressions is not None and "root_block_device" not in e.expressions
        volumes = [{"device": "root", "encrypted": (UNKNOWN if inherited else False) if computed else UNKNOWN}]
    elif root:
        name = pick(e.after, e.unknown, "root_block_device", 0, "device_name")
        volumes = [{"device": name if isinstance(name, str) and name else "root",
                    "encrypted": _encrypted(e, "root_block_device", 0, inherited=inherited)}]
    else:
        volumes = [{"device": "root", "encrypted": UNKNOWN if inherited else False}]
    extra = pick(e.after, e.unknown, "ebs_block_device")
    if extra is UNKNOWN:
        if e.configures("ebs_block_device"):
            volumes.append({"device": UNKNOWN, "encrypted": UNKNOWN})
    elif isinstance(extra, list):
        for i in range(len(extra)):
            name = pick(e.after, e.unknown, "ebs_block_device", i, "device_name")
            volumes.append({"device": name if name is not None else UNKNOWN,
                            "encrypted": _encrypted(e, "ebs_block_device", i)})
    return volumes


def _instance(e: Entry, attrs: dict[str, Any]) -> dict[str, Any]:
    lt = top(e, "launch_template")
    template: Any = None
    if lt is UNKNOWN:
        template = UNKNOWN
    elif isinstance(lt, list) and lt:
        ident = pick(e.after, e.unknown, "launch_template", 0, "id")
        name = pick(e.after, e.unknown, "launch_template", 0, "name")
        template = next((v for v in (ident, name) if isinstance(v, str) and v),
                        UNKNOWN if UNKNOWN in (ident, name) else None)
    return {"volumes": _block_volumes(e, template), "launch_template": template}


def _launch_configuration(e: Entry, attrs: dict[str, Any]) -> dict[str, Any]:
    return {"volumes": _block_volumes(e)}


def _launch_template(e: Entry, attrs: dict[str, Any]) -> dict[str, Any]:
    burst = _burstable(e, "instance_requirements")
    if burst is not None:
        attrs["burstable_performance"] = burst
    mappings = top(e, "block_device_mappings", [])
    if mappings is UNKNOWN:
        return {"volumes": [{"device": UNKNOWN, "encrypted": UNKNOWN}]}
    mappings = as_list(mappings)
    volumes: list[dict[str, Any]] = []
    for i in range(len(mappings)):
        ebs = pick(e.after, e.unknown, "block_device_mappings", i, "ebs")
        if not ebs:
            continue  # instance-store or no_device mapping: not an EBS volume
        name = pick(e.after, e.unknown, "block_device_mappings", i, "device_name")
        # Plan JSON writes this flag as a string: "true", "false" or "" (unset, i.e. unencrypted).
        enc = UNKNOWN if ebs is UNKNOWN else pick(e.after, e.unknown, "block_device_mappings", i, "ebs", 0,
                                                   "encrypted")
        volumes.append({"device": name if name is not None else UNKNOWN,
                        "encrypted": False if enc is None else coerce(enc, "bool")})
    return {"volumes": volumes}


def _autoscaling_group(e: Entry, attrs: dict[str, Any]) -> dict[str, Any]:
    policy = top(e, "mixed_instances_policy", [])
    if policy is UNKNOWN:
        return {"instance_types": UNKNOWN}
    policy = as_list(policy)
    types: list[dict[str, Any]] = []
    for p in range(len(policy)):
        templates = pick(e.after, e.unknown, "mixed_instances_policy", p, "launch_template")
        if templates is UNKNOWN:
            return {"instance_types": UNKNOWN}
        for t in range(len(as_list(templates))):
            overrides = pick(e.after, e.unknown, "mixed_instances_policy", p, "launch_template", t, "override")
            if overrides is UNKNOWN:
                return {"instance_types": UNKNOWN}
            for o in range(len(as_list(overrides))):
                path = ("mixed_instances_policy", p, "launch_template", t, "override", o)
                it = pick(e.after, e.unknown, *path, "instance_type")
                if it is not None and it != "":
                    types.append({"instance_type": it})
                    continue
                burst = _burstable(e, *path, "instance_requirements")
                if burst is not None:
                    types.append({"instance_type": None, "burstable_performance": burst})
    return {"instance_types": types}


def _burstable(e: Entry, *path: str | int) -> Any:
    """burstable_performance of an instance_requirements block (or EC2's default); None without one."""
    reqs = pick(e.after, e.unknown, *path)
    if reqs is UNKNOWN:
        return UNKNOWN
    if not reqs:
        return None
    value = pick(e.after, e.unknown, *path, 0, "burstable_performance")
    return DEFAULT_BURSTABLE_PERFORMANCE if value is None or value == "" else value


# Restores and replicas take their encryption from the source (RestoreDBInstanceFromDBSnapshot,
# CreateDBInstanceReadReplica, RestoreDBClusterFromSnapshot, ...): left unset there, storage_encrypted
# is not AWS's create default but the source's, which the configuration cannot tell.
_ENCRYPTION_SOURCES: dict[str, tuple[str, ...]] = {
    "aws_db_instance": ("snapshot_identifier", "replicate_source_db", "restore_to_point_in_time"),
    "aws_rds_cluster": ("snapshot_identifier", "restore_to_point_in_time"),
}


def _inherited_encryption(e: Entry, attrs: dict[str, Any]) -> None:
    """storage_encrypted unset on a restore or replica: unknown, not the create default."""
    if not any(top(e, key) not in (None, False) for key in _ENCRYPTION_SOURCES.get(e.type, ())):
        return
    raw = pick(e.after, e.unknown, "storage_encrypted")
    configured = raw is not None and (raw is not UNKNOWN or e.configures("storage_encrypted"))
    if e.expressions is not None and "storage_encrypted" not in e.expressions:
        configured = False  # the provider's zero value, not the author's choice
    if not configured:
        attrs["storage_encrypted"] = UNKNOWN


def _db_instance(e: Entry, attrs: dict[str, Any]) -> dict[str, Any]:
    if e.type == "aws_rds_cluster_instance":
        attrs.pop("storage_encrypted", None)  # a cluster member is judged through its cluster
        return {"cluster_member": True}
    _inherited_encryption(e, attrs)
    member = top(e, "cluster_identifier")
    return {"cluster_member": member if member is UNKNOWN else bool(member)}


def _db_cluster(e: Entry, attrs: dict[str, Any]) -> dict[str, Any]:
    _inherited_encryption(e, attrs)
    return {}


def _sg_entries(node: Any, unknown: Any, protocol_key: str, peers: tuple[tuple[str, str, bool], ...],
                rule: Entry | None = None) -> list[Any]:
    """One canonical rule entry per peer (CIDR, prefix list, group, self) of one rule block.

    `rule`: the standalone rule resource whose top level this is, so computed peers can be told apart.
    """
    protocol = pick(node, unknown, protocol_key)
    low, high = pick(node, unknown, "from_port"), pick(node, unknown, "to_port")
    if protocol is not UNKNOWN and protocol is not None:
        protocol = _PROTOCOLS.get(str(protocol).lower(), str(protocol).lower())
        if protocol == "all":
            low, high = 0, 65535
    base = {"protocol": protocol, "from_port": coerce(low, "int"), "to_port": coerce(high, "int")}
    out: list[Any] = []
    for key, peer, is_cidr in peers:
        value = pick(node, unknown, key)
        if value is UNKNOWN and rule is not None and not rule.configures(key):
            continue  # computed by the provider (e.g. source_security_group_id), not a peer
        if value is None or value is False or value == [] or value == "":
            continue
        items = value if isinstance(value, list) else [value]
        for i, item in enumerate(items):
            if isinstance(value, list) and isinstance(at(unknown, key), list):
                item = UNKNOWN if at(at(unknown, key), i) is True else item
            if peer == "self" and item is not True and item is not UNKNOWN:
                continue
            out.append({**base, "cidr": item if is_cidr else None, "peer": peer})
    return out


_INLINE_PEERS = (("cidr_blocks", "cidr", True), ("ipv6_cidr_blocks", "cidr", True),
                 ("prefix_list_ids", "prefix_list", False), ("security_groups", "security_group", False),
                 ("self", "self", False))
_RULE_PEERS = (("cidr_blocks", "cidr", True), ("ipv6_cidr_blocks", "cidr", True),
               ("prefix_list_ids", "prefix_list", False), ("source_security_group_id", "security_group", False),
               ("self", "self", False))
_VPC_RULE_PEERS = (("cidr_ipv4", "cidr", True), ("cidr_ipv6", "cidr", True),
                   ("prefix_list_id", "prefix_list", False), ("referenced_security_group_id", "security_group", False))


def _security_group(e: Entry, attrs: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for side in ("ingress", "egress"):
        # Terraform removes AWS's default allow-all egress: no egress block means no egress.
        blocks = top(e, side, [])
        if blocks is UNKNOWN:
            out[side] = UNKNOWN
            continue
        unknown = at(e.unknown, side)
        out[side] = [x for i, b in enumerate(as_list(blocks)) for x in _sg_entries(b, at(unknown, i), "protocol",
                                                                           _INLINE_PEERS)]
    return out


def _security_group_rule(e: Entry, attrs: dict[str, Any]) -> dict[str, Any]:
    if e.type == "aws_security_group_rule":
        side = top(e, "type")
        entries = _sg_entries(e.after, e.unknown, "protocol", _RULE_PEERS, e)
    else:
        side = "ingress" if e.type.endswith("_ingress_rule") else "egress"
        entries = _sg_entries(e.after, e.unknown, "ip_protocol", _VPC_RULE_PEERS, e)
    if side not in ("ingress", "egress"):
        return {"ingress": UNKNOWN, "egress": UNKNOWN}
    return {"ingress": entries if side == "ingress" else [], "egress": entries if side == "egress" else []}


_IRREGULAR: dict[str, Callable[[Entry, dict[str, Any]], dict[str, Any]]] = {
    "ec2.instance": _instance,
    "ec2.launch_template": _launch_template,
    "autoscaling.launch_configuration": _launch_configuration,
    "autoscaling.group": _autoscaling_group,
    "rds.instance": _db_instance,
    "rds.cluster": _db_cluster,
    "ec2.security_group": _security_group,
    "ec2.security_group_rule": _security_group_rule,
}


# -- assembly --------------------------------------------------------------------------------------


def _waivers(tags: dict[str, Any], address: str, notes: list[str]) -> dict[str, str]:
    raw = tags.get(_WAIVER_TAG)
    if not isinstance(raw, str):
        return {}
    ids, sep, reason = raw.partition(":")
    if not sep or not reason.strip() or not ids.strip():
        notes.append(f"{address}: ignored tag {_WAIVER_TAG}={raw!r} (expected '<rule-id>[,<rule-id>]: reason')")
        return {}
    return {rule_id.strip(): reason.strip() for rule_id in ids.split(",") if rule_id.strip()}


def normalize(entries: list[Entry], file: str, notes: list[str]) -> list[Resource]:
    """Entries (plan instances, or .tf instances shaped like them) to canonical resources."""
    linked = link_satellites(entries, file, notes)
    location = Location(file=file, line=None)
    resources: list[Resource] = []
    for e in entries:
        if e.type in SATELLITES:
            continue
        kind = kind_for_terraform(e.type)
        attrs: dict[str, Any] = {}
        if kind == "s3.bucket":
            attrs = bucket_attrs(e, linked.get(e.address, {}))
        elif kind != "other":
            attrs = _simple_attrs(e, kind)
            handler = _IRREGULAR.get(kind)
            if handler is not None:
                attrs.update(handler(e, attrs))
        tags = e.after.get("tags")
        tags = tags if isinstance(tags, dict) else {}
        meta: dict[str, Any] = {"action": e.action, "tags": tags}
        waivers = _waivers(tags, e.address, notes)
        if waivers:
            meta["waivers"] = waivers
        resources.append(Resource(kind=kind, id=e.address, native_type=e.type, attrs=attrs,
                                  service=service_for_terraform(e.type), location=location, meta=meta))
    return resources
