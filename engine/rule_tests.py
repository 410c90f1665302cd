"""`ordinance test`: each rule's own fixtures, judged in every form they are written in.

A rule's fixtures live in `<catalog root>/tests/policies/<rule id>/`, one directory per case. The
case's name says the verdict every form must give: `pass_...`, `fail_...`, `unknown_...` or `na_...`
(the rule's `when` leaves the resource out). A case holds the same resource in any of these forms:

    template.yaml / template.json   CloudFormation
    plan.json                       Terraform plan JSON (`terraform show -json`)
    *.tf                            Terraform configuration (the case directory is the module)
    config-item.json                AWS Config configuration item (or invoking event)
    case.yaml                       optional: {description: ..., parameters: {name: value}}

Each form is read by its source and judged by the rule alone, with the rule's default parameters and
the case's overrides; no policies.yaml target, exemption or inline waiver takes part. A form passes
when the rule judged at least one resource there and every verdict is the case's (resources the rule's
`when` leaves out count only in an `na_` case). That is the promise
of the catalog checked per rule: the same verdict on the same resource, whichever form it arrives in.

Fails closed: an unknown file in a case, a case name without a verdict prefix, a fixture that does
not parse, or a case with no form at all are errors, never a pass.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.catalog.model import ActiveRule, Catalog, Rule
from engine.errors import OrdinanceError, SourceError
from engine.evaluate import account_facts, evaluate
from engine.resources.model import Resource, Verdict
from engine.sources import SourceResult, detect, source_module

FIXTURES_DIR = Path("tests") / "policies"

EXPECTED_BY_PREFIX: dict[str, Verdict] = {
    "pass_": Verdict.PASS,
    "fail_": Verdict.FAIL,
    "unknown_": Verdict.UNKNOWN,
    "na_": Verdict.NOT_APPLICABLE,
}

# form name -> the file names it is read from (".tf" is every *.tf file of the case)
FORMS: dict[str, tuple[str, ...]] = {
    "cloudformation": ("template.yaml", "template.yml", "template.json"),
    "terraform_plan": ("plan.json",),
    "terraform_hcl": (".tf",),
    "config_item": ("config-item.json",),
}
CASE_FILE = "case.yaml"


@dataclass(frozen=True)
class FormResult:
    """One case in one form."""

    rule_id: str
    case: str
    form: str
    files: tuple[str, ...]
    expected: Verdict
    verdicts: tuple[tuple[str, Verdict], ...]  # (resource id, verdict) of the rule, in file order
    error: str | None = None

    @property
    def judged(self) -> tuple[tuple[str, Verdict], ...]:
        """The verdicts that count: a resource the rule's `when` leaves out (not applicable) counts only
        in an `na_` case, so a pass case may hold an Aurora cluster together with its member instance."""
        if self.expected is Verdict.NOT_APPLICABLE:
            return self.verdicts
        return tuple(p for p in self.verdicts if p[1] is not Verdict.NOT_APPLICABLE)

    @property
    def ok(self) -> bool:
        return self.error is None and bool(self.judged) and all(v is self.expected for _, v in self.judged)

    @property
    def detail(self) -> str:
        """Why it did not pass ("" when it did)."""
        if self.error is not None:
            return self.error
        if not self.judged:
            return "the rule judged no resource here (wrong kind, or the source read nothing)"
        wrong = [f"{rid}: {v}" for rid, v in self.judged if v is not self.expected]
        return f"expected {self.expected} everywhere; got " + ", ".join(wrong) if wrong else ""


@dataclass
class TestRun:
    root: Path
    results: list[FormResult] = field(default_factory=list)
    untested: list[str] = field(default_factory=list)  # rules with no fixture directory
    scp_only: list[str] = field(default_factory=list)  # rules that judge no resource kind (prevent-only)
    errors: list[str] = field(default_factory=list)  # fixtures that could not be used at all

    @property
    def failed(self) -> list[FormResult]:
        return [r for r in self.results if not r.ok]

    @property
    def passed(self) -> int:
        return len(self.results) - len(self.failed)


def fixtures_dir(catalog: Catalog, override: Path | None = None) -> Path:
    """Where the catalog's fixtures live: --fixtures, else <catalog root>/tests/policies."""
    if override is not None:
        return override
    if catalog.root is None:
        raise OrdinanceError("no catalog directory (no policies.yaml found): give --catalog or --fixtures")
    return Path(catalog.root) / FIXTURES_DIR


def case_counts(catalog: Catalog, rule_id: str) -> tuple[Path, dict[str, int]] | None:
    """(the rule's case directory, cases per expected verdict), without judging; None without a catalog
    directory. For `ordinance explain`."""
    if catalog.root is None:
        return None
    rule_dir = Path(catalog.root) / FIXTURES_DIR / rule_id
    counts: dict[str, int] = {}
    for case in sorted(rule_dir.iterdir()) if rule_dir.is_dir() else ():
        expected = _expected(case.name)
        if case.is_dir() and expected is not None:
            counts[str(expected)] = counts.get(str(expected), 0) + 1
    return rule_dir, counts


