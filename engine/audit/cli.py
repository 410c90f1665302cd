"""The `audit` subcommand: options, the run, the summary and the exit code.

Exit codes: 0 complete and clean; 1 complete with blocking findings (failing prevent-mode rules, or
rules that errored); 3 incomplete (some account or region not assessed): an incomplete audit never
exits 0, and "incomplete" wins over "violations" because it is the weaker claim.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.errors import OrdinanceError
from engine.gate import Gate
from engine.resources.model import Verdict

if TYPE_CHECKING:  # `ordinance lint` builds this parser too: it should not load the audit model
    from engine.audit_model import AuditResult
    from engine.catalog.model import Catalog

EXIT_OK, EXIT_FINDINGS, EXIT_INCOMPLETE = 0, 1, 3


def _csv(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    p: argparse.ArgumentParser = subparsers.add_parser(
        "audit", help="audit the organization's live accounts against the catalog")
    p.add_argument("--accounts", type=_csv, help="comma-separated account ids or names to audit (default: all)")
    p.add_argument("--ous", type=_csv, help="comma-separated OU paths, e.g. Workloads/Prod (and below)")
    p.add_argument("--regions", type=_csv, help="comma-separated regions (default: organization.regions)")
    p.add_argument("--role-name", default="OrdinanceAudit", help="role assumed in each account")
    p.add_argument("--external-id", default=None,
                   help="ExternalId for AssumeRole, if the role requires one (default: $ORDINANCE_EXTERNAL_ID)")
    p.add_argument("--session-name", default="ordinance-audit", help="RoleSessionName (shows in CloudTrail)")
    p.add_argument("--max-workers", type=int, default=8, help="concurrent (account, region) reads")
    p.add_argument("--aggregator", default=None,
                   help="read this AWS Config aggregator (advanced queries) instead of crawling every account")
    p.add_argument("--output", default="reports",
                   help="directory for the audit report, or s3://bucket/prefix (latest/ advances only after a full upload)")
    p.add_argument("--export", nargs="+", action="append", metavar=("FORMAT", "FILE"), default=[],
                   help="also export findings: 'asff FILE', 'ocsf FILE' (JSON lines) or 'securityhub' (import)")
    p.add_argument("--owner-summaries", default=None, metavar="DIR",
                   help="write one Markdown summary per owner (owner tag, else domain tag, else unowned) "
                        "into DIR, or under s3://bucket/prefix")
    p.add_argument("--notify", action="append", default=[], metavar="TARGET",
                   help="sns:<topic ARN> or https://webhook: summary counts and the report location only")
    p.add_argument("--format", choices=["summary"], default="summary", help="what to print")
    return p


def exit_code(result: AuditResult, gate: Gate | None = None) -> int:
    gate = gate or Gate()
    if not result.complete:
        return EXIT_INCOMPLETE
    return EXIT_FINDINGS if any(gate.blocks(f) for f in result.findings) else EXIT_OK


def write_report(result: AuditResult, out_dir: Path, catalog: Catalog | None = None) -> Path:
    """reports/<UTC timestamp>/ with report.json, report.md and report.html, written atomically."""
    from engine.reports.audit import write_report as write

    return write(result, out_dir, catalog=catalog)


def print_summary(result: AuditResult, file: Any = None) -> None:
    from rich.console import Console
    from rich.table import Table

    out = file or sys.stdout
    console = Console(file=out, width=None if out.isatty() else 160)
    gate = Gate()
    fails: Counter[str] = Counter()
    blocking: Counter[str] = Counter()
    waived: Counter[str] = Counter()
    for f in result.findings:
        acct = f.resource.location.account or ""
        if f.status in (Verdict.FAIL, Verdict.ERROR, Verdict.UNKNOWN):
            fails[acct] += 1
        if gate.blocks(f):
            blocking[acct] += 1
        if f.status is Verdict.WAIVED:
            waived[acct] += 1
    missing: dict[str, list[str]] = {}
    for n in result.not_assessed:
        missing.setdefault(n.account, []).append(f"{n.region or 'account'}: {n.reason}")
    table = Table(title=f"ordinance audit: {len(result.accounts)} account(s) x {len(result.regions)} region(s)")
    for col in ("account", "name", "ou", "target", "findings", "blocking", "waived", "status"):
        table.add_column(col, overflow="fold")
    known = {a.id for a in result.accounts}
    for a in result.accounts:
        status = "not assessed: " + "; ".join(missing[a.id]) if a.id in missing else "assessed"
        table.add_row(a.id, a.name, a.ou_path or "(root)", a.target or "(none: strictest)", str(fails[a.id]),
                      str(blocking[a.id]), str(waived[a.id]), status)
    for acct, reasons in sorted(missing.items()):
        if acct not in known:
            table.add_row(acct, "", "", "", "-", "-", "-", "not assessed: " + "; ".join(reasons))
    console.print(table)
    wall = (result.finished - result.started).total_seconds()
    verdict = "complete" if result.complete else f"INCOMPLETE ({len(result.not_assessed)} not assessed)"
    console.print(f"{verdict}; {sum(fails.values())} finding(s), {sum(blocking.values())} blocking, "
                  f"{sum(waived.values())} waived; {result.api_calls} API calls in {wall:.1f} s")
    for e in result.expired_exemptions:
        console.print(f"expired exemption: {e.rule} ({e.scope_text()}) expired {e.expires.isoformat()}")


def run(args: argparse.Namespace, catalog: Catalog) -> int:
    from engine.audit.exports import check
    from engine.audit.run import run_audit

    check(args.export, args.notify, args.owner_summaries)  # a typo should not cost a whole audit run
    external_id = args.external_id or os.environ.get("ORDINANCE_EXTERNAL_ID") or None
    result = run_audit(catalog, accounts=args.accounts, ous=args.ous, regions=args.regions,
                       role_name=args.role_name, external_id=external_id, session_name=args.session_name,
                       max_workers=args.max_workers, progress=sys.stderr.isatty(), aggregator=args.aggregator)
    print_summary(result)
    try:
        report_dir = _publish(result, str(args.output), catalog)
        print(f"report: {report_dir}/report.html")
        if args.export or args.owner_summaries or args.notify:
            from engine.audit.exports import run_exports

            run_exports(args.export, f"{report_dir}/report.json", owners_dir=args.owner_summaries,
                        notify=args.notify)
    except _aws_errors() as exc:  # an upload or an import that failed: exit 2, one line, never "clean"
        raise OrdinanceError(f"after the audit: {type(exc).__name__}: {str(exc).splitlines()[0]}") from exc
    return exit_code(result)


def _publish(result: AuditResult, output: str, catalog: Catalog) -> str:
    if output.startswith("s3://"):
        from engine.reports.audit.s3 import write_report_s3

        return write_report_s3(result, output, catalog=catalog).rstrip("/")
    return str(write_report(result, Path(output), catalog))


def _aws_errors() -> tuple[type[BaseException], ...]:
    from botocore.exceptions import BotoCoreError, ClientError

    return (BotoCoreError, ClientError, ConnectionError)
