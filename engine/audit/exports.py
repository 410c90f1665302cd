"""After the report: --export (ASFF/OCSF files, Security Hub), --owner-summaries and --notify.

All of them read the run's report.json.

Reading the written report.json (local or s3://) rather than the in-memory result means the exports
carry exactly what the report says, including the new/fixed diff against the previous run.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from engine.errors import OrdinanceError

FORMATS = {"asff": 1, "ocsf": 1, "securityhub": 0}  # format -> number of arguments it takes


def check(specs: list[list[str]], notify: list[str] | None = None, owners: str | None = None) -> None:
    """Fail before the audit runs, not after, on a malformed --export, --notify or --owner-summaries."""
    from engine.reports.audit.notify import check_target

    if owners and owners.startswith("s3://"):
        from engine.reports.audit.s3 import parse_url

        parse_url(owners)
    for target in notify or []:
        check_target(target)
    for spec in specs:
        fmt, rest = spec[0], spec[1:]
        if fmt not in FORMATS:
            raise OrdinanceError(f"--export {fmt}: unknown format (asff FILE, ocsf FILE, securityhub)")
        if len(rest) != FORMATS[fmt]:
            raise OrdinanceError(f"--export {fmt}: expects {FORMATS[fmt]} argument(s), got {len(rest)}")


def read_report(location: str) -> dict[str, Any]:
    if location.startswith("s3://"):
        import boto3

        from engine.reports.audit.s3 import parse_url

        bucket, key = parse_url(location)
        body = boto3.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()
        data: dict[str, Any] = json.loads(body)
        return data
    loaded: dict[str, Any] = json.loads(Path(location).read_text(encoding="utf-8"))
    return loaded


def write_owners(doc: dict[str, Any], owners: str) -> int:
    """One Markdown summary per owner into a local directory or under an s3:// prefix; returns how many."""
    from engine.reports.audit.owners import render_owner_summaries, write_owner_summaries

    if owners.startswith("s3://"):
        from engine.reports.audit.s3 import put_files

        files = {file: text.encode() for file, text in render_owner_summaries(doc).values()}
        return len(put_files(owners, files, "text/markdown; charset=utf-8"))
    return len(write_owner_summaries(doc, Path(owners)))


def run_exports(specs: list[list[str]], report_json: str, *, owners_dir: str | None = None,
                notify: list[str] | None = None) -> None:
    from engine.reports.audit.asff import to_asff, validate, write_asff
    from engine.reports.audit.ocsf import write_ocsf

    check(specs, notify)
    doc = read_report(report_json)
    rejected: list[dict[str, Any]] = []
    if owners_dir is not None:
        print(f"owner summaries: {write_owners(doc, owners_dir)} -> {owners_dir}")
    for fmt, *rest in specs:
        if fmt == "asff":
            findings = to_asff(doc)
            write_asff(findings, Path(rest[0]))
            print(f"asff: {len(findings)} finding(s) -> {rest[0]}")
        elif fmt == "ocsf":
            print(f"ocsf: {write_ocsf(doc, Path(rest[0]))} event(s) -> {rest[0]}")
        else:
            from engine.reports.audit.securityhub import caller_product, import_findings

            account, region = caller_product()
            findings = to_asff(doc, product_account=account, product_region=region)
            validate(findings)
            res = import_findings(findings)
            print(f"securityhub: {res.imported} imported, {len(res.failed)} failed")
            if res.failed:
                rejected = res.failed
    if notify:
        from engine.reports.audit.notify import message
        from engine.reports.audit.notify import notify as send

        payload = message(doc, report_json.removesuffix("report.json") + "report.html")
        for target in notify:
            send(target, payload)
            print(f"notified: {target.split('?')[0]}")
    if rejected:  # raised last, so the owners and the notification targets still hear about the run
        raise OrdinanceError(f"Security Hub rejected {len(rejected)} finding(s): "
                             + "; ".join(f"{f.get('Id')}: {f.get('ErrorCode')}" for f in rejected[:5]))
