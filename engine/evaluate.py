"""The one evaluator: a pure function from (rules in force, resources) to findings.

The linter, the audit and the Config rule Lambda all call `evaluate`. Resources are never modified.
Stdlib only: the Config rule Lambda ships this module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from engine.catalog.model import ActiveRule, Exemption
from engine.conditions import _ABSENT, Outcome, Scope, lookup
from engine.conditions import evaluate as evaluate_condition
from engine.resources.kinds import ACCOUNT_KINDS
from engine.resources.model import UNKNOWN, Finding, Resource, Verdict


def account_facts(resources: Iterable[Resource]) -> dict[str, Any]:
    """Account-level settings seen in the same input (e.g. EBS encryption by default in the same plan).

    Several declarations of one fact combine conservatively: all true is true, any unknown is unknown.
    """
    facts: dict[str, Any] = {}
    for r in resources:
        if r.kind not in ACCOUNT_KINDS:
            continue
        for name, value in r.attrs.items():
            key = f"{r.kind}.{name}"
            prev = facts.get(key)
            if key not in facts:
                facts[key] = value
            elif prev is UNKNOWN or value is UNKNOWN:
                facts[key] = UNKNOWN
            elif prev != value:
                facts[key] = False
    return facts


def _message(rule: ActiveRule, resource: Resource, outcome: Outcome, status: Verdict) -> str:
    if status is Verdict.PASS:
        return f"{rule.rule.title}."
    base = rule.rule.messages.get(resource.kind, rule.rule.message)
    if status is Verdict.UNKNOWN:
        what = outcome.path if outcome.path and not outcome.path.startswith(("param:", "fact:")) else None
        return f"Cannot decide: {what or 'a deciding value'} is unknown. Rule: {base}"
    culprit = outcome.culprit if status is Verdict.FAIL else None  # formatting it is not free
    if culprit:
        return f"{base} ({culprit})"
    return base


def _judge(rule: ActiveRule, resource: Resource, scope: Scope) -> tuple[Verdict, Outcome]:
    when = rule.rule.when
    if when is not None:
        applicable = evaluate_condition(when, scope)
        if applicable.value is False:
            return Verdict.NOT_APPLICABLE, applicable
        if applicable.value is UNKNOWN:
            return Verdict.UNKNOWN, applicable
    outcome = evaluate_condition(rule.rule.expect, scope)
    if outcome.value is True:
        return Verdict.PASS, outcome
    if outcome.value is False:
        return Verdict.FAIL, outcome
    return Verdict.UNKNOWN, outcome


# Scalars whose equality (with their exact type) decides every operator and every message the same way.
_KEYABLE = frozenset({str, int, bool, type(None)})
_MAX_DEPTH = 4


def _read_paths(cond: Any, out: list[str]) -> bool:
    """Collect the attribute paths a condition reads at the top level; False when its shape is unusual.

    A quantifier reads the whole value at its path (its `where` sees only the elements), so its
    `where` is not walked. Collecting extra paths is harmless: it only makes the memo finer."""
    if not isinstance(cond, Mapping):
        return False
    for key in ("all", "any"):
        if key in cond:
            subs = cond[key]
            if not isinstance(subs, list) or not all(_read_paths(c, out) for c in subs):
                return False
    if "not" in cond and not _read_paths(cond["not"], out):
        return False
    for key in ("attr", "every", "some"):
        if key in cond:
            if not isinstance(cond[key], str):
                return False
            out.append(cond[key])
    if "port_range" in cond:
        pair = cond["port_range"]
        if not isinstance(pair, list) or len(pair) != 2 or not all(isinstance(p, str) for p in pair):
            return False
        out.extend(pair)
    return True


def _memo_paths(rule: ActiveRule) -> tuple[str, ...] | None:
    """The attribute paths that, with the resource's kind, decide a rule's verdict and message on any
    resource (parameters and account facts are fixed within one `evaluate` call); None: not memoizable."""
    paths: list[str] = []
    for cond in (rule.rule.when, rule.rule.expect):
        if cond is not None and not _read_paths(cond, paths):
            return None
    return tuple(dict.fromkeys(paths))


class _NotKeyable(Exception):
    pass


def _freeze(v: Any, depth: int = 0) -> Any:
    """A hashable stand-in equal only for values that no condition or message can tell apart: same
    types, same order (a mapping's order shows in a culprit's text). Floats are left out (-0.0 == 0.0)."""
    cls = v.__class__
    if cls in _KEYABLE:
        return (cls, v)
    if v is UNKNOWN or v is _ABSENT:
        return v
    if depth < _MAX_DEPTH:
        if cls is list:
            return ("list", *(_freeze(x, depth + 1) for x in v))
        if cls is dict:
            items: list[Any] = ["dict"]
            for k, x in v.items():
                if k.__class__ is not str:
                    raise _NotKeyable
                items.append(k)
                items.append(_freeze(x, depth + 1))
            return tuple(items)
    raise _NotKeyable


def _memo_key(paths: tuple[str, ...], attrs: dict[str, Any]) -> tuple[Any, ...] | None:
    key: list[Any] = []
    try:
        for p in paths:
            # A plain name is most paths: the first step of `lookup`, without splitting the path.
            v = attrs.get(p, _ABSENT) if "." not in p else lookup(attrs, p)
            cls = v.__class__
            key.append((cls, v) if cls in _KEYABLE else _freeze(v))
    except _NotKeyable:
        return None
    return tuple(key)


def evaluate(
    rules: Sequence[ActiveRule],
    resources: Sequence[Resource],
    *,
    exemptions: Sequence[Exemption] = (),
    today: dt.date | None = None,
    target: str | None = None,
    account: str | None = None,
    ou: str | None = None,
    facts: Mapping[str, Any] | None = None,
) -> list[Finding]:
    """Judge every resource against every rule that applies to its kind.

    A rule that raises on a resource yields an `error` finding for that pair and evaluation goes on.
    Exemptions in force turn fail/unknown into `waived`; expired ones are ignored here (the caller
    reports them). Inline waivers (resource.meta["waivers"]) count only for rules that allow them.
    """
    today = today or dt.date.today()
    facts = dict(account_facts(resources) if facts is None else facts)
    live_exemptions = [e for e in exemptions if not e.expired(today)]
    by_kind: dict[str, list[tuple[int, ActiveRule, tuple[str, ...] | None, str, str, str]]] = {}
    memo_paths = [_memo_paths(r) for r in rules]
    # (rule index, kind, the values the rule reads) -> (status, message, path). A large plan repeats
    # the same few attribute values thousands of times; judging is a pure function of them.
    memo: dict[tuple[Any, ...], tuple[Verdict, str, str | None]] = {}
    findings: list[Finding] = []
    for resource in resources:
        applicable = by_kind.get(resource.kind)
        if applicable is None:
            applicable = by_kind[resource.kind] = [
                (i, r, memo_paths[i], r.rule.id, r.severity, r.level)
                for i, r in enumerate(rules) if r.rule.applies(resource.kind)]
        if not applicable:
            continue
        attrs = {**resource.attrs, "service": resource.service, "kind": resource.kind}
        waivers: Mapping[str, str] = resource.meta.get("waivers") or {}
        kind = resource.kind
        for index, rule, paths, rule_id, severity, level in applicable:
            reason = None
            values = None if paths is None else _memo_key(paths, attrs)
            key = None if values is None else (index, kind, values)
            known = None if key is None else memo.get(key)
            if known is not None:
                status, message, path = known
            else:
                path = None
                try:
                    status, outcome = _judge(rule, resource, Scope(attrs, rule.params, facts))
                    message = _message(rule, resource, outcome, status)
                    path = outcome.path
                    if key is not None:
                        memo[key] = (status, message, path)
                except Exception as exc:  # a crashing rule is a finding, never a silent pass
                    status, message = Verdict.ERROR, f"rule could not be evaluated: {exc}"
                    reason = f"{type(exc).__name__}: {exc}"
            if status in (Verdict.FAIL, Verdict.UNKNOWN):
                acct = resource.location.account or account
                for ex in live_exemptions:
                    if ex.matches(rule_id, resource.id, target=target, account=acct, ou=ou):
                        status = Verdict.WAIVED
                        reason = f"exemption ({ex.owner}, until {ex.expires.isoformat()}): {ex.reason}"
                        break
                if status is not Verdict.WAIVED and rule_id in waivers and rule.rule.inline_waivers:
                    status = Verdict.WAIVED
                    reason = f"inline waiver: {waivers[rule_id]}"
            findings.append(Finding(rule_id, status, severity, level, resource, message, path, reason))
    return findings