def run_tests(catalog: Catalog, rule_ids: Sequence[str] = (), *, fixtures: Path | None = None,
              today: dt.date | None = None) -> TestRun:
    unknown = [r for r in rule_ids if r not in catalog.rules]
    if unknown:
        raise OrdinanceError(f"unknown rule id {unknown[0]!r} (see `ordinance rules`)")
    base = fixtures_dir(catalog, fixtures)
    if not base.is_dir():
        raise OrdinanceError(f"{base}: no fixtures directory (one folder per rule id, one per case)")
    run = TestRun(root=base)
    try:
        _walk(run, catalog, list(rule_ids) or sorted(catalog.rules), base, today or dt.date.today())
    except OSError as exc:  # an unreadable folder: one line, exit 2, never a partial pass
        raise OrdinanceError(f"{exc.filename or base}: cannot read ({exc.strerror})") from None
    return run


def _walk(run: TestRun, catalog: Catalog, selected: list[str], base: Path, today: dt.date) -> None:
    for entry in sorted(base.iterdir()):
        if entry.is_dir() and entry.name not in catalog.rules:
            run.errors.append(f"{entry}: no rule with this id in the catalog")
    for rule_id in selected:
        rule_dir = base / rule_id
        if not catalog.rules[rule_id].applies_to and not rule_dir.exists():
            run.scp_only.append(rule_id)
            continue
        if not rule_dir.is_dir():
            run.untested.append(rule_id)
            continue
        cases = sorted(p for p in rule_dir.iterdir() if not p.name.startswith("."))
        if not cases:
            run.untested.append(rule_id)
        for case in cases:
            _run_case(run, catalog.rules[rule_id], case, today)


def _expected(name: str) -> Verdict | None:
    return next((v for prefix, v in EXPECTED_BY_PREFIX.items() if name.startswith(prefix)), None)


def _run_case(run: TestRun, rule: Rule, case: Path, today: dt.date) -> None:
    expected = _expected(case.name)
    if not case.is_dir() or expected is None:
        run.errors.append(f"{case}: a case is a directory named {'|'.join(EXPECTED_BY_PREFIX)}<name>")
        return
    forms: dict[str, list[Path]] = {}
    for f in sorted(case.iterdir()):
        if f.name == CASE_FILE or f.name.startswith("."):
            continue
        form = next((name for name, files in FORMS.items()
                     if f.name in files or (".tf" in files and f.suffix == ".tf")), None)
        if form is None or not f.is_file():
            run.errors.append(f"{f}: not a fixture file (expected one of: {_known_names()}, {CASE_FILE})")
            return
        forms.setdefault(form, []).append(f)
    if not forms:
        run.errors.append(f"{case}: no fixture in any form ({_known_names()})")
        return
    try:
        active = case_rule(rule, case)
    except OrdinanceError as exc:
        run.errors.append(str(exc))
        return
    for form in FORMS:
        if form in forms:
            run.results.append(_judge_form(active, case, form, forms[form], expected, today))


def case_rule(rule: Rule, case: Path) -> ActiveRule:
    """The rule as a case judges it: detect mode, default parameters with the case's overrides."""
    params = _case_parameters(rule, case / CASE_FILE)
    return ActiveRule(rule, "detect", rule.severity, {**rule.defaults(), **params})


def judge(active: ActiveRule, resources: Sequence[Resource], context: Sequence[Resource] = (),
          today: dt.date | None = None) -> tuple[tuple[str, Verdict], ...]:
    """(resource id, verdict) of the rule on each resource it applies to; `context` only lends account
    facts (EBS encryption by default)."""
    findings = evaluate([active], resources, today=today or dt.date.today(),
                        facts=account_facts([*resources, *context]))
    return tuple((f.resource.id, f.status) for f in findings if f.rule_id == active.rule.id)


def _known_names() -> str:
    return ", ".join(n if n != ".tf" else "*.tf" for files in FORMS.values() for n in files)


def _case_parameters(rule: Rule, path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    import yaml

    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise OrdinanceError(f"{path}: not readable YAML: {str(exc).splitlines()[0]}") from None
    if not isinstance(doc, Mapping) or set(doc) - {"description", "parameters"}:
        raise OrdinanceError(f"{path}: expected a mapping with only 'description' and 'parameters'")
    params = doc.get("parameters") or {}
    if not isinstance(params, Mapping):
        raise OrdinanceError(f"{path}: 'parameters' must be a mapping")
    extra = sorted(set(params) - set(rule.parameters))
    if extra:
        raise OrdinanceError(f"{path}: {rule.id} has no parameter {extra[0]!r}")
    return dict(params)


def _judge_form(active: ActiveRule, case: Path, form: str, files: list[Path], expected: Verdict,
                today: dt.date) -> FormResult:
    shown = tuple(str(f) for f in files)
    resources: list[Resource] = []
    context: list[Resource] = []
    try:
        for f in files:
            result = _load(form, f)
            resources.extend(result.resources)
            context.extend(result.context)
    except SourceError as exc:
        return FormResult(active.rule.id, case.name, form, shown, expected, (), f"cannot read: {exc.detail}")
    if form == "terraform_hcl":  # every file of the module was read: the context repeats them
        context = []
    return FormResult(active.rule.id, case.name, form, shown, expected, judge(active, resources, context, today))


def _load(form: str, path: Path) -> SourceResult:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"cannot read: {exc.strerror}", str(path)) from None
    if form == "config_item":
        from engine.sources import config_item

        return config_item.load(path, data)
    found = detect(data)
    if found != form:  # a template that is not one would otherwise be judged as nothing at all
        raise SourceError(f"named as {form} but reads as {found or 'neither a template nor a plan'}", str(path))
    return source_module(form).load(path, data)
