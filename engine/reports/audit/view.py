"""The numbers every audit renderer shows, computed once from an AuditResult.

JSON, Markdown, HTML and the terminal summary all read this view, so they can never disagree about a
count. Nothing here decides a verdict: the evaluator did. The one judgement made here is fail-closed
accounting: an account (or region) the collector could not read is never counted as compliant.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from engine.audit_model import GLOBAL_UNIT, Account, AuditResult, NotAssessed, read_unit
from engine.catalog.model import SEVERITIES, Catalog, Exemption, severity_rank
from engine.resources.model import Finding, Verdict

STATUSES = tuple(v.value for v in Verdict)
# Statuses that mean "this check did not pass and nobody waived it": never compliant (fail closed).
OPEN = ("fail", "error", "unknown")
UNKNOWN_ACCOUNT = "(unknown account)"
NO_OU = "(root)"


def fingerprint(rule_id: str, account: str, region: str, resource_id: str) -> str:
    """Stable identity of a finding across audit runs: rule, account, region and resource; never the time."""
    raw = "\x1f".join((rule_id, account, region, resource_id))
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def finding_fingerprint(f: Finding) -> str:
    loc = f.resource.location
    return fingerprint(f.rule_id, loc.account or UNKNOWN_ACCOUNT, loc.region or "", f.resource.id)


def _counts(findings: Iterable[Finding]) -> dict[str, int]:
    c = Counter(f.status.value for f in findings)
    return {s: c.get(s, 0) for s in STATUSES}


@dataclass
class AccountView:
    account: Account
    counts: dict[str, int]
    by_rule: dict[str, dict[str, int]]
    not_assessed: list[NotAssessed]  # whole-account entries (region None) and per-region entries
    critical_high_fail: int

    @property
    def assessed(self) -> bool:
        """False when the whole account could not be read."""
        return not any(n.region is None for n in self.not_assessed)

    @property
    def status(self) -> str:
        """compliant | non_compliant | incomplete | not_assessed. Only a fully read, clean account is compliant."""
        if not self.assessed:
            return "not_assessed"
        if self.counts["fail"]:
            return "non_compliant"
        if self.not_assessed or self.counts["error"] or self.counts["unknown"]:
            return "incomplete"
        return "compliant"

    @property
    def reason(self) -> str | None:
        reasons = [n.reason if n.region is None else f"{n.region}: {n.reason}" for n in self.not_assessed]
        return "; ".join(reasons) or None


@dataclass
class RuleView:
    id: str
    title: str
    severity: str
    remediation: str | None
    counts: dict[str, int]


@dataclass
class GroupView:
    """One row of a per-OU, per-domain or per-owner summary."""

    name: str
    accounts: int
    compliant: int
    not_assessed: int
    counts: dict[str, int]


@dataclass
class ExemptionView:
    exemption: Exemption
    findings: int  # findings it covers (in force: waived by it; expired: back in force because of it)


@dataclass
class ChangeItem:
    fingerprint: str
    rule_id: str
    account: str
    region: str
    resource: str
    severity: str
    type: str | None = None  # native type, for exports that name the resource (ASFF)

    def to_json(self) -> dict[str, Any]:
        return {"fingerprint": self.fingerprint, "rule_id": self.rule_id, "account": self.account,
                "region": self.region, "resource": self.resource, "severity": self.severity, "type": self.type}


@dataclass
class Changes:
    previous: str  # the previous report's directory name
    previous_started: str | None
    new: list[ChangeItem] = field(default_factory=list)
    fixed: list[ChangeItem] = field(default_factory=list)
    still_open: list[ChangeItem] = field(default_factory=list)
    unverified: list[ChangeItem] = field(default_factory=list)  # open before, account not assessed now


@dataclass
class AuditView:
    result: AuditResult
    org_name: str
    findings: list[Finding]  # sorted, not_applicable dropped
    counts: dict[str, int]
    accounts: list[AccountView]  # sorted by OU path, then name
    rules: list[RuleView]
    by_ou: list[GroupView]
    by_domain: list[GroupView]
    by_owner: list[GroupView]
    in_force: list[ExemptionView]
    expired: list[ExemptionView]
    changes: Changes | None
    history: Any = None  # history.History, set by the writer that can see earlier reports

    @property
    def compliance_percent(self) -> float | None:
        """Passing share of decided-or-undecidable checks; waived and not-applicable are left out."""
        c = self.counts
        denominator = c["pass"] + c["fail"] + c["error"] + c["unknown"]
        return round(100.0 * c["pass"] / denominator, 1) if denominator else None

    @cached_property
    def by_id(self) -> dict[str, AccountView]:
        return {a.account.id: a for a in self.accounts}

    def worst_accounts(self, n: int = 10) -> list[AccountView]:
        bad = [a for a in self.accounts if a.counts["fail"]]
        return sorted(bad, key=lambda a: (-a.critical_high_fail, -a.counts["fail"], a.account.name))[:n]

    def worst_resources(self, n: int = 10) -> list[tuple[str, str, str, int, int]]:
        """(account, region, resource id, critical/high fails, all fails), worst first."""
        ch: Counter[tuple[str, str, str]] = Counter()
        total: Counter[tuple[str, str, str]] = Counter()
        for f in self.findings:
            if f.status is not Verdict.FAIL:
                continue
            key = (f.resource.location.account or UNKNOWN_ACCOUNT, f.resource.location.region or "", f.resource.id)
            total[key] += 1
            if severity_rank(f.severity) >= severity_rank("high"):
                ch[key] += 1
        rows = [(*k, ch[k], total[k]) for k in total]
        return sorted(rows, key=lambda r: (-r[3], -r[4], r[0], r[1], r[2]))[:n]


def _sort_key(f: Finding) -> tuple[str, ...]:
    loc = f.resource.location
    return (loc.account or "", loc.region or "", f.rule_id, f.resource.id, f.status.value, f.message)


def _placeholder(account_id: str) -> Account:
    """An account named by a finding or a NotAssessed entry but missing from the account list."""
    return Account(id=account_id, name=account_id, ou_path=NO_OU, target=None)


def _groups(accounts: list[AccountView], key: Mapping[str, str]) -> list[GroupView]:
    buckets: dict[str, list[AccountView]] = defaultdict(list)
    for a in accounts:
        buckets[key[a.account.id]].append(a)
    out = []
    for name in sorted(buckets):
        members = buckets[name]
        counts = {s: sum(a.counts[s] for a in members) for s in STATUSES}
        out.append(GroupView(name, len(members), sum(a.status == "compliant" for a in members),
                             sum(not a.assessed for a in members), counts))
    return out


def _rule_meta(rule_id: str, findings: list[Finding], catalog: Catalog | None) -> tuple[str, str, str | None]:
    rule = catalog.rules.get(rule_id) if catalog else None
    # The finding carries the severity the catalog resolved for its target; take the highest seen.
    seen = [f.severity for f in findings if f.severity in SEVERITIES]
    severity = max(seen, key=severity_rank) if seen else (rule.severity if rule else "medium")
    return (rule.title if rule else rule_id), severity, (rule.remediation if rule else None)


def _exemption_views(exemptions: list[Exemption], findings: list[Finding], status: Verdict | None,
                     accounts: Mapping[str, Account]) -> list[ExemptionView]:
    out = []
    for ex in sorted(exemptions, key=lambda e: (e.rule, e.scope_text(), e.expires, e.owner)):
        n = 0
        for f in findings:
            if status is not None and f.status is not status:
                continue
            if status is None and f.status.value not in OPEN:
                continue
            acct = accounts.get(f.resource.location.account or "")
            if ex.matches(f.rule_id, f.resource.id, target=acct.target if acct else None,
                          account=f.resource.location.account, ou=acct.ou_path if acct else None):
                n += 1
        out.append(ExemptionView(ex, n))
    return out


def _item(f: Finding) -> ChangeItem:
    loc = f.resource.location
    return ChangeItem(finding_fingerprint(f), f.rule_id, loc.account or UNKNOWN_ACCOUNT, loc.region or "",
                      f.resource.id, f.severity, f.resource.native_type)


def _changes(previous: Mapping[str, Any], previous_name: str, findings: list[Finding],
             result: AuditResult) -> Changes:
    """Open means failing. Fixed needs proof: the unit that reads it was read this time and it no longer fails.

    The unit is the account's global read for IAM and S3 (whatever the bucket's region), else the
    finding's region. A finding whose account was dark, left the organization, whose unit was not read,
    or whose region left the audit's scope is "unverified", never "fixed".
    """
    not_assessed = result.not_assessed
    in_scope = {a.id for a in result.accounts}
    regions = set(result.regions) | {GLOBAL_UNIT}
    now_open = {finding_fingerprint(f): _item(f) for f in findings if f.status is Verdict.FAIL}
    before: dict[str, ChangeItem] = {}
    unit: dict[str, str] = {}
    for pf in previous.get("findings", []):
        if pf.get("status") == "fail":
            fp = pf["fingerprint"]
            before[fp] = ChangeItem(fp, pf["rule_id"], pf.get("account", ""), pf.get("region", ""),
                                    pf["resource"]["id"], pf["severity"], pf["resource"].get("type"))
            unit[fp] = read_unit(str(pf["resource"].get("kind", "")), pf.get("region"))
    dark_accounts = {n.account for n in not_assessed if n.region is None}
    dark_units = {(n.account, n.region) for n in not_assessed if n.region is not None}
    ch = Changes(previous_name, (previous.get("run") or {}).get("started"))
    ch.new = [now_open[k] for k in sorted(now_open) if k not in before]
    ch.still_open = [now_open[k] for k in sorted(now_open) if k in before]
    for k in sorted(before):
        if k in now_open:
            continue
        item = before[k]
        unread = (item.account in dark_accounts or (item.account, unit[k]) in dark_units
                  or item.account not in in_scope or unit[k] not in regions)
        (ch.unverified if unread else ch.fixed).append(item)
    key = lambda i: (i.account, i.region, i.rule_id, i.resource)  # noqa: E731
    for lst in (ch.new, ch.fixed, ch.still_open, ch.unverified):
        lst.sort(key=key)
    return ch


def build_view(result: AuditResult, catalog: Catalog | None = None,
               previous: tuple[str, Mapping[str, Any]] | None = None) -> AuditView:
    findings = sorted((f for f in result.findings if f.status is not Verdict.NOT_APPLICABLE), key=_sort_key)
    known = {a.id: a for a in result.accounts}
    for acct_id in [f.resource.location.account or UNKNOWN_ACCOUNT for f in findings] + \
                   [n.account for n in result.not_assessed]:
        known.setdefault(acct_id, _placeholder(acct_id))

    per_account: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        per_account[f.resource.location.account or UNKNOWN_ACCOUNT].append(f)
    accounts: list[AccountView] = []
    for acct in known.values():
        fs = per_account.get(acct.id, [])
        by_rule: dict[str, list[Finding]] = defaultdict(list)
        for f in fs:
            by_rule[f.rule_id].append(f)
        na = sorted((n for n in result.not_assessed if n.account == acct.id), key=lambda n: (n.region or "", n.reason))
        chf = sum(1 for f in fs if f.status is Verdict.FAIL and severity_rank(f.severity) >= severity_rank("high"))
        accounts.append(AccountView(acct, _counts(fs), {r: _counts(v) for r, v in by_rule.items()}, na, chf))
    accounts.sort(key=lambda a: (a.account.ou_path, a.account.name, a.account.id))

    rule_ids = {f.rule_id for f in findings}
    if catalog is not None:
        rule_ids |= {a.rule.id for a in catalog.active()}
    rules = []
    for rid in sorted(rule_ids):
        fs = [f for f in findings if f.rule_id == rid]
        title, severity, remediation = _rule_meta(rid, fs, catalog)
        rules.append(RuleView(rid, title, severity, remediation, _counts(fs)))

    ids = [a.account.id for a in accounts]
    by_ou = _groups(accounts, {i: known[i].ou_path or NO_OU for i in ids})
    by_domain = _groups(accounts, {i: known[i].domain or "(no domain tag)" for i in ids})
    by_owner = _groups(accounts, {i: known[i].owner or "(no owner tag)" for i in ids})
    org_name = str((catalog.organization.get("name") if catalog else None) or "AWS Organization")
    changes = _changes(previous[1], previous[0], findings, result) if previous else None
    return AuditView(
        result=result, org_name=org_name, findings=findings, counts=_counts(result.findings), accounts=accounts,
        rules=rules, by_ou=by_ou, by_domain=by_domain, by_owner=by_owner,
        in_force=_exemption_views(result.exemptions_in_force, findings, Verdict.WAIVED, known),
        expired=_exemption_views(result.expired_exemptions, findings, None, known),
        changes=changes,
    )
