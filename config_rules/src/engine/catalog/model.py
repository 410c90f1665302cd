"""Typed catalog objects. Stdlib only: the compiled catalog is loaded by the Config rule Lambda."""

from __future__ import annotations

import datetime as dt
import fnmatch
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

SEVERITIES = ("low", "medium", "high", "critical")


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity)


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    description: str
    severity: str
    applies_to: tuple[str, ...]
    expect: Mapping[str, Any]
    message: str
    remediation: str
    when: Mapping[str, Any] | None = None
    parameters: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    messages: Mapping[str, str] = field(default_factory=dict)
    references: Mapping[str, list[str]] = field(default_factory=dict)
    inline_waivers: bool = True
    prevent: Mapping[str, Any] | None = None
    detect: Mapping[str, Any] | None = None
    source_file: str | None = None

    def applies(self, kind: str) -> bool:
        return "*" in self.applies_to or kind in self.applies_to

    @property
    def coverage(self) -> str:
        """How much of the rule an SCP prevents: full, partial or none (no prevent block: none)."""
        return str(self.prevent["coverage"]) if self.prevent else "none"

    def defaults(self) -> dict[str, Any]:
        return {name: spec["default"] for name, spec in self.parameters.items()}

    def to_json(self) -> dict[str, Any]:
        """The compiled form shipped to the Lambda (no YAML, no schema validation at run time)."""
        return {
            "id": self.id, "title": self.title, "description": self.description, "severity": self.severity,
            "applies_to": list(self.applies_to), "expect": self.expect, "when": self.when,
            "message": self.message, "messages": dict(self.messages), "remediation": self.remediation,
            "parameters": {k: dict(v) for k, v in self.parameters.items()},
            "references": dict(self.references), "inline_waivers": self.inline_waivers,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Rule:
        return cls(
            id=data["id"], title=data["title"], description=data["description"], severity=data["severity"],
            applies_to=tuple(data["applies_to"]), expect=data["expect"], when=data.get("when"),
            message=data["message"], messages=data.get("messages") or {}, remediation=data["remediation"],
            parameters=data.get("parameters") or {}, references=data.get("references") or {},
            inline_waivers=data.get("inline_waivers", True),
        )


@dataclass(frozen=True)
class Setting:
    """How one rule is enforced at one level (organization default or a target)."""

    enabled: bool | None = None
    mode: str | None = None
    severity: str | None = None
    parameters: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Target:
    name: str
    ou: str | None = None
    accounts: tuple[str, ...] = ()
    environment: str | None = None
    domain: str | None = None
    description: str | None = None
    vpc_block_public_access: str | None = None
    rules: Mapping[str, Setting] = field(default_factory=dict)


@dataclass(frozen=True)
class Exemption:
    rule: str
    reason: str
    owner: str
    expires: dt.date
    account: str | None = None
    ou: str | None = None
    target: str | None = None
    resource: str | None = None
    ticket: str | None = None
    line: int | None = None

    def expired(self, today: dt.date) -> bool:
        return self.expires < today

    def scope_text(self) -> str:
        parts = [f"{k}={v}" for k, v in (("account", self.account), ("ou", self.ou), ("target", self.target),
                                         ("resource", self.resource)) if v]
        return ", ".join(parts)

    def matches(self, rule_id: str, resource_id: str, *, target: str | None = None, account: str | None = None,
                ou: str | None = None) -> bool:
        """Every scope key given must match; a key we cannot check in this context does not match."""
        if rule_id != self.rule:
            return False
        if self.resource is not None and not fnmatch.fnmatchcase(resource_id, self.resource):
            return False
        if self.target is not None and self.target != target:
            return False
        if self.account is not None and self.account != account:
            return False
        return not (self.ou is not None and (ou is None or not (ou == self.ou or ou.startswith(self.ou + "/"))))

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"rule": self.rule, "scope": self.scope_text(), "reason": self.reason,
                               "owner": self.owner, "expires": self.expires.isoformat()}
        if self.ticket:
            out["ticket"] = self.ticket
        return out


@dataclass(frozen=True)
class ActiveRule:
    """A rule as enforced in one view: with its mode, severity and parameters resolved."""

    rule: Rule
    mode: str
    severity: str
    params: Mapping[str, Any]

    @property
    def level(self) -> str:
        return "error" if self.mode == "prevent" else "warning"


@dataclass(frozen=True)
class Catalog:
    rules: Mapping[str, Rule]
    defaults: Mapping[str, Setting]
    targets: Mapping[str, Target]
    exemptions: tuple[Exemption, ...] = ()
    break_glass: tuple[str, ...] = ()
    pipeline: tuple[str, ...] = ()
    organization: Mapping[str, Any] = field(default_factory=dict)
    scp: Mapping[str, Any] = field(default_factory=dict)
    root: str | None = None

    def _resolve(self, rule: Rule, *settings: Setting | None) -> tuple[bool, str, str, dict[str, Any]]:
        enabled, mode, severity = False, "detect", rule.severity
        params = rule.defaults()
        for s in settings:
            if s is None:
                continue
            if s.enabled is not None:
                enabled = s.enabled
            mode = s.mode or mode
            severity = s.severity or severity
            params.update(s.parameters)
        return enabled, mode, severity, params

    def active(self, target: str | None = None) -> list[ActiveRule]:
        """The rules in force for a target, or the strictest view over all targets when target is None.

        Strictest view: a rule enabled anywhere is on, in prevent mode if any level prevents it, at the
        highest severity any level gives it, with the organization default parameters.
        """
        out: list[ActiveRule] = []
        for rule_id in sorted(self.rules):
            rule = self.rules[rule_id]
            default = self.defaults.get(rule_id)
            if target is not None:
                t = self.targets[target]
                enabled, mode, severity, params = self._resolve(rule, default, t.rules.get(rule_id))
                if enabled:
                    out.append(ActiveRule(rule, mode, severity, params))
                continue
            views = [self._resolve(rule, default)]
            views += [self._resolve(rule, default, t.rules.get(rule_id)) for t in self.targets.values()]
            on = [v for v in views if v[0]]
            if not on:
                continue
            mode = "prevent" if any(v[1] == "prevent" for v in on) else "detect"
            severity = max((v[2] for v in on), key=severity_rank)
            out.append(ActiveRule(rule, mode, severity, self._resolve(rule, default)[3]))
        return out
