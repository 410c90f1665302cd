"""Baselines: adopt ordinance on a brownfield repository without fixing every legacy finding first.

`--write-baseline FILE` records today's open findings (fail and unknown) by their stable fingerprint
(rule, resource id, file; never the line, so edits above a resource do not resurrect it).
`--baseline FILE` then lets only findings that are not in it block, and reports the entries that no
longer occur as fixed. Waived findings are not recorded: a waiver already says why; error findings
are never recorded either: a crashing rule must not be swept under a baseline.

File format (sorted keys, written atomically):
    {"version": 1, "fingerprints": {"<fp>": {"rule_id": ..., "resource": ..., "file": ...}}}
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.artifacts import write_atomic
from engine.errors import OrdinanceError
from engine.resources.model import Finding, Verdict

VERSION = 1
# The verdicts a baseline records and forgives. Waived and error are deliberately absent (see above).
RECORDED = frozenset({Verdict.FAIL, Verdict.UNKNOWN})


@dataclass(frozen=True)
class Entry:
    rule_id: str
    resource: str
    file: str

    def to_json(self) -> dict[str, str]:
        return {"rule_id": self.rule_id, "resource": self.resource, "file": self.file}


@dataclass
class BaselineDiff:
    """How today's findings compare with a baseline.

    new/known: fingerprints of today's recorded-verdict findings outside/inside the baseline.
    fixed: baseline entries whose file was linted in this run and that no longer occur. Entries of
    files this run did not read (a pre-commit run over two changed files) are neither fixed nor open.
    """

    known_fingerprints: frozenset[str]
    new: list[str] = field(default_factory=list)
    known: list[str] = field(default_factory=list)
    fixed: list[Entry] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"new": len(self.new), "known": len(self.known),
                "fixed": [e.to_json() for e in self.fixed]}


def entries(findings: Iterable[Finding]) -> dict[str, Entry]:
    return {f.fingerprint: Entry(f.rule_id, f.resource.id, f.resource.location.file or "")
            for f in findings if f.status in RECORDED}


def dump(findings: Iterable[Finding]) -> bytes:
    recorded = entries(findings)
    doc = {"version": VERSION, "fingerprints": {fp: recorded[fp].to_json() for fp in sorted(recorded)}}
    return (json.dumps(doc, indent=2, sort_keys=True) + "\n").encode("utf-8")


def write(path: Path, findings: Iterable[Finding]) -> int:
    """Write the baseline; returns how many findings it records."""
    data = dump(findings)
    write_atomic(path, data)
    return len(json.loads(data)["fingerprints"])


def load(path: Path) -> dict[str, Entry]:
    """Read a baseline; anything malformed is an error (exit 2), never an empty baseline."""
    try:
        doc = json.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise OrdinanceError(f"{path}: cannot read baseline: {exc.strerror or exc}") from exc
    except ValueError as exc:
        raise OrdinanceError(f"{path}: baseline is not valid JSON: {exc}") from exc
    if not isinstance(doc, Mapping) or doc.get("version") != VERSION or not isinstance(doc.get("fingerprints"),
                                                                                       Mapping):
        raise OrdinanceError(f"{path}: not an ordinance baseline (expected version {VERSION} and fingerprints)")
    out: dict[str, Entry] = {}
    for fp, raw in doc["fingerprints"].items():
        if not isinstance(raw, Mapping) or not all(isinstance(raw.get(k), str)
                                                   for k in ("rule_id", "resource", "file")):
            raise OrdinanceError(f"{path}: baseline entry {fp!r} needs rule_id, resource and file strings")
        out[str(fp)] = Entry(raw["rule_id"], raw["resource"], raw["file"])
    return out


def compare(findings: Iterable[Finding], baseline: Mapping[str, Entry], files_read: Iterable[str]) -> BaselineDiff:
    today = entries(findings)
    read = set(files_read)
    diff = BaselineDiff(known_fingerprints=frozenset(baseline))
    for fp in sorted(today):
        (diff.known if fp in baseline else diff.new).append(fp)
    diff.fixed = sorted((e for fp, e in baseline.items() if fp not in today and e.file in read),
                        key=lambda e: (e.file, e.resource, e.rule_id))
    return diff
