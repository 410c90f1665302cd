"""From a rule's `prevent` block to concrete SCP statements: parameters substituted, principals exempted."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from engine.catalog.model import Rule
from engine.errors import CompileError

# Condition operators whose values we sort and dedupe; all are set-valued in IAM.
Condition = dict[str, dict[str, list[str]]]


@dataclass(frozen=True)
class Statement:
    """One Deny statement, canonical: sorted actions, resources and condition values."""

    sids: tuple[str, ...]
    rules: tuple[str, ...]
    actions: tuple[str, ...]
    resources: tuple[str, ...]
    condition_json: str  # canonical JSON of the condition: hashable, and the merge key
    not_resources: bool = False

    @property
    def condition(self) -> Condition:
        cond: Condition = json.loads(self.condition_json)
        return cond

    def merge_key(self) -> tuple[bool, tuple[str, ...], str]:
        return (self.not_resources, self.resources, self.condition_json)

    def identity(self) -> tuple[Any, ...]:
        return (self.sids, self.actions, self.merge_key())

    def to_json(self) -> dict[str, Any]:
        cond = {op: {k: v[0] if len(v) == 1 else v for k, v in keys.items()} for op, keys in self.condition.items()}
        out: dict[str, Any] = {
            "Sid": "".join(self.sids),
            "Effect": "Deny",
            "Action": self.actions[0] if len(self.actions) == 1 else list(self.actions),
            "NotResource" if self.not_resources else "Resource":
                self.resources[0] if len(self.resources) == 1 else list(self.resources),
        }
        if cond:
            out["Condition"] = cond
        return out


def canonical_condition(cond: Condition) -> str:
    norm = {op: {k: sorted(set(v)) for k, v in sorted(keys.items())} for op, keys in sorted(cond.items()) if keys}
    return json.dumps(norm, sort_keys=True, separators=(",", ":"))


def _expand(value: Any, params: Mapping[str, Any], rule: Rule, where: str) -> list[str]:
    """A literal, or {param, format}: every item of the parameter put in place of {} in format."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping):
        name = value["param"]
        if name not in params:
            raise CompileError(f"rule {rule.id}: {where} reads parameter {name!r}, which has no value")
        raw = params[name]
        items = raw if isinstance(raw, list) else [raw]
        fmt = value.get("format", "{}")
        out = []
        for item in items:
            if not isinstance(item, str) or not item:
                raise CompileError(f"rule {rule.id}: parameter {name!r} must hold non-empty strings for {where}, "
                                   f"got {item!r}")
            out.append(fmt.replace("{}", item))
        if not out:
            raise CompileError(f"rule {rule.id}: parameter {name!r} is empty, so {where} would match nothing")
        return out
    out = []
    for v in value:
        out.extend(_expand(v, params, rule, where))
    return out


def rule_statements(rule: Rule, params: Mapping[str, Any], exempt_principals: Sequence[str],
                    exempt_accounts: Iterable[str] = ()) -> list[Statement]:
    """The rule's statements for one target, each carrying the principal and account exemptions."""
    if not rule.prevent:
        return []
    if not exempt_principals:
        # Never compile a Deny nobody can get around: the platform must keep a way back in.
        raise CompileError("policies.yaml names no break-glass or pipeline principal; refusing to compile SCPs "
                           "that no one could get around")
    accounts = sorted(set(exempt_accounts))
    out = []
    for raw in rule.prevent.get("statements") or ():
        if "only_if" in raw and params.get(raw["only_if"]) is not True:
            continue
        sid = raw["sid"]
        where = f"statement {sid}"
        cond: Condition = {}
        for op, keys in (raw.get("condition") or {}).items():
            cond[op] = {k: _expand(v, params, rule, where) for k, v in keys.items()}
        if "aws:PrincipalArn" in cond.get("ArnNotLike", {}):
            raise CompileError(f"rule {rule.id}: {where} sets ArnNotLike aws:PrincipalArn itself; "
                               "the compiler adds the break-glass and pipeline principals")
        cond.setdefault("ArnNotLike", {})["aws:PrincipalArn"] = list(exempt_principals)
        if accounts:
            cond.setdefault("StringNotEquals", {}).setdefault("aws:PrincipalAccount", []).extend(accounts)
        not_res = "not_resources" in raw
        resources = _expand(raw.get("not_resources") if not_res else raw.get("resources", ["*"]), params, rule,
                            where)
        out.append(Statement(
            sids=(sid,), rules=(rule.id,), actions=tuple(sorted(set(_expand(raw["actions"], params, rule, where)))),
            resources=tuple(sorted(set(resources))), condition_json=canonical_condition(cond),
            not_resources=not_res,
        ))
    return out


def merge(statements: Iterable[Statement]) -> list[Statement]:
    """Statements with the same effect, resources and condition become one; output sorted, deterministic."""
    groups: dict[tuple[bool, tuple[str, ...], str], list[Statement]] = {}
    for s in statements:
        groups.setdefault(s.merge_key(), []).append(s)
    out = []
    for (not_res, resources, cond), group in groups.items():
        out.append(Statement(
            sids=tuple(sorted({sid for s in group for sid in s.sids})),
            rules=tuple(sorted({r for s in group for r in s.rules})),
            actions=tuple(sorted({a for s in group for a in s.actions})),
            resources=resources, condition_json=cond, not_resources=not_res,
        ))
    return sorted(out, key=lambda s: (s.sids, s.identity()))
