"""A small SCP evaluator for the tests: just enough of IAM's semantics to prove the compiled policies.

- An action is allowed only if every level of the hierarchy (root, OU, account) has an Allow for it
  (FullAWSAccess provides it) and no Deny anywhere matches: Deny wins.
- Action and resource wildcards (* and ?); actions are case-insensitive, resources are not.
- Condition operators: String(Not)Equals, String(Not)Like, Arn(Not)Like, Bool, Null, with IfExists
  and the ForAnyValue/ForAllValues set qualifiers. Operators are ANDed, keys within one operator are
  ANDed, values of one key are ORed (negated operators: the context value matches none of them).
- Missing key: a positive operator is false, a negated one true, IfExists makes it true, Null tests it.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

FULL_AWS_ACCESS = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


@dataclass(frozen=True)
class Request:
    action: str
    resource: str = "*"
    principal: str = "arn:aws:iam::222222222222:role/AppDeployer"
    account: str = "222222222222"
    context: Mapping[str, Any] = field(default_factory=dict)

    def keys(self) -> dict[str, Any]:
        return {"aws:PrincipalArn": self.principal, "aws:PrincipalAccount": self.account, **self.context}


def _list(v: Any) -> list[Any]:
    return v if isinstance(v, list) else [v]


def _arn_like(value: str, pattern: str) -> bool:
    vp, pp = value.split(":", 5), pattern.split(":", 5)
    if len(vp) != 6 or len(pp) != 6:
        return fnmatch.fnmatchcase(value, pattern)
    return all(fnmatch.fnmatchcase(v, p) for v, p in zip(vp, pp, strict=True))


_BASE = {
    "StringEquals": lambda v, p: v == p,
    "StringLike": fnmatch.fnmatchcase,
    "ArnLike": _arn_like,
    "ArnEquals": lambda v, p: v == p,
    "Bool": lambda v, p: str(v).lower() == str(p).lower(),
}
_NEGATED = {"StringNotEquals": "StringEquals", "StringNotLike": "StringLike", "ArnNotLike": "ArnLike",
            "ArnNotEquals": "ArnEquals"}


def _test(op: str, key: str, patterns: list[Any], ctx: Mapping[str, Any]) -> bool:
    qualifier = ""
    if ":" in op and op.split(":", 1)[0] in ("ForAnyValue", "ForAllValues"):
        qualifier, op = op.split(":", 1)
    if_exists = op.endswith("IfExists")
    op = op.removesuffix("IfExists")
    present = key in ctx
    if op == "Null":
        return all((str(p).lower() == "true") == (not present) for p in patterns)
    if not present:
        if qualifier == "ForAllValues":
            return True
        if qualifier == "ForAnyValue":
            return False
        return if_exists or op in _NEGATED
    negated = op in _NEGATED
    match = _BASE[_NEGATED.get(op, op)]

    def one(value: Any) -> bool:
        hit = any(match(str(value), str(p)) for p in patterns)
        return not hit if negated else hit

    values = ctx[key]
    if qualifier == "ForAnyValue":
        return any(one(v) for v in _list(values))
    if qualifier == "ForAllValues":
        return all(one(v) for v in _list(values))
    if isinstance(values, list):
        raise AssertionError(f"multivalued key {key} used with unqualified operator {op}")
    return one(values)


def statement_matches(st: Mapping[str, Any], req: Request) -> bool:
    action = req.action.lower()
    if "Action" in st:
        if not any(fnmatch.fnmatchcase(action, a.lower()) for a in _list(st["Action"])):
            return False
    elif any(fnmatch.fnmatchcase(action, a.lower()) for a in _list(st["NotAction"])):
        return False
    if "Resource" in st:
        if not any(fnmatch.fnmatchcase(req.resource, r) for r in _list(st["Resource"])):
            return False
    elif any(fnmatch.fnmatchcase(req.resource, r) for r in _list(st["NotResource"])):
        return False
    ctx = req.keys()
    return all(_test(op, key, _list(pats), ctx)
               for op, keys in st.get("Condition", {}).items() for key, pats in keys.items())


@dataclass(frozen=True)
class Decision:
    allowed: bool
    denied_by: tuple[tuple[str, int], ...]  # (policy name, statement index)


def evaluate(levels: Sequence[Mapping[str, Mapping[str, Any]]], req: Request) -> Decision:
    """levels: one {policy name: document} per level, root first. FullAWSAccess is added at every level."""
    denied: list[tuple[str, int]] = []
    allowed_everywhere = True
    for level in levels:
        docs = {"FullAWSAccess": FULL_AWS_ACCESS, **level}
        allowed_here = False
        for name, doc in docs.items():
            for i, st in enumerate(_list(doc["Statement"])):
                if not statement_matches(st, req):
                    continue
                if st["Effect"] == "Deny":
                    denied.append((name, i))
                else:
                    allowed_here = True
        allowed_everywhere = allowed_everywhere and allowed_here
    return Decision(allowed_everywhere and not denied, tuple(denied))


def scp_levels(files: Mapping[str, bytes], target: str) -> list[dict[str, Any]]:
    """The compiled SCP documents that bind an account in `target`: the root's, then the target's."""
    manifest = json.loads(files["manifest.json"])
    return [{name: json.loads(files[info["file"]]) for name, info in manifest["policies"].items()
             if info["target"] == scope and info["type"] == "SERVICE_CONTROL_POLICY"}
            for scope in ("root", target)]
