"""report.json: golden, schema, determinism, the linter's finding shape, and fail-closed accounting.

Regenerate the golden after an intended change with:
    ORDINANCE_REGEN_GOLDEN=1 pytest tests/audit_reports/test_json.py
and review the diff of tests/audit_reports/golden/report.json before committing it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
from pathlib import Path

import pytest
from audit_sample import (
    DARK,
    DEV,
    PROD_A,
    PROD_B,
    STAGING,
    E,
    F,
    P,
    U,
    W,
    base_findings,
    finding,
    make_result,
    mini_catalog,
)
from jsonschema import Draft202012Validator

from engine.audit_model import AuditResult, NotAssessed
from engine.catalog.loader import schema
from engine.reports.audit import json_doc, write_report
from engine.reports.audit.view import build_view

GOLDEN = Path(__file__).parent / "golden" / "report.json"
PREV_STARTED = dt.datetime(2026, 11, 21, 4, 0, 0, tzinfo=dt.UTC)


def golden_runs(tmp_path: Path) -> Path:
    """Two runs a day apart: the second is the golden (it carries a changes section)."""
    before = [
        finding("s3-bucket-versioning", PROD_A, "eu-west-1", "trades-archive", F),
        finding("s3-bucket-versioning", PROD_A, "eu-west-1", "trades-raw", F),
        finding("no-burstable-instances", DEV, "eu-west-1", "i-0dev1", F),
        finding("ebs-encryption", DARK, "eu-west-1", "vol-dark", F),
    ]
    now = [
        finding("s3-bucket-versioning", PROD_A, "eu-west-1", "trades-archive", F),
        finding("s3-bucket-versioning", PROD_A, "eu-west-1", "trades-raw", P),
        finding("s3-bucket-versioning", PROD_A, "eu-west-1", "build-cache-1", W, "exemption PLAT-412"),
        finding("sso-only-access", PROD_B, "", "ci-deployer", F),
        finding("no-burstable-instances", DEV, "eu-west-1", "i-0dev1", F),
        finding("ebs-encryption", STAGING, "eu-west-1", "vol-0c1", E, "rule raised KeyError: 'Encrypted'"),
        finding("ebs-encryption", PROD_B, "eu-west-1", "vol-0b2", U, "kms key policy not readable"),
    ]
    write_report(make_result(before, started=PREV_STARTED, not_assessed=[]), tmp_path, catalog=mini_catalog())
    return write_report(make_result(now), tmp_path, catalog=mini_catalog())


def test_golden(tmp_path: Path) -> None:
    produced = (golden_runs(tmp_path) / "report.json").read_text()
    if os.environ.get("ORDINANCE_REGEN_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(produced)
    assert produced == GOLDEN.read_text()


def test_golden_changes_are_exact() -> None:
    changes = json.loads(GOLDEN.read_text())["changes"]
    ids = {k: [(i["rule_id"], i["resource"]) for i in changes[k]] for k in ("new", "fixed", "still_open", "unverified")}
    assert ids == {
        "new": [("sso-only-access", "ci-deployer")],
        "fixed": [("s3-bucket-versioning", "trades-raw")],
        "still_open": [("s3-bucket-versioning", "trades-archive"), ("no-burstable-instances", "i-0dev1")],
        # Failing last time, and its account could not be read this time: not "fixed".
        "unverified": [("ebs-encryption", "vol-dark")],
    }
    assert changes["previous"] == "2026-11-21T04-00-00Z"


def test_schema_validates_full_sample(result: AuditResult) -> None:
    doc = json_doc.document(build_view(result, mini_catalog()))
    Draft202012Validator.check_schema(schema(json_doc.SCHEMA))
    json_doc.validate(doc)
    json_doc.validate(json.loads(GOLDEN.read_text()))


def test_schema_rejects_a_broken_document(result: AuditResult) -> None:
    doc = json_doc.document(build_view(result))
    doc["summary"]["by_status"]["fail"] = -1
    with pytest.raises(Exception, match="-1"):
        json_doc.validate(doc)


def test_deterministic_whatever_the_input_order() -> None:
    fs = base_findings()
    a = json_doc.render(build_view(make_result(list(fs))))
    random.Random(7).shuffle(fs)
    shuffled = make_result(fs)
    shuffled.accounts.reverse()
    shuffled.not_assessed.reverse()
    assert json_doc.render(build_view(shuffled)) == a


def test_finding_keeps_the_linter_shape_plus_account_region_ou(result: AuditResult) -> None:
    doc = json_doc.document(build_view(result))
    lint_finding = dict(schema("lint-report.schema.json")["$defs"]["finding"])
    lint_validator = Draft202012Validator({**lint_finding, "$defs": schema("lint-report.schema.json")["$defs"]})
    for f in doc["findings"]:
        extra = {k: f.pop(k) for k in ("account", "account_name", "region", "ou")}
        lint_validator.validate(f)
        assert extra["account"] == f["location"]["account"]
    first = next(f for f in json_doc.document(build_view(result))["findings"] if f["account"] == PROD_A)
    assert (first["account_name"], first["ou"]) == ("trading-prod", "Workloads/Prod")


def test_not_applicable_is_counted_but_not_listed(result: AuditResult) -> None:
    doc = json_doc.document(build_view(result))
    assert doc["summary"]["by_status"]["not_applicable"] == 1
    assert all(f["status"] != "not_applicable" for f in doc["findings"])


def test_fail_closed_account_status(result: AuditResult) -> None:
    doc = json_doc.document(build_view(result))
    status = {a["id"]: a["status"] for a in doc["accounts"]}
    assert status == {
        "240000000005": "compliant",  # isolated: one pass
        DEV: "non_compliant", PROD_B: "non_compliant", PROD_A: "non_compliant",
        DARK: "not_assessed",  # AssumeRole denied: never compliant
        STAGING: "incomplete",  # one region unread and an error finding
    }
    s = doc["summary"]
    assert (s["accounts"], s["accounts_assessed"], s["accounts_not_assessed"], s["accounts_compliant"]) == (6, 5, 1, 1)
    assert doc["run"]["complete"] is False
    assert [(n["account"], n["region"]) for n in doc["not_assessed"]] == [(DARK, None), (STAGING, "eu-central-1")]


def test_nothing_assessed_is_not_compliance() -> None:
    r = make_result([], not_assessed=[NotAssessed(a, None, "AccessDenied") for a in (PROD_A, PROD_B)])
    r.accounts = [a for a in r.accounts if a.id in (PROD_A, PROD_B)]
    doc = json_doc.document(build_view(r))
    assert doc["summary"]["compliance_percent"] is None
    assert doc["summary"]["accounts_compliant"] == 0


def test_region_gap_alone_makes_an_account_incomplete() -> None:
    r = make_result([finding("s3-bucket-versioning", PROD_A, "eu-west-1", "b", P)],
                    not_assessed=[NotAssessed(PROD_A, "eu-central-1", "opt-in region disabled")])
    acct = next(a for a in json_doc.document(build_view(r))["accounts"] if a["id"] == PROD_A)
    assert (acct["status"], acct["assessed"], acct["reason"]) == (
        "incomplete", True, "eu-central-1: opt-in region disabled")


def test_exemption_counts(result: AuditResult) -> None:
    ex = json_doc.document(build_view(result))["exemptions"]
    assert [(e["rule"], e["findings"]) for e in ex["in_force"]] == [("s3-bucket-versioning", 1)]
    # The expired dev exemption would have covered the three failing t3 instances.
    assert [(e["rule"], e["expires"], e["findings"]) for e in ex["expired"]] == [
        ("no-burstable-instances", "2026-03-31", 3)]


def test_catalog_titles_and_remediation(result: AuditResult, catalog) -> None:  # type: ignore[no-untyped-def]
    rules = {r["id"]: r for r in json_doc.document(build_view(result, catalog))["rules"]}
    assert rules["ebs-encryption"]["title"] == catalog.rules["ebs-encryption"].title
    assert rules["ebs-encryption"]["remediation"] == catalog.rules["ebs-encryption"].remediation
    bare = {r["id"]: r for r in json_doc.document(build_view(result))["rules"]}
    assert (bare["ebs-encryption"]["title"], bare["ebs-encryption"]["remediation"]) == ("ebs-encryption", None)
