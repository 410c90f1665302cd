"""`python -m engine.demo`: the audit end to end against a local stand-in for AWS.

Starts a moto server on a free 127.0.0.1 port, points boto3 at it (AWS_ENDPOINT_URL, dummy
credentials), seeds the demo organization (engine.demo_org), runs `ordinance audit` over it, prints the
summary, whether the findings match what was planted, and the report's path. Needs `moto[server]`
(the dev extra).
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
    args = p.parse_args(argv)

    os.environ["MOTO_EC2_LOAD_DEFAULT_AMIS"] = "false"  # before moto loads: skips ~1,300 AMIs
    server, endpoint = start_moto()
    try:
        fake_aws_env(endpoint)
        from engine.audit.cli import exit_code, print_summary, write_report
        from engine.audit.run import run_audit
        from engine.catalog.loader import load_catalog
        from engine.demo_org import expected_findings, seed

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


if __name__ == "__main__":
    raise SystemExit(main())
