"""report.json -> AWS Security Finding Format (ASFF) documents, for Security Hub.

Built from the report document (not the in-memory result) so any stored report.json, local or on S3,
can be exported again. Mapping:
  fail              -> Compliance FAILED,        Workflow NEW,        RecordState ACTIVE
  unknown / error   -> Compliance WARNING,       Workflow NEW,        RecordState ACTIVE
  waived            -> Compliance FAILED,        Workflow SUPPRESSED, RecordState ACTIVE
  fixed since the previous report -> Compliance PASSED, Workflow RESOLVED, RecordState ARCHIVED
The Id is the report's cross-run fingerprint (rule, account, region, resource id), so a re-import
updates the Security Hub finding instead of adding one, and a fix resolves the same finding.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

SCHEMA_VERSION = "2018-10-08"
TYPES = ["Software and Configuration Checks/AWS Security Best Practices"]
GLOBAL_REGION = "us-east-1"  # IAM and other global resources carry no region; ASFF needs one
_COMPLIANCE = {"fail": "FAILED", "unknown": "WARNING", "error": "WARNING", "waived": "FAILED"}
# ASFF resource types ordinance's canonical resources map to; everything else is "Other".
_KNOWN_TYPES = {"AwsS3Bucket", "AwsEc2Volume", "AwsEc2Instance", "AwsEc2Vpc", "AwsEc2SecurityGroup",
                "AwsEc2InternetGateway", "AwsIamUser", "AwsIamRole", "AwsIamPolicy", "AwsKmsKey",
                "AwsRdsDbInstance", "AwsRdsDbCluster", "AwsLambdaFunction", "AwsEksCluster",
                "AwsCloudTrailTrail", "AwsSnsTopic", "AwsSqsQueue", "AwsDynamoDbTable", "AwsEcrRepository",
                "AwsIamAccessKey", "AwsEc2LaunchTemplate", "AwsEc2NatGateway"}


# Security Hub names AWS resources by ARN (its console links them, automation rules filter on them).
# What the audit reads has real ids, so the ARN is exact; other types keep their id.
_ARNS = {
    "AWS::S3::Bucket": "arn:aws:s3:::{id}",
    "AWS::IAM::User": "arn:aws:iam::{account}:user/{id}",
    "AWS::IAM::User.LoginProfile": "arn:aws:iam::{account}:user/{user}",
    "AWS::EC2::Volume": "arn:aws:ec2:{region}:{account}:volume/{id}",
    "AWS::EC2::Instance": "arn:aws:ec2:{region}:{account}:instance/{id}",
    "AWS::EC2::SecurityGroup": "arn:aws:ec2:{region}:{account}:security-group/{id}",
    "AWS::EC2::InternetGateway": "arn:aws:ec2:{region}:{account}:internet-gateway/{id}",
    "AWS::EC2::EgressOnlyInternetGateway": "arn:aws:ec2:{region}:{account}:egress-only-internet-gateway/{id}",
    "AWS::EC2::NatGateway": "arn:aws:ec2:{region}:{account}:natgateway/{id}",
    "AWS::EC2::LaunchTemplate": "arn:aws:ec2:{region}:{account}:launch-template/{id}",
    "AWS::RDS::DBInstance": "arn:aws:rds:{region}:{account}:db:{id}",
    "AWS::RDS::DBCluster": "arn:aws:rds:{region}:{account}:cluster:{id}",
    "AWS::EKS::Cluster": "arn:aws:eks:{region}:{account}:cluster/{id}",
}
_GLOBAL_ARN_TYPES = {"AWS::S3::Bucket", "AWS::IAM::User", "AWS::IAM::User.LoginProfile"}


def resource_arn(native_type: str | None, resource_id: str, account: str, region: str) -> str:
    """The resource's ARN when its type has one and the id is a real one, else the id as it is."""
    form = _ARNS.get(native_type or "")
    if form is None or resource_id.startswith("arn:") or "${" in resource_id:
        return resource_id
    if native_type not in _GLOBAL_ARN_TYPES and (not region or region == "global"):
        return resource_id
    return form.format(id=resource_id, user=resource_id.split("/", 1)[0], account=account, region=region)


def finding_id(fingerprint: str) -> str:
    return f"ordinance/{fingerprint}"


def resource_type(native_type: str | None) -> str:
    """AWS::S3::Bucket -> AwsS3Bucket when Security Hub knows the type, else Other."""
    if not native_type or not native_type.startswith("AWS::"):
        return "Other"
    native_type = native_type.split(".", 1)[0]  # AWS::IAM::User.LoginProfile: the finding is on the user
    # Case-insensitive: AWS::EC2::Volume is AwsEc2Volume, AWS::DynamoDB::Table is AwsDynamoDbTable.
    known = {t.lower(): t for t in _KNOWN_TYPES}
    return known.get("aws" + "".join(native_type.split("::")[1:]).lower(), "Other")


