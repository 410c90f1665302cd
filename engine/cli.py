"""`ordinance` command line: parse arguments, call the library, pick the exit code in one place.

Exit codes: 0 clean; 1 blocking findings (or drift for compile --check); 2 usage, parse or catalog
error; 3 an audit that could not assess everything.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from engine import __version__
from engine.errors import OrdinanceError

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR, EXIT_INCOMPLETE = 0, 1, 2, 3

# Kept literal (not imported from engine.reports) so `--help` and parsing import no renderer.
FORMATS = ["console", "json", "sarif", "junit", "markdown", "github"]

# compile target -> (dotted compile function, output directory under the catalog root)
COMPILERS: dict[str, tuple[str, str]] = {
    "scp": ("engine.compilers.scp:compile", "scp"),
    "config_rules": ("engine.compilers.config_rules:compile", "config_rules"),
}


class UsageError(Exception):
    """A combination of arguments argparse cannot check on its own: exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"ordinance: error: {message}\n")
        raise SystemExit(EXIT_ERROR)


def _build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="ordinance", description="One rule catalog, every enforcement point.")
    p.add_argument("--version", action="version", version=f"ordinance {__version__}")
    p.add_argument("--catalog", type=Path, default=None,
                   help="directory holding policies.yaml (and policies/); default: $ORDINANCE_CATALOG, else "
                        "the nearest above the working directory, else the built-in rules")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    lint = sub.add_parser("lint", help="lint CloudFormation templates, Terraform plan JSON and .tf files")
    lint.add_argument("paths", nargs="+", type=Path, help="files or directories (walked recursively)")
    lint.add_argument("--format", choices=FORMATS, action="append", metavar="FORMAT",
                      help=f"report format ({', '.join(FORMATS)}); repeatable, default console")
    lint.add_argument("--output", type=Path, action="append", metavar="FILE",
                      help="write the report of the --format in the same position here (atomically); "
                           "repeatable; a format without an --output goes to stdout (at most one)")
    lint.add_argument("--changed-only", action="store_true",
                      help="plans: judge only resources the plan creates, updates or replaces")
    lint.add_argument("--baseline", type=Path, metavar="FILE",
                      help="only findings not recorded in this baseline block; report fixed ones")
    lint.add_argument("--write-baseline", type=Path, metavar="FILE",
                      help="record today's open findings (fail, unknown) in this baseline file")
    lint.add_argument("--target", help="evaluate what applies to this target of policies.yaml")
    lint.add_argument("--severity-threshold", choices=["low", "medium", "high", "critical"], default="low",
                      help="findings below this severity are shown but do not fail the run")
    lint.add_argument("--unknown", choices=["fail", "warn", "ignore"], default="warn",
                      help="how undecidable findings count (default: warn; never as pass)")
    lint.add_argument("--soft-fail", action="store_true", help="always exit 0 unless input could not be read")
    lint.add_argument("--all", action="store_true", help="include passing and not-applicable results")

    sub.add_parser("rules", help="list the catalog: id, severity, mode, kinds")

    explain = sub.add_parser("explain", help="show one rule everywhere it is enforced: lint, SCP, Config")
    explain.add_argument("rule_id", metavar="RULE_ID")

    test = sub.add_parser("test", help="judge each rule's fixtures (tests/policies/<rule>/<case>/) in every form")
    test.add_argument("rule_ids", nargs="*", metavar="RULE_ID", help="only these rules (default: all)")
    test.add_argument("--fixtures", type=Path, default=None,
                      help="fixtures directory (default: <catalog>/tests/policies)")
    test.add_argument("--format", choices=["console", "json"], default="console", help="report format")
    test.add_argument("--require-fixtures", action="store_true",
                      help="fail when a rule has no fixtures (a new rule must come with its cases)")

    comp = sub.add_parser("compile", help="compile the catalog into scp/ and config_rules/")
    comp.add_argument("--check", action="store_true", help="exit 1 if the committed artifacts differ")
    comp.add_argument("--only", choices=sorted(COMPILERS), action="append", help="compile only this target")

    from engine.audit.cli import add_parser as add_audit_parser

    add_audit_parser(sub)
    return p


