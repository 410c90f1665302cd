"""Compile the catalog into AWS Config custom rules: a Lambda bundle, a manifest and deploy templates.

`compile(catalog)` returns every file under config_rules/ as relative path -> exact bytes:
- bundle.zip: the runtime (engine/lambda_handler.py and the stdlib-only modules it imports) plus
  engine/compiled_catalog.json; fixed timestamps, sorted entries, fixed permissions (byte-identical);
- src/...: the same files unzipped, for review;
- manifest.json: rule -> Config rule name, resource types, triggers, parameters, what is not covered;
- account.template.yaml, organization.template.yaml, organization-member-role.template.yaml.

Each rule enabled anywhere (`catalog.active()`, the strictest view, organization default
parameters) becomes one Config rule. Its scope is the Config resource types of its kinds, minus the
kinds whose deciding attributes a configuration item does not carry (reported, never dropped
silently). A rule that reads an account-level fact also gets a periodic (ScheduledNotification)
trigger that judges the account setting itself.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources as importlib_resources
from pathlib import Path
from typing import Any

import engine
from engine.catalog.model import ActiveRule, Catalog
from engine.errors import CompileError
from engine.resources.kinds import ACCOUNT_KINDS, KINDS, service_for_cloudformation

HANDLER = "engine.lambda_handler.handler"
RUNTIME = "python3.12"
BUNDLE = "bundle.zip"
NAME_PREFIX = "ordinance-"
NAME_MAX = 64  # PutConfigRule / PutOrganizationConfigRule: ConfigRuleName is at most 64 characters
INPUT_PARAMETERS_MAX = 1024  # OrganizationCustomRuleMetadata.InputParameters
SCOPE_MAX = 100  # ResourceTypesScope holds at most 100 types
CHANGE_TRIGGERS = ("ConfigurationItemChangeNotification", "OversizedConfigurationItemChangeNotification")
PERIODIC_TRIGGER = "ScheduledNotification"

# Files of the Lambda runtime, relative to the package's parent. The clean-import test proves the
# list is closed: nothing outside it (and no third-party module) is imported by the handler.
RUNTIME_FILES = (
    "engine/__init__.py",
    "engine/catalog/__init__.py",
    "engine/catalog/model.py",
    "engine/conditions.py",
    "engine/errors.py",
    "engine/evaluate.py",
    "engine/lambda_handler.py",
    "engine/resources/__init__.py",
    "engine/resources/kinds.py",
    "engine/resources/model.py",
    "engine/sources/__init__.py",
    "engine/sources/config_item.py",
)
COMPILED_CATALOG = "engine/compiled_catalog.json"

# (kind, attribute) a configuration item cannot give, and where the fact is judged instead.
CONFIG_UNREADABLE: dict[tuple[str, str], str] = {
    ("ec2.instance", "volumes"): "the instance item lists volume ids only; each volume is judged through its "
                                 "own AWS::EC2::Volume item",
}
# Global resource types: recorded in every region that records global resources; deploy their
# rules in one region only (the templates' IncludeGlobalResourceRules parameter).
GLOBAL_PREFIXES = ("AWS::IAM::",)
FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the zip format's epoch


@dataclass(frozen=True)
class ConfigRule:
    """One catalog rule as an AWS Config custom rule."""

    rule_id: str
    name: str
    title: str
    resource_types: tuple[str, ...]
    triggers: tuple[str, ...]
    parameters: Mapping[str, Any]
    mode: str
    severity: str
    periodic: Mapping[str, str] | None = None
    global_only: bool = False
    not_covered: tuple[dict[str, str], ...] = field(default_factory=tuple)

    @property
    def input_parameters(self) -> dict[str, Any]:
        return {"ruleId": self.rule_id, **{k: self.parameters[k] for k in sorted(self.parameters)}}


def json_bytes(data: Any) -> bytes:
    return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


@cache
def config_resource_types() -> tuple[str, ...]:
    """Every resource type Config records (engine/data/config_resource_types.json, from botocore)."""
    text = importlib_resources.files("engine").joinpath("data/config_resource_types.json").read_text("utf-8")
    return tuple(json.loads(text)["resource_types"])


def rule_name(rule_id: str) -> str:
    name = NAME_PREFIX + rule_id
    if len(name) <= NAME_MAX:
        return name
    digest = hashlib.sha256(rule_id.encode()).hexdigest()[:8]
    return f"{name[: NAME_MAX - 9]}-{digest}"


def _walk(cond: Any, in_element: bool = False) -> Iterator[tuple[str, str, Any, bool]]:
    """(subject, name, condition, inside a list element) for every comparison in a condition."""
    if isinstance(cond, list):
        for c in cond:
            yield from _walk(c, in_element)
        return
    if not isinstance(cond, Mapping):
        return
    for subject in ("attr", "param", "fact"):
        if subject in cond:
            yield subject, cond[subject], cond, in_element
    for key in ("every", "some"):
        if key in cond:
            yield "attr", cond[key], cond, in_element
            yield from _walk(cond.get("where"), True)
    for key in ("all", "any"):
        if key in cond:
            yield from _walk(cond[key], in_element)
    if "not" in cond:
        yield from _walk(cond["not"], in_element)


def _top_attrs(active: ActiveRule) -> set[str]:
    return {name for cond in (active.rule.expect, active.rule.when)
            for subject, name, _, inner in _walk(cond) if subject == "attr" and not inner}


def _denied_services(active: ActiveRule) -> list[str]:
    """For a rule over every kind: the services its condition excludes (`service not_in [...]`)."""
    services: list[str] = []
    for subject, name, cond, _ in _walk(active.rule.expect):
        if subject != "attr" or name != "service":
            continue
        for op in ("not_in", "not_equals"):
            if op in cond:
                value = cond[op]
                if isinstance(value, Mapping) and "param" in value:
                    value = active.params[value["param"]]
                services += value if isinstance(value, list) else [value]
    return sorted({str(s) for s in services})


def plan_rule(active: ActiveRule) -> ConfigRule:
    rule = active.rule
    types: set[str] = set()
    not_covered: list[dict[str, str]] = []
    if "*" in rule.applies_to:
        services = _denied_services(active)
        if not services:
            raise CompileError(f"{rule.id}: applies to every kind and names no services to scope a Config rule by")
        for svc in services:
            matched = [t for t in config_resource_types() if service_for_cloudformation(t) == svc]
            if not matched:
                not_covered.append({"service": svc, "reason": "AWS Config records no resource type of this service"})
            types.update(matched)
    read = _top_attrs(active)
    for kind_name in rule.applies_to:
        if kind_name == "*" or kind_name in ACCOUNT_KINDS:
            continue
        kind = KINDS[kind_name]
        gaps = [why for (k, attr), why in CONFIG_UNREADABLE.items() if k == kind_name and attr in read]
        if not kind.config:
            not_covered.append({"kind": kind_name, "reason": "AWS Config records no such resource type"})
        elif gaps:
            not_covered.append({"kind": kind_name, "reason": "; ".join(gaps)})
        else:
            types.update(kind.config)
    facts = sorted({name for cond in (rule.expect, rule.when) for subject, name, _, _ in _walk(cond)
                    if subject == "fact"})
    account_kinds = sorted({f.rsplit(".", 1)[0] for f in facts if f.rsplit(".", 1)[0] in ACCOUNT_KINDS})
    if len(account_kinds) > 1:
        raise CompileError(f"{rule.id}: reads facts of several account kinds {account_kinds}; one is supported")
    periodic = {"account_kind": account_kinds[0]} if account_kinds else None
    if not types and periodic is None:
        raise CompileError(f"{rule.id}: no kind it applies to is recorded by AWS Config")
    if len(types) > SCOPE_MAX:
        raise CompileError(f"{rule.id}: {len(types)} resource types exceed Config's scope limit of {SCOPE_MAX}")
    triggers = (CHANGE_TRIGGERS if types else ()) + ((PERIODIC_TRIGGER,) if periodic else ())
    ordered = tuple(sorted(types))
    rule_out = ConfigRule(
        rule_id=rule.id, name=rule_name(rule.id), title=rule.title, resource_types=ordered, triggers=triggers,
        parameters=dict(active.params), mode=active.mode, severity=active.severity, periodic=periodic,
        global_only=bool(ordered) and all(t.startswith(GLOBAL_PREFIXES) for t in ordered),
        not_covered=tuple(not_covered))
    if len(json.dumps(rule_out.input_parameters, separators=(",", ":"))) > INPUT_PARAMETERS_MAX:
        raise CompileError(f"{rule.id}: InputParameters exceed {INPUT_PARAMETERS_MAX} characters")
    return rule_out


def plan(catalog: Catalog) -> list[ConfigRule]:
    # Prevent-only rules (applies_to: []) judge no resource; they have no detective form.
    return [plan_rule(a) for a in catalog.active() if a.rule.applies_to]


def compiled_catalog(catalog: Catalog, rules: list[ConfigRule]) -> dict[str, Any]:
    """What the Lambda loads instead of YAML: rule definitions, resolved parameters, scope, exemptions."""
    active = {a.rule.id: a for a in catalog.active()}
    exemptions = []
    for e in catalog.exemptions:
        if e.rule in active:
            exemptions.append({"rule": e.rule, "reason": e.reason, "owner": e.owner,
                               "expires": e.expires.isoformat(), "account": e.account, "ou": e.ou,
                               "target": e.target, "resource": e.resource, "ticket": e.ticket})
    return {
        "format": 1,
        "rules": {r.rule_id: {"config_rule_name": r.name, "mode": r.mode, "severity": r.severity,
                              "parameters": dict(r.parameters), "resource_types": list(r.resource_types),
                              "periodic": dict(r.periodic) if r.periodic else None,
                              "rule": active[r.rule_id].rule.to_json()} for r in rules},
        "exemptions": exemptions,
    }


def runtime_sources() -> dict[str, bytes]:
    root = Path(engine.__file__).resolve().parent.parent
    return {rel: (root / rel).read_bytes() for rel in RUNTIME_FILES}


def build_zip(files: Mapping[str, bytes]) -> bytes:
    """A byte-identical zip for identical input: sorted entries, fixed time, mode and compression."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # unix, so external_attr carries the permission bits
            info.external_attr = (0o100644 & 0xFFFF) << 16
            zf.writestr(info, files[name], compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return buf.getvalue()


def manifest(rules: list[ConfigRule], bundle: bytes) -> dict[str, Any]:
    return {
        "bundle": {"file": BUNDLE, "sha256": hashlib.sha256(bundle).hexdigest(), "bytes": len(bundle),
                   "handler": HANDLER, "runtime": RUNTIME},
        "rules": {r.rule_id: {
            "config_rule_name": r.name, "title": r.title, "mode": r.mode, "severity": r.severity,
            "resource_types": list(r.resource_types), "triggers": list(r.triggers),
            "periodic": dict(r.periodic) if r.periodic else None,
            "input_parameters": r.input_parameters, "global_resources_only": r.global_only,
            "not_covered": list(r.not_covered)} for r in rules},
    }


def code_key(bundle: bytes) -> str:
    """Content-addressed S3 key: a changed bundle is a new key, so CloudFormation updates the function."""
    return f"ordinance/config-rules-{hashlib.sha256(bundle).hexdigest()[:16]}.zip"


def compile(catalog: Catalog) -> dict[str, bytes]:
    from engine.compilers import config_templates  # PyYAML: compile time only, never in the Lambda

    rules = plan(catalog)
    runtime = runtime_sources()
    runtime[COMPILED_CATALOG] = json_bytes(compiled_catalog(catalog, rules))
    bundle = build_zip(runtime)
    out: dict[str, bytes] = {f"src/{rel}": data for rel, data in runtime.items()}
    out[BUNDLE] = bundle
    out["manifest.json"] = json_bytes(manifest(rules, bundle))
    key = code_key(bundle)
    out["account.template.yaml"] = config_templates.account_template(rules, key)
    out["organization.template.yaml"] = config_templates.organization_template(rules, key)
    out["organization-member-role.template.yaml"] = config_templates.member_role_template(rules)
    return out
