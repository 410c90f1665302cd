"""How an `ordinance test` run is shown: a console table, or JSON (schemas/rule-tests.schema.json)."""

from __future__ import annotations

import json
from typing import Any, TextIO

from engine.rule_tests import TestRun

FORM_LABELS = {"cloudformation": "CloudFormation", "terraform_plan": "plan JSON", "terraform_hcl": ".tf",
               "config_item": "Config item"}
COLUMN_LABELS = {"cloudformation": "CFN", "terraform_plan": "plan", "terraform_hcl": ".tf", "config_item": "Config"}


def to_json(run: TestRun) -> dict[str, Any]:
    return {
        "fixtures": str(run.root),
        "summary": {"forms": len(run.results), "passed": run.passed,
                    "failed": len(run.failed), "errors": len(run.errors), "untested_rules": len(run.untested)},
        "results": [
            {"rule": r.rule_id, "case": r.case, "form": r.form, "files": list(r.files),
             "expected": str(r.expected), "ok": r.ok,
             "verdicts": [{"resource": rid, "verdict": str(v)} for rid, v in r.verdicts],
             **({"detail": r.detail} if not r.ok else {})}
            for r in run.results
        ],
        "errors": list(run.errors),
        "untested_rules": list(run.untested),
        "scp_only_rules": list(run.scp_only),
    }


def write_json(run: TestRun, out: TextIO) -> None:
    out.write(json.dumps(to_json(run), indent=2, sort_keys=False) + "\n")


def write_console(run: TestRun, out: TextIO) -> None:
    """One row per case (its forms side by side); failures spelled out below the table."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    # Case names are long: off a terminal (CI logs) the table is not cut at 80 columns.
    console = Console(file=out, highlight=False, width=None if out.isatty() else 140)
    forms = [f for f in FORM_LABELS if any(r.form == f for r in run.results)]
    table = Table(title=f"rule fixtures in {run.root}", title_justify="left")
    table.add_column("rule", no_wrap=True)
    table.add_column("case", no_wrap=True)
    table.add_column("expected")
    for f in forms:
        table.add_column(COLUMN_LABELS[f], justify="center")
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for r in run.results:
        row = rows.setdefault((r.rule_id, r.case), {"expected": str(r.expected)})
        row[r.form] = r
    for (rule_id, case), row in rows.items():
        cells = [("[green]ok[/]" if row[f].ok else "[bold red]FAIL[/]") if f in row else "[dim]-[/]"
                 for f in forms]
        table.add_row(escape(rule_id), escape(case), row["expected"], *cells)
    console.print(table)
    for r in run.failed:
        console.print(f"[bold red]FAIL[/] {escape(r.rule_id)} / {escape(r.case)} / {FORM_LABELS[r.form]}: "
                      f"{escape(r.detail)}")
        console.print(f"     {', '.join(r.files)}", markup=False)
    for e in run.errors:
        console.print(f"[bold red]error[/] {escape(e)}")
    if run.untested:
        console.print(f"[yellow]no fixtures[/] for {len(run.untested)} rule(s): {escape(', '.join(run.untested))}")
    console.print(f"{run.passed} of {len(run.results)} form(s) gave the expected verdict; "
                  f"{len(run.failed)} failed, {len(run.errors)} fixture error(s)")
