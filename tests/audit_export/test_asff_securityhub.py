"""ASFF documents against the shipped subset schema, the Security Hub import against moto, and OCSF lines."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from audit_sample import PROD_B
from botocore.exceptions import ClientError
from export_sample import docs
from moto import mock_aws

from engine.reports.audit.asff import resource_arn, resource_type, to_asff, validate, write_asff
from engine.reports.audit.ocsf import to_ocsf, write_ocsf
from engine.reports.audit.securityhub import import_findings

ACCOUNT, REGION = "123456789012", "us-east-1"


def by_resource(findings: list[dict[str, Any]], rid: str) -> list[dict[str, Any]]:
    return [f for f in findings if f["Resources"][0]["Id"] == rid]


def test_asff_is_valid_and_maps_statuses(tmp_path: Path) -> None:
    first, second = docs()
    a1, a2 = to_asff(first), to_asff(second)
    validate(a1)
    validate(a2)
    # 8 fail + 1 unknown + 1 error + 1 waived; passes are not sent.
    assert len(a1) == 11
    assert len({f["Id"] for f in a1}) == len(a1)
    waived = by_resource(a1, "arn:aws:s3:::build-cache-1")[0]
    assert waived["Workflow"]["Status"] == "SUPPRESSED"
    unknown = by_resource(a1, f"arn:aws:ec2:eu-west-1:{PROD_B}:volume/vol-0b2")[0]
    assert unknown["Compliance"]["Status"] == "WARNING"
    fail = next(f for f in by_resource(a1, "arn:aws:s3:::trades-raw") if f["Compliance"]["Status"] == "FAILED")
    assert fail["GeneratorId"] == "ordinance/s3-bucket-versioning"
    assert fail["Resources"][0]["Type"] == "AwsS3Bucket"
    assert fail["Severity"]["Label"] == "MEDIUM"
    assert fail["Remediation"]["Recommendation"]["Text"] == "Enable bucket versioning."
    fixed = by_resource(a2, "arn:aws:s3:::trades-raw")
    assert fixed[0]["Resources"][0]["Type"] == "AwsS3Bucket"  # the fix names the resource as the failure did
    assert [(f["Compliance"]["Status"], f["Workflow"]["Status"], f["RecordState"]) for f in fixed] == \
        [("PASSED", "RESOLVED", "ARCHIVED")]
    assert fixed[0]["Id"] == fail["Id"]  # the fix resolves the same Security Hub finding
    iam = by_resource(a1, f"arn:aws:iam::{PROD_B}:user/ci-deployer")[0]
    assert iam["Resources"][0]["Region"] == "us-east-1"  # a global resource still names a region
    out = tmp_path / "findings.asff.json"
    write_asff(a1, out)
    assert len(json.loads(out.read_text())["Findings"]) == 11


def test_schema_rejects_a_broken_finding() -> None:
    from jsonschema import ValidationError

    f = to_asff(docs()[0])[0]
    for broken in ({**f, "SchemaVersion": "2020"}, {**f, "RecordState": "OPEN"},
                   {k: v for k, v in f.items() if k != "ProductArn"}, {**f, "Severity": {"Label": "urgent"}}):
        with pytest.raises(ValidationError):
            validate([broken])


def test_resource_arn() -> None:
    acct, region = "111122223333", "eu-west-1"
    assert resource_arn("AWS::S3::Bucket", "logs", acct, region) == "arn:aws:s3:::logs"
    assert resource_arn("AWS::IAM::User", "bot", acct, "global") == f"arn:aws:iam::{acct}:user/bot"
    assert resource_arn("AWS::IAM::User.LoginProfile", "bot/login-profile", acct, "global") == \
        f"arn:aws:iam::{acct}:user/bot"
    assert resource_arn("AWS::EC2::SecurityGroup", "sg-1", acct, region) == \
        f"arn:aws:ec2:{region}:{acct}:security-group/sg-1"
    assert resource_arn("AWS::RDS::DBInstance", "ledger", acct, region) == f"arn:aws:rds:{region}:{acct}:db:ledger"
    assert resource_arn("AWS::IAM::AccessKey", "AKIAEXAMPLE", acct, "global") == "AKIAEXAMPLE"  # no ARN
    assert resource_arn("AWS::EC2::Volume", "vol-1", acct, "") == "vol-1"  # region unknown: no guess
    assert resource_arn(None, "x", acct, region) == "x"


def test_resource_type() -> None:
    assert resource_type("AWS::IAM::User.LoginProfile") == "AwsIamUser"
    assert resource_type("AWS::S3::Bucket") == "AwsS3Bucket"
    assert resource_type("AWS::EC2::Volume") == "AwsEc2Volume"
    assert resource_type("AWS::Foo::Bar") == "Other"
    assert resource_type("aws_s3_bucket") == "Other"


@mock_aws
def test_securityhub_import_is_idempotent_and_resolves_fixes() -> None:
    hub = boto3.client("securityhub", region_name=REGION)
    hub.enable_security_hub()
    first, second = docs()
    a1 = to_asff(first, product_account=ACCOUNT, product_region=REGION)
    assert import_findings(a1, hub).imported == 11
    assert import_findings(a1, hub).imported == 11
    got = hub.get_findings(MaxResults=100)["Findings"]
    assert len(got) == 11
    a2 = to_asff(second, product_account=ACCOUNT, product_region=REGION)
    import_findings(a2, hub)
    import_findings(a2, hub)
    got = hub.get_findings(MaxResults=100)["Findings"]
    assert len(got) == len({f["Id"] for f in a1} | {f["Id"] for f in a2}) == 12  # + new-bucket
    fixed = by_resource(got, "arn:aws:s3:::trades-raw")
    assert [f["Workflow"]["Status"] for f in fixed] == ["RESOLVED"]
    assert fixed[0]["Compliance"]["Status"] == "PASSED"


class FlakyHub:
    """Throttles the first call, then fails one finding once; records every batch it is sent."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []
        self.throttled = False
        self.failed_once = False

    def batch_import_findings(self, Findings: list[dict[str, Any]]) -> dict[str, Any]:
        if not self.throttled:
            self.throttled = True
            raise ClientError({"Error": {"Code": "ThrottlingException", "Message": "slow down"}},
                              "BatchImportFindings")
        self.batches.append([f["Id"] for f in Findings])
        if not self.failed_once:
            self.failed_once = True
            return {"FailedCount": 1, "SuccessCount": len(Findings) - 1,
                    "FailedFindings": [{"Id": Findings[0]["Id"], "ErrorCode": "InternalError"}]}
        return {"FailedCount": 0, "SuccessCount": len(Findings), "FailedFindings": []}


