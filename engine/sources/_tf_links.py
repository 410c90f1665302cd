"""Helpers for the Terraform plan source: planned values with their unknowns, the configuration
index, and folding S3 satellites into their bucket.

Kept apart from `terraform_plan.py` so the normalizer reads as a table of kinds. Stdlib only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from engine.resources.kinds import KINDS
from engine.resources.model import UNKNOWN

_VERSIONING = "aws_s3_bucket_versioning"
_SSE = "aws_s3_bucket_server_side_encryption_configuration"
SATELLITES = {t for k in KINDS.values() for t in k.terraform_satellites}

# One `module.NAME` step of an address, with its optional count/for_each key.
_MODULE_STEP = re.compile(r'module\.([A-Za-z0-9_-]+)(?:\[(?:\d+|"(?:[^"\\]|\\.)*")\])?\.?')
# A reference to a managed resource: `aws_s3_bucket.b`, `aws_s3_bucket.b[0]`, `aws_s3_bucket.b["x"].id`.
_REFERENCE = re.compile(r'^([a-z0-9_]+)\.([A-Za-z0-9_-]+)(?:\[(\d+|"(?:[^"\\]|\\.)*")\])?')


@dataclass(slots=True)
class Entry:
    """One resource instance of the plan, before normalization (slots: there may be 50k of them)."""

    address: str
    type: str
    name: str
    index: Any  # count index (int), for_each key (str) or None
    module: str  # module instance address, "" for the root module
    after: dict[str, Any]
    unknown: Any  # after_unknown: same shape as after, True at unknown leaves
    action: str | None
    expressions: dict[str, Any] | None = None  # configuration expressions; None: not known

    def configures(self, key: str) -> bool:
        """Whether the configuration may set `key`; without a configuration we cannot rule it out."""
        return self.expressions is None or key in self.expressions

    def configures_nested(self, block: str, key: str) -> bool:
        """Whether any `block {}` in the configuration sets `key`.

        A block missing from the expressions may be a `dynamic` block, which plan JSON does not
        represent, so it counts as possibly configured; so does a block whose expression is not an
        object (the .tf source marks `dynamic` blocks that way).
        """
        if self.expressions is None or block not in self.expressions:
            return True
        blocks = self.expressions[block]
        blocks = blocks if isinstance(blocks, list) else [blocks]
        return any(not isinstance(b, dict) or key in b for b in blocks)


_module_cache: dict[str, tuple[str, ...]] = {}


def module_calls(module_address: str) -> tuple[str, ...]:
    """`module.a["x"].module.b` -> ("a", "b"): the path through `module_calls` in the configuration."""
    calls = _module_cache.get(module_address)
    if calls is None:
        found: list[str] = []
        pos = 0
        while pos < len(module_address):
            m = _MODULE_STEP.match(module_address, pos)
            if m is None:
                break
            found.append(m.group(1))
            pos = m.end()
        calls = _module_cache[module_address] = tuple(found)
    return calls


def module_prefix(address: str) -> str:
    """The module instance part of a resource address (`module.a[0].aws_x.y` -> `module.a[0]`)."""
    pos = 0
    while True:
        m = _MODULE_STEP.match(address, pos)
        if m is None:
            return address[: pos - 1] if pos else ""
        pos = m.end()


def config_index(configuration: Any) -> dict[tuple[tuple[str, ...], str], dict[str, Any]] | None:
    """Map (module call path, `type.name`) to the resource's configuration expressions.

    None when the plan has no configuration section: then nothing can be said about what is configured.
    """
    if not isinstance(configuration, dict) or not isinstance(configuration.get("root_module"), dict):
        return None
    index: dict[tuple[tuple[str, ...], str], dict[str, Any]] = {}
    stack: list[tuple[tuple[str, ...], dict[str, Any]]] = [((), configuration["root_module"])]
    while stack:
        calls, module = stack.pop()
        resources = module.get("resources")
        for res in resources if isinstance(resources, list) else ():
            if isinstance(res, dict) and res.get("mode", "managed") == "managed":
                exprs = res.get("expressions")
                exprs = exprs if isinstance(exprs, dict) else {}
                # Kept beside the arguments under its own name (never an argument's): a satellite with
                # `for_each = aws_s3_bucket.b` names its bucket only there.
                if isinstance(res.get("for_each_expression"), dict):
                    exprs = {**exprs, "for_each": res["for_each_expression"]}
                index[(calls, f"{res.get('type')}.{res.get('name')}")] = exprs
        calls_map = module.get("module_calls")
        for call_name, call in (calls_map.items() if isinstance(calls_map, dict) else ()):
            if isinstance(call, dict) and isinstance(call.get("module"), dict):
                stack.append(((*calls, call_name), call["module"]))
    return index


def _parse_key(raw: str | None) -> Any:
    if raw is None:
        return None
    if raw.startswith('"'):
        return raw[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return int(raw)


class BucketLinker:
    """Links satellites (aws_s3_bucket_versioning, ...) to their bucket, by value or by reference.

    Indexes buckets once by name/id and by (module instance, `type.name`), so linking is linear.
    """

    def __init__(self, buckets: Iterable[Entry], bucket_types: tuple[str, ...]):
        self.bucket_types = bucket_types
        self.by_name: dict[str, list[Entry]] = {}
        self.by_block: dict[tuple[str, str], list[Entry]] = {}
        for b in buckets:
            for key in ("bucket", "id"):
                value = b.after.get(key)
                if isinstance(value, str) and value:
                    self.by_name.setdefault(value, []).append(b)
            self.by_block.setdefault((b.module, f"{b.type}.{b.name}"), []).append(b)

    def link(self, sat: Entry) -> list[Entry]:
        """The buckets this satellite configures (one, except an unexpanded `for_each` over a bucket
        resource, which configures each of its instances); [] when it cannot be told without guessing."""
        value = sat.after.get("bucket")
        unknown = isinstance(sat.unknown, dict) and sat.unknown.get("bucket") is True
        if isinstance(value, str) and not unknown:
            named = {id(b): b for b in self.by_name.get(value, ())}
            if len(named) == 1:
                return list(named.values())
            same_module = [b for b in named.values() if b.module == sat.module]
            if len(same_module) == 1:
                return same_module
        return self._by_reference(sat)

    def _by_reference(self, sat: Entry) -> list[Entry]:
        expressions = sat.expressions or {}
        expr = expressions.get("bucket")
        refs = expr.get("references") if isinstance(expr, dict) else None
        over_buckets = False
        if refs and all(isinstance(r, str) and r.startswith("each.") for r in refs):
            # `for_each = aws_s3_bucket.b` with `bucket = each.value.id`: instance k configures b[k].
            fe = expressions.get("for_each")
            refs, over_buckets = (fe.get("references") if isinstance(fe, dict) else None), True
        for ref in refs or ():
            m = _REFERENCE.match(ref) if isinstance(ref, str) else None
            if m is None or m.group(1) not in self.bucket_types:
                continue
            candidates = self.by_block.get((sat.module, f"{m.group(1)}.{m.group(2)}"), [])
            if m.group(3) is not None:  # explicit index: aws_s3_bucket.b[0] / ["x"]
                key = _parse_key(m.group(3))
                exact = next((b for b in candidates if b.index == key), None)
                # `count = var.create ? 1 : 0` with var.create unknown (.tf source): the bucket is one
                # unexpanded instance, and b[0] can only be that one.
                lone = candidates[0] if len(candidates) == 1 and candidates[0].index is None else None
                found = exact or lone
                return [found] if found is not None else []
            if len(candidates) == 1 and candidates[0].index is None:
                return candidates[:1]
            # aws_s3_bucket.b[each.key] / [count.index]: pair instances that share the index key.
            if sat.index is not None:
                return [b for b in candidates if b.index == sat.index][:1]
            if over_buckets:  # one unexpanded satellite (.tf source) standing for one per bucket instance
                return candidates
            return candidates[:1] if len(candidates) == 1 else []
        return []


def combine(values: list[Any]) -> Any:
    """Several satellites on one bucket: agreeing values stand, otherwise the outcome is unknown."""
    if any(v is UNKNOWN for v in values):
        return UNKNOWN
    first = values[0]
    return first if all(v == first for v in values) else UNKNOWN


# -- planned values ------------------------------------------------------------------------------


def at(node: Any, key: str | int) -> Any:
    """One step into a value: a list index or a mapping key; None when there is nothing there."""
    if isinstance(key, int):
        return node[key] if isinstance(node, list) and key < len(node) else None
    return node.get(key) if isinstance(node, dict) else None


def pick(after: Any, unknown: Any, *path: str | int) -> Any:
    """Walk `after` and `after_unknown` in step: UNKNOWN if marked unknown, None when absent.

    The hottest function of the module (tens of calls per resource), hence the inlined steps.
    """
    for step in path:
        if unknown is True:
            return UNKNOWN
        if step.__class__ is int:
            after = after[step] if after.__class__ is list and step < len(after) else None
            unknown = unknown[step] if unknown.__class__ is list and step < len(unknown) else None
        else:
            after = after.get(step) if after.__class__ is dict else None
            unknown = unknown.get(step) if unknown.__class__ is dict else None
    return UNKNOWN if unknown is True else after


def top(e: Entry, key: str, default: Any = None) -> Any:
    """A top-level attribute; an unknown the configuration does not set is computed: default applies."""
    value = pick(e.after, e.unknown, key)
    if value is UNKNOWN:
        return UNKNOWN if e.configures(key) else default
    return default if value is None or value == [] else value


def as_list(value: Any) -> list[Any]:
    """A list value, or [] for anything else a hand-edited plan may hold there."""
    return value if isinstance(value, list) else []


def coerce(value: Any, typ: str) -> Any:
    if value is UNKNOWN or value is None:
        return value
    if typ == "bool" and isinstance(value, str):
        return {"true": True, "false": False, "": False}.get(value.lower(), value)
    if typ == "int" and isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return value


# -- S3: buckets and their satellites --------------------------------------------------------------


def _inline_versioning(e: Entry) -> Any:
    enabled = top(e, "versioning")
    if enabled is UNKNOWN or enabled is None:
        return enabled
    flag = pick(e.after, e.unknown, "versioning", 0, "enabled")
    if flag is UNKNOWN or flag is None:
        return flag
    return "Enabled" if coerce(flag, "bool") is True else "Disabled"


def _inline_sse(e: Entry) -> Any:
    block = top(e, "server_side_encryption_configuration")
    if block is UNKNOWN or block is None:
        return block
    return pick(e.after, e.unknown, "server_side_encryption_configuration", 0, "rule", 0,
                "apply_server_side_encryption_by_default", 0, "sse_algorithm")


def _satellite_value(sat: Entry) -> Any:
    if sat.type == _VERSIONING:
        return pick(sat.after, sat.unknown, "versioning_configuration", 0, "status")
    return pick(sat.after, sat.unknown, "rule", 0, "apply_server_side_encryption_by_default", 0, "sse_algorithm")


def bucket_attrs(e: Entry, linked: dict[str, list[Entry]]) -> dict[str, Any]:
    kind = KINDS["s3.bucket"]
    out: dict[str, Any] = {}
    for attr, sat_type, inline in (("versioning", _VERSIONING, _inline_versioning),
                                   ("encryption_algorithm", _SSE, _inline_sse)):
        sats = linked.get(sat_type)
        value = combine([_satellite_value(s) for s in sats]) if sats else inline(e)
        out[attr] = kind.attr(attr).default["terraform"] if value is None else value
    return out


def link_satellites(entries: list[Entry], file: str, notes: list[str]) -> dict[str, dict[str, list[Entry]]]:
    """bucket address -> satellite type -> satellites folded into it."""
    bucket_types = KINDS["s3.bucket"].terraform
    satellites = [e for e in entries if e.type in SATELLITES]
    if not satellites:
        return {}
    linker = BucketLinker((e for e in entries if e.type in bucket_types), bucket_types)
    linked: dict[str, dict[str, list[Entry]]] = {}
    for sat in satellites:
        buckets = linker.link(sat)
        if not buckets:
            notes.append(f"{file}: {sat.address}: no bucket in this plan matches it; not applied to any bucket")
        for bucket in buckets:
            linked.setdefault(bucket.address, {}).setdefault(sat.type, []).append(sat)
    return linked
