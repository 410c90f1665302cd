"""ordinance lint against checkov on the same inputs, in the same run. One command:

    python bench/run.py            # full run (~25 min, most of it checkov), writes bench/RESULTS.md
    python bench/run.py --quick    # smoke test: small inputs, one repetition (~1 min)

Inputs are generated into bench/out/ (gitignored) by bench/generate.py, deterministic by seed, plus
the largest plan of the shared corpus. Each tool runs as a program, process start included, under a
small wrapper that reports its wall time and peak RSS (getrusage of the waited child). ordinance
runs are repeated and the fastest is kept (the machine is shared); checkov runs once. checkov runs
whose predicted time would break the time budget are marked "not run" with the prediction.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# Both tools run as a user's install does, writing and reusing bytecode: with PYTHONDONTWRITEBYTECODE set
# (some CI images set it) an editable install recompiles its package on every start.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

from bench import checkov_peer, generate  # noqa: E402

OUT = ROOT / "bench" / "out"
RESULTS = ROOT / "bench" / "RESULTS.md"
CORPUS = ROOT.parent / "shared" / "corpus"

# Runs `argv` with stdout to a file and prints {"wall", "rss_kb", "rc"}: a fresh wrapper per run, so
# RUSAGE_CHILDREN's peak is this command's own (the largest of its processes).
_WRAPPER = r"""
import json, resource, subprocess, sys, time
argv, out = json.loads(sys.argv[1]), sys.argv[2]
env = json.loads(sys.argv[3]) if len(sys.argv) > 3 else None
t = time.perf_counter()
with open(out, "wb") as f:
    rc = subprocess.call(argv, stdout=f, stderr=subprocess.DEVNULL, env=env)
