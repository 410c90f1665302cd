from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from engine.catalog.loader import load_catalog
from engine.catalog.model import Catalog
from engine.compilers import scp

REPO = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 11, 22)


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog(REPO)


@pytest.fixture(scope="session")
def compiled(catalog: Catalog) -> dict[str, bytes]:
    return scp.compile(catalog, TODAY)
