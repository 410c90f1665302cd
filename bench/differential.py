"""Differential test: ordinance and checkov on every file of the shared corpus, rule against check.

    python bench/differential.py [--json bench/out/differential.json] [--markdown]

checkov runs once per corpus directory (`-d`, the matching checks only) and its results are mapped
back to files by `file_path`; ordinance runs in-process on the same directories. For every pair of
bench/checkov_peer.PAIRS and every resource of the pair's types that either tool judged, the two
verdicts are compared. Listed as disagreements:

- a "same" pair where one passes and the other fails;
- a "weaker" pair where checkov fails what ordinance passes (the reverse is expected by design and
  listed separately);
- ordinance undecided (unknown), not applicable or waived where checkov gave a verdict;
- a resource only one tool judged, in a file both read.

Each disagreement has a stable key, `file :: resource :: check`; docs/checkov-comparison.md must
mention every key (tests/hostile/test_differential.py checks it).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import checkov_peer  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
FRAMEWORKS = {"terraform-plan": "terraform_plan", "cloudformation": "cloudformation"}


@dataclass(frozen=True)
class Disagreement:
    key: str  # file :: resource :: check
    file: str  # relative to the corpus
    resource: str
    native_type: str
    rule: str
    check: str
    relation: str
    ordinance: str  # pass | fail | unknown | not_applicable | waived | error | absent
    checkov: str  # PASSED | FAILED | absent
    message: str  # ordinance's message
    expected_by_design: bool = False


def run_checkov(exe: Path, folder: Path, framework: str) -> tuple[dict[tuple[str, str, str], str], set[str]]:
    """((file, resource id, check) -> PASSED/FAILED, files checkov could not parse)."""
    cmd = checkov_peer.command(exe, folder, framework, checkov_peer.MATCHING_CHECKS, quiet=False)
    # checkov 3.3 aborts the whole directory on a `Type: !Rain::Module` (TypeError: unhashable type):
    # leave those files out of its run and count them as files it cannot read.
    crashers = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                      if p.is_file() and framework == "cloudformation" and b"Rain::Module" in p.read_bytes())
    for rel in crashers:
        cmd += ["--skip-path", re.escape(rel)]
    done = subprocess.run(cmd, capture_output=True, text=True, env=checkov_peer.env(), timeout=1800)
    out: dict[tuple[str, str, str], str] = {}
    unparsed: set[str] = set(crashers)
    for report in checkov_peer.results(done.stdout):
        res = report["results"]
        for status, items in (("PASSED", res.get("passed_checks", [])), ("FAILED", res.get("failed_checks", []))):
            for item in items:
                file = _rel(item.get("file_abs_path") or item["file_path"], folder)
                out[(file, _checkov_id(item["resource"], framework), item["check_id"])] = status
        unparsed |= {_rel(p, folder) for p in res.get("parsing_errors", [])}
    if done.returncode not in (0, 1):
        raise RuntimeError(f"checkov failed on {folder} (exit {done.returncode}): {done.stderr[-2000:]}")
    return out, unparsed


def _rel(path: str, folder: Path) -> str:
    p = Path(path)
    if p.is_absolute() and p.is_relative_to(folder):
        return p.relative_to(folder).as_posix()
    return path.lstrip("/")


def _checkov_id(resource: str, framework: str) -> str:
    """checkov's resource id in ordinance's terms: plan addresses as is, `AWS::X::Y.Logical` -> `Logical`."""
    if framework == "cloudformation" and resource.startswith(("AWS::", "Custom::")):
        return resource.split(".", 1)[1] if "." in resource else resource
    return resource


def run_ordinance(folder: Path) -> tuple[dict[tuple[str, str, str], tuple[str, str, str]], set[str]]:
    """((file, resource id, rule) -> (status, native type, message), files it could not read)."""
    from engine.catalog.loader import load_catalog
    from engine.lint import lint

    report = lint([folder], load_catalog(ROOT))
    out: dict[tuple[str, str, str], tuple[str, str, str]] = {}
    for f in report.findings:
        file = Path(f.resource.location.file or "").relative_to(folder).as_posix()
        out[(file, f.resource.id, f.rule_id)] = (f.status.value, f.resource.native_type, f.message)
    return out, {Path(e.file).relative_to(folder).as_posix() for e in report.errors}


def compare(folder_name: str, exe: Path) -> tuple[list[Disagreement], dict[str, int]]:
    folder = CORPUS / folder_name
    framework = FRAMEWORKS[folder_name]
    ck, ck_unparsed = run_checkov(exe, folder, framework)
    ours, our_errors = run_ordinance(folder)
    types_of: dict[tuple[str, str], str] = {(file, rid): t for (file, rid, _), (_, t, _) in ours.items()}
    found: list[Disagreement] = []
    stats: dict[str, int] = defaultdict(int)
    for pair in checkov_peer.PAIRS:
        keys = {(file, rid) for (file, rid, rule) in ours if rule == pair.rule
                and types_of[(file, rid)] in pair.types}
        keys |= {(file, rid) for (file, rid, check) in ck if check == pair.check}
        for file, rid in sorted(keys):
            status, native, message = ours.get((file, rid, pair.rule), ("absent", types_of.get((file, rid), ""), ""))
            verdict = ck.get((file, rid, pair.check), "absent")
            if native and native not in pair.types and status != "absent":
                continue  # e.g. a satellite or a kind the check does not cover
            if status == "absent" and (file in our_errors or verdict == "absent"):
                continue
            if verdict == "absent" and file in ck_unparsed:
                stats["file checkov could not parse"] += 1
                continue
            stats["compared"] += 1
            agree, by_design = _agree(pair.relation, status, verdict)
            if agree:
                stats["agree"] += 1
                continue
            stats["by design" if by_design else "disagree"] += 1
            found.append(Disagreement(f"{folder_name}/{file} :: {rid} :: {pair.check}", f"{folder_name}/{file}", rid,
                                      native, pair.rule, pair.check, pair.relation, status, verdict, message,
                                      by_design))
    return found, dict(stats)


def _agree(relation: str, status: str, verdict: str) -> tuple[bool, bool]:
    """(the verdicts agree, the disagreement is expected by the pair's design)."""
    if (status, verdict) in (("pass", "PASSED"), ("fail", "FAILED")):
        return True, False
    if status in ("pass", "not_applicable") and verdict == "absent":
        return True, False  # e.g. an egress rule under an ingress check: nothing for checkov to judge
    if relation == "weaker" and status == "fail" and verdict == "PASSED":
        return False, True
    return False, False


def category(d: Disagreement) -> str:
    """The triage class of a disagreement (docs/checkov-comparison.md explains each)."""
    if d.expected_by_design:
        return "by-design"
    if d.ordinance == "unknown":
        return "unknown-value"
    if d.ordinance == "fail" and d.checkov == "absent":
        return "checkov-silent"
    if d.check == "CKV_AWS_24" and d.ordinance == "fail" and d.checkov == "PASSED":
        return "ssh-missed"
    return "other"


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--json", type=Path, default=ROOT / "bench" / "out" / "differential.json")
    p.add_argument("--markdown", action="store_true", help="print the disagreements as a Markdown table")
    args = p.parse_args()
    exe, why = checkov_peer.ensure()
    if exe is None:
        print(f"checkov unavailable: {why}", file=sys.stderr)
        return 2
    everything: list[Disagreement] = []
    summary: dict[str, Any] = {"checkov": checkov_peer.version(exe)}
    for folder in FRAMEWORKS:
        found, stats = compare(folder, exe)
        everything += found
        summary[folder] = stats
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"summary": summary, "disagreements": [{**asdict(d), "category": category(d)} for d in everything]},
                                    indent=2) + "\n")
    print(json.dumps(summary, indent=2))
    real = [d for d in everything if not d.expected_by_design]
    print(f"{len(real)} disagreement(s), {len(everything) - len(real)} expected by design; details in {args.json}")
    if args.markdown:
        print("| class | file :: resource :: check | rule | ordinance | checkov |\n|---|---|---|---|---|")
        for d in sorted(everything, key=lambda d: (category(d), d.key)):
            print(f"| {category(d)} | `{d.key}` | {d.rule} | {d.ordinance} | {d.checkov} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
