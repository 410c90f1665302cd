"""`run_audit`: discover accounts, crawl them, judge every unit with the same evaluator as the linter."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Any

import boto3

from engine.audit.collect import Unit, collect
from engine.audit.discovery import discover
from engine.audit.session import AssumeSettings, ClientFactory
from engine.audit_model import Account, AuditResult, NotAssessed
from engine.catalog.model import ActiveRule, Catalog, Exemption
from engine.errors import AuditError
from engine.lint import lint_resources
from engine.resources.model import Finding
from engine.sources.live import GLOBAL_REGION


def default_regions(catalog: Catalog) -> list[str]:
    regions = list((catalog.organization or {}).get("regions") or ())
    if not regions:
        raise AuditError("no regions: pass --regions or set organization.regions in policies.yaml")
    return regions


def evaluate_unit(catalog: Catalog, unit: Unit, today: dt.date,
                  rules_cache: dict[str | None, list[ActiveRule]] | None = None) -> list[Finding]:
    """Judge one (account, region) unit with its account's target rules and exemptions.

    Account facts (EBS encryption by default) are shared only within the unit: they are per region.
    An account mapped to no target is judged with the strictest view of the catalog (every rule enabled
    anywhere, in its strictest mode and severity): an unplaced account must not escape the guardrails.
    """
    cache = rules_cache if rules_cache is not None else {}
    target = unit.account.target
    if target not in cache:
        cache[target] = catalog.active(target)
    return lint_resources(cache[target], unit.resources, catalog, target=target, today=today,
                          account=unit.account.id, ou=unit.account.ou_path)


def _exemption_relevant(e: Exemption, accounts: Sequence[Account]) -> bool:
    """Could this exemption apply to any audited account? (Resource patterns are checked per finding.)"""
    for a in accounts:
        if e.account is not None and e.account != a.id:
            continue
        if e.target is not None and e.target != a.target:
            continue
        if e.ou is not None and not (a.ou_path == e.ou or a.ou_path.startswith(e.ou + "/")):
            continue
        return True
    return False


def _progress(enabled: bool, total: int) -> tuple[AbstractContextManager[Any], Callable[[Account, str], None]]:
    """A rich progress bar on stderr, or nothing; the bar is never written into a pipe or a log file."""
    if not enabled:
        return nullcontext(), lambda _a, _r: None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    progress = Progress(TextColumn("auditing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        TextColumn("{task.description}"), console=Console(file=sys.stderr), transient=True)
    task = progress.add_task("", total=total)

    def advance(account: Account, region: str) -> None:
        progress.update(task, advance=1, description=f"{account.name or account.id} {region}")

    return progress, advance


def run_audit(catalog: Catalog, *, accounts: Iterable[str] | None = None, ous: Iterable[str] | None = None,
              regions: Sequence[str] | None = None, role_name: str = "OrdinanceAudit",
              external_id: str | None = None, session_name: str = "ordinance-audit", max_workers: int = 8,
              session: boto3.Session | None = None, today: dt.date | None = None,
              progress: bool = False, max_attempts: int = 8, aggregator: str | None = None,
              aggregator_region: str | None = None) -> AuditResult:
    """Audit the organization's active accounts in `regions` (default: organization.regions).

    `aggregator`: read this AWS Config aggregator (in `aggregator_region`, default the session's region)
    with advanced queries instead of assuming a role into every account.
    `session`: the boto3 session to share (default: the usual credential chain). Hooks registered on
    its event emitter before the call reach every client the audit creates.
    Raises AuditError only when the organization itself cannot be read; every account or region that
    cannot be read is a NotAssessed in the result.
    """
    started = dt.datetime.now(dt.UTC)
    today = today or started.date()
    regions = list(regions) if regions else default_regions(catalog)
    factory = ClientFactory(session, assume=AssumeSettings(role_name, external_id, session_name),
                            max_attempts=max_attempts)
    try:
        found = discover(factory.client("organizations"), catalog, accounts=accounts, ous=ous)
    except Exception as exc:
        from engine.audit.collect import describe_error

        raise AuditError(f"cannot read the organization: {describe_error(exc)}") from exc

    findings: list[Finding] = []
    not_assessed: list[NotAssessed] = list(found.not_assessed)
    units: list[Unit] = []
    bar, advance = _progress(progress, len(found.accounts) * (len(regions) + 1))
    if aggregator is not None:
        from engine.audit.aggregator import collect_aggregator

        items: Iterable[Unit | NotAssessed] = collect_aggregator(
            factory.client("config", aggregator_region), aggregator, found.accounts, regions)
    else:
        items = collect(factory, found.accounts, regions, max_workers=max_workers, on_done=advance)
    with bar:
        for item in items:
            (not_assessed if isinstance(item, NotAssessed) else units).append(item)  # type: ignore[arg-type]

    # Units of an account that could not be assumed never exist (every task failed the same way).
    whole = {n.account for n in not_assessed if n.region is None}
    rules_cache: dict[str | None, list[ActiveRule]] = {}
    for unit in sorted(units, key=lambda u: (u.account.id, u.region != GLOBAL_REGION, u.region)):
        if unit.account.id not in whole:
            findings.extend(evaluate_unit(catalog, unit, today, rules_cache))
    findings.sort(key=finding_key)
    not_assessed.sort(key=lambda n: (n.account, n.region or ""))
    return AuditResult(
        started=started, finished=dt.datetime.now(dt.UTC), accounts=found.accounts,
        regions=regions, findings=findings, not_assessed=not_assessed,
        exemptions_in_force=[e for e in catalog.exemptions
                             if not e.expired(today) and _exemption_relevant(e, found.accounts)],
        expired_exemptions=[e for e in catalog.exemptions
                            if e.expired(today) and _exemption_relevant(e, found.accounts)],
        api_calls=factory.counter.calls, collector="aggregator" if aggregator else "crawl",
    )


def finding_key(f: Finding) -> tuple[str, str, str, str, str]:
    loc = f.resource.location
    return (loc.account or "", loc.region or "", f.resource.kind, f.resource.id, f.rule_id)
