from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# Fixed "today": the example organization's exemptions expire at known dates, so outputs are stable.
TODAY = dt.date(2026, 11, 1)


@pytest.fixture()
def in_repo(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Reports name files relative to the working directory, as CI runs from the repo root."""
    monkeypatch.chdir(REPO)
    return REPO


@pytest.fixture()
def examples_report(in_repo: Path, catalog):  # type: ignore[no-untyped-def]
    from engine.lint import lint

    # The CloudFormation and plan JSON examples; the .tf twins of the plans are covered by the parity
    # test (linting both would count every plan finding twice).
    return lint([Path("examples/cloudformation"), *sorted(Path("examples/terraform").glob("*.plan.json"))],
                catalog, today=TODAY)


@pytest.fixture()
def waived_report(in_repo: Path, catalog):  # type: ignore[no-untyped-def]
    from engine.lint import lint

    return lint([Path("tests/cli/fixtures/waived.yaml")], catalog, today=TODAY)
