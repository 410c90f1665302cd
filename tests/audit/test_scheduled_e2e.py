"""The scheduled audit end to end: the Fargate task's own command, run twice against the demo organization.

A moto server holds the demo organization (engine.demo_org). The argv and environment come from
deploy/audit/scheduled-audit.template.yaml (its intrinsics resolved), the catalog from ORDINANCE_CATALOG
as in the image. Between the two runs a platform team fixes two findings and adds a violation. Checked:
both runs land in S3 and latest/ names the second; the second diffs against the first (exact new and
fixed); the trend spans both runs; owner summaries land under owners/; Security Hub holds each finding
once after the second import, with the fixed ones archived; SNS carries counts and never resource ids.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import boto3
import pytest

from engine.catalog.loader import load_catalog
from engine.cli import main
from engine.demo_org import SEED_ROLE, SeededOrg, expected_findings, remediate_and_regress, seed
from tests.deploy import task_command

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
REGION = "eu-west-1"  # the audit account's region: the bucket, Security Hub and the topic live here
BUCKET = "ordinance-audit-reports"
EXTERNAL_ID = "x8Kq2mZ4pW7vN1rT5yB9cD3f"
MEMBERS = 12  # every placement of the demo organization twice


def _json(s3: Any, key: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(s3.get_object(Bucket=BUCKET, Key=key)["Body"].read())
    return data


def _hub_findings(hub: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for page in hub.get_paginator("get_findings").paginate():
        out.extend(page["Findings"])
    return out


def _planted(org: SeededOrg) -> set[tuple[str, str, str, str]]:
    return {(acct, *v) for acct, vs in expected_findings(org, load_catalog(REPO)).items() for v in vs}


def _open(doc: dict[str, Any]) -> set[tuple[str, str, str, str]]:
    return {(f["account"], f["region"] or "global", f["rule_id"], f["resource"]["id"])
            for f in doc["findings"] if f["status"] not in ("pass", "not_applicable")}


@pytest.fixture(scope="module")
def runs(moto_endpoint: str) -> dict[str, Any]:
    """Seed, then run the task twice with a fix and a new violation in between; everything it left behind."""
    org = seed(moto_endpoint, accounts=MEMBERS)
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    # As the stack makes it (versioned, SSE-KMS): the report bucket is audited like any other.
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    key = boto3.client("kms", region_name=REGION).create_key(Description="reports")["KeyMetadata"]["Arn"]
    s3.put_bucket_encryption(Bucket=BUCKET, ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key}}]})
    hub = boto3.client("securityhub", region_name=REGION)
    hub.enable_security_hub()
    sns, sqs = boto3.client("sns", region_name=REGION), boto3.client("sqs", region_name=REGION)
    topic = sns.create_topic(Name="audit-summaries")["TopicArn"]
    inbox = sqs.create_queue(QueueName="security-team")["QueueUrl"]
    inbox_arn = sqs.get_queue_attributes(QueueUrl=inbox, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=inbox_arn)

    params = {"ExternalId": EXTERNAL_ID, "AuditRoleName": SEED_ROLE, "AuditRegions": ",".join(org.regions),
              "NotificationTopicArn": topic}
    argv = task_command.argv(params, {"ReportBucket": BUCKET})
    out: dict[str, Any] = {"org": org, "argv": argv, "exit": [], "hub": [], "changed": {}}
    with pytest.MonkeyPatch.context() as mp:
        for name, value in task_command.environment(params, {"ReportBucket": BUCKET}).items():
            mp.setenv(name, value)
        mp.setenv("ORDINANCE_CATALOG", str(REPO))  # the image bakes the repository's catalog in
        out["exit"].append(main(argv))
        out["hub"].append(_hub_findings(hub))
        out["expected"] = [_planted(org)]
        out["changed"] = remediate_and_regress(org, REGION)
        out["expected"].append(_planted(org))
        out["exit"].append(main(argv))
        out["hub"].append(_hub_findings(hub))
    out["messages"] = [json.loads(json.loads(m["Body"])["Message"])
                       for m in sqs.receive_message(QueueUrl=inbox, MaxNumberOfMessages=10)["Messages"]]
    return out


@pytest.fixture(scope="module")
def reports(runs: dict[str, Any]) -> tuple[str, str, dict[str, Any], dict[str, Any]]:
    s3 = boto3.client("s3", region_name=REGION)
    listed = s3.list_objects_v2(Bucket=BUCKET, Prefix="reports/")["Contents"]
    first, second = sorted({o["Key"].split("/")[1] for o in listed})
    return first, second, _json(s3, f"reports/{first}/report.json"), _json(s3, f"reports/{second}/report.json")


def test_the_task_runs_the_audit_and_exits_1_on_blocking_findings(runs: dict[str, Any]) -> None:
    assert runs["argv"][:1] == ["audit"] and "--export" in runs["argv"]
    assert runs["exit"] == [1, 1]  # complete, with blocking findings: not 3 (incomplete), not 2 (failed upload)


def test_each_run_finds_exactly_what_was_planted(runs: dict[str, Any], reports: Any) -> None:
    _, _, doc1, doc2 = reports
    for doc, planted in zip((doc1, doc2), runs["expected"], strict=True):
        assert doc["run"]["complete"] is True and doc["not_assessed"] == []
        assert len(doc["accounts"]) == MEMBERS + 1
        assert _open(doc) == planted


def test_both_runs_in_s3_and_latest_names_the_second(reports: Any) -> None:
    s3 = boto3.client("s3", region_name=REGION)
    first, second, _, _ = reports
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]}
    for run in (first, second):
        assert {f"reports/{run}/report.{x}" for x in ("json", "md", "html")} <= keys
    assert _json(s3, "latest/manifest.json")["timestamp"] == second
    assert _json(s3, "latest/report.json") == _json(s3, f"reports/{second}/report.json")


def test_second_run_diffs_against_the_first(runs: dict[str, Any], reports: Any) -> None:
    first, _, doc1, doc2 = reports
    ch = doc2["changes"]
    assert ch["previous"] == first and doc1["changes"] is None

    def keyed(items: list[dict[str, Any]]) -> set[tuple[str, str, str, str]]:
        return {(i["account"], i["region"] or "global", i["rule_id"], i["resource"]) for i in items}

    assert keyed(ch["fixed"]) == runs["changed"]["fixed"]
    assert keyed(ch["new"]) == runs["changed"]["new"]
    assert _open(doc2) == (_open(doc1) - runs["changed"]["fixed"]) | runs["changed"]["new"]


def test_trend_spans_both_runs(reports: Any) -> None:
    first, second, doc1, doc2 = reports
    hist = doc2["history"]
    assert hist["runs"] == [first, second]
    fails1 = Counter(f["rule_id"] for f in doc1["findings"] if f["status"] == "fail")
    fails2 = Counter(f["rule_id"] for f in doc2["findings"] if f["status"] == "fail")
    assert hist["open_by_rule"]["s3-bucket-versioning"] == [fails1["s3-bucket-versioning"],
                                                            fails1["s3-bucket-versioning"]]  # one fixed, one new
    assert hist["open_by_rule"]["sso-only-access"] == [fails1["sso-only-access"], fails2["sso-only-access"]]
    assert fails2["sso-only-access"] == fails1["sso-only-access"] - 1
    html = boto3.client("s3", region_name=REGION).get_object(
        Bucket=BUCKET, Key=f"reports/{second}/report.html")["Body"].read().decode()
    n = fails1["sso-only-access"]
    assert f'aria-label="open findings per run: {n}, {n - 1}"' in html


def test_security_hub_holds_each_finding_once_and_archives_the_fixed(runs: dict[str, Any], reports: Any) -> None:
    org: SeededOrg = runs["org"]
    after_first, after_second = runs["hub"]
    ids1, ids2 = [f["Id"] for f in after_first], [f["Id"] for f in after_second]
    assert len(ids1) == len(set(ids1)) and len(ids2) == len(set(ids2))
    _, _, doc1, doc2 = reports
    assert len(ids1) == len(_open(doc1))
    assert set(ids2) == set(ids1) | {f"ordinance/{f['fingerprint']}" for f in doc2["findings"]
                                     if f["status"] not in ("pass", "not_applicable")}
    assert len(ids2) == len(ids1) + len(runs["changed"]["new"])
    # Imported from the audit (here: management) account: Security Hub takes only the caller's own findings.
    assert {f["AwsAccountId"] for f in after_second} == {org.management}
    archived = {(f["ProductFields"]["ordinance/account"], f["ProductFields"]["ordinance/rule"],
                 f["Resources"][0]["Id"]) for f in after_second if f["RecordState"] == "ARCHIVED"}
    # Resources are named by ARN where the type has one (buckets); an access key has none.
    assert archived == {(a, rule, res if rule == "sso-only-access" else f"arn:aws:s3:::{res}")
                        for a, _, rule, res in runs["changed"]["fixed"]}
    assert all(f["Compliance"]["Status"] == "PASSED" for f in after_second if f["RecordState"] == "ARCHIVED")


def test_owner_summaries_land_beside_the_reports(runs: dict[str, Any]) -> None:
    org: SeededOrg = runs["org"]
    s3 = boto3.client("s3", region_name=REGION)
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET, Prefix="owners/")["Contents"])
    owners = {a.tags["owner"] for a in org.accounts.values() if "owner" in a.tags}
    assert keys == sorted([f"owners/{o.replace('@', '-')}.md" for o in owners] + ["owners/unowned.md"])
    text = s3.get_object(Bucket=BUCKET, Key="owners/payments-team-northwind.example.md")["Body"].read().decode()
    assert text.startswith("# ordinance audit: payments-team@northwind.example\n")
    assert "trading-team" not in text  # one team's file never lists another team's accounts


def test_notification_has_counts_and_no_resources(runs: dict[str, Any], reports: Any) -> None:
    first, second, _, doc2 = reports
    messages = sorted(runs["messages"], key=lambda m: m["started"])
    assert [m["report"] for m in messages] == [f"s3://{BUCKET}/reports/{r}/report.html" for r in (first, second)]
    last = messages[-1]
    assert last["complete"] is True and last["accounts"] == MEMBERS + 1
    assert sum(last["fail_by_rule"].values()) == sum(1 for f in doc2["findings"] if f["status"] == "fail")
    body = json.dumps(messages)
    assert "ord-" not in body and "deploy-bot" not in body  # bucket and user names stay in the report
