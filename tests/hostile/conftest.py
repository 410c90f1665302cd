"""Hostile and broken input: property-based tests, fuzzing, resource exhaustion.

Hypothesis settings are bounded for CI (see `settings` in each module); `python bench/fuzz.py
--minutes N` is the long run.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]

# Runs the CLI in a child and reports its exit code, stderr and peak RSS.
_PEAK = r"""
import json, resource, subprocess, sys
p = subprocess.run(json.loads(sys.argv[1]), capture_output=True, text=True)
print(json.dumps({"rc": p.returncode, "stderr": p.stderr, "stdout_len": len(p.stdout),
                  "rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def run_cli(*args: str, cwd: Path | None = None) -> dict[str, Any]:
    argv = [sys.executable, "-m", "engine", "--catalog", str(REPO), *args]
    done = subprocess.run([sys.executable, "-c", _PEAK, json.dumps(argv)], capture_output=True, text=True,
                          check=True, cwd=cwd or REPO, timeout=600)
    out: dict[str, Any] = json.loads(done.stdout)
    return out


def assert_clean_rejection(result: dict[str, Any]) -> None:
    """Exit 2 with one `ordinance: error:` line per problem, and no traceback."""
    assert result["rc"] == 2, result
    assert "Traceback" not in result["stderr"], result["stderr"]
    lines = [line for line in result["stderr"].splitlines() if line.strip()]
    assert lines and all(line.startswith("ordinance: error: ") for line in lines), result["stderr"]


__all__ = ["REPO", "assert_clean_rejection", "resource", "run_cli"]
