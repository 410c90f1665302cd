"""Terraform configuration (`.tf`, HCL2) to canonical resources, identical to what the plan source
gives for the same configuration.

Each resource instance becomes a plan-like entry (`after` with its unknowns, the configured keys as
`expressions`) and goes through the plan source's normalizer, so one set of per-kind rules serves
both forms. Literals are judged; `var.x` is its default (or the calling module's argument),
`local.x` its value where literal; resource attributes, data sources and most functions are
UNKNOWN. Local modules (`source = "./x"`) are followed; literal count/for_each are expanded.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from engine.errors import SourceError
from engine.resources.kinds import ACCOUNT_KINDS
from engine.resources.model import UNKNOWN, Location, Resource
from engine.sources import SourceResult
from engine.sources._tf_links import Entry
from engine.sources.tf_config import Block, ModuleDir, caller_of, read_dir
from engine.sources.tf_expr import Step, evaluate, step_all

_META_ARGS = {"count", "for_each", "provider", "depends_on", "lifecycle", "provisioner", "connection"}
_MODULE_META = {"source", "version", "count", "for_each", "providers", "depends_on"}
_MAX_DEPTH = 16
_NO_INSTANCE = "*"  # index of the one instance emitted when count/for_each cannot be decided


def load(path: Path, data: bytes) -> SourceResult:
    directory = path.parent
    caller = caller_of(directory)
    if caller is not None:
        shown = os.path.relpath(caller, directory.resolve())
        return SourceResult(notes=[f"a child module called from {shown}: its resources are judged there, "
                                   "with the caller's inputs"])
    judged = _judge_dir(directory)
    mine = [r for r, origin in judged.resources if origin == path.name]
    # Notes about one file go with that file; notes about a child module with the file calling it.
    notes = [text for origin, text in judged.notes if origin == path.name]
    # Account facts (EBS encryption by default) hold for the whole configuration, not one file.
    context = [r for r, origin in judged.resources if origin != path.name and r.kind in ACCOUNT_KINDS]
    return SourceResult(resources=mine, notes=notes, context=context)


@dataclass
class _Judged:
    resources: list[tuple[Resource, str]]  # (resource, name of the root .tf file that brings it in)
    notes: list[tuple[str, str]]  # (name of the root .tf file it concerns, text)


_judged: dict[Path, tuple[ModuleDir, _Judged]] = {}


def _judge_dir(directory: Path) -> _Judged:
    """Every resource of the configuration rooted at `directory`, normalized once per process."""
    module = read_dir(directory, directory)
    hit = _judged.get(directory.resolve())
    if hit is not None and hit[0] is module:  # read_dir hands back the same object while files are unchanged
        return hit[1]
    from engine.sources.terraform_plan import normalize

    notes: list[tuple[str, str]] = [(file.name, text) for file, text in module.notes]
    instances = list(_instances(_Scope(module, "", {}), notes, origin=None, depth=0))
    entries = [e for e, _, _ in instances]
    link_notes: list[str] = []
    resources = normalize(entries, str(directory), link_notes)
    first = module.files[0].name if module.files else ""
    notes = list(dict.fromkeys([*notes, *((first, text) for text in link_notes)]))  # once each, in order
    where: dict[str, tuple[Block, str]] = {}
    for e, block, origin in instances:
        if e.address in where:
            raise SourceError(f"duplicate resource {e.address} (also at {where[e.address][0].file}:"
                              f"{where[e.address][0].line})", str(block.file), block.line)
        where[e.address] = (block, origin)
    out: list[tuple[Resource, str]] = []
    for r in resources:
        block, origin = where[r.id]
        meta = {**r.meta, "action": None}
        if block.waivers:
            meta["waivers"] = {**r.meta.get("waivers", {}), **block.waivers}
        location = Location(file=os.path.normpath(block.file), line=block.line)
        out.append((replace(r, location=location, meta=meta), origin))
    judged = _Judged(out, notes)
    _judged[directory.resolve()] = (module, judged)
    return judged


@dataclass
class _Scope:
    """One module instance: its directory, address prefix and input variables."""

    module: ModuleDir
    prefix: str  # "" or `module.lake["eu"]`
    inputs: dict[str, Any]
    _locals: dict[str, Any] = field(default_factory=dict)
    _evaluating: set[str] = field(default_factory=set)

    def variable(self, name: str) -> Any:
        if name in self.inputs:
            return self.inputs[name]
        decl = self.module.variables.get(name)
        if decl is None or "default" not in decl:
            return UNKNOWN  # no default: set at plan time (-var, tfvars, environment)
        return evaluate(decl["default"], _nothing)

    def attribute(self, rtype: str, name: str, attr: str) -> Any:
        """`aws_vpc.main.cidr_block`: an argument a resource of this module sets, as the plan knows it
        (a configured value is planned as written). Computed attributes (id, arn), instances of
        count/for_each and anything not set stay unknown."""
        block = next((b for b in self.module.resources if b.type == rtype and b.name == name), None)
        key = f"{rtype}.{name}.{attr}"
        if (block is None or "count" in block.body or "for_each" in block.body or attr in _META_ARGS
                or attr.startswith("__") or attr not in block.body or key in self._evaluating):
            return UNKNOWN
        self._evaluating.add(key)
        try:
            return evaluate(block.body[attr], _Context(self).resolve)
        finally:
            self._evaluating.discard(key)

    def local(self, name: str) -> Any:
        if name not in self._locals:
            raw = self.module.locals.get(name)
            if raw is None or name in self._evaluating:
                return UNKNOWN  # undefined, or a cycle Terraform itself would reject
            self._evaluating.add(name)
            self._locals[name] = evaluate(raw, _Context(self).resolve)
            self._evaluating.discard(name)
        return self._locals[name]


def _nothing(root: str, steps: list[Step]) -> Any:
    return UNKNOWN


@dataclass
class _Context:
    """What an expression of one resource (or module) instance can see."""

    scope: _Scope
    each_key: Any = None
    each_value: Any = None
    count_index: Any = None

    def resolve(self, root: str, steps: list[Step]) -> Any:
        first = steps[0][1] if steps and not steps[0][0] else None
        rest = steps[1:]
        if root == "var" and first is not None:
            return step_all(self.scope.variable(first), rest)
        if root == "local" and first is not None:
            return step_all(self.scope.local(first), rest)
        if root == "each" and first in ("key", "value"):
            return step_all(self.each_key if first == "key" else self.each_value, rest)
        if root == "count" and first == "index":
            return self.count_index
        if root.startswith("aws_") and first is not None and rest and not rest[0][0]:
            return step_all(self.scope.attribute(root, first, str(rest[0][1])), rest[1:])
        return UNKNOWN  # computed resource attributes, data sources, module outputs, path.*, terraform.*


def _expand(block: Block, ctx: _Context, notes: list[str], what: str) -> list[tuple[Any, _Context]]:
    """The instances of a block: (index key or None, context) for count/for_each when literal."""
    body = block.body
    if "count" in body:
        n = evaluate(body["count"], ctx.resolve)
        if isinstance(n, int) and not isinstance(n, bool) and n >= 0:
            return [(i, _Context(ctx.scope, count_index=i)) for i in range(n)]
        notes.append(f"{what}: count is not a literal; judged as one instance [{_NO_INSTANCE}] with "
                     "count.index unknown")
        return [(_NO_INSTANCE, _Context(ctx.scope, count_index=UNKNOWN))]
    if "for_each" in body:
        items = evaluate(body["for_each"], ctx.resolve)
        if isinstance(items, dict):
            return [(k, _Context(ctx.scope, k, v)) for k, v in sorted(items.items())]
        if isinstance(items, list) and all(isinstance(i, str) for i in items):
            return [(k, _Context(ctx.scope, k, k)) for k in sorted(set(items))]
        notes.append(f"{what}: for_each is not a literal set or map; judged as one instance "
                     f"[{_NO_INSTANCE}] with each.key and each.value unknown")
        return [(_NO_INSTANCE, _Context(ctx.scope, UNKNOWN, UNKNOWN))]
    return [(None, ctx)]


def _index_text(index: Any) -> str:
    if index is None:
        return ""
    if isinstance(index, int) or index == _NO_INSTANCE:
        return f"[{index}]"
    return '["' + str(index).replace("\\", "\\\\").replace('"', '\\"') + '"]'


def _instances(scope: _Scope, notes: list[tuple[str, str]], origin: str | None,
               depth: int) -> Iterator[tuple[Entry, Block, str]]:
    """(entry, defining block, root file that brings it in) for every resource instance of a scope."""
    root_ctx = _Context(scope)
    for block in scope.module.resources:
        base = f"{block.type}.{block.name}"
        said: list[str] = []
        for index, ctx in _expand(block, root_ctx, said, _joined(scope.prefix, base)):
            address = _joined(scope.prefix, base + _index_text(index))
            yield (_entry(block, ctx, address, index, scope.prefix), block, origin or block.file.name)
        notes.extend((origin or block.file.name, text) for text in said)
    for call in scope.module.modules:
        source = evaluate(call.body.get("source"), _nothing)
        what = _joined(scope.prefix, f"module.{call.name}")
        mine = origin or call.file.name
        if not isinstance(source, str) or not source.startswith(("./", "../")):
            notes.append((mine, f"{what}: source {source!r} is not a local path; its resources are not judged"))
            continue
        child_dir = scope.module.path / source
        if depth >= _MAX_DEPTH or not child_dir.is_dir():
            notes.append((mine, f"{what}: module directory {os.path.normpath(child_dir)} not found "
                                "or nested too deep; its resources are not judged"))
            continue
        child = read_dir(child_dir, Path(os.path.normpath(child_dir)))
        notes.extend((mine, f"{file}: {text}") for file, text in child.notes)
        said = []
        for index, ctx in _expand(call, root_ctx, said, what):
            inputs = {k: evaluate(v, ctx.resolve) for k, v in call.body.items()
                      if k not in _MODULE_META and not k.startswith("__")}
            prefix = _joined(scope.prefix, f"module.{call.name}{_index_text(index)}")
            yield from _instances(_Scope(child, prefix, inputs), notes, mine, depth + 1)
        notes.extend((mine, text) for text in said)


def _joined(prefix: str, rest: str) -> str:
    return f"{prefix}.{rest}" if prefix else rest


def _entry(block: Block, ctx: _Context, address: str, index: Any, module: str) -> Entry:
    """A plan-like entry: `after` with None at unknowns, `unknown` with True there, and the
    configured keys as `expressions` (references listed as plan JSON does)."""
    values: dict[str, Any] = {}
    expressions: dict[str, Any] = {}
    undecided: set[str] = set()
    expanded: dict[str, list[tuple[Any, Any]]] = {}  # dynamic block label -> [(value, shape)]
    for key, raw in block.body.items():
        if key.startswith("__") or key in _META_ARGS:
            continue
        if key == "dynamic":
            for dyn in raw if isinstance(raw, list) else [raw]:
                for label, spec in (dyn.items() if isinstance(dyn, dict) else ()):
                    if label.startswith("__"):
                        continue
                    name = label.strip('"')
                    blocks = _dynamic_blocks(spec, ctx, name)
                    if blocks is None:
                        undecided.add(name)
                    else:
                        expanded.setdefault(name, []).extend(blocks)
            continue
        refs: list[str] = []
        values[key] = evaluate(raw, ctx.resolve, refs)
        expressions[key] = _shape(raw) if _is_blocks(raw) else {"references": refs}
    # A dynamic block over a literal collection is as many blocks, beside the written ones; over
    # anything else its blocks are not known (plan JSON leaves dynamic blocks out of `expressions`
    # too, but here the block exists and its content is unknown).
    for name, blocks in expanded.items():
        if name not in undecided:
            values[name] = [*(values.get(name) or []), *(v for v, _ in blocks)]
            expressions[name] = [*(expressions.get(name) or []), *(shape for _, shape in blocks)]
    after: dict[str, Any] = {}
    unknown: dict[str, Any] = {}
    for key, value in values.items():
        after[key], u = _split(value)
        if u is not None:
            unknown[key] = u
    for name in undecided:
        after.pop(name, None)
        unknown[name], expressions[name] = True, [None]
    if "for_each" in block.body:  # its references, as plan JSON's for_each_expression (see config_index)
        refs = []
        evaluate(block.body["for_each"], ctx.resolve, refs)
        expressions["for_each"] = {"references": refs}
    return Entry(address, block.type, block.name, None if index == _NO_INSTANCE else index, module,
                 after, unknown, None, expressions)


def _dynamic_blocks(spec: Any, ctx: _Context, label: str) -> list[tuple[Any, Any]] | None:
    """`dynamic "ingress" { for_each = <literal>; content {...} }` -> one (value, shape) per element,
    or None when the collection or the content cannot be decided statically."""
    if not isinstance(spec, dict):
        return None
    items = evaluate(spec.get("for_each"), ctx.resolve)
    if isinstance(items, dict):
        pairs: list[tuple[Any, Any]] = sorted(items.items())
    elif isinstance(items, list):
        pairs = list(enumerate(items))
    else:
        return None
    # `iterator = rule`: python-hcl2 hands back the bare name ("rule"), or "${rule}" as a reference.
    named: list[str] = []
    given = evaluate(spec["iterator"], _nothing, named) if "iterator" in spec else None
    iterator = named[0] if len(named) == 1 else given if isinstance(given, str) else label
    if not iterator.isidentifier():
        return None
    content = spec.get("content")
    content = content[0] if isinstance(content, list) and len(content) == 1 else content
    if not isinstance(content, dict) or "dynamic" in content:
        return None  # nested dynamic blocks: not expanded
    body = {k: v for k, v in content.items() if not k.startswith("__")}

    def resolve_in(key: Any, value: Any) -> Any:
        def resolve(root: str, steps: list[Step]) -> Any:
            if root == iterator and steps and not steps[0][0] and steps[0][1] in ("key", "value"):
                return step_all(key if steps[0][1] == "key" else value, steps[1:])
            return ctx.resolve(root, steps)
        return resolve

    shape = _shape([content])[0]
    return [(evaluate(body, resolve_in(k, v)), shape) for k, v in pairs]


def _split(value: Any) -> tuple[Any, Any]:
    """A value with UNKNOWN leaves -> (plan `after`, plan `after_unknown`); the second is None when
    nothing is unknown."""
    if value is UNKNOWN:
        return None, True
    if isinstance(value, dict):
        after, unknown = {}, {}
        for k, v in value.items():
            after[k], u = _split(v)
            if u is not None:
                unknown[k] = u
        return after, unknown or None
    if isinstance(value, list):
        pairs = [_split(v) for v in value]
        marks = [u for _, u in pairs]
        return [a for a, _ in pairs], marks if any(m is not None for m in marks) else None
    return value, None


def _is_blocks(raw: Any) -> bool:
    return isinstance(raw, list) and bool(raw) and all(isinstance(b, dict) and b.get("__is_block__") for b in raw)


def _shape(raw: Any) -> list[dict[str, Any]]:
    """Nested blocks as plan JSON's `expressions` show them: one dict of configured keys per block."""
    return [{k: _shape(v) if _is_blocks(v) else {} for k, v in b.items() if not k.startswith("__")} for b in raw]

