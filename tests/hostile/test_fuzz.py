"""Fuzzing of each parser with a fixed seed and input count (slow), and the CLI's contract on
rejected input.

The count, not a time limit, bounds the run, so every machine tries the same inputs. The long run
is `python bench/fuzz.py --minutes N`.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from bench import fuzz
from tests.hostile.conftest import assert_clean_rejection, run_cli

# Inputs per target, about 40 s in all on a 2-core machine. A YAML input costs ten times a JSON
# one (the YAML loader and the short-form tags), so the JSON formats get ten times the inputs.
INPUTS_PER_TARGET = {"cfn-yaml": 3_000, "cfn-json": 30_000, "tfplan": 30_000}


@pytest.mark.slow
@pytest.mark.parametrize("target", fuzz.TARGETS)
def test_no_traceback_escapes_a_parser(target: str) -> None:
    n = INPUTS_PER_TARGET[target]
    stats = fuzz.fuzz(inputs_per_target=n, seed=7, targets=(target,), save=False)
    assert stats.inputs == {target: n}
    assert stats.crashes == {}, "\n".join(stats.crashes.values())


@pytest.mark.slow
def test_rejections_are_exit_2_with_one_line(tmp_path: Path) -> None:
    """A sample of mutated inputs through the real CLI: 0/1 when read, else exit 2 and one line."""
    rng = random.Random(11)
    rejected = 0
    for target in fuzz.TARGETS:
        pool = fuzz.seeds(target)
        for i in range(8):
            path = tmp_path / f"{target}-{i}.{'yaml' if target == 'cfn-yaml' else 'json'}"
            path.write_bytes(fuzz.mutate(rng, rng.choice(pool), pool))
            result = run_cli("lint", str(path), "--format", "json")
            assert "Traceback" not in result["stderr"], result["stderr"]
            if result["rc"] == 2:
                rejected += 1
                assert_clean_rejection(result)
            else:
                assert result["rc"] in (0, 1), result
    assert rejected > 0