wall = time.perf_counter() - t
print(json.dumps({"wall": wall, "rss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, "rc": rc}))
"""

# Time from spawning the process to the first byte it writes (the pre-commit case).
_FIRST_OUTPUT = r"""
import json, subprocess, sys, time
argv = json.loads(sys.argv[1])
env = json.loads(sys.argv[2]) if len(sys.argv) > 2 else None
t = time.perf_counter()
p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
p.stdout.read(1)
first = time.perf_counter() - t
p.stdout.read()
rc = p.wait()
print(json.dumps({"first": first, "total": time.perf_counter() - t, "rc": rc}))
"""


@dataclass
class Run:
    wall: float | None = None
    rss_mb: float | None = None
    rc: int | None = None
    note: str = ""
    walls: list[float] = field(default_factory=list)


@dataclass
class Row:
    name: str
    path: Path
    framework: str
    resources: int
    size_mb: float
    ordinance: Run = field(default_factory=Run)
    matching: Run = field(default_factory=Run)
    all_checks: Run = field(default_factory=Run)


def ordinance_cmd(path: Path, output: Path | None = None) -> list[str]:
    exe = Path(sys.executable).with_name("ordinance")
    base = [str(exe)] if exe.exists() else [sys.executable, "-m", "engine"]
    cmd = [*base, "lint", str(path), "--format", "json"]
    return cmd + (["--output", str(output)] if output else [])


def measure(argv: list[str], stdout: Path, env: dict[str, str] | None = None) -> Run:
    args = [sys.executable, "-c", _WRAPPER, json.dumps(argv), str(stdout)] + ([json.dumps(env)] if env else [])
    done = subprocess.run(args, capture_output=True, text=True, check=True)
    info = json.loads(done.stdout)
    return Run(wall=info["wall"], rss_mb=info["rss_kb"] / 1024, rc=info["rc"], walls=[info["wall"]])


def run_ordinance(path: Path, repeat: int) -> Run:
    runs = [measure(ordinance_cmd(path, OUT / f"{path.stem}.ordinance.json"), OUT / "ordinance.stdout")
            for _ in range(repeat)]
    best = min(runs, key=lambda r: r.wall or 0.0)
    best.walls = [r.wall or 0.0 for r in runs]
    best.rss_mb = max(r.rss_mb or 0.0 for r in runs)
    if best.rc not in (0, 1):
        best.note = f"exit {best.rc}"
    return best


def run_checkov(exe: Path, row: Row, checks: tuple[str, ...] | None, budget: Budget) -> Run:
    label = "matching" if checks else "all"
    predicted = budget.predict(label, row.resources)
    if predicted is not None and predicted > budget.left():
        return Run(note=f"not run: expected ~{predicted / 60:.0f} min, {budget.left() / 60:.0f} min of budget left")
    out = OUT / f"{row.path.stem}.checkov-{label}.json"
    run = measure(checkov_peer.command(exe, row.path, row.framework, checks), out, checkov_peer.env())
    budget.spend(label, row.resources, run.wall or 0.0)
    try:
        reports = checkov_peer.results(out.read_text())
        run.note = "" if reports else "no results"
    except ValueError:
        run.note = f"unreadable output (exit {run.rc})"
    return run


class Budget:
    """Seconds left for checkov, and a per-resource time model (assumed linear, padded 30%)."""

    def __init__(self, seconds: float):
        self.deadline = time.monotonic() + seconds
        self.rate: dict[str, float] = {}

    def left(self) -> float:
        return self.deadline - time.monotonic()

    def predict(self, label: str, resources: int) -> float | None:
        rate = self.rate.get(label)
        return None if rate is None else rate * resources * 1.3

    def spend(self, label: str, resources: int, wall: float) -> None:
        if resources > 0:
            self.rate[label] = max(self.rate.get(label, 0.0), wall / resources)


def first_output(argv: list[str], env: dict[str, str] | None, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        args = [sys.executable, "-c", _FIRST_OUTPUT, json.dumps(argv)] + ([json.dumps(env)] if env else [])
        times.append(json.loads(subprocess.run(args, capture_output=True, text=True, check=True).stdout)["first"])
    return min(times)


def inputs(quick: bool) -> list[tuple[str, Path, str, int]]:
    OUT.mkdir(parents=True, exist_ok=True)
    plans = (200, 1000) if quick else (1000, 10_000, 20_000, 50_000)
    templates = (100,) if quick else (100, 1000)
    out: list[tuple[str, Path, str, int]] = []
    for n in plans:
        path = OUT / f"plan-{n // 1000}k.json" if n >= 1000 else OUT / f"plan-{n}.json"
        if not path.exists():
            with path.open("w", encoding="utf-8") as f:
                generate.write_plan(f, n, seed=1)
        out.append((f"plan, {n:,} resources", path, "terraform_plan", n))
    for n in templates:
        path = OUT / f"template-{n}.yaml"
        if not path.exists():
            path.write_text(generate.template_text(n, seed=1), encoding="utf-8")
        out.append((f"template, {n:,} resources", path, "cloudformation", n))
    corpus = sorted((CORPUS / "terraform-plan").rglob("*.json"), key=lambda p: p.stat().st_size)
    if corpus:
        big = corpus[-1]
        count = len(json.loads(big.read_text()).get("resource_changes") or [])
        out.append((f"largest corpus plan ({big.name}, {count} changes)", big, "terraform_plan", count))
    return out


def scaling(quick: bool, repeat: int) -> list[tuple[int, float]]:
    """ordinance's wall time over plan sizes: linear means constant time per resource."""
    sizes = (200, 500, 1000, 2000) if quick else (1000, 2000, 5000, 10_000, 20_000, 50_000)
    out = []
    for n in sizes:
        path = OUT / f"scale-{n}.json"
        if not path.exists():
            with path.open("w", encoding="utf-8") as f:
                generate.write_plan(f, n, seed=2)
        out.append((n, run_ordinance(path, repeat).wall or 0.0))
    return out


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal"))
        mem_gb = f"{int(mem) / 2**20:.1f} GiB"
    except (OSError, StopIteration):
        mem_gb = "unknown"
    return {"cpu": cpu, "cores": str(os.cpu_count()), "memory": mem_gb, "os": platform.platform(),
            "python": platform.python_version()}


def git_commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def _s(run: Run) -> str:
    if run.wall is None:
        return run.note or "—"
    return f"{run.wall:.2f} s" + (f" ({run.note})" if run.note else "")


def _mb(run: Run) -> str:
    return "—" if run.rss_mb is None else f"{run.rss_mb:,.0f} MB"


def _ratio(peer: Run, ours: Run) -> str:
    if peer.wall is None or not ours.wall:
        return "—"
    return f"{peer.wall / ours.wall:,.0f}x"


def report(rows: list[Row], startup: dict[str, float], scale: list[tuple[int, float]], meta: dict[str, Any]) -> str:
    lines = ["# Benchmarks: ordinance lint against checkov", "",
             f"Produced by `{meta['command']}` on {meta['date']} (ordinance commit {meta['commit']}).", "",
             "## Machine and versions", ""]
    lines += [f"- {k}: {v}" for k, v in meta["machine"].items()]
    lines += [f"- ordinance: {meta['ordinance']}", f"- checkov: {meta['checkov']}",
              f"- load average before / after: {meta['load_before']} / {meta['load_after']} "
              "(the machine is shared with other work; ordinance times are the fastest of "
              f"{meta['repeat']} runs, checkov runs once)", "",
              "## Same inputs, same run", "",
              f"checkov with matching checks: `--check {','.join(checkov_peer.MATCHING_CHECKS)}`; "
              "\"all\": every check of the framework. Wall time includes process start; peak is the "
              "largest process's RSS.", "",
              "| input | size | ordinance | peak | checkov (matching) | peak | ratio | checkov (all) | peak | ratio |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r.name} | {r.size_mb:.1f} MB | {_s(r.ordinance)} | {_mb(r.ordinance)} | {_s(r.matching)} | "
                     f"{_mb(r.matching)} | {_ratio(r.matching, r.ordinance)} | {_s(r.all_checks)} | "
                     f"{_mb(r.all_checks)} | {_ratio(r.all_checks, r.ordinance)} |")
    lines += ["", "## One small file, process start to first output (pre-commit)", "",
              "| tool | first output |", "|---|---|"]
    lines += [f"| {k} | {v:.3f} s |" for k, v in startup.items()]
    lines += ["", "## How ordinance's time grows with plan size", "",
              "| resources | wall | per 1,000 resources |", "|---|---|---|"]
    for n, wall in scale:
        lines.append(f"| {n:,} | {wall:.2f} s | {wall / n * 1000:.3f} s |")
    if len(scale) >= 2:
        (n0, w0), (n1, w1) = scale[len(scale) // 2], scale[-1]
        slope = (w1 - w0) / (n1 - n0) * 1000
        lines.append("")
        lines.append(f"Marginal cost between {n0:,} and {n1:,} resources: {slope:.3f} s per 1,000 "
                     f"(per-resource cost at {n1:,} is {(w1 / n1) / (w0 / n0):.2f}x that at {n0:,}; "
                     "a quadratic pairing step would make it grow with the size).")
    lines += ["", "## Targets", ""]
    lines += [f"- {t}" for t in meta["targets"]]
    return "\n".join(lines) + "\n"


def targets(rows: list[Row], startup: dict[str, float]) -> list[str]:
    out = []
    small = startup.get("ordinance")
    if small is not None:
        out.append(f"one small file end to end under 0.3 s: {small:.3f} s — {'met' if small < 0.3 else 'MISSED'}")
    by_n = {r.resources: r for r in rows if r.framework == "terraform_plan"}
    for n, limit in ((20_000, 1.5), (50_000, 3.0)):
        r = by_n.get(n)
        if r and r.ordinance.wall is not None:
            ok = r.ordinance.wall < limit and (r.ordinance.rss_mb or 0) < 1024
            out.append(f"{n:,}-resource plan ({r.size_mb:.0f} MB) under {limit} s and 1 GB: "
                       f"{r.ordinance.wall:.2f} s, {r.ordinance.rss_mb:.0f} MB — {'met' if ok else 'MISSED'}")
    for n, factor in ((1000, 25), (20_000, 100)):
        r = by_n.get(n)
        if r and r.matching.wall is not None and r.ordinance.wall:
            ratio = r.matching.wall / r.ordinance.wall
            out.append(f"at least {factor}x faster than checkov (matching checks) at {n:,}: {ratio:,.0f}x — "
                       f"{'met' if ratio >= factor else 'MISSED'}")
    return out


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="small inputs, one repetition (smoke test)")
    p.add_argument("--no-checkov", action="store_true", help="only ordinance")
    p.add_argument("--checkov-budget", type=float, default=22.0, help="minutes of checkov time (default 22)")
    p.add_argument("--repeat", type=int, default=None, help="ordinance runs per input (default 5; quick: 1)")
    p.add_argument("--results", type=Path, default=RESULTS)
    args = p.parse_args()
    repeat = args.repeat or (1 if args.quick else 5)
    load_before = _load()
    exe, why = (None, "not run (--no-checkov)") if args.no_checkov else checkov_peer.ensure()
    ck_version = checkov_peer.version(exe) if exe else why
    budget = Budget(args.checkov_budget * 60)
    rows = [Row(name, path, fw, n, path.stat().st_size / 2**20) for name, path, fw, n in inputs(args.quick)]
    for row in rows:
        print(f"== {row.name}", flush=True)
        row.ordinance = run_ordinance(row.path, repeat)
        print(f"   ordinance {_s(row.ordinance)} {_mb(row.ordinance)}", flush=True)
        if exe:
            row.matching = run_checkov(exe, row, checkov_peer.MATCHING_CHECKS, budget)
            print(f"   checkov matching {_s(row.matching)} {_mb(row.matching)}", flush=True)
    if exe:  # all checks after the matching runs: the budget goes to the comparison that matters most
        for row in rows:
            row.all_checks = run_checkov(exe, row, None, budget)
            print(f"== {row.name}: checkov all {_s(row.all_checks)} {_mb(row.all_checks)}", flush=True)
    small = OUT / "small.yaml"
    small.write_text(generate.template_text(8, seed=3), encoding="utf-8")
    startup = {"ordinance": first_output(ordinance_cmd(small), None, max(repeat, 3))}
    if exe:
        startup["checkov (matching checks)"] = first_output(
            checkov_peer.command(exe, small, "cloudformation", checkov_peer.MATCHING_CHECKS), checkov_peer.env(), 1)
    print("== scaling", flush=True)
    scale = scaling(args.quick, max(1, min(repeat, 3)))
    from engine import __version__

    meta = {"command": "python bench/run.py" + (" --quick" if args.quick else ""),
            "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"), "commit": git_commit(),
            "machine": machine(), "ordinance": __version__, "checkov": ck_version, "repeat": repeat,
            "load_before": load_before, "load_after": _load(), "targets": targets(rows, startup)}
    text = report(rows, startup, scale, meta)
    args.results.write_text(text, encoding="utf-8")
    print()
    print(text)
    print(f"(median ordinance walls: {', '.join(f'{statistics.median(r.ordinance.walls):.2f}' for r in rows)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
