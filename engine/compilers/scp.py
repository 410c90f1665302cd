"""Compile the catalog into AWS Organizations policies under scp/.

Per target (OU or accounts), the rules it enforces in prevent mode become Deny statements with their
parameters substituted and the break-glass and pipeline principals exempted; statements every target
shares go to the organization root once; the rest are merged, packed into as few SCPs as the quotas
allow and validated against the IAM reference data before anything is returned.

Files (keys of `compile()`'s result, relative to scp/):
- <target>/<policy>.json: the exact text sent to the API: minified, sorted keys, NO final newline, so
  its byte count is the size counted against the quota;
- <target>/<target>-vpc-bpa.json: EC2 declarative policies (VPC Block Public Access), same format;
- manifest.json, cloudformation.json, terraform/main.tf: for people and tools, indented, final newline.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.catalog.model import Catalog, Exemption, Rule
from engine.compilers import iam_reference
from engine.compilers.scp_iac import cloudformation, terraform
from engine.compilers.scp_pack import Limits, document, limits, pack
from engine.compilers.scp_statements import Statement, merge, rule_statements
from engine.compilers.scp_validate import policy_text, validate_scp
from engine.errors import CompileError

ROOT = "root"
RESERVED = {ROOT, "terraform"}
PREFIX = "ordinance"
DECLARATIVE_MAX_CHARS = 10_000
_BPA_MODES = {"block-ingress": "block_ingress", "block-bidirectional": "block_bidirectional"}


@dataclass(frozen=True)
class Policy:
    name: str
    scope: str  # "root" or a target name
    type: str  # SERVICE_CONTROL_POLICY | DECLARATIVE_POLICY_EC2
    text: str
    rules: tuple[str, ...]
    statements: tuple[Statement, ...] = ()

    @property
    def path(self) -> str:
        return f"{self.scope}/{self.name}.json"


@dataclass
class _Exemptions:
    accounts: dict[tuple[str, str], set[str]] = field(default_factory=dict)  # (scope, rule) -> accounts
    dropped: set[tuple[str, str]] = field(default_factory=set)  # (target, rule)
    report: list[dict[str, Any]] = field(default_factory=list)


def _targets_under(catalog: Catalog, ou: str) -> list[str]:
    return sorted(n for n, t in catalog.targets.items() if t.ou and (t.ou == ou or t.ou.startswith(ou + "/")))


def _exemptions(catalog: Catalog, today: dt.date) -> _Exemptions:
    out = _Exemptions()
    for ex in sorted(catalog.exemptions, key=lambda e: (e.rule, e.scope_text(), e.expires)):
        entry = ex.to_json()
        if ex.expired(today):
            entry["compiled_as"] = f"not compiled: expired on {ex.expires.isoformat()}"
        elif ex.resource is not None:
            entry["compiled_as"] = "lint/audit only: an SCP cannot name resource patterns; the deny stays in force"
        elif ex.account is not None:
            scopes = _exemption_targets(catalog, ex)
            if ex.target is None and ex.ou is None:
                scopes = [ROOT, *scopes]
            for scope in scopes:
                out.accounts.setdefault((scope, ex.rule), set()).add(ex.account)
            entry["compiled_as"] = (f"aws:PrincipalAccount {ex.account} excepted from {ex.rule} in: "
                                    f"{', '.join(scopes) or 'no target'}")
        else:
            scopes = _exemption_targets(catalog, ex)
            if ex.ou is not None and not scopes:
                # An OU below a target's OU would need its id in aws:PrincipalOrgPaths; stay strict instead.
                entry["compiled_as"] = ("lint/audit only: the OU is no target OU and has no id at compile "
                                        "time; the deny stays in force")
            else:
                for scope in scopes:
                    out.dropped.add((scope, ex.rule))
                entry["compiled_as"] = f"{ex.rule} not compiled for: {', '.join(scopes) or 'no target'}"
        out.report.append(entry)
    return out


def _exemption_targets(catalog: Catalog, ex: Exemption) -> list[str]:
    names = sorted(catalog.targets)
    if ex.target is not None:
        names = [ex.target]
    if ex.ou is not None:
        names = [n for n in names if n in _targets_under(catalog, ex.ou)]
    return names


def _root_rules(catalog: Catalog) -> list[tuple[Rule, dict[str, Any]]]:
    """The rules the organization defaults enforce in prevent mode, with default parameters."""
    out = []
    for rule_id in sorted(catalog.rules):
        default = catalog.defaults.get(rule_id)
        if default is None or not default.enabled or (default.mode or "detect") != "prevent":
            continue
        rule = catalog.rules[rule_id]
        out.append((rule, {**rule.defaults(), **default.parameters}))
    return out


def _target_rules(catalog: Catalog, target: str) -> list[tuple[Rule, dict[str, Any]]]:
    return [(a.rule, dict(a.params)) for a in catalog.active(target) if a.mode == "prevent"]


def _statements(catalog: Catalog, scope: str, rules: list[tuple[Rule, dict[str, Any]]],
                ex: _Exemptions, principals: list[str]) -> list[Statement]:
    out: list[Statement] = []
    for rule, params in rules:
        if (scope, rule.id) in ex.dropped or not rule.prevent:
            continue
        out.extend(rule_statements(rule, params, principals, ex.accounts.get((scope, rule.id), ())))
    return out


def _check_targets(catalog: Catalog) -> None:
    mgmt = catalog.organization.get("management_account")
    for name, target in sorted(catalog.targets.items()):
        if name in RESERVED or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}", name):
            raise CompileError(f"target name {name!r} cannot name SCP files (reserved or not [A-Za-z0-9_-])")
        if not target.ou and not target.accounts:
            raise CompileError(f"target {name}: names neither an ou nor accounts, so nothing to attach to")
        if mgmt and mgmt in target.accounts:
            raise CompileError(f"target {name}: lists the management account {mgmt}; SCPs never apply to it "
                               "and ordinance refuses to attach anything there")


def _scp_policies(catalog: Catalog, lim: Limits, ex: _Exemptions) -> list[Policy]:
    principals = sorted(set(catalog.break_glass) | set(catalog.pipeline))
    per_scope = {name: _statements(catalog, name, _target_rules(catalog, name), ex, principals)
                 for name in sorted(catalog.targets)}
    root = _statements(catalog, ROOT, _root_rules(catalog), ex, principals)
    if per_scope:
        # Only what every target enforces identically moves up; the root then binds every account once.
        shared = set.intersection(*({s.identity() for s in v} for v in per_scope.values()))
        root = [s for s in root if s.identity() in shared]
        hoisted = {s.identity() for s in root}
        per_scope = {k: [s for s in v if s.identity() not in hoisted] for k, v in per_scope.items()}
    policies: list[Policy] = []
    for scope, statements in [(ROOT, root), *per_scope.items()]:
        for n, members in enumerate(pack(scope, merge(statements), lim), start=1):
            doc = document(members)
            name = f"{PREFIX}-{scope}-{n}"
            validate_scp(doc, name, lim.max_chars)
            policies.append(Policy(name, scope, "SERVICE_CONTROL_POLICY", policy_text(doc),
                                   tuple(sorted({r for s in members for r in s.rules})), tuple(members)))
    return policies


def _declarative_policies(catalog: Catalog) -> list[Policy]:
    out = []
    for name, target in sorted(catalog.targets.items()):
        mode = _BPA_MODES.get(target.vpc_block_public_access or "off")
        if mode is None:
            continue
        lock = {"@@operators_allowed_for_child_policies": ["@@none"]}
        doc = {"ec2_attributes": {"vpc_block_public_access": {"internet_gateway_block": {
            "mode": {"@@assign": mode, **lock},
            "exclusions_allowed": {"@@assign": "disabled", **lock},
        }}}}
        text = policy_text(doc)
        if len(text.encode("utf-8")) > DECLARATIVE_MAX_CHARS:
            raise CompileError(f"target {name}: declarative policy over {DECLARATIVE_MAX_CHARS} characters")
        backs = tuple(a.rule.id for a in catalog.active(name)
                      if a.mode == "prevent" and a.rule.prevent and a.rule.prevent.get("alternative"))
        out.append(Policy(f"{PREFIX}-{name}-vpc-bpa", name, "DECLARATIVE_POLICY_EC2", text, backs))
    return out


def _manifest(catalog: Catalog, lim: Limits, policies: list[Policy], ex: _Exemptions) -> dict[str, Any]:
    scopes: dict[str, list[Policy]] = {}
    for p in policies:
        scopes.setdefault(p.scope, []).append(p)
    targets: dict[str, Any] = {}
    for name in [ROOT, *sorted(catalog.targets)]:
        t = catalog.targets.get(name)
        scps = [p.name for p in scopes.get(name, []) if p.type == "SERVICE_CONTROL_POLICY"]
        enforced = sorted({r for p in scopes.get(name, []) for r in p.rules} |
                          ({r for p in scopes.get(ROOT, []) for r in p.rules} if name != ROOT else set()))
        targets[name] = {
            "attach_to": {"root": True} if t is None else {"ou": t.ou, "accounts": list(t.accounts)},
            "policies": [p.name for p in scopes.get(name, [])],
            "scp_attachments": {"ordinance": len(scps), "FullAWSAccess": 1,
                                "elsewhere": lim.attached_elsewhere.get(name, 0), "max": lim.max_policies},
            "rules_enforced": enforced,
        }
    rules: dict[str, Any] = {}
    for rule_id, rule in sorted(catalog.rules.items()):
        prevent = dict(rule.prevent or {})
        rules[rule_id] = {k: v for k, v in {
            "coverage": rule.coverage, "reason": " ".join(str(prevent.get("reason", "")).split()) or None,
            "gaps": prevent.get("gaps") or [], "alternative": prevent.get("alternative"),
            "compiled_for": sorted({p.scope for p in policies if rule_id in p.rules}),
        }.items() if v is not None}
    return {
        "format": "Policy files hold the exact API text: minified JSON, sorted keys, no final newline; "
                  "size is its UTF-8 byte count.",
        "limits": lim.to_json(),
        "iam_reference": iam_reference.source(),
        "exempt_principals": sorted(set(catalog.break_glass) | set(catalog.pipeline)),
        "policies": {p.name: {
            "file": p.path, "type": p.type, "target": p.scope, "size": len(p.text.encode("utf-8")),
            "fits_legacy_quota": len(p.text.encode("utf-8")) <= 5_120, "rules": list(p.rules),
            "coverage": {r: catalog.rules[r].coverage for r in p.rules},
            "statements": [{"sid": "".join(s.sids), "rules": list(s.rules)} for s in p.statements],
        } for p in policies},
        "targets": targets,
        "rules": rules,
        "exemptions": ex.report,
    }


def _dump(data: Any) -> bytes:
    return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def compile(catalog: Catalog, today: dt.date | None = None) -> dict[str, bytes]:
    """Relative path under scp/ -> exact bytes. Deterministic for the same catalog and date."""
    today = today or dt.date.today()
    _check_targets(catalog)
    lim = limits(catalog.scp)
    ex = _exemptions(catalog, today)
    policies = _scp_policies(catalog, lim, ex) + _declarative_policies(catalog)
    files = {p.path: p.text.encode("utf-8") for p in policies}
    files["manifest.json"] = _dump(_manifest(catalog, lim, policies, ex))
    files["cloudformation.json"] = _dump(cloudformation(catalog, policies))
    files["terraform/main.tf"] = terraform(catalog, policies).encode("utf-8")
    return dict(sorted(files.items()))


def write(catalog: Catalog, out_dir: Path, today: dt.date | None = None) -> list[str]:
    """Write compile()'s files into out_dir (scp/), removing stale ones; returns the paths written."""
    files = compile(catalog, today)
    for old in sorted(out_dir.rglob("*")):
        rel = old.relative_to(out_dir).as_posix()
        if old.is_file() and old.name != ".gitkeep" and rel not in files:
            old.unlink()
    for rel, data in files.items():
        path = out_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    for d in sorted((p for p in out_dir.rglob("*") if p.is_dir()), reverse=True):
        if not any(d.iterdir()):
            d.rmdir()
    return sorted(files)


def check(catalog: Catalog, out_dir: Path, today: dt.date | None = None) -> list[str]:
    """Paths under out_dir that differ from what the catalog compiles to (missing, changed or stale)."""
    files = compile(catalog, today)
    present = {p.relative_to(out_dir).as_posix(): p for p in out_dir.rglob("*")
               if p.is_file() and p.name != ".gitkeep"} if out_dir.is_dir() else {}
    diff = [rel for rel, data in files.items() if rel not in present or present[rel].read_bytes() != data]
    return sorted(diff + [rel for rel in present if rel not in files])
