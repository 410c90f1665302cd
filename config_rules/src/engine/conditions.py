"""The condition language: one operator table, three-valued logic.

A condition is a mapping (its grammar is `schemas/condition.schema.json`):

    {all: [c...]} | {any: [c...]} | {not: c} | {always: bool}
    {attr: PATH, OP: VALUE}            compare an attribute of the resource (or of the list element)
    {param: NAME, OP: VALUE}           compare a rule parameter
    {fact: NAME, OP: VALUE}            compare an account fact seen in the same input
    {every: PATH, where: c, nonempty: bool}   each element of a list attribute satisfies c
    {some: PATH, where: c}             at least one element satisfies c
    {port_range: [FROM, TO], includes: N}   the attribute port range includes port N

VALUE may be `{param: NAME}` to read a rule parameter. Every operator is defined on UNKNOWN: an
unknown operand yields UNKNOWN, never False, and `not UNKNOWN` is UNKNOWN. Comparing values of
incompatible types raises ConditionTypeError, which the evaluator turns into an `error` verdict.

Stdlib only: the Config rule Lambda ships this module.
"""

from __future__ import annotations

import fnmatch
import functools
import ipaddress
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from engine.errors import ConditionTypeError
from engine.resources.model import UNKNOWN, Unknown

Tri = bool | Unknown  # True, False or UNKNOWN

_ABSENT = object()


@dataclass(frozen=True)
class Outcome:
    """A three-valued result and, when it is False or UNKNOWN, the path and value that decided it."""

    value: Tri
    path: str | None = None
    actual: Any = None

    @property
    def culprit(self) -> str | None:
        if self.path is None:
            return None
        return f"{self.path} = {_show(self.actual)}"


class _Text(str):
    """A description shown as is in a culprit (not quoted like a string value)."""


def _show(v: Any) -> str:
    if isinstance(v, _Text):
        return str(v)
    if v is UNKNOWN:
        return "(unknown)"
    if v is _ABSENT or v is None:
        return "(not set)"
    return repr(v) if isinstance(v, str) else str(v).lower() if isinstance(v, bool) else str(v)


def _same_kind(a: Any, b: Any, op: str) -> None:
    if isinstance(a, bool) != isinstance(b, bool) or (
        not isinstance(a, bool) and isinstance(a, (int, float)) != isinstance(b, (int, float))
    ):
        raise ConditionTypeError(f"{op}: cannot compare {type(a).__name__} {a!r} with {type(b).__name__} {b!r}")


def _op_equals(actual: Any, expected: Any) -> bool:
    if actual is _ABSENT or actual is None:
        return expected is None
    _same_kind(actual, expected, "equals")
    return bool(actual == expected)


def _op_not_equals(actual: Any, expected: Any) -> bool:
    return not _op_equals(actual, expected)


def _as_list(expected: Any, op: str) -> list[Any]:
    if not isinstance(expected, list):
        raise ConditionTypeError(f"{op}: expected a list, got {expected!r}")
    return expected


def _op_in(actual: Any, expected: Any) -> bool:
    options = _as_list(expected, "in")
    if actual is _ABSENT or actual is None:
        return None in options
    for option in options:
        _same_kind(actual, option, "in")
    return actual in options


def _op_not_in(actual: Any, expected: Any) -> bool:
    return not _op_in(actual, expected)


def _op_matches(actual: Any, expected: Any) -> bool:
    patterns = expected if isinstance(expected, list) else [expected]
    if actual is _ABSENT or actual is None:
        return False
    if not isinstance(actual, str):
        raise ConditionTypeError(f"matches: {actual!r} is not a string")
    return any(fnmatch.fnmatchcase(actual, str(p)) for p in patterns)


def _op_exists(actual: Any, expected: Any) -> bool:
    if not isinstance(expected, bool):
        raise ConditionTypeError("exists takes true or false")
    present = actual is not _ABSENT and actual is not None
    return present == expected


def _op_family_in(actual: Any, expected: Any) -> bool:
    """`t3.micro` is in family `t3`; families are compared case-insensitively."""
    families = {str(f).lower() for f in _as_list(expected, "family_in")}
    if actual is _ABSENT or actual is None:
        return False
    if not isinstance(actual, str):
        raise ConditionTypeError(f"family_in: {actual!r} is not an instance type")
    return actual.split(".", 1)[0].lower() in families


@functools.lru_cache(maxsize=4096)
def _parse_network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    # Cached: a large plan repeats the same few CIDRs thousands of times, and parsing one costs
    # more than the rest of a rule's evaluation (networks are immutable, so sharing is safe).
    return ipaddress.ip_network(text, strict=False)


