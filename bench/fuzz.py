"""Mutational fuzzing of every parser: no traceback may escape, every rejection is a SourceError.

    python bench/fuzz.py --minutes 30 [--seed 1] [--target cfn-yaml|cfn-json|tfplan]
    python bench/fuzz.py --inputs 5000 --seed 7      # a fixed count per target: the same inputs anywhere

Seeds are the source fixtures, a generated plan and template, and the shared corpus. Each input is
a seed mutated a few times (byte flips, cuts, duplications, splices, YAML/JSON tokens that stress
parsers: anchors and aliases, tags, brackets, BOMs, NULs, huge numbers), then run through format
detection, the source's `load` and the evaluator, exactly as `ordinance lint` does. Anything but a
SourceError is a crash: it is reported once per (exception type, raising line) and the input saved
under bench/out/fuzz-crashes/. tests/hostile/test_fuzz.py runs the same loop for a fixed number of
inputs per target with a fixed seed, so every machine tries the same inputs.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine.catalog.loader import load_catalog  # noqa: E402
from engine.errors import SourceError  # noqa: E402
from engine.lint import lint_resources  # noqa: E402
from engine.sources import cloudformation, detect, source_module, terraform_plan  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
CRASHES = ROOT / "bench" / "out" / "fuzz-crashes"
TARGETS = ("cfn-yaml", "cfn-json", "tfplan")
TOKENS = [b"&a ", b"*a", b"<<: *a\n", b"!Ref ", b"!GetAtt a.b", b"!If [c, a, b]", b"!Sub '${x}'", b"Fn::If",
          b"[", b"]", b"{", b"}", b",", b":", b'"', b"'", b"\\", b"\n", b"\t", b"- ", b"? ", b"---\n", b"...\n",
          b"\xef\xbb\xbf", b"\xff\xfe", b"\x00", b"\xc3", b"1e999", b"-0", b"0x1F", b"2024-13-45", b"~", b"null",
          b'"after_unknown": true', b'"actions": ["delete", "create"]', b'"module_address": 5',
          b'"Type": "AWS::S3::Bucket"', b'"cidr_blocks": ["0.0.0.0/0"]', b"9" * 400]


@dataclass
class Stats:
    inputs: Counter[str] = field(default_factory=Counter)
    rejected: Counter[str] = field(default_factory=Counter)
    crashes: dict[str, str] = field(default_factory=dict)  # signature -> traceback


def seeds(target: str) -> list[bytes]:
    from bench import generate

    here = ROOT / "tests" / "sources"
    if target == "tfplan":
        files = sorted((here / "terraform_plan").glob("*.json"))
        files += sorted((CORPUS / "terraform-plan").rglob("*.json"))[:40]
        extra = [generate.plan_bytes(60, seed=9)]
    else:
        ext = ("*.yaml", "*.yml") if target == "cfn-yaml" else ("*.json",)
        files = [p for e in ext for p in sorted((here / "cloudformation").glob(e))]
        files += [p for e in ext for p in sorted((CORPUS / "cloudformation").rglob(e))][:60]
        extra = [generate.template_text(30, seed=9, as_json=target == "cfn-json").encode()]
    return [p.read_bytes() for p in files if p.stat().st_size < 200_000] + extra


def mutate(rng: random.Random, data: bytes, pool: list[bytes]) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        op = rng.randrange(7)
        pos = rng.randrange(len(buf) + 1)
        if op == 0 and buf:  # flip a byte
            buf[min(pos, len(buf) - 1)] = rng.randrange(256)
        elif op == 1:  # cut a range
            del buf[pos:pos + rng.randint(1, 64)]
        elif op == 2:  # duplicate a range
            buf[pos:pos] = buf[pos:pos + rng.randint(1, 256)]
        elif op == 3:  # insert a token
            buf[pos:pos] = rng.choice(TOKENS)
        elif op == 4:  # splice another seed
            other = rng.choice(pool)
            start = rng.randrange(len(other) + 1)
            buf[pos:] = other[start:start + rng.randint(1, 2048)] + buf[pos:]
        elif op == 5:  # truncate
            del buf[pos:]
        else:  # repeat a token many times (nesting, long lines)
            buf[pos:pos] = rng.choice((b"[", b"{", b"- ", b"  ", b"*a, ")) * rng.randint(10, 3000)
    return bytes(buf)


def run_one(data: bytes, rules: list, catalog: object) -> str:  # type: ignore[type-arg]
    """'ok', 'skipped' or 'rejected'; raises anything else."""
    fmt = detect(data)
    if fmt is None:
        return "skipped"
    try:
        result = source_module(fmt).load(Path("fuzz.input"), data)
    except SourceError as exc:
        if "\n" in str(exc):
            raise AssertionError(f"multi-line error message: {exc!r}") from None
        return "rejected"
    lint_resources(rules, result.resources, catalog)  # type: ignore[arg-type]
    return "ok"


def fuzz(*, seconds: float | None = None, inputs_per_target: int | None = None, seed: int = 1,
         targets: tuple[str, ...] = TARGETS, save: bool = True) -> Stats:
    """Fuzz each target in turn, bounded by exactly one of: `seconds` in all (split evenly between
    the targets; how many inputs that is depends on the machine) or `inputs_per_target` (the same
    inputs for a given seed on every machine)."""
    if (seconds is None) == (inputs_per_target is None):
        raise ValueError("give exactly one of seconds and inputs_per_target")
    catalog = load_catalog(ROOT)
    rules = catalog.active()
    stats = Stats()
    rng = random.Random(seed)
    pools = {t: seeds(t) for t in targets}
    # Loaded once up front so import time is not charged to the first target.
    assert cloudformation.load and terraform_plan.load
    deadline = time.monotonic() + (seconds or 0.0)
    for i, target in enumerate(targets):
        stop = deadline
        if seconds is not None and i < len(targets) - 1:
            stop = min(deadline, time.monotonic() + seconds / len(targets))
        pool = pools[target]
        while (stats.inputs[target] < inputs_per_target if inputs_per_target is not None
               else time.monotonic() < stop):
            data = mutate(rng, rng.choice(pool), pool)
            stats.inputs[target] += 1
            try:
                outcome = run_one(data, rules, catalog)
            except RecursionError:
                outcome = "crash"
                _record(stats, target, data, save)
            except Exception:
                outcome = "crash"
                _record(stats, target, data, save)
            if outcome == "rejected":
                stats.rejected[target] += 1
    return stats


def _record(stats: Stats, target: str, data: bytes, save: bool) -> None:
    tb = traceback.format_exc()
    frames = traceback.extract_tb(sys.exc_info()[2])
    last = frames[-1] if frames else None
    sig = f"{target}: {sys.exc_info()[0].__name__} at " + (f"{Path(last.filename).name}:{last.lineno}" if last else "?")
    if sig not in stats.crashes:
        stats.crashes[sig] = tb
        if save:
            CRASHES.mkdir(parents=True, exist_ok=True)
            (CRASHES / f"{hashlib.sha256(data).hexdigest()[:12]}.{target}").write_bytes(data)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    bound = p.add_mutually_exclusive_group()
    bound.add_argument("--minutes", type=float, default=5.0, help="time for all targets (default 5)")
    bound.add_argument("--inputs", type=int, help="inputs per target instead of a time bound")
    p.add_argument("--seed", type=int, default=int(time.time()))
    p.add_argument("--target", choices=TARGETS, action="append")
    args = p.parse_args()
    targets = tuple(args.target or TARGETS)
    if args.inputs is not None:
        stats = fuzz(inputs_per_target=args.inputs, seed=args.seed, targets=targets)
    else:
        stats = fuzz(seconds=args.minutes * 60, seed=args.seed, targets=targets)
    total = sum(stats.inputs.values())
    print(f"seed {args.seed}: {total:,} inputs "
          + ", ".join(f"{t} {n:,} ({stats.rejected[t]:,} rejected)" for t, n in stats.inputs.items()))
    for sig, tb in stats.crashes.items():
        print(f"\nCRASH {sig}\n{tb}")
    print(f"{len(stats.crashes)} distinct crash(es)" + (f"; inputs in {CRASHES}" if stats.crashes else ""))
    return 1 if stats.crashes else 0


if __name__ == "__main__":
    raise SystemExit(main())
