"""The linter's library API: files in, findings out. The CLI and the pre-commit hook call `lint`."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from engine.catalog.model import ActiveRule, Catalog, Exemption
from engine.errors import NotThisFormatError, OrdinanceError, SourceError
from engine.evaluate import account_facts, evaluate
from engine.gcpause import paused_gc
from engine.resources.model import Finding, Location, Resource, Verdict
from engine.sources import detect, source_module

if TYPE_CHECKING:
    from engine.baseline import BaselineDiff

# Directories that never hold the user's own IaC and can be huge.
_SKIP_DIRS = {".git", ".terraform", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".mypy_cache"}
MAX_FILE_BYTES = 512 * 1024 * 1024
# Plan actions that change the resource; "no-op" (and "read") resources are untouched legacy.
CHANGING_ACTIONS = frozenset({"create", "update", "replace"})


@dataclass
class FileError:
    file: str
    message: str


@dataclass
class LintReport:
    findings: list[Finding] = field(default_factory=list)
    files_scanned: int = 0
    files_skipped: int = 0
    resources: int = 0
    errors: list[FileError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    expired_exemptions: list[Exemption] = field(default_factory=list)
    target: str | None = None
    rules: list[ActiveRule] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # the files read as IaC, for baseline "fixed" accounting
    unchanged: int = 0  # resources left unjudged by changed_only
    changed_only: bool = False
    baseline: BaselineDiff | None = None  # set by the CLI when --baseline is given


def iter_files(paths: Iterable[Path]) -> Iterator[tuple[Path, bool]]:
    """(file, named explicitly) under the given paths, sorted, without following directory symlinks."""
    for path in paths:
        if path.is_dir():
            for root, dirs, files in os.walk(path, followlinks=False):
                dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS)
                for name in sorted(files):
                    yield Path(root) / name, False
        else:
            yield path, True


def _read(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise SourceError(f"file is larger than {MAX_FILE_BYTES // 2**20} MiB; refusing to read it", str(path))
        return path.read_bytes()
    except OSError as exc:
        raise SourceError(f"cannot read: {exc.strerror or exc}", str(path)) from exc


def _alternative_findings(rules: Sequence[ActiveRule], resource: Resource, main: list[Finding],
                          **kwargs: object) -> list[Finding]:
    """Findings that only a parameter's other allowed value or an Fn::If's other branch would cause."""
    failing = {f.rule_id for f in main if f.status is Verdict.FAIL}
    out: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    for alt in resource.meta.get("alternatives") or ():
        variant = replace(resource, attrs=alt["attrs"], meta={
            k: v for k, v in resource.meta.items() if k != "alternatives"})
        if alt.get("line") is not None:
            variant = replace(variant, location=replace(resource.location, line=alt["line"]))
        for f in evaluate(rules, [variant], **kwargs):  # type: ignore[arg-type]
            if f.status is Verdict.FAIL and f.rule_id not in failing and (f.rule_id, alt["description"]) not in seen:
                seen.add((f.rule_id, alt["description"]))
                out.append(replace(f, message=f"{f.message} when {alt['description']}"))
    return out


def is_changing(resource: Resource) -> bool:
    """Judged under changed_only: a planned create/update/replace, or a resource whose action no source
    knows (a CloudFormation template is all change; None must never hide a resource)."""
    action = resource.meta.get("action")
    return action is None or action in CHANGING_ACTIONS


def lint_resources(rules: Sequence[ActiveRule], resources: Sequence[Resource], catalog: Catalog, *,
                   target: str | None = None, today: dt.date | None = None, account: str | None = None,
                   ou: str | None = None, changed_only: bool = False,
                   context: Sequence[Resource] = ()) -> list[Finding]:
    """Evaluate one input unit (a file, or an audited account/region): account facts are shared only
    within it and its context (the other files of a Terraform directory). `account`/`ou` let account-
    and OU-scoped exemptions match (the audit knows them).

    With changed_only, untouched resources are not judged, but they still count as account facts
    (an unchanged aws_ebs_encryption_by_default still protects a new volume)."""
    facts = account_facts([*resources, *context])
    if changed_only:
        resources = [r for r in resources if is_changing(r)]
    kwargs = {"exemptions": catalog.exemptions, "today": today, "target": target, "facts": facts,
              "account": account, "ou": ou}
    # Tens of thousands of acyclic findings would trigger collections that rescan every resource.
    with paused_gc():
        findings = evaluate(rules, resources, **kwargs)  # type: ignore[arg-type]
    if any(r.meta.get("alternatives") for r in resources):
        by_resource: dict[int, list[Finding]] = {}
        for f in findings:
            by_resource.setdefault(id(f.resource), []).append(f)
        for r in resources:
            if r.meta.get("alternatives"):
                findings.extend(_alternative_findings(rules, r, by_resource.get(id(r), []), **kwargs))
    return findings


def lint(paths: Sequence[Path], catalog: Catalog, *, target: str | None = None,
         today: dt.date | None = None, changed_only: bool = False) -> LintReport:
    """Lint files and directories. A file that is neither a template nor a plan is skipped and counted;
    a file named explicitly that fails to parse is an error (never clean).

    changed_only: judge only resources a plan creates, updates or replaces (see `is_changing`)."""
    today = today or dt.date.today()
    if target is not None and target not in catalog.targets:
        raise OrdinanceError(f"unknown target {target!r} (targets: {', '.join(sorted(catalog.targets)) or 'none'})")
    rules = catalog.active(target)
    report = LintReport(target=target, rules=rules, changed_only=changed_only)
    report.expired_exemptions = [e for e in catalog.exemptions if e.expired(today)
                                 and (target is None or e.target in (None, target))]
    for path, explicit in iter_files(paths):
        if not path.exists():
            # A symlink whose target cannot be reached (a loop, or dangling) is named as such.
            why = "symlink loop or dangling symlink: not read" if path.is_symlink() else "no such file or directory"
            report.errors.append(FileError(str(path), why))
            continue
        try:
            data = _read(path)
            fmt = detect(data)
            if fmt is None:
                report.files_skipped += 1
                continue
            result = source_module(fmt).load(path, data)
        except NotThisFormatError as exc:
            if explicit:
                report.errors.append(FileError(str(path), exc.detail))
            else:
                report.files_skipped += 1
                report.notes.append(f"{path}: skipped, {exc.detail}")
            continue
        except SourceError as exc:
            report.errors.append(FileError(str(path), exc.detail))
            continue
        report.files_scanned += 1
        report.files.append(str(path))
        report.resources += len(result.resources)
        if changed_only:
            report.unchanged += sum(1 for r in result.resources if not is_changing(r))
        report.notes.extend(f"{path}: {n}" for n in result.notes)
        report.findings.extend(lint_resources(rules, result.resources, catalog, target=target, today=today,
                                              changed_only=changed_only, context=result.context))
    sort_findings(report.findings)
    return report


def sort_findings(findings: list[Finding]) -> None:
    """Sort in place by `finding_sort_key`, as stable sorts on one part at a time, last part first:
    the same order, without a key tuple per finding (on a large plan, allocating those made the
    cyclic GC walk every object of the plan twice more)."""
    findings.sort(key=lambda f: f.rule_id)
    findings.sort(key=lambda f: f.resource.id)
    findings.sort(key=lambda f: f.resource.location.line or 0)
    findings.sort(key=lambda f: f.resource.location.file or "")


def finding_sort_key(f: Finding) -> tuple[str, int, str, str]:
    loc: Location = f.resource.location
    return (loc.file or "", loc.line or 0, f.resource.id, f.rule_id)
