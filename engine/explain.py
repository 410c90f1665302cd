"""`ordinance explain RULE_ID`: one screen showing a reviewer a rule everywhere it is enforced.

Intent (title, description, remediation), where it is on (policies.yaml), the condition, the native
attributes it reads in each form (from the kinds table), its SCP statements with their honest
coverage, and its AWS Config rule. Everything is derived from the catalog, kinds.py and the
compilers' own planning functions, so the explanation cannot drift from what is enforced.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator, Mapping
from typing import Any

import yaml

from engine.catalog.model import ActiveRule, Catalog, Rule
from engine.errors import CompileError, OrdinanceError
from engine.resources.kinds import KINDS

WIDTH = 100
# Attributes every resource has, derived from its native type rather than read from a property.
_PSEUDO_ATTRS = {"service": "the resource's AWS service namespace (from its native type)", "kind": None}


def _wrap(text: str, indent: str = "  ", hang: str = "") -> list[str]:
    return textwrap.wrap(" ".join(text.split()), WIDTH, initial_indent=indent,
                         subsequent_indent=indent + hang) or [indent]


def attrs_read(cond: Any, element_of: str | None = None) -> Iterator[tuple[str, str | None]]:
    """(attribute, list attribute it is an element field of, or None) for every attribute a condition reads."""
    if isinstance(cond, list):
        for c in cond:
            yield from attrs_read(c, element_of)
        return
    if not isinstance(cond, Mapping):
        return
    if "attr" in cond:
        yield str(cond["attr"]), element_of
    if "port_range" in cond:
        for name in cond["port_range"]:
            yield str(name), element_of
    for key in ("every", "some"):
        if key in cond:
            yield str(cond[key]), element_of
            yield from attrs_read(cond.get("where"), str(cond[key]))
    for key in ("all", "any"):
        if key in cond:
            yield from attrs_read(cond[key], element_of)
    if "not" in cond:
        yield from attrs_read(cond["not"], element_of)


def _top_level(rule: Rule) -> list[str]:
    seen: dict[str, None] = {}
    for name, parent in attrs_read([rule.when, rule.expect] if rule.when else rule.expect):
        if parent is None:
            seen.setdefault(name)
    return list(seen)


def _where_enforced(rule: Rule, catalog: Catalog) -> list[str]:
    out: list[str] = []
    default = next((a for a in catalog.active() if a.rule.id == rule.id), None)
    for target in [None, *sorted(catalog.targets)]:
        active = next((a for a in catalog.active(target) if a.rule.id == rule.id), None) if target else None
        if target is None:
            if default is None:
                out.append("  strictest view (no --target): off")
            else:
                out.append(f"  strictest view (no --target): {default.mode}, {default.severity}")
            continue
        out.append(f"  target {target}: " + (f"{active.mode}, {active.severity}" if active else "off")
                   + (f", parameters {json.dumps(dict(active.params), sort_keys=True)}"
                      if active and active.params else ""))
    return out


def _native(rule: Rule) -> list[str]:
    lines: list[str] = []
    read = _top_level(rule)
    for kind_name in rule.applies_to:
        if kind_name == "*":
            lines.append("  every resource type, judged by its service namespace (native type prefix)")
            continue
        kind = KINDS[kind_name]
        lines.append(f"  {kind.name} ({kind.title})")
        lines += _wrap(f"types: CloudFormation {', '.join(kind.cloudformation) or '-'}; Terraform "
                       f"{', '.join(kind.terraform + kind.terraform_satellites) or '-'}; Config "
                       f"{', '.join(kind.config) or '-'}", "    ", "  ")
        for name in read:
            if name in _PSEUDO_ATTRS:
                if _PSEUDO_ATTRS[name]:
                    lines.append(f"    {name}: {_PSEUDO_ATTRS[name]}")
                continue
            try:
                attr = kind.attr(name)
            except KeyError:
                continue  # read under a kind: guard for another kind (`kind equals ...`)
            lines.append(f"    {name}:")
            for form in ("cloudformation", "terraform", "config"):
                path = getattr(attr, form)
                default = attr.default.get(form)
                lines.append(f"      {form:<15}{path or '(not available in this form)'}"
                             + (f"  [absent: {default!r}]" if default is not None and path else ""))
    return lines or ["  (none: this rule judges no resource; it is enforced by SCP only)"]


def _scp(rule: Rule, active: ActiveRule | None, catalog: Catalog) -> list[str]:
    if not rule.prevent:
        return ["  no SCP form (no prevent block): coverage none"]
    p = rule.prevent
    lines = [f"  coverage: {p.get('coverage', 'none')}"]
    if p.get("reason"):
        lines += _wrap(f"why: {p['reason']}", "  ", "     ")
    for gap in p.get("gaps") or ():
        lines += _wrap(f"- gap: {gap}", "  ", "  ")
    if p.get("alternative"):
        lines += _wrap(f"alternative: {p['alternative']}", "  ", "  ")
    statements = p.get("statements") or []
    if not statements:
        return lines
    from engine.compilers.scp_statements import rule_statements

    params = dict(active.params) if active else rule.defaults()
    principals = [*catalog.break_glass, *catalog.pipeline] or ["(break-glass and pipeline roles)"]
    try:
        compiled = rule_statements(rule, params, principals)
    except CompileError as exc:
        lines += _wrap(f"statements: not compilable with these parameters: {exc}", "  ", "  ")
        return lines
    lines.append(f"  statements (Deny; each exempts the {len(principals)} break-glass and pipeline principals "
                 "through ArnNotLike aws:PrincipalArn):")
    for st in compiled:
        cond = {op: keys for op, keys in st.condition.items() if op != "ArnNotLike"}
        lines += _wrap(f"{''.join(st.sids)}: deny {', '.join(st.actions)}", "    ", "    ")
        lines += _wrap(("not on " if st.not_resources else "on ") + ", ".join(st.resources), "      ", "  ")
        if cond:
            lines += _wrap(f"when {json.dumps(cond, sort_keys=True)}", "      ", "  ")
    return lines


def _config(rule: Rule, active: ActiveRule | None) -> list[str]:
    if not rule.applies_to:
        return ["  none: the rule judges no resource (prevent-only)"]
    from engine.compilers.config_rules import plan_rule

    try:
        cr = plan_rule(active or ActiveRule(rule, "detect", rule.severity, rule.defaults()))
    except CompileError as exc:
        return [f"  none: {exc}"]
    lines = [f"  name: {cr.name}" + ("" if active else " (not deployed: the rule is off everywhere)")]
    lines += _wrap(f"resource types: {', '.join(cr.resource_types) or '-'}", "  ", "  ")
    lines += _wrap(f"trigger: {', '.join(cr.triggers)}" + (f" (periodic over {cr.periodic['account_kind']})"
                                                          if cr.periodic else ""), "  ", "  ")
    if cr.global_only:
        lines.append("  global resource types: deploy in one region only")
    for gap in cr.not_covered:
        what = gap.get("kind") or gap.get("service")
        lines += _wrap(f"- not covered: {what}: {gap['reason']}", "  ", "  ")
    return lines


def explain(rule_id: str, catalog: Catalog) -> str:
    rule = catalog.rules.get(rule_id)
    if rule is None:
        raise OrdinanceError(f"unknown rule {rule_id!r} (rules: {', '.join(sorted(catalog.rules))})")
    active = next((a for a in catalog.active() if a.rule.id == rule_id), None)
    condition = {"when": rule.when, "expect": rule.expect} if rule.when else {"expect": rule.expect}
    source = f"; defined in policies/{rule.id}.yaml" if rule.source_file else ""
    lines = [f"{rule.id}: {rule.title}", f"severity {rule.severity} (catalog default){source}", "", "Intent"]
    lines += _wrap(rule.description)
    lines += ["", "Remediation", *_wrap(rule.remediation)]
    if rule.references:
        lines += ["", "References", *(f"  {k}: {', '.join(v)}" for k, v in sorted(rule.references.items()))]
    lines += ["", "Where it is on (policies.yaml)", *_where_enforced(rule, catalog)]
    lines += ["", "Condition (canonical attributes)"]
    lines += ["  " + line for line in yaml.safe_dump(condition, sort_keys=False, width=WIDTH).splitlines()]
    if rule.parameters:
        lines += [f"  parameter {n}: {spec.get('description', '')} (default {spec.get('default')!r})"
                  for n, spec in rule.parameters.items()]
    lines += ["", "Lint: native attributes read, per form", *_native(rule)]
    lines.append("  inline waivers: " + ("allowed (CloudFormation Metadata ordinance.skip; Terraform tag "
                                         "ordinance:skip)" if rule.inline_waivers else
                                         "not allowed (exemptions in policies.yaml only)"))
    lines += ["", "Preventive: SCP", *_scp(rule, active, catalog)]
    lines += ["", "Detective: AWS Config rule", *_config(rule, active)]
    lines += ["", "Cases (ordinance test)", *_cases(rule, catalog)]
    return "\n".join(lines) + "\n"


def _cases(rule: Rule, catalog: Catalog) -> list[str]:
    from engine.rule_tests import case_counts

    if not rule.applies_to:
        return ["  none: the rule judges no resource (SCP only)"]
    found = case_counts(catalog, rule.id)
    if found is None:
        return ["  no catalog directory: cases live in <catalog>/tests/policies/<rule>/<case>/"]
    where, counts = found
    if not counts:
        return [f"  none in {where}: add pass_/fail_ case directories (README, \"Test a rule in every form\")"]
    total = sum(counts.values())
    parts = ", ".join(f"{n} {verdict}" for verdict, n in sorted(counts.items()))
    return [f"  {total} case(s) in {where} ({parts}); run `ordinance test {rule.id}`"]