def test_batches_of_100_with_retries() -> None:
    template = to_asff(docs()[0])[0]
    findings = [{**template, "Id": f"ordinance/{i:04d}"} for i in range(250)]
    hub = FlakyHub()
    sleeps: list[float] = []
    result = import_findings(findings, hub, sleep=sleeps.append)
    assert [len(b) for b in hub.batches] == [100, 1, 100, 50]  # the failed one alone is resent
    assert hub.batches[1] == ["ordinance/0000"]
    assert result.imported == 250 and not result.failed
    assert len(sleeps) == 2


def test_ocsf_lines(tmp_path: Path) -> None:
    first, second = docs()
    events = list(to_ocsf(second))
    assert all(e["class_uid"] == 2003 and e["type_uid"] in (200301, 200303) for e in events)
    fixed = [e for e in events if e["resources"][0]["uid"] == "trades-raw"]
    assert [(e["status"], e["compliance"]["status"]) for e in fixed] == [("Resolved", "Pass")]
    asff_ids = {f["Id"].removeprefix("ordinance/") for f in to_asff(second)}
    assert {e["finding_info"]["uid"] for e in events} == asff_ids
    out = tmp_path / "f.ocsf.jsonl"
    assert write_ocsf(first, out) == 11
    assert all(json.loads(line)["cloud"]["provider"] == "AWS" for line in out.read_text().splitlines())
