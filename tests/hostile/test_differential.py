"""Differential test against checkov on the shared corpus (slow; needs PyPI to build checkov's venv).

Every disagreement bench/differential.py finds must be triaged in docs/checkov-comparison.md.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import checkov_peer, differential

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_every_disagreement_with_checkov_is_triaged() -> None:
    if not differential.CORPUS.is_dir():
        pytest.skip("shared corpus not present")
    exe, why = checkov_peer.ensure()
    if exe is None:
        pytest.skip(f"checkov venv unavailable (no network?): {why}")
    doc = (REPO / "docs" / "checkov-comparison.md").read_text()
    untriaged: list[str] = []
    for folder in differential.FRAMEWORKS:
        found, stats = differential.compare(folder, exe)
        assert stats.get("compared", 0) > 0, f"nothing compared in {folder}: {stats}"
        untriaged += [f"{d.key} ({d.rule}: ordinance {d.ordinance}, checkov {d.checkov})"
                      for d in found if f"`{d.key}`" not in doc]
    assert untriaged == [], "new disagreements; triage them in docs/checkov-comparison.md"
