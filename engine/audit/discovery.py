"""Which accounts to audit: the organization's tree, each account's OU path, tags and target.

The tree is walked from the root (list_organizational_units_for_parent, list_accounts_for_parent):
one call per OU rather than one list_parents chain per account. Tags need one call per account;
Organizations has no batch read for them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from engine.audit_model import Account, NotAssessed
from engine.catalog.model import Catalog

# Accounts in these states cannot be assumed into; they are left out, not reported as not assessed.
SKIPPED_STATES = ("SUSPENDED", "PENDING_CLOSURE", "CLOSED")


@dataclass
class Discovery:
    accounts: list[Account] = field(default_factory=list)
    skipped: list[Account] = field(default_factory=list)  # suspended or closing
    not_assessed: list[NotAssessed] = field(default_factory=list)  # asked for but not in the organization


def _pages(client: Any, operation: str, key: str, **kwargs: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for page in client.get_paginator(operation).paginate(**kwargs):
        out.extend(page.get(key) or ())
    return out


def ou_paths(org: Any) -> dict[str, str]:
    """Account id -> OU path from the root ("Workloads/Prod/Payments"; "" for accounts in the root)."""
    root = _pages(org, "list_roots", "Roots")[0]["Id"]
    paths: dict[str, str] = {}
    stack: list[tuple[str, str]] = [(root, "")]
    while stack:
        parent, path = stack.pop()
        for acct in _pages(org, "list_accounts_for_parent", "Accounts", ParentId=parent):
            paths[acct["Id"]] = path
        for ou in _pages(org, "list_organizational_units_for_parent", "OrganizationalUnits", ParentId=parent):
            stack.append((ou["Id"], f"{path}/{ou['Name']}" if path else ou["Name"]))
    return paths


def target_for(catalog: Catalog, account_id: str, ou_path: str) -> str | None:
    """An explicit `accounts` list wins; otherwise the target with the longest matching `ou` prefix."""
    for name in sorted(catalog.targets):
        if account_id in catalog.targets[name].accounts:
            return name
    best: tuple[int, str] | None = None
    for name, t in catalog.targets.items():
        if t.ou and (ou_path == t.ou or ou_path.startswith(t.ou + "/")):
            candidate = (len(t.ou), name)
            if best is None or candidate[0] > best[0]:
                best = candidate
    return best[1] if best else None


def _in_ous(ou_path: str, ous: Sequence[str]) -> bool:
    return any(ou_path == o.strip("/") or ou_path.startswith(o.strip("/") + "/") for o in ous)


def discover(org: Any, catalog: Catalog, *, accounts: Iterable[str] | None = None,
             ous: Iterable[str] | None = None) -> Discovery:
    """Active accounts of the organization, narrowed by ids/names (`accounts`) and OU prefixes (`ous`).

    An account asked for by id or name that the organization does not have is not silently dropped: it
    comes back as not assessed.
    """
    wanted = [a.strip() for a in accounts or () if a.strip()]
    ou_filter = [o for o in ous or () if o.strip()]
    paths = ou_paths(org)
    out = Discovery()
    seen: set[str] = set()
    for raw in sorted(_pages(org, "list_accounts", "Accounts"), key=lambda a: a["Id"]):
        acct_id, name = raw["Id"], raw.get("Name", "")
        if wanted and acct_id not in wanted and name not in wanted:
            continue
        path = paths.get(acct_id, "")
        if ou_filter and not _in_ous(path, ou_filter):
            continue
        seen.update((acct_id, name))
        # `State` replaced `Status` in 2025; read the new field first.
        state = str(raw.get("State") or raw.get("Status") or "ACTIVE")
        skipped = state in SKIPPED_STATES
        tags = {} if skipped else {
            t["Key"]: t["Value"] for t in _pages(org, "list_tags_for_resource", "Tags", ResourceId=acct_id)}
        account = Account(id=acct_id, name=name, ou_path=path, target=target_for(catalog, acct_id, path),
                          tags=tags, status=state)
        (out.skipped if skipped else out.accounts).append(account)
    for w in wanted:
        if w not in seen:
            out.not_assessed.append(NotAssessed(w, None, "not found among the organization's accounts"))
    return out
