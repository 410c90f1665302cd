"""Reports on S3: two runs in a row, the diff read from S3, and latest/ never advanced by a failed run."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import boto3
import pytest
from audit_sample import PROD_A, F, base_findings, finding, make_result
from moto import mock_aws

from engine.reports.audit.s3 import parse_url, write_report_s3

BUCKET = "audit-reports"
T2 = dt.datetime(2026, 11, 23, 4, 49, 1, tzinfo=dt.UTC)


def _get(s3: Any, key: str) -> dict[str, Any]:
    return json.loads(s3.get_object(Bucket=BUCKET, Key=key)["Body"].read())


def _second_run_findings() -> list[Any]:
    # trades-raw is fixed; a new failure appears; the rest stays as it was.
    fs = [f for f in base_findings() if f.resource.id != "trades-raw"]
    return [*fs, finding("s3-bucket-versioning", PROD_A, "eu-west-1", "new-bucket", F)]


def test_parse_url() -> None:
    assert parse_url("s3://b/a/b/") == ("b", "a/b")
    assert parse_url("s3://b") == ("b", "")


@mock_aws
def test_two_runs_latest_points_at_second_and_diff_from_s3() -> None:
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket=BUCKET)
    url1 = write_report_s3(make_result(), f"s3://{BUCKET}/org/", client=s3)
    url2 = write_report_s3(make_result(_second_run_findings(), started=T2), f"s3://{BUCKET}/org", client=s3)
    assert url1 == f"s3://{BUCKET}/org/reports/2026-11-22T04-49-01Z/"
    assert url2 == f"s3://{BUCKET}/org/reports/2026-11-23T04-49-01Z/"
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]}
    for stamp in ("2026-11-22T04-49-01Z", "2026-11-23T04-49-01Z"):
        assert {f"org/reports/{stamp}/report.{x}" for x in ("json", "md", "html")} <= keys
    assert _get(s3, "org/latest/manifest.json")["timestamp"] == "2026-11-23T04-49-01Z"
    head = s3.head_object(Bucket=BUCKET, Key="org/reports/2026-11-23T04-49-01Z/report.html")
    assert head["ContentType"].startswith("text/html")
    assert s3.head_object(Bucket=BUCKET, Key="org/latest/report.json")["ContentType"] == "application/json"
    latest = _get(s3, "org/latest/report.json")
    ch = latest["changes"]
    assert ch["previous"] == "2026-11-22T04-49-01Z"
    assert [i["resource"] for i in ch["new"]] == ["new-bucket"]
    assert [i["resource"] for i in ch["fixed"]] == ["trades-raw"]
    assert len(ch["still_open"]) == 7
    assert _get(s3, "org/reports/2026-11-22T04-49-01Z/report.json")["changes"] is None


@mock_aws
def test_failed_upload_leaves_latest_on_previous_run() -> None:
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket=BUCKET)
    write_report_s3(make_result(), f"s3://{BUCKET}/p", client=s3)

    def fail_html(params: dict[str, Any], **_: Any) -> None:
        if params.get("url_path", "").endswith("report.html"):  # the serialized request
            raise ConnectionError("injected: upload of report.html failed")

    s3.meta.events.register("before-call.s3.PutObject", fail_html)
    with pytest.raises(ConnectionError):
        write_report_s3(make_result(_second_run_findings(), started=T2), f"s3://{BUCKET}/p", client=s3)
    s3.meta.events.unregister("before-call.s3.PutObject", fail_html)
    assert _get(s3, "p/latest/manifest.json")["timestamp"] == "2026-11-22T04-49-01Z"
    assert _get(s3, "p/latest/report.json")["run"]["started"].startswith("2026-11-22")
    # A rerun after the failure succeeds and diffs against the last complete run, not the broken one.
    write_report_s3(make_result(_second_run_findings(), started=T2), f"s3://{BUCKET}/p", client=s3)
    manifest = _get(s3, "p/latest/manifest.json")
    assert manifest["timestamp"].startswith("2026-11-23T04-49-01Z")
    assert _get(s3, f"p/{manifest['report']}")["changes"]["previous"] == "2026-11-22T04-49-01Z"


@mock_aws
def test_trend_reads_earlier_complete_runs_from_s3() -> None:
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket=BUCKET)
    days = [dt.datetime(2026, 11, d, 4, 49, 1, tzinfo=dt.UTC) for d in (20, 21, 22)]
    write_report_s3(make_result(started=days[0]), f"s3://{BUCKET}/t", client=s3)
    write_report_s3(make_result(_second_run_findings(), started=days[1]), f"s3://{BUCKET}/t", client=s3)
    # A half-uploaded run (report.json only) is not a run of the trend.
    s3.put_object(Bucket=BUCKET, Key="t/reports/2026-11-21T12-00-00Z/report.json", Body=b"{}")
    write_report_s3(make_result(started=days[2]), f"s3://{BUCKET}/t", client=s3)
    hist = _get(s3, "t/latest/report.json")["history"]
    assert hist["runs"] == ["2026-11-20T04-49-01Z", "2026-11-21T04-49-01Z", "2026-11-22T04-49-01Z"]
    assert hist["open_by_rule"]["s3-bucket-versioning"] == [2, 2, 2]


@mock_aws
def test_owner_summaries_under_an_s3_prefix() -> None:
    from engine.audit.exports import write_owners

    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket=BUCKET)
    url = write_report_s3(make_result(), f"s3://{BUCKET}/o", client=s3)
    doc = _get(s3, url.removeprefix(f"s3://{BUCKET}/") + "report.json")
    assert write_owners(doc, f"s3://{BUCKET}/o/owners") == 3
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET, Prefix="o/owners/")["Contents"])
    assert keys == ["o/owners/clearing.md", "o/owners/dev-experience.md", "o/owners/trading.md"]
    body = s3.get_object(Bucket=BUCKET, Key="o/owners/trading.md")["Body"].read().decode()
    assert body.startswith("# ordinance audit: trading\n")
