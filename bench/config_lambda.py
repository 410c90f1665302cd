"""Benchmark the Config-rule Lambda: cold import time and evaluations per second. Not a test.

    python bench/config_lambda.py [--runs 10] [--items 3000]

Cold import: a fresh `python -I` per run imports engine.lambda_handler from the unzipped bundle
(only the zip's contents on sys.path before site-packages); the median of N runs is reported.
Throughput: synthetic configuration items (volumes, buckets, security groups, instances) through
the handler's item path (normalize + evaluate + build the evaluation), no AWS calls.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine import lambda_handler  # noqa: E402
from engine.catalog.loader import load_catalog  # noqa: E402
from engine.compilers.config_rules import BUNDLE, COMPILED_CATALOG, compile  # noqa: E402

IMPORT = "import time, sys; sys.path.insert(0, sys.argv[1]); t = time.perf_counter(); " \
         "import engine.lambda_handler; print(time.perf_counter() - t)"


def cold_import(bundle: bytes, runs: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        with zipfile.ZipFile(io.BytesIO(bundle)) as zf:
            zf.extractall(tmp)
        times = [float(subprocess.run([sys.executable, "-I", "-c", IMPORT, tmp], capture_output=True, text=True,
                                      check=True, cwd=tmp).stdout) for _ in range(runs)]
    return statistics.median(times)


def synthetic_items(n: int) -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = []
    base = {"configurationItemCaptureTime": "2024-05-01T10:00:00.000Z", "configurationItemStatus": "OK",
            "awsAccountId": "111122223333", "awsRegion": "eu-west-1"}
    for i in range(n):
        k = i % 4
        if k == 0:
            out.append(("ebs-encryption", {**base, "resourceType": "AWS::EC2::Volume", "resourceId": f"vol-{i}",
                                           "configuration": {"encrypted": i % 3 == 0}}))
        elif k == 1:
            out.append(("s3-bucket-versioning", {**base, "resourceType": "AWS::S3::Bucket", "resourceId": f"b-{i}",
                                                 "configuration": {}, "supplementaryConfiguration": {
                                                     "BucketVersioningConfiguration": {"status": "Enabled"}}}))
        elif k == 2:
            out.append(("sg-no-public-ssh", {**base, "resourceType": "AWS::EC2::SecurityGroup", "resourceId": f"sg-{i}",
                                             "configuration": {"ipPermissions": [
                                                 {"ipProtocol": "tcp", "fromPort": 22, "toPort": 22,
                                                  "ipv4Ranges": [{"cidrIp": f"10.{i % 250}.0.0/16"}]}]}}))
        else:
            out.append(("no-burstable-instances", {**base, "resourceType": "AWS::EC2::Instance",
                                                   "resourceId": f"i-{i}",
                                                   "configuration": {"instanceType": "t3.micro" if i % 2 else "m7g.large"}}))
    return out


def throughput(catalog: dict[str, Any], n: int) -> float:
    lambda_handler.use_catalog(catalog)
    items = synthetic_items(n)
    resolved = {rid: lambda_handler.resolve_rule({"ruleParameters": json.dumps({"ruleId": rid})})
                for rid in {r for r, _ in items}}
    start = time.perf_counter()
    for rid, item in items:
        entry, active = resolved[rid]
        lambda_handler.evaluate_item(entry, active, item)
    return n / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--items", type=int, default=3000)
    args = parser.parse_args()
    files = compile(load_catalog(ROOT))
    bundle = files[BUNDLE]
    cold = cold_import(bundle, args.runs)
    rate = throughput(json.loads(files[f"src/{COMPILED_CATALOG}"]), args.items)
    rows = [("bundle size", f"{len(bundle):,} bytes"),
            (f"cold import (median of {args.runs})", f"{cold * 1000:.1f} ms"),
            (f"evaluations/s ({args.items:,} items)", f"{rate:,.0f}"),
            ("per item", f"{1e6 / rate:.0f} µs")]
    width = max(len(r[0]) for r in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()
