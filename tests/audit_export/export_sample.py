"""report.json documents of two consecutive runs of the sample organization (the second fixes trades-raw)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from audit_sample import PROD_A, F, base_findings, finding, make_result, mini_catalog

from engine.reports.audit import json_doc
from engine.reports.audit.view import build_view

T2 = dt.datetime(2026, 11, 23, 4, 49, 1, tzinfo=dt.UTC)


def second_run_findings() -> list[Any]:
    fs = [f for f in base_findings() if f.resource.id != "trades-raw"]
    return [*fs, finding("s3-bucket-versioning", PROD_A, "eu-west-1", "new-bucket", F)]


def docs() -> tuple[dict[str, Any], dict[str, Any]]:
    catalog = mini_catalog()
    first = json_doc.document(build_view(make_result(), catalog))
    second = json_doc.document(build_view(make_result(second_run_findings(), started=T2), catalog,
                                          ("2026-11-22T04-49-01Z", first)))
    return first, second
