"""Check an SCP before anything is written: grammar, size, and every action and condition key against
the IAM reference data (engine/data/iam.json), including that each key applies to its action."""

from __future__ import annotations

import re
from typing import Any

from engine.compilers import iam_reference as ref
from engine.errors import CompileError

STATEMENT_KEYS = {"Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition"}
_OPERATOR = re.compile(
    r"^(ForAnyValue:|ForAllValues:)?(StringEquals|StringNotEquals|StringEqualsIgnoreCase|StringNotEqualsIgnoreCase|"
    r"StringLike|StringNotLike|ArnEquals|ArnNotEquals|ArnLike|ArnNotLike|Bool|Null|NumericEquals|NumericNotEquals|"
    r"NumericLessThan|NumericLessThanEquals|NumericGreaterThan|NumericGreaterThanEquals|DateEquals|"
    r"DateNotEquals|DateLessThan|DateLessThanEquals|DateGreaterThan|DateGreaterThanEquals|IpAddress|"
    r"NotIpAddress)(IfExists)?$")


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def policy_text(doc: dict[str, Any]) -> str:
    """The text sent to the API, and counted against the quota: minified, keys sorted, no final newline."""
    import json

    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def policy_size(doc: dict[str, Any]) -> int:
    # UTF-8 bytes: never fewer than characters, so it holds under either wording of the quota.
    return len(policy_text(doc).encode("utf-8"))


def validate_scp(doc: Any, name: str, max_chars: int | None = None) -> None:
    def fail(msg: str) -> None:
        raise CompileError(f"SCP {name}: {msg}")

    if not isinstance(doc, dict):
        fail("must be a JSON object")
    extra = set(doc) - {"Version", "Statement"}
    if extra:
        fail(f"unsupported top-level element(s): {', '.join(sorted(extra))}")
    if doc.get("Version") != "2012-10-17":
        fail('Version must be "2012-10-17"')
    statements = doc.get("Statement")
    if not isinstance(statements, list) or not statements:
        fail("Statement must be a non-empty list")
    for i, st in enumerate(statements):
        _validate_statement(st, f"{name} statement {i} ({st.get('Sid', 'no Sid') if isinstance(st, dict) else '?'})")
    if max_chars is not None and policy_size(doc) > max_chars:
        fail(f"is {policy_size(doc)} characters, over the {max_chars}-character limit by "
             f"{policy_size(doc) - max_chars}")


def _validate_statement(st: Any, where: str) -> None:
    def fail(msg: str) -> None:
        raise CompileError(f"SCP {where}: {msg}")

    if not isinstance(st, dict):
        fail("a statement must be an object")
    for key in ("Principal", "NotPrincipal"):
        if key in st:
            fail(f"{key} is not supported in SCPs")
    extra = set(st) - STATEMENT_KEYS
    if extra:
        fail(f"unsupported element(s): {', '.join(sorted(extra))}")
    if st.get("Effect") not in ("Allow", "Deny"):
        fail('Effect must be "Allow" or "Deny"')
    if "Sid" in st and not re.fullmatch(r"[A-Za-z0-9]*", str(st["Sid"])):
        fail("Sid may hold only letters and digits")
    if ("Action" in st) == ("NotAction" in st):
        fail("needs exactly one of Action and NotAction")
    if ("Resource" in st) == ("NotResource" in st):
        fail("needs exactly one of Resource and NotResource")
    resources = [str(r) for r in _list(st.get("Resource", st.get("NotResource")))]
    not_resource = "NotResource" in st
    expanded: list[ref.Action] = []
    for pattern in _list(st.get("Action", st.get("NotAction"))):
        if pattern == "*":
            continue
        found = ref.expand_action(str(pattern))
        if not found:
            prefix = str(pattern).split(":", 1)[0]
            if ref.service(prefix) is None:
                fail(f"unknown service prefix {prefix!r} in action {pattern!r}")
            fail(f"unknown action {pattern!r}: it names no action in the IAM reference")
        if "Action" in st:
            expanded.extend(found)
    # Each action must act on at least one resource the statement names, or the statement is dead.
    types: dict[str, list[str]] = {}
    for action in expanded:
        if not_resource or "*" in resources:
            types[action.full] = sorted(action.resource_types)
            continue
        matched = sorted({rt for r in resources for rt in ref.resource_types_for(action, r)})
        if not matched:
            fail(f"action {action.full} does not act on {', '.join(resources)}")
        types[action.full] = matched
    condition = st.get("Condition", {})
    if not isinstance(condition, dict):
        fail("Condition must be an object")
    for op, keys in condition.items():
        if not _OPERATOR.match(op):
            fail(f"unknown condition operator {op!r}")
        if not isinstance(keys, dict) or not keys:
            fail(f"condition operator {op} needs a key: value map")
        for key, values in keys.items():
            if not ref.key_exists(key):
                fail(f"unknown condition key {key!r}")
            if op.startswith("Bool") and any(str(v) not in ("true", "false") for v in _list(values)):
                fail(f"{op} {key} takes \"true\" or \"false\"")
            for action in expanded:
                if not ref.key_applies(key, action, types[action.full]):
                    fail(f"condition key {key} does not apply to {action.full} "
                         f"on {', '.join(types[action.full]) or 'any resource'}")
