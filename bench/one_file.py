"""Benchmark what a pre-commit run feels like: `ordinance lint one-template.yaml`, end to end. Not a test.

    python bench/one_file.py [--runs 15] [--top 12]

Each run is a fresh process (`python -m engine lint FILE`, this checkout first on sys.path), so
interpreter start, imports, catalog loading (from the catalog cache after the first run), parsing,
evaluation and rendering all count. Reported: the median wall time per scenario, the bare
interpreter start for comparison, and the slowest imports of one run (`-X importtime`, cumulative).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  DataVolume:
    Type: AWS::EC2::Volume
    Properties:
      AvailabilityZone: eu-west-1a
      Size: 10
      Encrypted: true
  Logs:
    Type: AWS::S3::Bucket
    Properties:
      VersioningConfiguration: {Status: Enabled}
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault: {SSEAlgorithm: "aws:kms"}
"""


def _env(cache: Path) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(cache)}
    env.pop("ORDINANCE_NO_CACHE", None)
    # A user's install writes bytecode; without it every run recompiles the package (~50-100 ms here).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _time(cmd: list[str], cwd: Path, env: dict[str, str], runs: int,
          before: Callable[[int], None] | None = None) -> float:
    subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, check=False)  # warm the catalog cache
    samples = []
    for i in range(runs):
        if before is not None:
            before(i)
        start = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, check=False)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def _importtime(cmd: list[str], cwd: Path, env: dict[str, str], top: int) -> list[tuple[int, str]]:
    proc = subprocess.run([sys.executable, "-X", "importtime", *cmd[1:]], cwd=cwd, env=env,
                          capture_output=True, text=True, check=False)
    rows = []
    for line in proc.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            rows.append((int(parts[1]), parts[2].rstrip()))
    # Top-level entries only (no indentation): the imports a run pays for, not their parts.
    roots = [(us, name.strip()) for us, name in rows if not name.startswith("  ", 1)]
    return sorted(roots, reverse=True)[:top]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--top", type=int, default=12)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "repo"
        work.mkdir()
        (work / "stack.yaml").write_text(TEMPLATE)
        env = _env(Path(tmp) / "cache")
        lint = [sys.executable, "-m", "engine", "lint", "stack.yaml"]
        # A .tf file is judged with its directory: an 8-file module with a local module under it.
        module = work / "tf"
        shutil.copytree(ROOT / "examples" / "terraform" / "hcl" / "data-platform", module)
        edited = module / "storage.tf"
        original = edited.read_text()

        def edit(i: int) -> None:  # a pre-commit run sees a changed file: new text, a parse-cache miss
            edited.write_text(f"{original}\n# edit {i} {time.time_ns()}\n")
        scenarios = [
            ("python -c pass (interpreter start)", [sys.executable, "-c", "pass"], work),
            ("lint, built-in rules, --format json", [*lint, "--format", "json"], work),
            ("lint, built-in rules, console (rich)", lint, work),
            ("lint, built-in rules, --format sarif", [*lint, "--format", "sarif"], work),
            ("lint, this repo's policies.yaml, json",
             [*lint[:-1], str(work / "stack.yaml"), "--format", "json"], ROOT),
        ]
        tf = [*lint[:-1], "tf/storage.tf", "--format", "json"]
        print(f"{'scenario':<52} {'median':>9}   ({args.runs} runs, catalog cache warm)")
        for name, cmd, cwd in scenarios:
            print(f"{name:<52} {_time(cmd, cwd, env, args.runs) * 1000:>7.0f} ms")
        print(f"{'lint one .tf of an 8-file module, none edited, json':<52} "
              f"{_time(tf, work, env, args.runs) * 1000:>7.0f} ms")
        print(f"{'lint one .tf of an 8-file module, that file edited':<52} "
              f"{_time(tf, work, env, args.runs, before=edit) * 1000:>7.0f} ms")
        print("\nslowest top-level imports of `lint stack.yaml` (console), cumulative, one run:")
        for us, name in _importtime(lint, work, env, args.top):
            print(f"  {us / 1000:>7.1f} ms  {name}")
        loaded = _modules([*lint, "--format", "json"], work, env)
        heavy = [m for m in ("boto3", "botocore", "cfnlint", "jsonschema", "rich") if m in loaded]
        print(f"\nheavy modules imported by `--format json`: {', '.join(heavy) or 'none'}")
    return 0


def _modules(cmd: list[str], cwd: Path, env: dict[str, str]) -> set[str]:
    """Top-level package names a run imports."""
    proc = subprocess.run([sys.executable, "-X", "importtime", *cmd[1:]], cwd=cwd, env=env,
                          capture_output=True, text=True, check=False)
    return {line.split("|")[2].strip().split(".")[0] for line in proc.stderr.splitlines() if line.count("|") == 2}


if __name__ == "__main__":
    raise SystemExit(main())
