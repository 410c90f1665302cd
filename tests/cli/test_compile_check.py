"""The committed scp/ and config_rules/ are what the catalog compiles to: `ordinance compile --check` in CI.

A module shipped in the Lambda bundle that changes without a recompile fails here, not in production.
(An exemption that expires also changes the output: recompile and commit, as the message says.)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.cli import main

REPO = Path(__file__).resolve().parents[2]


def test_committed_artifacts_are_current(monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(REPO)
    assert main(["compile", "--check"]) == 0, capsys.readouterr()
    assert capsys.readouterr().out.strip() == "artifacts are up to date"
