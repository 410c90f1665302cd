"""`python -m engine.demo`: the audit end to end against a local stand-in for AWS.

Starts a moto server on a free 127.0.0.1 port, points boto3 at it (AWS_ENDPOINT_URL, dummy
credentials), seeds the demo organization (engine.demo_org), runs `ordinance audit` over it, prints the
summary, whether the findings match what was planted, and the report's path. Needs `moto[server]`
(the dev extra).

`--scheduled` plays the scheduled service instead: the command the Fargate task runs
(`--output s3://`, owner summaries, Security Hub import) twice, with a platform team's fixes and a new
violation in between, then prints the diff and the Security Hub state and mirrors the bucket locally.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path

from engine.resources.model import Verdict


def start_moto() -> tuple[object, str]:
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    return server, f"http://{host}:{port}"


def fake_aws_env(endpoint: str) -> None:
    os.environ.update({
        "AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1", "MOTO_EC2_LOAD_DEFAULT_AMIS": "false",
    })
    os.environ.pop("AWS_SESSION_TOKEN", None)
    os.environ.pop("AWS_PROFILE", None)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m engine.demo", description=__doc__.splitlines()[0])
    p.add_argument("--accounts", type=int, default=40, help="member accounts to create (default 40)")
    p.add_argument("--output", type=Path, default=Path("reports"))
    p.add_argument("--max-workers", type=int, default=8)
    p.add_argument("--scheduled", action="store_true",
                   help="two scheduled runs to S3 and Security Hub, with changes in between")
    args = p.parse_args(argv)

    os.environ["MOTO_EC2_LOAD_DEFAULT_AMIS"] = "false"  # before moto loads: skips ~1,300 AMIs
    server, endpoint = start_moto()
    try:
        fake_aws_env(endpoint)
        from engine.audit.cli import exit_code, print_summary, write_report
        from engine.audit.run import run_audit
        from engine.catalog.loader import load_catalog
        from engine.demo_org import expected_findings, seed

        if args.scheduled:
            return scheduled(args.accounts, args.output, args.max_workers)
        catalog = load_catalog(None)
        t0 = time.perf_counter()
        org = seed(endpoint, accounts=args.accounts)
        print(f"moto server {endpoint}: seeded {args.accounts} accounts x {len(org.regions)} regions "
              f"in {time.perf_counter() - t0:.1f} s")
        # The seed role exists in every account moto creates; a real organization has OrdinanceAudit.
        result = run_audit(catalog, role_name="OrganizationAccountAccessRole", max_workers=args.max_workers,
                           progress=sys.stderr.isatty())
        print_summary(result)
        expected = expected_findings(org, catalog)
        got: dict[str, set[tuple[str, str, str]]] = {}
        for f in result.findings:
            if f.status in (Verdict.FAIL, Verdict.WAIVED, Verdict.UNKNOWN, Verdict.ERROR):
                loc = f.resource.location
                got.setdefault(loc.account or "", set()).add((loc.region or "", f.rule_id, f.resource.id))
        mismatched = sorted(a for a in set(expected) | set(got) if expected.get(a, set()) != got.get(a, set()))
        print("findings match the planted violations" if not mismatched
              else f"findings DIFFER from the planted violations in {len(mismatched)} account(s): {mismatched}")
        path = write_report(result, args.output, catalog)
        print(f"report: {path / 'report.html'} (also report.json, report.md)")
        return exit_code(result)
    finally:
        server.stop()  # type: ignore[attr-defined]


REPORT_REGION = "eu-west-1"
REPORT_BUCKET = "ordinance-audit-reports"


def scheduled(accounts: int, output: Path, max_workers: int) -> int:
    """The scheduled task's command, twice, against the seeded organization; prints what changed."""
    import json

    import boto3

    from engine.cli import main as ordinance
    from engine.demo_org import SEED_ROLE, remediate_and_regress, seed

    os.environ["AWS_DEFAULT_REGION"] = REPORT_REGION  # the audit account's region, as on Fargate
    t0 = time.perf_counter()
    org = seed(accounts=accounts)
    print(f"seeded {accounts} accounts x {len(org.regions)} regions in {time.perf_counter() - t0:.1f} s")
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket=REPORT_BUCKET, CreateBucketConfiguration={"LocationConstraint": REPORT_REGION})
    s3.put_bucket_versioning(Bucket=REPORT_BUCKET, VersioningConfiguration={"Status": "Enabled"})
    key = boto3.client("kms").create_key(Description="ordinance reports")["KeyMetadata"]["Arn"]
    s3.put_bucket_encryption(Bucket=REPORT_BUCKET, ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key}}]})
    hub = boto3.client("securityhub")
    hub.enable_security_hub()
    argv = ["audit", "--role-name", SEED_ROLE, "--max-workers", str(max_workers),
            "--output", f"s3://{REPORT_BUCKET}/", "--owner-summaries", f"s3://{REPORT_BUCKET}/owners",
            "--export", "securityhub"]
    print("== night 1: ordinance " + " ".join(argv))
    first = ordinance(argv)
    changed = remediate_and_regress(org, REPORT_REGION)
    print(f"== during the day: {len(changed['fixed'])} findings fixed, {len(changed['new'])} introduced")
    print("== night 2: the same command")
    second = ordinance(argv)
    latest = json.loads(s3.get_object(Bucket=REPORT_BUCKET, Key="latest/report.json")["Body"].read())
    ch = latest["changes"]
    got = {k: {(i["account"], i["region"] or "global", i["rule_id"], i["resource"]) for i in ch[k]}
           for k in ("new", "fixed")}
    print(f"since the previous run: {len(ch['new'])} new, {len(ch['fixed'])} fixed, {len(ch['still_open'])} "
          f"still open, {len(ch['unverified'])} not re-checked; "
          + ("matches the changes made" if got == changed else f"DIFFERS from the changes made: {got} vs {changed}"))
    findings = [f for page in hub.get_paginator("get_findings").paginate() for f in page["Findings"]]
    ids = [f["Id"] for f in findings]
    print(f"Security Hub: {len(ids)} findings, {len(ids) - len(set(ids))} duplicates, "
          f"{sum(f['RecordState'] == 'ARCHIVED' for f in findings)} archived as fixed")
    mirror = _mirror(s3, output / "scheduled-demo")
    print(f"bucket mirrored to {mirror}: latest/report.html, reports/<UTC>/, owners/")
    return max(first, second)


def _mirror(s3: object, out: Path) -> Path:
    """Copy the demo bucket to a local folder (the moto server's content is gone when it stops)."""
    from engine.artifacts import write_atomic

    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=REPORT_BUCKET):  # type: ignore[attr-defined]
        for obj in page.get("Contents", []):
            rel = Path(obj["Key"])
            if rel.is_absolute() or ".." in rel.parts:
                continue  # our own keys never look like this; never write outside `out`
            body = s3.get_object(Bucket=REPORT_BUCKET, Key=obj["Key"])["Body"].read()  # type: ignore[attr-defined]
            write_atomic(out / rel, body)
    return out


if __name__ == "__main__":
    raise SystemExit(main())
