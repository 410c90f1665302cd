"""Shared fixtures: the shipped catalog compiled once, stubbed AWS clients."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import botocore.session
import pytest
from botocore.stub import Stubber
from config_rules_helpers import REPO_ROOT

from engine import lambda_handler
from engine.catalog.loader import load_catalog
from engine.catalog.model import Catalog
from engine.compilers.config_rules import COMPILED_CATALOG, compile


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog(REPO_ROOT)


@pytest.fixture(scope="session")
def compiled(catalog: Catalog) -> dict[str, bytes]:
    return compile(catalog)


@pytest.fixture(scope="session")
def compiled_catalog(compiled: dict[str, bytes]) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(compiled[f"src/{COMPILED_CATALOG}"])
    return data


class Stubs:
    """Stubbed botocore clients per service; the Stubber validates every request against the API model."""

    def __init__(self) -> None:
        session = botocore.session.get_session()
        self.clients: dict[str, Any] = {}
        self.stubbers: dict[str, Stubber] = {}
        for service in ("config", "ec2", "sts"):
            client = session.create_client(service, region_name="eu-west-1", aws_access_key_id="testing",
                                           aws_secret_access_key="testing")
            self.clients[service] = client
            self.stubbers[service] = Stubber(client)
            self.stubbers[service].activate()

    def __getitem__(self, service: str) -> Stubber:
        return self.stubbers[service]

    def assert_done(self) -> None:
        for stub in self.stubbers.values():
            stub.assert_no_pending_responses()


@pytest.fixture
def stubs(compiled_catalog: dict[str, Any]) -> Iterator[Stubs]:
    s = Stubs()
    sleeps: list[float] = []
    lambda_handler.use_catalog(compiled_catalog)
    lambda_handler.client_factory = lambda service: s.clients[service]
    lambda_handler.sleep = sleeps.append
    s.sleeps = sleeps  # type: ignore[attr-defined]
    yield s
    lambda_handler.client_factory = None
    lambda_handler.sleep = time.sleep
    lambda_handler.use_catalog(None)
