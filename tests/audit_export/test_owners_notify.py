"""Owner summaries, and notifications that carry counts only: SNS (read back through SQS) and a local webhook."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import boto3
import pytest
from audit_sample import DARK, DEV
from export_sample import docs
from moto import mock_aws

from engine.errors import OrdinanceError
from engine.reports.audit.notify import check_target, message, notify
from engine.reports.audit.owners import owner_of, slug, write_owner_summaries

LOCATION = "s3://reports/org/reports/2026-11-23T04-49-01Z/report.html"
RESOURCE_IDS = ("trades-archive", "trades-raw", "vol-0b1", "ci-deployer", "i-0dev1", "new-bucket", "build-cache")


def test_owner_fallbacks_and_slugs() -> None:
    assert owner_of({"owner": "a", "domain": "b"}) == "a"
    assert owner_of({"owner": None, "domain": "b"}) == "b"
    assert owner_of({"tags": {}}) == "unowned"
    assert slug("../../etc/passwd") == "etc-passwd"


def test_owner_summaries(tmp_path: Path) -> None:
    _, second = docs()
    second["accounts"].append({"id": "999999999999", "name": "orphan", "ou": "", "status": "compliant",
                               "tags": {}, "owner": None, "domain": None, "by_status": {}})
    written = write_owner_summaries(second, tmp_path)
    assert sorted(written) == ["clearing", "dev-experience", "trading", "unowned"]
    clearing = written["clearing"].read_text()
    assert DARK in clearing and "AssumeRole denied" in clearing  # the dark account is listed as not assessed
    assert "| 210000000002 |" in clearing and "trades-archive" not in clearing  # only its own accounts
    dev = written["dev-experience"].read_text()
    assert "- no-burstable-instances: 3" in dev and "- medium: 3" in dev and DEV in dev
    trading = written["trading"].read_text()
    assert "| 210000000001 | eu-west-1 | trades-archive | 2 |" in trading  # worst resource first
    assert not list(tmp_path.glob(".*"))  # no temporary files left behind


def _assert_counts_only(text: str) -> None:
    for rid in RESOURCE_IDS:
        assert rid not in text


def test_message_has_counts_never_resources() -> None:
    _, second = docs()
    msg = message(second, LOCATION)
    assert msg["fail_by_rule"]["s3-bucket-versioning"] == 2 and msg["not_assessed"] == 2
    assert msg["totals"]["fail"] == 8 and msg["report"] == LOCATION
    _assert_counts_only(json.dumps(msg))


def test_an_s3_report_comes_with_its_console_link() -> None:
    _, second = docs()
    msg = message(second, "s3://audit-reports/org/reports/2026-11-23T04-49-01Z/report.html")
    assert msg["console"] == ("https://console.aws.amazon.com/s3/object/audit-reports?prefix="
                              "org%2Freports%2F2026-11-23T04-49-01Z%2Freport.html")
    assert "console" not in message(second, "reports/2026-11-23T04-49-01Z/report.html")


def test_targets_are_checked() -> None:
    check_target("sns:arn:aws:sns:eu-west-1:123456789012:audit")
    check_target("https://hooks.example/x")
    check_target("http://127.0.0.1:8080/x")
    for bad in ("http://hooks.example/x", "file:///etc/passwd", "sqs:arn"):
        with pytest.raises(OrdinanceError):
            check_target(bad)


@mock_aws
def test_sns_message_read_through_sqs() -> None:
    sns, sqs = boto3.client("sns", region_name="us-east-1"), boto3.client("sqs", region_name="us-east-1")
    topic = sns.create_topic(Name="ordinance-audit")["TopicArn"]
    queue = sqs.create_queue(QueueName="audit-inbox")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    notify(f"sns:{topic}", message(docs()[1], LOCATION))
    got = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, WaitTimeSeconds=0)["Messages"]
    assert len(got) == 1
    envelope = json.loads(got[0]["Body"])
    assert envelope["Subject"] == "ordinance audit: INCOMPLETE"
    body = json.loads(envelope["Message"])
    assert body["report"] == LOCATION and body["fail_by_rule"]["no-burstable-instances"] == 3
    _assert_counts_only(envelope["Message"])


@pytest.fixture
def webhook() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    received: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            received.append({"type": self.headers["Content-Type"], "body": self.rfile.read(length).decode()})
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    server.timeout = 5  # bounded: a missing request cannot hang the test
    thread = threading.Thread(target=server.handle_request, daemon=True)  # one request, then it stops
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", received
    thread.join(timeout=10)
    server.server_close()


def test_webhook(webhook: tuple[str, list[dict[str, Any]]]) -> None:
    url, received = webhook
    notify(url, message(docs()[1], LOCATION), timeout=5)
    assert len(received) == 1 and received[0]["type"] == "application/json"
    assert json.loads(received[0]["body"])["totals"]["fail"] == 8
    _assert_counts_only(received[0]["body"])


def test_webhook_down_is_an_error() -> None:
    server = HTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = server.server_address[1]
    server.server_close()  # nothing listens there now
    with pytest.raises(OrdinanceError):
        notify(f"http://127.0.0.1:{port}/hook", {"totals": {}}, timeout=2)