def _network(value: Any, op: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    try:
        return _parse_network(str(value).strip())
    except ValueError as exc:
        raise ConditionTypeError(f"{op}: {value!r} is not a CIDR") from exc


def _op_cidr_contains(actual: Any, expected: Any) -> bool:
    """The CIDR in the attribute contains one of the given networks (e.g. it is 0.0.0.0/0)."""
    if actual is _ABSENT or actual is None:
        return False
    net = _network(actual, "cidr_contains")
    for other in _as_list(expected, "cidr_contains"):
        o = _network(other, "cidr_contains")
        if o.version == net.version and o.subnet_of(net):  # type: ignore[arg-type]
            return True
    return False


def _op_cidr_within(actual: Any, expected: Any) -> bool:
    """The CIDR in the attribute lies inside one of the given networks (an allow list)."""
    if actual is _ABSENT or actual is None:
        return False
    net = _network(actual, "cidr_within")
    for other in _as_list(expected, "cidr_within"):
        o = _network(other, "cidr_within")
        if o.version == net.version and net.subnet_of(o):  # type: ignore[arg-type]
            return True
    return False


OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "equals": _op_equals,
    "not_equals": _op_not_equals,
    "in": _op_in,
    "not_in": _op_not_in,
    "matches": _op_matches,
    "exists": _op_exists,
    "family_in": _op_family_in,
    "cidr_contains": _op_cidr_contains,
    "cidr_within": _op_cidr_within,
}

_SUBJECTS = ("attr", "param", "fact")
_PLAIN = frozenset({str, list, int, bool, float})  # values that cannot be a {param: NAME} reference


@dataclass(frozen=True)
class Scope:
    """What a condition can see: the current attribute mapping, the rule's parameters, account facts."""

    attrs: Mapping[str, Any]
    params: Mapping[str, Any]
    facts: Mapping[str, Any]
    prefix: str = ""


def lookup(attrs: Mapping[str, Any], path: str) -> Any:
    """Dotted lookup; returns _ABSENT for a missing key and UNKNOWN if any step is unknown."""
    cur: Any = attrs
    for part in path.split("."):
        if cur is UNKNOWN:
            return UNKNOWN
        if cur.__class__ is dict or isinstance(cur, Mapping):  # dict first: the ABC check is slow
            cur = cur.get(part, _ABSENT)
        elif isinstance(cur, list) and part.isdigit() and int(part) < len(cur):
            cur = cur[int(part)]
        else:
            return _ABSENT
        if cur is _ABSENT:
            return _ABSENT
    return cur


def _resolve_value(value: Any, scope: Scope) -> Any:
    if value.__class__ in _PLAIN:
        return value
    if isinstance(value, Mapping) and set(value) == {"param"}:
        name = value["param"]
        if name not in scope.params:
            raise ConditionTypeError(f"unknown parameter {name!r}")
        return scope.params[name]
    return value


def _is_guard(o: Outcome) -> bool:
    path = o.path or ""
    return path.startswith(("param:", "fact:")) or path.rsplit(".", 1)[-1] == "kind"


def _tri_all(outcomes: list[Outcome]) -> Outcome:
    unknown: Outcome | None = None
    for o in outcomes:
        if o.value is False:
            return o
        if o.value is UNKNOWN and unknown is None:
            unknown = o
    return unknown or Outcome(True)


def evaluate(cond: Mapping[str, Any], scope: Scope) -> Outcome:
    """Evaluate a condition; short-circuits on a decided False (all) or True (any)."""
    if "all" in cond:
        results: list[Outcome] = []
        for c in cond["all"]:
            o = evaluate(c, scope)
            if o.value is False:
                return o
            results.append(o)
        return _tri_all(results)
    if "any" in cond:
        # On failure report the substantive alternative, not an escape hatch (a parameter, a fact)
        # or a guard on the kind: "encrypted = false" explains a failure, "kind = ..." does not.
        last_false: Outcome | None = None
        unknown: Outcome | None = None
        for c in cond["any"]:
            o = evaluate(c, scope)
            if o.value is True:
                return o
            if o.value is UNKNOWN and unknown is None:
                unknown = o
            if o.value is False and (last_false is None or not _is_guard(o)):
                last_false = o
        return unknown or last_false or Outcome(False)
    if "not" in cond:
        o = evaluate(cond["not"], scope)
        if o.value is UNKNOWN:
            return o
        return Outcome(not o.value, o.path, o.actual)
    if "always" in cond:
        return Outcome(bool(cond["always"]))
    if "every" in cond or "some" in cond:
        return _quantifier(cond, scope)
    if "port_range" in cond:
        return _port_range(cond, scope)
    for subject in _SUBJECTS:
        if subject in cond:
            return _compare(subject, cond, scope)
    raise ConditionTypeError(f"unrecognised condition {sorted(cond)}")


