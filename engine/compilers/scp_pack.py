"""Pack a target's statements into as few SCPs as fit the size quota and the attachment cap."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from engine.compilers.scp_statements import Statement
from engine.compilers.scp_validate import policy_size, policy_text
from engine.errors import CompileError

QUOTAS: dict[str, tuple[int, int]] = {
    # name: (characters per SCP, SCPs directly attached per root, OU or account)
    "current": (10_240, 10),  # raised 15 May 2026
    "legacy": (5_120, 5),
}


@dataclass(frozen=True)
class Limits:
    quotas: str
    max_chars: int
    max_policies: int
    attached_elsewhere: Mapping[str, int]

    def free_slots(self, target: str) -> int:
        # FullAWSAccess stays attached everywhere (ordinance never detaches it), so it takes one slot.
        return self.max_policies - 1 - self.attached_elsewhere.get(target, 0)

    def to_json(self) -> dict[str, Any]:
        return {"quotas": self.quotas, "max_policy_chars": self.max_chars,
                "max_policies_per_target": self.max_policies, "attached_elsewhere": dict(self.attached_elsewhere)}


def limits(settings: Mapping[str, Any]) -> Limits:
    name = settings.get("quotas", "current")
    chars, count = QUOTAS[name]
    return Limits(name, int(settings.get("max_policy_chars", chars)),
                  int(settings.get("max_policies_per_target", count)),
                  dict(settings.get("attached_elsewhere") or {}))


def document(statements: Sequence[Statement]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [s.to_json() for s in statements]}


def _size(s: Statement) -> int:
    return len(policy_text(s.to_json()).encode("utf-8"))


def _split(target: str, s: Statement, room: int) -> list[Statement]:
    """A statement too large for one policy becomes several with the same condition, actions divided."""
    if _size(s) <= room:
        return [s]
    parts: list[list[str]] = [[]]
    for action in s.actions:
        trial = replace(s, actions=(*parts[-1], action), sids=(*s.sids, f"Part{len(parts)}"))
        if parts[-1] and _size(trial) > room:
            parts.append([])
        parts[-1].append(action)
    out = [replace(s, actions=tuple(p), sids=(*s.sids, f"Part{i}")) for i, p in enumerate(parts, start=1)]
    for part in out:
        if _size(part) > room:
            raise CompileError(f"target {target}: statement {''.join(s.sids)} cannot be cut small enough: one part "
                               f"is {_size(part)} characters where a policy has room for {room}, over by "
                               f"{_size(part) - room}")
    return out


def pack(target: str, statements: Sequence[Statement], lim: Limits) -> list[list[Statement]]:
    """First-fit decreasing by size; each policy's statements keep the canonical order.

    A statement larger than a policy is first cut into parts by action. Fails naming the target and the
    overflow: a part that still does not fit, or more policies than the target has free attachments.
    """
    if not statements:
        return []
    empty = policy_size(document([]))
    statements = [part for s in statements for part in _split(target, s, lim.max_chars - empty)]
    sized = [(_size(s), s) for s in statements]
    bins: list[tuple[int, list[Statement]]] = []  # (used characters, statements)
    order = sorted(range(len(sized)), key=lambda i: (-sized[i][0], i))
    for i in order:
        size, s = sized[i]
        for b, (used, members) in enumerate(bins):
            if used + 1 + size <= lim.max_chars:  # +1 for the comma between statements
                bins[b] = (used + 1 + size, [*members, s])
                break
        else:
            bins.append((empty + size, [s]))
    free = lim.free_slots(target)
    if len(bins) > free:
        total = sum(used for used, _ in bins)
        over_chars = total - free * lim.max_chars
        raise CompileError(
            f"target {target}: its SCP statements need {len(bins)} policies of at most {lim.max_chars} "
            f"characters but only {max(free, 0)} of its {lim.max_policies} attachments are free "
            f"(FullAWSAccess and {lim.attached_elsewhere.get(target, 0)} other policies take the rest): "
            f"over by {len(bins) - max(free, 0)} policies, at least {max(over_chars, 1)} characters "
            f"(quotas: {lim.quotas})")
    position = {id(s): i for i, s in enumerate(statements)}
    packed = [sorted(members, key=lambda s: position[id(s)]) for _, members in bins]
    return sorted(packed, key=lambda members: position[id(members[0])])
