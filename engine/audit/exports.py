"""`audit --export ...`: ASFF/OCSF files and the Security Hub import, all from the run's report.json.

Reading the written report.json (local or s3://) rather than the in-memory result means the exports
carry exactly what the report says, including the new/fixed diff against the previous run.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from engine.errors import OrdinanceError

FORMATS = {"asff": 1, "ocsf": 1, "securityhub": 0}  # format -> number of arguments it takes


def check(specs: list[list[str]]) -> None:
    """Fail before the audit runs, not after, on a malformed --export."""
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


def run_exports(specs: list[list[str]], report_json: str) -> None:
    from engine.reports.audit.asff import to_asff, validate, write_asff
    from engine.reports.audit.ocsf import write_ocsf

    check(specs)
    doc = read_report(report_json)
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
                raise OrdinanceError(f"Security Hub rejected {len(res.failed)} finding(s): "
                                     + "; ".join(f"{f.get('Id')}: {f.get('ErrorCode')}" for f in res.failed[:5]))