def product_arn(region: str, account: str) -> str:
    return f"arn:aws:securityhub:{region}:{account}:product/{account}/default"


def _asff(*, fp: str, rule: Mapping[str, Any], account: str, region: str, resource_id: str, rtype: str,
          severity: str, compliance: str, workflow: str, record_state: str, description: str, when: str,
          product: tuple[str | None, str | None]) -> dict[str, Any]:
    region = region or GLOBAL_REGION
    remediation = rule.get("remediation") or f"See the ordinance rule {rule['id']}."
    return {
        "SchemaVersion": SCHEMA_VERSION,
        "Id": finding_id(fp),
        "ProductArn": product_arn(product[1] or region, product[0] or account),
        "GeneratorId": f"ordinance/{rule['id']}",
        # With the default product ARN Security Hub accepts a finding only from the account it names, so an
        # import from the audit account files every finding there; the member account stays in ProductFields.
        "AwsAccountId": product[0] or account,
        "Types": list(TYPES),
        "CreatedAt": when,
        "UpdatedAt": when,
        "Severity": {"Label": severity.upper() if severity.upper() in ("CRITICAL", "HIGH", "MEDIUM", "LOW")
                     else "INFORMATIONAL"},
        "Title": str(rule.get("title") or rule["id"])[:256],
        "Description": description[:1024] or rule["id"],
        "Resources": [{"Type": rtype, "Id": resource_id, "Region": region}],
        "Compliance": {"Status": compliance},
        "RecordState": record_state,
        "Workflow": {"Status": workflow},
        "Remediation": {"Recommendation": {"Text": str(remediation)[:512]}},
        "ProductFields": {"ordinance/fingerprint": fp, "ordinance/rule": str(rule["id"]), "ordinance/account": account},
    }


def to_asff(doc: Mapping[str, Any], *, product_account: str | None = None,
            product_region: str | None = None) -> list[dict[str, Any]]:
    """ASFF findings for every open, waived and newly fixed finding in a report.json document.

    product_account/region: where Security Hub runs (the importing account, which then is every finding's
    AwsAccountId: BatchImportFindings with the default product ARN takes findings only for the caller's
    own account); default: each finding's own account and region.
    """
    rules = {r["id"]: r for r in doc.get("rules", [])}
    when = str(doc["run"]["finished"])
    product = (product_account, product_region)
    out = []
    for f in doc.get("findings", []):
        status = f["status"]
        if status not in _COMPLIANCE:
            continue  # pass: only the fixed ones are sent, to resolve what was open
        rule = rules.get(f["rule_id"], {"id": f["rule_id"]})
        desc = f.get("message", "") + (f" ({f['reason']})" if f.get("reason") else "")
        native = f["resource"].get("type")
        out.append(_asff(fp=f["fingerprint"], rule=rule, account=f["account"], region=f["region"],
                         resource_id=resource_arn(native, f["resource"]["id"], f["account"], f["region"]),
                         rtype=resource_type(native),
                         severity=f["severity"], compliance=_COMPLIANCE[status],
                         workflow="SUPPRESSED" if status == "waived" else "NEW", record_state="ACTIVE",
                         description=desc, when=when, product=product))
    for item in (doc.get("changes") or {}).get("fixed", []):
        rule = rules.get(item["rule_id"], {"id": item["rule_id"]})
        native = item.get("type")  # absent in reports written before it was recorded
        out.append(_asff(fp=item["fingerprint"], rule=rule, account=item["account"], region=item["region"],
                         resource_id=resource_arn(native, item["resource"], item["account"], item["region"]),
                         rtype=resource_type(native), severity=item["severity"],
                         compliance="PASSED", workflow="RESOLVED", record_state="ARCHIVED",
                         description=f"{item['rule_id']}: fixed since the previous audit", when=when,
                         product=product))
    return out


def validate(findings: list[dict[str, Any]]) -> None:
    """Raise jsonschema.ValidationError when a finding misses a required ASFF field or enum value."""
    from jsonschema import Draft202012Validator

    from engine.catalog.loader import schema

    validator = Draft202012Validator(schema("asff-subset.schema.json"))
    for f in findings:
        validator.validate(f)


def write_asff(findings: list[dict[str, Any]], path: Path) -> None:
    from engine.artifacts import write_atomic

    validate(findings)
    write_atomic(path, (json.dumps({"Findings": findings}, indent=2, sort_keys=True) + "\n").encode())
