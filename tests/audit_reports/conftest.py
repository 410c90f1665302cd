"""Fixtures for the audit report tests; the sample organization lives in audit_sample.py."""

from __future__ import annotations

import pytest
from audit_sample import make_result

from engine.audit_model import AuditResult


@pytest.fixture
def result() -> AuditResult:
    return make_result()
