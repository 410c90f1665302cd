"""Load and validate the catalog: rule files and policies.yaml, with file, line and key on every error."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
from collections.abc import Mapping
from functools import cache
from importlib import resources as importlib_resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.catalog import cache as catalog_cache
from engine.catalog.model import Catalog, Exemption, Rule, Setting, Target
from engine.errors import CatalogError
from engine.resources.kinds import KINDS

if TYPE_CHECKING:
    import yaml

_PARAM_TYPES: dict[str, tuple[type, ...]] = {
    "boolean": (bool,), "string": (str,), "integer": (int,), "array": (list,),
}


@cache
def schema(name: str) -> dict[str, Any]:
    text = importlib_resources.files("engine.schemas").joinpath(name).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _validator(name: str) -> Any:
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    registry: Registry = Registry()
    for dep in ("condition.schema.json",):
        registry = registry.with_resource(dep, Resource.from_contents(schema(dep)))
    return Draft202012Validator(schema(name), registry=registry)


def _line_map(node: yaml.Node, path: tuple[Any, ...], out: dict[tuple[Any, ...], int]) -> None:
    import yaml

    out.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            out[(*path, key)] = key_node.start_mark.line + 1
            _line_map(value_node, (*path, key), out)
            out[(*path, key)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _line_map(item, (*path, i), out)


def read_yaml(path: Path) -> tuple[Any, dict[tuple[Any, ...], int]]:
    """Safe-load a YAML file and map every key path to its line number."""
    import yaml  # imported here: a cached catalog never needs it
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogError(f"cannot read: {exc}", str(path)) from exc
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise CatalogError(f"invalid YAML: {problem}", str(path), line) from exc
    lines: dict[tuple[Any, ...], int] = {}
    if node is not None:
        _line_map(node, (), lines)
    return data, lines


def _line_for(lines: Mapping[tuple[Any, ...], int], path: tuple[Any, ...]) -> int | None:
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get(())


def _key(path: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in path) or "<root>"


def _validate(data: Any, schema_name: str, file: Path, lines: Mapping[tuple[Any, ...], int]) -> None:
    errors = sorted(_validator(schema_name).iter_errors(data), key=lambda e: (len(e.absolute_path), str(e.path)))
    if not errors:
        return
    # The deepest error is usually the precise one; oneOf failures report their best sub-error.
    err = max(errors, key=lambda e: len(e.absolute_path))
    message = err.message
    if err.validator == "oneOf" and isinstance(err.instance, Mapping):
        unknown = sorted(set(err.instance) - _condition_keys())
        if unknown:
            message = (f"unknown condition key {unknown[0]!r} "
                       f"(expected all/any/not/every/some or attr/param/fact with one of {', '.join(_OPERATORS)})")
    if message == err.message and err.context:
        err = max(err.context, key=lambda e: len(e.absolute_path))
        message = err.message
    path = tuple(err.absolute_path)
    raise CatalogError(message, str(file), _line_for(lines, path), _key(path))


_OPERATORS = ("equals", "not_equals", "in", "not_in", "matches", "exists", "family_in", "cidr_contains",
              "cidr_within")


def _condition_keys() -> set[str]:
    defs = schema("condition.schema.json")["$defs"]
    keys = set(defs["comparison"]["properties"])
    for branch in defs["condition"]["oneOf"]:
        keys |= set(branch.get("properties", {}))
    return keys


def _walk_attrs(cond: Any, out: list[tuple[str, bool]], in_element: bool = False) -> None:
    if isinstance(cond, Mapping):
        if "attr" in cond:
            out.append((cond["attr"], in_element))
        for key in ("every", "some"):
            if key in cond:
                out.append((cond[key], in_element))
                _walk_attrs(cond.get("where"), out, True)
        for key in ("all", "any"):
            for c in cond.get(key, ()):
                _walk_attrs(c, out, in_element)
        if "not" in cond:
            _walk_attrs(cond["not"], out, in_element)


def _walk_params(cond: Any, out: set[str]) -> None:
    if isinstance(cond, Mapping):
        for k, v in cond.items():
            if k == "param" and isinstance(v, str):
                out.add(v)
            else:
                _walk_params(v, out)
    elif isinstance(cond, list):
        for v in cond:
            _walk_params(v, out)


def load_rule(path: Path) -> Rule:
    data, lines = read_yaml(path)
    if not isinstance(data, dict):
        raise CatalogError("a rule file must be a mapping", str(path), 1)
    _validate(data, "rule.schema.json", path, lines)
    if data["id"] != path.stem:
        raise CatalogError(f"rule id {data['id']!r} must equal the file name {path.stem!r}", str(path),
                           _line_for(lines, ("id",)), "id")
    for i, kind in enumerate(data["applies_to"]):
        if kind != "*" and kind not in KINDS:
            raise CatalogError(f"unknown resource kind {kind!r} (known: {', '.join(sorted(KINDS))})", str(path),
                               _line_for(lines, ("applies_to", i)), f"applies_to.{i}")
    params = data.get("parameters") or {}
    for name, spec in params.items():
        if not isinstance(spec["default"], _PARAM_TYPES[spec["type"]]) or (
                spec["type"] == "integer" and isinstance(spec["default"], bool)):
            raise CatalogError(f"default of parameter {name!r} is not a {spec['type']}", str(path),
                               _line_for(lines, ("parameters", name, "default")), f"parameters.{name}.default")
    # A prevent-only rule (applies_to: []) judges no resource; "always true" keeps Rule.expect total.
    expect = data.get("expect", {"always": True})
    used: set[str] = set()
    _walk_params([expect, data.get("when")], used)
    for name in sorted(used - set(params)):
        raise CatalogError(f"condition reads undeclared parameter {name!r}", str(path),
                           _line_for(lines, ("expect",)), "expect")
    prevent_params: set[str] = set()
    _walk_params(data.get("prevent"), prevent_params)
    for i, stmt in enumerate((data.get("prevent") or {}).get("statements") or ()):
        if "only_if" in stmt:
            prevent_params.add(stmt["only_if"])
            if stmt["only_if"] in params and params[stmt["only_if"]]["type"] != "boolean":
                raise CatalogError(f"only_if names {stmt['only_if']!r}, which is not a boolean parameter",
                                   str(path), _line_for(lines, ("prevent", "statements", i, "only_if")),
                                   f"prevent.statements.{i}.only_if")
    for name in sorted(prevent_params - set(params)):
        raise CatalogError(f"prevent reads undeclared parameter {name!r}", str(path),
                           _line_for(lines, ("prevent",)), "prevent")
    kinds = [KINDS[k] for k in data["applies_to"] if k in KINDS]
    known = {a.name for k in kinds for a in k.attrs} | {"service", "kind"}
    element_fields = {f for k in kinds for a in k.attrs for f in a.element} | {"value"}
    attrs: list[tuple[str, bool]] = []
    _walk_attrs(expect, attrs)
    _walk_attrs(data.get("when"), attrs)
    if "*" not in data["applies_to"]:
        for name, in_element in attrs:
            head = name.split(".")[0]
            if head not in (element_fields if in_element else known):
                raise CatalogError(f"condition reads attribute {name!r}, which none of {data['applies_to']} has",
                                   str(path), _line_for(lines, ("expect",)), "expect")
    return Rule(
        id=data["id"], title=data["title"], description=data["description"].strip(), severity=data["severity"],
        applies_to=tuple(data["applies_to"]), expect=expect, when=data.get("when"),
        message=data["message"].strip(), messages=data.get("messages") or {},
        remediation=data["remediation"].strip(), parameters=params,
        references=data.get("references") or {}, inline_waivers=data.get("inline_waivers", True),
        prevent=data.get("prevent"), detect=data.get("detect"), source_file=str(path),
    )


def _setting(raw: Mapping[str, Any]) -> Setting:
    return Setting(enabled=raw.get("enabled"), mode=raw.get("mode"), severity=raw.get("severity"),
                   parameters=raw.get("parameters") or {})


def _check_settings(settings: Mapping[str, Any], rules: Mapping[str, Rule], file: Path,
                    lines: Mapping[tuple[Any, ...], int], base: tuple[Any, ...]) -> None:
    for rule_id, raw in settings.items():
        if rule_id not in rules:
            raise CatalogError(f"unknown rule id {rule_id!r} (known: {', '.join(sorted(rules))})", str(file),
                               _line_for(lines, (*base, rule_id)), _key((*base, rule_id)))
        rule = rules[rule_id]
        for pname, value in (raw.get("parameters") or {}).items():
            where = (*base, rule_id, "parameters", pname)
            if pname not in rule.parameters:
                raise CatalogError(f"rule {rule_id} has no parameter {pname!r} "
                                   f"(it has: {', '.join(sorted(rule.parameters)) or 'none'})",
                                   str(file), _line_for(lines, where), _key(where))
            ptype = rule.parameters[pname]["type"]
            if not isinstance(value, _PARAM_TYPES[ptype]) or (ptype == "integer" and isinstance(value, bool)):
                raise CatalogError(f"parameter {pname!r} of {rule_id} must be a {ptype}, got {value!r}",
                                   str(file), _line_for(lines, where), _key(where))


def load_policies(path: Path, rules: Mapping[str, Rule]) -> Catalog:
    data, lines = read_yaml(path)
    if not isinstance(data, dict):
        raise CatalogError("policies.yaml must be a mapping", str(path), 1)
    _validate(data, "policies.schema.json", path, lines)
    _check_settings(data.get("rules") or {}, rules, path, lines, ("rules",))
    targets: dict[str, Target] = {}
    for name, raw in (data.get("targets") or {}).items():
        _check_settings(raw.get("rules") or {}, rules, path, lines, ("targets", name, "rules"))
        targets[name] = Target(
            name=name, ou=raw.get("ou"), accounts=tuple(raw.get("accounts") or ()),
            environment=raw.get("environment"), domain=raw.get("domain"), description=raw.get("description"),
            vpc_block_public_access=raw.get("vpc_block_public_access"),
            rules={k: _setting(v) for k, v in (raw.get("rules") or {}).items()},
        )
    exemptions = []
    for i, raw in enumerate(data.get("exemptions") or ()):
        where = ("exemptions", i)
        if raw["rule"] not in rules:
            raise CatalogError(f"exemption names unknown rule {raw['rule']!r}", str(path),
                               _line_for(lines, (*where, "rule")), _key((*where, "rule")))
        scope = raw["scope"]
        if scope.get("target") and scope["target"] not in targets:
            raise CatalogError(f"exemption names unknown target {scope['target']!r}", str(path),
                               _line_for(lines, (*where, "scope", "target")), _key((*where, "scope", "target")))
        try:
            expires = dt.date.fromisoformat(str(raw["expires"]))
        except ValueError as exc:
            raise CatalogError(f"expires is not a date (YYYY-MM-DD): {raw['expires']!r}", str(path),
                               _line_for(lines, (*where, "expires")), _key((*where, "expires"))) from exc
        exemptions.append(Exemption(
            rule=raw["rule"], reason=raw["reason"], owner=raw["owner"], expires=expires,
            account=scope.get("account"), ou=scope.get("ou"), target=scope.get("target"),
            resource=scope.get("resource"), ticket=raw.get("ticket"), line=_line_for(lines, where),
        ))
    principals = data.get("principals") or {}
    return Catalog(
        rules=dict(rules), defaults={k: _setting(v) for k, v in (data.get("rules") or {}).items()},
        targets=targets, exemptions=tuple(exemptions), break_glass=tuple(principals.get("break_glass") or ()),
        pipeline=tuple(principals.get("pipeline") or ()), organization=data.get("organization") or {},
        scp=data.get("scp") or {}, root=str(path.parent),
    )


def load_rules(directory: Path) -> dict[str, Rule]:
    if not directory.is_dir():
        raise CatalogError("rule directory not found", str(directory))
    rules: dict[str, Rule] = {}
    for file in sorted(directory.glob("*.yaml")):
        rule = load_rule(file)
        rules[rule.id] = rule
    if not rules:
        raise CatalogError("no rule files (*.yaml) found", str(directory))
    return rules


def builtin_rules_dir() -> Path:
    """The rules shipped with ordinance (the repo's policies/, packaged as engine.builtin_policies)."""
    here = Path(__file__).resolve().parents[2] / "policies"
    if here.is_dir():
        return here
    # policies/ has no __init__.py, so the installed engine.builtin_policies is a namespace package and
    # importlib.resources.files() answers a MultiplexedPath whose str() is no path: ask the spec instead.
    spec = importlib.util.find_spec("engine.builtin_policies")
    if spec is None or not spec.submodule_search_locations:
        raise CatalogError("the built-in rules are not installed (engine.builtin_policies)")
    return Path(next(iter(spec.submodule_search_locations)))


def find_catalog_root(start: Path | None = None) -> Path | None:
    """The nearest directory at or above `start` holding a policies.yaml."""
    cur = (start or Path.cwd()).resolve()
    for d in (cur, *cur.parents):
        if (d / "policies.yaml").is_file():
            return d
    return None


def load_catalog(root: Path | None = None) -> Catalog:
    """Load `<root>/policies.yaml` with `<root>/policies/*.yaml` (or the built-in rules if that folder is absent).

    With no root and no policies.yaml above the working directory, every built-in rule is enabled with
    its defaults in prevent mode: the strict view a newcomer expects.
    """
    if root is None:
        root = find_catalog_root()
    if root is None:
        # The pre-commit case in a repository without a catalog: cached like any other, so a one-file
        # run does not pay for YAML parsing and JSON Schema validation of every rule.
        builtin = builtin_rules_dir()
        cache_key = catalog_cache.key(sorted(builtin.glob("*.yaml")))
        cached = catalog_cache.load(cache_key)
        if cached is not None:
            return cached
        rules = load_rules(builtin)
        catalog = Catalog(rules=rules, defaults={k: Setting(enabled=True, mode="prevent") for k in rules},
                          targets={})
        catalog_cache.store(cache_key, catalog)
        return catalog
    root = Path(root)
    policies = root / "policies.yaml"
    if not policies.is_file():
        raise CatalogError("no policies.yaml here", str(root))
    rules_dir = root / "policies"
    rules_dir = rules_dir if rules_dir.is_dir() else builtin_rules_dir()
    cache_key = catalog_cache.key([policies, *rules_dir.glob("*.yaml")])
    cached = catalog_cache.load(cache_key)
    if cached is not None:
        return cached
    catalog = load_policies(policies, load_rules(rules_dir))
    catalog_cache.store(cache_key, catalog)
    return catalog