def _catalog(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from engine.catalog.loader import load_catalog

    # The container image bakes the organization's catalog in and points ORDINANCE_CATALOG at it.
    env = os.environ.get("ORDINANCE_CATALOG")
    return load_catalog(args.catalog or (Path(env) if env else None))


def _outputs(args: argparse.Namespace) -> list[tuple[str, Path | None]]:
    """Pair --format and --output by position; at most one format may go to stdout."""
    formats: list[str] = args.format or ["console"]
    outputs: list[Path] = args.output or []
    if len(outputs) > len(formats):
        raise UsageError(f"{len(outputs)} --output for {len(formats)} --format: give one --format per --output")
    pairs: list[tuple[str, Path | None]] = [(f, outputs[i] if i < len(outputs) else None)
                                            for i, f in enumerate(formats)]
    if sum(1 for _, out in pairs if out is None) > 1:
        raise UsageError("only one --format can go to stdout; give an --output for the others "
                         "(--format F --output FILE, paired by position)")
    files = [out.resolve() for _, out in pairs if out is not None]
    if len(set(files)) != len(files):
        raise UsageError("two formats write to the same --output file")
    return pairs


def _cmd_lint(args: argparse.Namespace) -> int:
    from engine.gate import Gate
    from engine.lint import lint
    from engine.reports import renderer

    pairs = _outputs(args)
    catalog = _catalog(args)
    report = lint(args.paths, catalog, target=args.target, changed_only=args.changed_only)
    gate = Gate(args.severity_threshold, args.unknown, args.soft_fail)
    if args.baseline is not None:
        from engine import baseline

        recorded = baseline.load(args.baseline)
        report.baseline = baseline.compare(report.findings, recorded, report.files)
        gate = Gate(args.severity_threshold, args.unknown, args.soft_fail, baseline=frozenset(recorded))
    for fmt, out in pairs:
        if fmt == "console" and out is None:
            from engine.reports.console import render as render_console

            text = render_console(report, gate, args.all, width=None, color=sys.stdout.isatty())
        else:
            text = renderer(fmt)(report, gate, args.all)
        if out is not None:
            from engine.artifacts import write_atomic

            write_atomic(out, text.encode("utf-8"))
        else:
            sys.stdout.write(text)
    if args.write_baseline is not None:
        from engine import baseline

        n = baseline.write(args.write_baseline, report.findings)
        sys.stderr.write(f"ordinance: baseline of {n} finding(s) written to {args.write_baseline}\n")
    for e in report.errors:
        sys.stderr.write(f"ordinance: error: {e.file}: {e.message}\n")
    if report.errors:
        return EXIT_ERROR
    if report.files_scanned == 0 and report.files_skipped:
        # pre-commit passes every changed .yaml/.json: files that are no IaC are fine, not an error.
        sys.stderr.write(f"ordinance: no CloudFormation template or Terraform plan among "
                         f"{report.files_skipped} file(s); nothing to lint\n")
    if args.soft_fail or args.write_baseline is not None:
        return EXIT_OK
    return EXIT_FINDINGS if any(gate.blocks(f) for f in report.findings) else EXIT_OK


def _cmd_explain(args: argparse.Namespace) -> int:
    from engine.explain import explain

    sys.stdout.write(explain(args.rule_id, _catalog(args)))
    return EXIT_OK


def _cmd_rules(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    catalog = _catalog(args)
    active = {a.rule.id: a for a in catalog.active()}
    table = Table(title="ordinance rule catalog")
    for col in ("id", "severity", "mode", "coverage", "kinds", "title"):
        table.add_column(col, overflow="fold")
    for rule_id, rule in sorted(catalog.rules.items()):
        a = active.get(rule_id)
        coverage = str((rule.prevent or {}).get("coverage", "none"))
        table.add_row(rule_id, a.severity if a else rule.severity, a.mode if a else "disabled", coverage,
                      ", ".join(rule.applies_to), rule.title)
    Console(width=200 if not sys.stdout.isatty() else None).print(table)
    return EXIT_OK


def _cmd_compile(args: argparse.Namespace) -> int:
    from engine.artifacts import diff_tree, write_tree

    catalog = _catalog(args)
    root = Path(catalog.root) if catalog.root else Path.cwd()
    drift: list[str] = []
    for name in args.only or sorted(COMPILERS):
        dotted, out = COMPILERS[name]
        module, _, fn = dotted.partition(":")
        try:
            compile_fn = getattr(importlib.import_module(module), fn)
        except ModuleNotFoundError as exc:
            raise OrdinanceError(f"compiler {name} is not available: {exc}") from exc
        files = compile_fn(catalog)
        if args.check:
            drift += diff_tree(root / out, files)
        else:
            changed = write_tree(root / out, files)
            print(f"{name}: {len(files)} file(s) in {root / out}" + (f", {len(changed)} changed" if changed else ""))
    if args.check:
        for line in drift:
            print(f"drift: {line}")
        if drift:
            print("the committed artifacts differ from the catalog: run `ordinance compile` and commit")
            return EXIT_FINDINGS
        print("artifacts are up to date")
    return EXIT_OK


def _cmd_test(args: argparse.Namespace) -> int:
    """Exit 0 when every form of every case gives its verdict; 1 when one does not (or, with
    --require-fixtures, a rule has none); 2 when a fixture cannot be read or used at all."""
    from engine.reports.rule_tests import write_console, write_json
    from engine.rule_tests import run_tests

    run = run_tests(_catalog(args), args.rule_ids, fixtures=args.fixtures)
    (write_json if args.format == "json" else write_console)(run, sys.stdout)
    if run.errors or any(r.error for r in run.results):
        return EXIT_ERROR
    if run.failed or (args.require_fixtures and run.untested):
        return EXIT_FINDINGS
    return EXIT_OK


def _cmd_audit(args: argparse.Namespace) -> int:
    from engine.audit.cli import run

    return run(args, _catalog(args))


_COMMANDS = {"lint": _cmd_lint, "rules": _cmd_rules, "compile": _cmd_compile, "explain": _cmd_explain,
             "test": _cmd_test, "audit": _cmd_audit}


def main(argv: Sequence[str] | None = None) -> int:
    args = _build_parser().parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except UsageError as exc:
        sys.stderr.write(f"ordinance: error: {exc}\n")
        return EXIT_ERROR
    except OrdinanceError as exc:
        sys.stderr.write(f"ordinance: error: {exc}\n")
        return EXIT_ERROR
    except KeyboardInterrupt:
        sys.stderr.write("ordinance: interrupted\n")
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
