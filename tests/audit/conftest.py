"""Fixtures for the audit tests: a moto server per test module (its own free port), dummy credentials."""

from __future__ import annotations

import logging
import os
import urllib.request
from collections.abc import Iterator

import pytest

# Before moto is imported: skip loading ~1,300 default AMIs (seconds per backend, and snapshots noise).
os.environ["MOTO_EC2_LOAD_DEFAULT_AMIS"] = "false"

FAKE_ENV = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1"}


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    """A ThreadedMotoServer on 127.0.0.1 and a port of its own; AWS_ENDPOINT_URL points at it."""
    pytest.importorskip("flask", reason="moto server mode needs moto[server]")
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    # In-process servers share moto's backends: start every module from an empty AWS.
    urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")).close()
    with pytest.MonkeyPatch.context() as mp:
        for k, v in FAKE_ENV.items():
            mp.setenv(k, v)
        for k in ("AWS_SESSION_TOKEN", "AWS_PROFILE"):
            mp.delenv(k, raising=False)
        mp.setenv("AWS_ENDPOINT_URL", endpoint)
        yield endpoint
    server.stop()
