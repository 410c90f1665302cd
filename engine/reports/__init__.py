"""Renderers over findings. They present; they never decide a verdict.

A renderer is `render(report: LintReport, gate: Gate, include_passing: bool) -> str`. The registry maps
a format name to a dotted path so only the chosen renderer (and its imports, e.g. rich) is loaded.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.gate import Gate
    from engine.lint import LintReport

RENDERERS: dict[str, str] = {
    "console": "engine.reports.console:render",
    "json": "engine.reports.json_report:render",
    "sarif": "engine.reports.sarif:render",
    "junit": "engine.reports.junit:render",
    "markdown": "engine.reports.markdown:render",
    "github": "engine.reports.github:render",
}


def renderer(fmt: str) -> Callable[[LintReport, Gate, bool], str]:
    module, _, name = RENDERERS[fmt].partition(":")
    fn: Callable[[LintReport, Gate, bool], str] = getattr(importlib.import_module(module), name)
    return fn
