"""Per-owner Markdown summaries: one file per owner, so each team sees its own accounts and nothing else.

The owner is the account's `owner` tag, else its `domain` tag, else "unowned". Built from report.json
(the same numbers as the report). Each file is written atomically; files of owners that are gone are left.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from engine.artifacts import write_atomic

OPEN = ("fail", "error", "unknown")
SEVERITY_ORDER = ("critical", "high", "medium", "low", "info")
TOP = 10


def owner_of(account: Mapping[str, Any]) -> str:
    tags = account.get("tags") or {}
    return str(account.get("owner") or tags.get("owner") or account.get("domain") or tags.get("domain")
               or "unowned")


def slug(name: str) -> str:
    """A file name no tag value can turn into a path: letters, digits, dot, dash, underscore."""
    s = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip(".-")
    return s[:80] or "unnamed"


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_owner(owner: str, accounts: list[Mapping[str, Any]], doc: Mapping[str, Any]) -> str:
    ids = {a["id"] for a in accounts}
    findings = [f for f in doc.get("findings", []) if f.get("account") in ids and f["status"] in OPEN]
    by_rule: Counter[str] = Counter(f["rule_id"] for f in findings)
    by_sev: Counter[str] = Counter(f["severity"] for f in findings)
    resources: Counter[tuple[str, str, str]] = Counter(
        (f["account"], f["region"], f["resource"]["id"]) for f in findings if f["status"] == "fail")
    dark = [n for n in doc.get("not_assessed", []) if n["account"] in ids]
    run = doc.get("run", {})
    lines = [f"# ordinance audit: {owner}", "",
             f"Run started {run.get('started', '?')}; {len(accounts)} account(s), {len(findings)} open finding(s), "
             f"{len(dark)} not-assessed entr{'y' if len(dark) == 1 else 'ies'}.", "",
             "## Accounts", "", "| account | name | OU | status | fail | waived |", "|---|---|---|---|---|---|"]
    for a in accounts:
        c = a.get("by_status", {})
        lines.append(f"| {a['id']} | {_cell(a['name'])} | {_cell(a.get('ou') or '(root)')} | {a['status']} "
                     f"| {c.get('fail', 0)} | {c.get('waived', 0)} |")
    lines += ["", "## Open findings by severity", ""]
    lines += [f"- {s}: {by_sev[s]}" for s in SEVERITY_ORDER if by_sev[s]] or ["- none"]
    lines += ["", "## Open findings by rule", ""]
    lines += [f"- {_cell(r)}: {n}" for r, n in sorted(by_rule.items(), key=lambda kv: (-kv[1], kv[0]))] or ["- none"]
    lines += ["", "## Not assessed (never counted as compliant)", ""]
    lines += [f"- {n['account']} {n.get('region') or '(whole account)'}: {_cell(n['reason'])}" for n in dark] or ["- none"]
    lines += ["", f"## Top resources (by failing checks, at most {TOP})", ""]
    top = sorted(resources.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP]
    if top:
        lines += ["| account | region | resource | failing checks |", "|---|---|---|---|"]
        lines += [f"| {a} | {r or 'global'} | {_cell(res)} | {n} |" for (a, r, res), n in top]
    else:
        lines.append("- none")
    return "\n".join(lines) + "\n"


def render_owner_summaries(doc: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    """owner -> (file name, Markdown): one <owner>.md per owner, names unique even when owners slug alike."""
    groups: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for a in doc.get("accounts", []):
        groups[owner_of(a)].append(a)
    rendered: dict[str, tuple[str, str]] = {}
    used: set[str] = set()
    for owner in sorted(groups):
        name = slug(owner)
        while name in used:  # two owners that slug alike must not overwrite each other
            name += "_"
        used.add(name)
        rendered[owner] = (f"{name}.md", render_owner(owner, groups[owner], doc))
    return rendered


def write_owner_summaries(doc: Mapping[str, Any], out_dir: Path) -> dict[str, Path]:
    """One <owner>.md per owner in out_dir; returns owner -> path."""
    written: dict[str, Path] = {}
    for owner, (file, text) in render_owner_summaries(doc).items():
        written[owner] = out_dir / file
        write_atomic(written[owner], text.encode())
    return written
