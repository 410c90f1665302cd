"""How the crawl grows with accounts: seed the demo organization into a fresh moto server for 10, 40
and 160 accounts (2 regions) and time `run_audit` over it. Not a test; prints a table.

    python bench/audit_scale.py [10 40 160]

moto runs in-process (ThreadedMotoServer) and shares the GIL with the crawl, so wall times are an
upper bound on the crawl's own cost; the API call count is the portable number.
"""

from __future__ import annotations

import os
import sys
import time
import urllib.request

os.environ["MOTO_EC2_LOAD_DEFAULT_AMIS"] = "false"

from engine.audit.run import run_audit
from engine.catalog.loader import load_catalog
from engine.demo import fake_aws_env, start_moto
from engine.demo_org import seed


def one(n: int) -> tuple[float, float, int, int, bool]:
    server, endpoint = start_moto()
    try:
        fake_aws_env(endpoint)
        # In-process servers share moto's backends: each size starts from an empty AWS.
        urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")).close()
        t0 = time.perf_counter()
        seed(endpoint, accounts=n)
        seeded = time.perf_counter() - t0
        result = run_audit(load_catalog(None), role_name="OrganizationAccountAccessRole")
        wall = (result.finished - result.started).total_seconds()
        return seeded, wall, result.api_calls, len(result.findings), result.complete
    finally:
        server.stop()


def main(argv: list[str]) -> int:
    sizes = [int(a) for a in argv] or [10, 40, 160]
    print(f"{'accounts':>8} {'seed s':>8} {'audit s':>8} {'API calls':>10} {'calls/acct':>10} {'findings':>9}")
    for n in sizes:
        seeded, wall, calls, findings, complete = one(n)
        print(f"{n:>8} {seeded:>8.1f} {wall:>8.1f} {calls:>10} {calls / (n + 1):>10.1f} {findings:>9}"
              + ("" if complete else "  INCOMPLETE"), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
