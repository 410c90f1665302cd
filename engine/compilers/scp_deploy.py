"""`ordinance deploy scp`: bring the organization's SCPs in line with the compiled scp/ files.

plan() reads the organization (boto3 `organizations` client) and lists the changes; apply() carries
them out. Both are idempotent: after apply(), plan() is empty. Only policies whose name starts with
"ordinance-" are ever updated, detached or deleted; FullAWSAccess and other policies are left alone,
and nothing is ever attached to the management account. Declarative policies are deployed through the
generated CloudFormation or Terraform (the deploy command handles SCPs only).
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.errors import OrdinanceError

SCP = "SERVICE_CONTROL_POLICY"
PREFIX = "ordinance-"
FULL_AWS_ACCESS = "FullAWSAccess"
DESCRIPTION = "Managed by ordinance; compiled from the rule catalog. Do not edit by hand."


class DeployError(OrdinanceError):
    """The organization cannot be brought in line with the compiled policies safely."""


@dataclass(frozen=True)
class Change:
    action: str  # create | update | attach | detach | delete
    policy: str
    target: str = ""  # target id for attach/detach
    label: str = ""  # human name of the target (root, OU path, account)
    diff: str = ""

    def line(self) -> str:
        where = f" {'to' if self.action == 'attach' else 'from'} {self.label} ({self.target})" if self.target else ""
        return f"{self.action} {self.policy}{where}"


def load_compiled(scp_dir: Path) -> dict[str, bytes]:
    """The committed scp/ directory in the shape compile() returns."""
    return {p.relative_to(scp_dir).as_posix(): p.read_bytes() for p in sorted(scp_dir.rglob("*"))
            if p.is_file() and p.name != ".gitkeep"}


def _pages(client: Any, op: str, key: str, **kwargs: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for page in client.get_paginator(op).paginate(**kwargs):
        out.extend(page[key])
    return out


def _resolve_ou(org: Any, root_id: str, path: str) -> str:
    parent = root_id
    for part in path.split("/"):
        found = [ou["Id"] for ou in _pages(org, "list_organizational_units_for_parent", "OrganizationalUnits",
                                             ParentId=parent) if ou["Name"] == part]
        if not found:
            raise DeployError(f"OU {path!r} not found in the organization (no {part!r} under {parent})")
        parent = found[0]
    return parent


def _desired(org: Any, compiled: Mapping[str, bytes]) -> tuple[dict[str, str], dict[str, set[str]],
                                                               dict[str, str], int]:
    """(policy name -> content, policy name -> target ids, target id -> label, max SCPs per target)."""
    manifest = json.loads(compiled["manifest.json"])
    root_id = org.list_roots()["Roots"][0]["Id"]
    mgmt = org.describe_organization()["Organization"]["MasterAccountId"]
    ids: dict[str, list[tuple[str, str]]] = {}
    for scope, info in manifest["targets"].items():
        attach = info["attach_to"]
        if attach.get("root"):
            ids[scope] = [(root_id, "root")]
            continue
        ids[scope] = [(_resolve_ou(org, root_id, attach["ou"]), attach["ou"])] if attach.get("ou") else []
        for account in attach.get("accounts", []):
            if account == mgmt:
                raise DeployError(f"target {scope}: refusing to attach SCPs to the management account {account}")
            ids[scope].append((account, f"account {account}"))
    contents: dict[str, str] = {}
    targets: dict[str, set[str]] = {}
    labels: dict[str, str] = {}
    for name, info in sorted(manifest["policies"].items()):
        if info["type"] != SCP:
            continue
        contents[name] = compiled[info["file"]].decode("utf-8")
        targets[name] = {tid for tid, _ in ids[info["target"]]}
        labels.update(dict(ids[info["target"]]))
    return contents, targets, labels, int(manifest["limits"]["max_policies_per_target"])


def plan(org: Any, compiled: Mapping[str, bytes]) -> list[Change]:
    """What apply() would do, in order: creates and updates, attaches, then detaches and deletes."""
    contents, desired, labels, cap = _desired(org, compiled)
    existing = {p["Name"]: p for p in _pages(org, "list_policies", "Policies", Filter=SCP)}
    changes: list[Change] = []
    attached: dict[str, set[str]] = {}
    for name in sorted(n for n in existing if n.startswith(PREFIX)):
        pid = existing[name]["Id"]
        found = _pages(org, "list_targets_for_policy", "Targets", PolicyId=pid)
        attached[name] = {t["TargetId"] for t in found}
        for t in found:
            labels.setdefault(t["TargetId"], t.get("Name", t["TargetId"]))
    for name, text in contents.items():
        if name not in existing:
            changes.append(Change("create", name, diff=_diff("", text, name)))
            continue
        current = org.describe_policy(PolicyId=existing[name]["Id"])["Policy"]["Content"]
        if current != text:
            changes.append(Change("update", name, diff=_diff(current, text, name)))
    for name, targets in desired.items():
        for tid in sorted(targets - attached.get(name, set())):
            changes.append(Change("attach", name, tid, labels.get(tid, tid)))
    for name, targets in sorted(attached.items()):
        for tid in sorted(targets - desired.get(name, set())):
            changes.append(Change("detach", name, tid, labels.get(tid, tid)))
        if name not in contents:
            changes.append(Change("delete", name))
    _check_caps(org, changes, cap)
    return changes


def _check_caps(org: Any, changes: list[Change], cap: int) -> None:
    delta: dict[str, int] = {}
    for c in changes:
        if c.action in ("attach", "detach"):
            delta[c.target] = delta.get(c.target, 0) + (1 if c.action == "attach" else -1)
    for tid, d in sorted(delta.items()):
        now = len(_pages(org, "list_policies_for_target", "Policies", TargetId=tid, Filter=SCP))
        if now + d > cap:
            raise DeployError(f"target {tid}: would have {now + d} SCPs attached, over the cap of {cap} "
                              f"by {now + d - cap}")


def _diff(old: str, new: str, name: str) -> str:
    def pretty(text: str) -> list[str]:
        if not text:
            return []
        try:
            return json.dumps(json.loads(text), indent=2, sort_keys=True).splitlines(keepends=True)
        except ValueError:
            return text.splitlines(keepends=True)

    return "".join(difflib.unified_diff(pretty(old), pretty(new), f"organization/{name}", f"scp/{name}"))


def render(changes: list[Change]) -> str:
    if not changes:
        return "SCPs are up to date; nothing to do.\n"
    out = []
    for c in changes:
        out.append(c.line() + "\n")
        if c.diff:
            out.append(c.diff if c.diff.endswith("\n") else c.diff + "\n")
    return "".join(out)


def apply(org: Any, compiled: Mapping[str, bytes]) -> list[Change]:
    """Plan again against the live organization and carry the changes out; returns what was done."""
    changes = plan(org, compiled)
    contents, _, _, _ = _desired(org, compiled)
    ids = {p["Name"]: p["Id"] for p in _pages(org, "list_policies", "Policies", Filter=SCP)}
    for c in changes:
        if c.policy == FULL_AWS_ACCESS or not c.policy.startswith(PREFIX):
            raise DeployError(f"refusing to {c.action} {c.policy}: not an ordinance policy")
        if c.action == "create":
            ids[c.policy] = org.create_policy(Name=c.policy, Description=DESCRIPTION, Type=SCP,
                                              Content=contents[c.policy],
                                              Tags=[{"Key": "managed-by", "Value": "ordinance"}],
                                              )["Policy"]["PolicySummary"]["Id"]
        elif c.action == "update":
            org.update_policy(PolicyId=ids[c.policy], Content=contents[c.policy])
        elif c.action == "attach":
            org.attach_policy(PolicyId=ids[c.policy], TargetId=c.target)
        elif c.action == "detach":
            org.detach_policy(PolicyId=ids[c.policy], TargetId=c.target)
        elif c.action == "delete":
            org.delete_policy(PolicyId=ids[c.policy])
    return changes
