"""`ordinance audit` with --output s3:// and --export, the collector replaced by the sample result."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from audit_sample import make_result
from export_sample import T2, second_run_findings
from moto import mock_aws

from engine.cli import main


@pytest.fixture
def results(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Each audit run returns the next queued result."""
    queue = [make_result(), make_result(second_run_findings(), started=T2)]
    monkeypatch.setattr("engine.audit.run.run_audit", lambda *a, **k: queue.pop(0))
    return queue


def test_local_output_with_asff_and_ocsf(results: list[Any], tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    asff, ocsf = tmp_path / "f.asff.json", tmp_path / "f.ocsf.jsonl"
    argv = ["audit", "--output", str(tmp_path / "reports"), "--export", "asff", str(asff),
            "--export", "ocsf", str(ocsf)]
    assert main(argv) == 3  # the sample has a dark account: incomplete
    assert main(argv) == 3
    out = capsys.readouterr().out
    assert "asff: 11 finding(s)" in out and "asff: 12 finding(s)" in out  # + new-bucket, + fixed trades-raw
    statuses = {f["Resources"][0]["Id"]: f["Workflow"]["Status"] for f in json.loads(asff.read_text())["Findings"]
                if f["GeneratorId"] == "ordinance/s3-bucket-versioning"}
    assert statuses["arn:aws:s3:::trades-raw"] == "RESOLVED" and statuses["arn:aws:s3:::new-bucket"] == "NEW"
    assert len(ocsf.read_text().splitlines()) == 12


def test_bad_export_fails_before_the_audit(results: list[Any]) -> None:
    assert main(["audit", "--export", "pdf", "x.pdf"]) != 0
    assert len(results) == 2  # the audit never ran


@mock_aws
def test_s3_output_and_securityhub_import(results: list[Any], capsys: pytest.CaptureFixture[str]) -> None:
    boto3.client("s3").create_bucket(Bucket="reports")
    hub = boto3.client("securityhub")
    hub.enable_security_hub()
    for _ in range(2):
        main(["audit", "--output", "s3://reports/org", "--export", "securityhub"])
    out = capsys.readouterr().out
    assert "report: s3://reports/org/reports/2026-11-23T04-49-01Z/report.html" in out
    got = hub.get_findings(MaxResults=100)["Findings"]
    assert len(got) == 12
    assert all(f["ProductArn"].endswith(":product/123456789012/default") for f in got)


@mock_aws
def test_owner_summaries_and_sns_from_the_cli(results: list[Any], tmp_path: Path) -> None:
    sns, sqs = boto3.client("sns"), boto3.client("sqs")
    topic = sns.create_topic(Name="audit")["TopicArn"]
    queue = sqs.create_queue(QueueName="inbox")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
    main(["audit", "--output", str(tmp_path / "r"), "--owner-summaries", str(tmp_path / "owners"),
          "--notify", f"sns:{topic}"])
    assert sorted(p.name for p in (tmp_path / "owners").iterdir()) == \
        ["clearing.md", "dev-experience.md", "trading.md"]
    body = json.loads(json.loads(sqs.receive_message(QueueUrl=queue)["Messages"][0]["Body"])["Message"])
    assert body["report"].endswith("/2026-11-22T04-49-01Z/report.html")


@mock_aws
def test_failed_upload_is_one_line_and_exit_2(results: list[Any], capsys: pytest.CaptureFixture[str]) -> None:
    """No bucket: the audit ran, but an unpublished report is an error (2), never findings (1) or clean (0)."""
    assert main(["audit", "--output", "s3://no-such-bucket/org"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ordinance: error: after the audit: NoSuchBucket: ") and err.count("\n") == 1
    assert "Traceback" not in err