def _subject_value(subject: str, name: str, scope: Scope) -> Any:
    if subject == "attr":
        return lookup(scope.attrs, name)
    if subject == "param":
        if name not in scope.params:
            raise ConditionTypeError(f"unknown parameter {name!r}")
        return scope.params[name]
    return scope.facts.get(name, _ABSENT)


# id(condition) -> (condition, operator): a rule's comparisons are checked once, not per resource.
# The entry holds the condition, so its id cannot be reused while cached.
_OPERATOR_OF: dict[int, tuple[Mapping[str, Any], str]] = {}


def _operator(subject: str, cond: Mapping[str, Any]) -> str:
    cached = _OPERATOR_OF.get(id(cond))
    if cached is not None and cached[0] is cond:
        return cached[1]
    ops = [k for k in cond if k != subject]
    if len(ops) != 1 or ops[0] not in OPERATORS:
        raise ConditionTypeError(f"{subject} {cond[subject]!r}: expected exactly one operator of {sorted(OPERATORS)}")
    if len(_OPERATOR_OF) > 4096:  # conditions built on the fly (tests, ad-hoc) must not grow it forever
        _OPERATOR_OF.clear()
    _OPERATOR_OF[id(cond)] = (cond, ops[0])
    return ops[0]


def _compare(subject: str, cond: Mapping[str, Any], scope: Scope) -> Outcome:
    name = cond[subject]
    op = _operator(subject, cond)
    actual = _subject_value(subject, name, scope)
    path = scope.prefix + name if subject == "attr" else f"{subject}:{name}"
    if actual is UNKNOWN:
        return Outcome(UNKNOWN, path, UNKNOWN)
    expected = _resolve_value(cond[op], scope)
    result = OPERATORS[op](actual, expected)
    return Outcome(result, path, actual)


def _quantifier(cond: Mapping[str, Any], scope: Scope) -> Outcome:
    every = "every" in cond
    name = cond["every"] if every else cond["some"]
    path = scope.prefix + name
    items = lookup(scope.attrs, name)
    if items is UNKNOWN:
        return Outcome(UNKNOWN, path, UNKNOWN)
    if items is _ABSENT or items is None:
        items = []
    if not isinstance(items, list):
        raise ConditionTypeError(f"{path}: expected a list, got {type(items).__name__}")
    if every and cond.get("nonempty") and not items:
        return Outcome(False, path, _Text("[] (none declared)"))
    where = cond.get("where", {"always": True})
    outcomes = []
    for i, item in enumerate(items):
        if item is UNKNOWN:
            outcomes.append(Outcome(UNKNOWN, f"{path}[{i}]", UNKNOWN))
            continue
        element = item if item.__class__ is dict or isinstance(item, Mapping) else {"value": item}
        sub = Scope(element, scope.params, scope.facts, f"{path}[{i}].")
        outcomes.append(evaluate(where, sub))
    if every:
        return _tri_all(outcomes)
    unknown = None
    for o in outcomes:
        if o.value is True:
            return o
        if o.value is UNKNOWN and unknown is None:
            unknown = o
    return unknown or Outcome(False, path, _Text(f"{len(items)} element(s), none matching"))


def _port_range(cond: Mapping[str, Any], scope: Scope) -> Outcome:
    low_name, high_name = cond["port_range"]
    low = lookup(scope.attrs, low_name)
    high = lookup(scope.attrs, high_name)
    path = f"{scope.prefix}{low_name}..{high_name}"
    if low is UNKNOWN or high is UNKNOWN:
        return Outcome(UNKNOWN, path, UNKNOWN)
    port = _resolve_value(cond["includes"], scope)
    if low is _ABSENT or low is None or high is _ABSENT or high is None:
        # No ports on the rule means every port (protocol all).
        return Outcome(True, path, _Text("all ports"))
    for v in (low, high, port):
        if isinstance(v, bool) or not isinstance(v, int):
            raise ConditionTypeError(f"port_range: {v!r} is not a port number")
    return Outcome(low <= port <= high, path, _Text(f"{low}-{high}"))
