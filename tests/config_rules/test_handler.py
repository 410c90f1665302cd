"""The Lambda handler in-process with real-shaped events, asserting the exact evaluations it sends."""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import pytest
from botocore.stub import ANY
from config_rules_helpers import change_event, corpus_item, event_from

from engine import lambda_handler
from engine.lambda_handler import EventError, handler

UTC = dt.UTC


def ts(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def expect_put(stubs: Any, evaluations: list[dict[str, Any]], token: str = "token-1", **extra: Any) -> None:
    stubs["config"].add_response("put_evaluations", {"FailedEvaluations": []},
                                 {"Evaluations": evaluations, "ResultToken": token, **extra})


def ev(item: dict[str, Any], compliance: str, annotation: Any = ANY) -> dict[str, Any]:
    return {"ComplianceResourceType": item["resourceType"], "ComplianceResourceId": item["resourceId"],
            "ComplianceType": compliance, "Annotation": annotation,
            "OrderingTimestamp": ts(item["configurationItemCaptureTime"])}


def _s3(versioning: str = "Enabled", sse: str | None = None) -> dict[str, Any]:
    item = corpus_item("AWS_S3_Bucket")
    item["supplementaryConfiguration"]["BucketVersioningConfiguration"]["status"] = versioning
    if sse:
        item["supplementaryConfiguration"]["ServerSideEncryptionConfiguration"] = {
            "rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": sse, "kmsMasterKeyID": None}}]}
    return item


def _with(name: str, **conf: Any) -> dict[str, Any]:
    item = corpus_item(name)
    item["configuration"].update(conf)
    return item


def _sg(ingress_cidr: str = "0.0.0.0/0", egress_cidr: str = "0.0.0.0/0") -> dict[str, Any]:
    item = corpus_item("AWS_EC2_SecurityGroup")
    item["configuration"]["ipPermissions"][0]["ipRanges"] = [ingress_cidr]
    item["configuration"]["ipPermissionsEgress"][0]["ipRanges"] = [egress_cidr]
    return item


# (rule, item builder, ruleParameters, expected compliance) — every compiled rule, both outcomes.
CASES: list[tuple[str, Any, dict[str, Any], str]] = [
    ("s3-bucket-versioning", lambda: _s3("Enabled"), {}, "COMPLIANT"),
    ("s3-bucket-versioning", lambda: _s3("Off"), {}, "NON_COMPLIANT"),
    ("s3-bucket-versioning", lambda: _s3("Suspended"), {}, "NON_COMPLIANT"),
    ("s3-bucket-encryption-kms", lambda: _s3(sse="aws:kms"), {}, "COMPLIANT"),
    ("s3-bucket-encryption-kms", lambda: _s3(), {}, "NON_COMPLIANT"),
    ("ebs-encryption", lambda: corpus_item("AWS_EC2_Volume"), {}, "COMPLIANT"),
    ("ebs-encryption", lambda: _with("AWS_EC2_Volume", encrypted=False), {}, "NON_COMPLIANT"),
    ("ebs-encryption", lambda: corpus_item("AWS_AutoScaling_LaunchConfiguration"), {}, "NON_COMPLIANT"),
    ("ebs-encryption", lambda: _with("AWS_EC2_Volume", encrypted=False), {"encryption_by_default": "true"},
     "COMPLIANT"),
    ("ebs-encryption", lambda: corpus_item("AWS_EC2_Instance"), {}, "NOT_APPLICABLE"),  # out of scope
    ("rds-encryption", lambda: corpus_item("AWS_RDS_DBInstance"), {}, "COMPLIANT"),
    ("rds-encryption", lambda: _with("AWS_RDS_DBInstance", storageEncrypted=False), {}, "NON_COMPLIANT"),
    ("rds-encryption", lambda: _with("AWS_RDS_DBInstance", dBClusterIdentifier="c1", storageEncrypted=False), {},
     "NOT_APPLICABLE"),
    ("rds-encryption", lambda: corpus_item("AWS_RDS_DBCluster"), {}, "COMPLIANT"),
    ("rds-prefer-aurora", lambda: corpus_item("AWS_RDS_DBInstance"), {}, "NON_COMPLIANT"),
    ("rds-prefer-aurora", lambda: _with("AWS_RDS_DBInstance", engine="aurora-postgresql"), {}, "COMPLIANT"),
    ("sso-only-access", lambda: corpus_item("AWS_IAM_User"), {}, "NON_COMPLIANT"),
    ("no-burstable-instances", lambda: corpus_item("AWS_EC2_Instance"), {}, "NON_COMPLIANT"),
    ("no-burstable-instances", lambda: _with("AWS_EC2_Instance", instanceType="m7g.large"), {}, "COMPLIANT"),
    ("no-burstable-instances", lambda: corpus_item("AWS_AutoScaling_AutoScalingGroup"), {}, "COMPLIANT"),
    ("no-burstable-instances", lambda: corpus_item("AWS_EC2_Instance"), {"families": "m5,c5"}, "COMPLIANT"),
    ("denied-services", lambda: corpus_item("AWS_EKS_Cluster"), {}, "NON_COMPLIANT"),
    ("denied-services", lambda: corpus_item("AWS_EKS_Cluster"), {"services": '["lightsail"]'}, "COMPLIANT"),
    ("sg-no-public-ssh", lambda: _sg(), {}, "NON_COMPLIANT"),
    ("sg-no-public-ssh", lambda: _sg(ingress_cidr="10.0.0.0/8"), {}, "COMPLIANT"),
    ("sg-no-open-egress", lambda: _sg(), {}, "NON_COMPLIANT"),
    ("sg-no-open-egress", lambda: _sg(egress_cidr="10.1.0.0/16"), {}, "COMPLIANT"),
    ("sg-no-open-egress", lambda: _sg(), {"allowed_cidrs": ["0.0.0.0/0"]}, "COMPLIANT"),
    ("no-internet-egress-gateways", lambda: corpus_item("AWS_EC2_InternetGateway"), {}, "NON_COMPLIANT"),
    ("no-internet-egress-gateways", lambda: corpus_item("AWS_EC2_NatGateway"), {}, "NON_COMPLIANT"),
    ("no-internet-egress-gateways", lambda: _with("AWS_EC2_NatGateway", connectivityType="private"), {},
     "NOT_APPLICABLE"),
]


@pytest.mark.parametrize(("rule_id", "build", "params", "compliance"), CASES,
                         ids=[f"{c[0]}-{i}-{c[3]}" for i, c in enumerate(CASES)])
def test_change_notification(stubs: Any, rule_id: str, build: Any, params: dict[str, Any], compliance: str) -> None:
    item = build()
    expect_put(stubs, [ev(item, compliance)])
    out = handler(change_event(item, rule_id=rule_id, params=params), None)
    assert out["evaluations"] == {compliance: 1}
    stubs.assert_done()


def test_every_compiled_rule_is_exercised(compiled_catalog: dict[str, Any]) -> None:
    assert {c[0] for c in CASES} == set(compiled_catalog["rules"])


def test_exact_annotation_and_testmode(stubs: Any) -> None:
    item = _s3("Suspended")
    expect_put(stubs, [ev(item, "NON_COMPLIANT", "S3 bucket does not have versioning enabled (versioning = 'Suspended')")],
               token="TESTMODE", TestMode=True)
    handler(change_event(item, rule_id="s3-bucket-versioning", token="TESTMODE"), None)
    stubs.assert_done()


@pytest.mark.parametrize("status", ["ResourceDeleted", "ResourceDeletedNotRecorded"])
def test_deleted_resource_is_not_applicable(stubs: Any, status: str) -> None:
    item = {**corpus_item("AWS_IAM_User"), "configurationItemStatus": status, "configuration": None}
    expect_put(stubs, [ev(item, "NOT_APPLICABLE", f"Not evaluated: status {status}.")])
    handler(change_event(item, rule_id="sso-only-access"), None)
    stubs.assert_done()


def test_left_scope_is_not_applicable(stubs: Any) -> None:
    item = _with("AWS_EC2_Volume", encrypted=False)
    expect_put(stubs, [ev(item, "NOT_APPLICABLE", "Not evaluated: left the rule's scope.")])
    handler(change_event(item, rule_id="ebs-encryption", left_scope=True), None)
    stubs.assert_done()


def test_oversized_item_is_fetched(stubs: Any) -> None:
    item = _with("AWS_EC2_Instance", instanceType="t3.large")
    api_item = {k: v for k, v in item.items() if k != "configuration"}
    api_item["configuration"] = json.dumps(item["configuration"])
    api_item["configurationItemCaptureTime"] = ts(item["configurationItemCaptureTime"])
    event = event_from("awsConfigRuleOversizedConfiguration.json", rule_id="no-burstable-instances")
    summary = json.loads(event["invokingEvent"])["configurationItemSummary"]
    stubs["config"].add_response(
        "get_resource_config_history", {"configurationItems": [api_item]},
        {"resourceType": "AWS::EC2::Instance", "resourceId": "i-00000000",
         "laterTime": ts(summary["configurationItemCaptureTime"]), "limit": 1})
    expected = ev(item, "NON_COMPLIANT")
    expect_put(stubs, [expected])
    handler(event, None)
    stubs.assert_done()


@pytest.mark.parametrize(("enabled", "compliance"), [(True, "COMPLIANT"), (False, "NON_COMPLIANT")])
def test_periodic_account_setting(stubs: Any, enabled: bool, compliance: str) -> None:
    event = event_from("awsConfigRuleScheduled.json", rule_id="ebs-encryption")
    stubs["ec2"].add_response("get_ebs_encryption_by_default", {"EbsEncryptionByDefault": enabled}, {})
    expect_put(stubs, [{
        "ComplianceResourceType": "AWS::::Account", "ComplianceResourceId": "0123456789012",
        "ComplianceType": compliance,
        "Annotation": f"Account EBS encryption by default: encryption_by_default = {json.dumps(enabled)}",
        "OrderingTimestamp": ts("2023-04-27T13:26:17.741Z")}])
    handler(event, None)
    stubs.assert_done()


def test_periodic_resource_listing(stubs: Any, compiled_catalog: dict[str, Any]) -> None:
    """A periodic rule without an account fact lists its in-scope resources through Config."""
    catalog = copy.deepcopy(compiled_catalog)
    catalog["rules"]["rds-encryption"]["resource_types"] = ["AWS::RDS::DBCluster"]
    lambda_handler.use_catalog(catalog)
    item = _with("AWS_RDS_DBCluster", storageEncrypted=False)
    api_keys = ("version", "accountId", "configurationItemCaptureTime", "configurationItemStatus",
                "configurationStateId", "arn", "resourceType", "resourceId", "resourceName", "awsRegion",
                "availabilityZone")
    api_item = {k: item[k] for k in api_keys}
    api_item["configuration"] = json.dumps(item["configuration"])
    api_item["supplementaryConfiguration"] = {k: json.dumps(v) for k, v in item["supplementaryConfiguration"].items()}
    key = {"resourceType": "AWS::RDS::DBCluster", "resourceId": "cluster-test"}
    stubs["config"].add_response("list_discovered_resources", {"resourceIdentifiers": [key], "nextToken": "n"},
                                 {"resourceType": "AWS::RDS::DBCluster"})
    stubs["config"].add_response("list_discovered_resources", {"resourceIdentifiers": []},
                                 {"resourceType": "AWS::RDS::DBCluster", "nextToken": "n"})
    stubs["config"].add_response("batch_get_resource_config", {"baseConfigurationItems": [api_item]},
                                 {"resourceKeys": [key]})
    expect_put(stubs, [ev(item, "NON_COMPLIANT")])
    handler(event_from("awsConfigRuleScheduled.json", rule_id="rds-encryption", token="token-1"), None)
    stubs.assert_done()


def test_batches_of_100_and_annotation_limit(stubs: Any) -> None:
    when = dt.datetime(2024, 1, 1, tzinfo=UTC)
    evaluations = [{"ComplianceResourceType": "AWS::EC2::Volume", "ComplianceResourceId": f"vol-{i}",
                    "ComplianceType": "NON_COMPLIANT", "Annotation": "x" * 256, "OrderingTimestamp": when}
                   for i in range(230)]
    for start in (0, 100, 200):
        expect_put(stubs, evaluations[start:start + 100])
    lambda_handler.put_evaluations(evaluations, "token-1")
    stubs.assert_done()
    long = lambda_handler._annotation("y" * 1000)
    assert len(long) == 256 and long.endswith("…")


def test_unknown_is_reported_non_compliant_never_compliant(stubs: Any) -> None:
    item = _with("AWS_EC2_Volume", encrypted="maybe")
    expect_put(stubs, [ev(item, "NON_COMPLIANT")])
    handler(change_event(item, rule_id="ebs-encryption"), None)
    stubs.assert_done()


def test_unknown_annotation_says_insufficient_data(stubs: Any) -> None:
    """With an injected recording client instead of the Stubber, to read the annotation itself."""
    sent: list[dict[str, Any]] = []

    class Recorder:
        def put_evaluations(self, **kwargs: Any) -> dict[str, Any]:
            sent.append(kwargs)
            return {"FailedEvaluations": []}

    lambda_handler.client_factory = lambda service: Recorder()
    handler(change_event(_with("AWS_EC2_Volume", encrypted="maybe"), rule_id="ebs-encryption"), None)
    [evaluation] = sent[0]["Evaluations"]
    assert evaluation["ComplianceType"] == "NON_COMPLIANT"
    assert evaluation["Annotation"].startswith("Insufficient data (reported as non-compliant): Cannot decide:")


def test_throttling_is_retried_with_backoff(stubs: Any) -> None:
    item = corpus_item("AWS_EC2_Volume")
    stubs["config"].add_client_error("put_evaluations", "ThrottlingException", "Rate exceeded")
    stubs["config"].add_client_error("put_evaluations", "ThrottlingException", "Rate exceeded")
    expect_put(stubs, [ev(item, "COMPLIANT")])
    handler(change_event(item, rule_id="ebs-encryption"), None)
    stubs.assert_done()
    assert len(stubs.sleeps) == 2 and stubs.sleeps[1] >= stubs.sleeps[0] * 0.5


def test_failed_api_call_raises(stubs: Any) -> None:
    stubs["config"].add_client_error("put_evaluations", "InvalidResultTokenException", "bad token")
    with pytest.raises(Exception, match="bad token"):
        handler(change_event(corpus_item("AWS_EC2_Volume"), rule_id="ebs-encryption"), None)


def test_rejected_evaluation_raises(stubs: Any) -> None:
    item = corpus_item("AWS_EC2_Volume")
    stubs["config"].add_response("put_evaluations", {"FailedEvaluations": [ev(item, "COMPLIANT", "x")]})
    with pytest.raises(RuntimeError, match="rejected 1"):
        handler(change_event(item, rule_id="ebs-encryption"), None)


@pytest.mark.parametrize("mutate", [
    lambda e: e.pop("resultToken"),
    lambda e: e.update(invokingEvent="{not json"),
    lambda e: e.update(ruleParameters=json.dumps({"ruleId": "no-such-rule"})),
    lambda e: e.update(ruleParameters=json.dumps({"ruleId": "ebs-encryption", "bogus": 1})),
    lambda e: e.update(ruleParameters=json.dumps({"ruleId": "ebs-encryption", "encryption_by_default": "maybe"})),
    lambda e: e.update(invokingEvent=json.dumps({"messageType": "ConfigurationSnapshotDeliveryCompleted"})),
    lambda e: e.update(invokingEvent=json.dumps({"messageType": "ConfigurationItemChangeNotification"})),
])
def test_malformed_event_raises(stubs: Any, mutate: Any) -> None:
    event = change_event(corpus_item("AWS_EC2_Volume"), rule_id="ebs-encryption")
    mutate(event)
    with pytest.raises(EventError):
        handler(event, None)
    stubs.assert_done()  # nothing was put


def test_rule_found_by_config_rule_name(stubs: Any) -> None:
    item = corpus_item("AWS_EC2_Volume")
    event = change_event(item, rule_id="ebs-encryption")
    event["ruleParameters"] = ""
    expect_put(stubs, [ev(item, "COMPLIANT")])
    handler(event, None)
    stubs.assert_done()


def test_exemption_is_not_applicable_with_reason(stubs: Any, compiled_catalog: dict[str, Any]) -> None:
    catalog = copy.deepcopy(compiled_catalog)
    catalog["exemptions"] = [{"rule": "s3-bucket-versioning", "reason": "build cache", "owner": "platform",
                              "expires": "2999-01-01", "account": None, "ou": None, "target": None,
                              "resource": "mborch-*", "ticket": None}]
    lambda_handler.use_catalog(catalog)
    item = _s3("Off")
    expect_put(stubs, [ev(item, "NOT_APPLICABLE", "Exempted: exemption (platform, until 2999-01-01): build cache")])
    handler(change_event(item, rule_id="s3-bucket-versioning"), None)
    stubs.assert_done()


def test_organization_rule_assumes_member_role(stubs: Any) -> None:
    item = corpus_item("AWS_EC2_Volume")
    event = change_event(item, rule_id="ebs-encryption", params={"executionRoleName": "ordinance-member"})
    stubs["sts"].add_response(
        "assume_role",
        {"Credentials": {"AccessKeyId": "AKIAEXAMPLEEXAMPLE12", "SecretAccessKey": "s" * 40, "SessionToken": "t" * 20,
                         "Expiration": dt.datetime(2030, 1, 1, tzinfo=UTC)}},
        {"RoleArn": "arn:aws:iam::0123456789012:role/ordinance-member", "RoleSessionName": "ordinance-config-rule"})
    expect_put(stubs, [ev(item, "COMPLIANT")])
    handler(event, None)
    stubs.assert_done()
    lambda_handler.assume_member_role(event, None)
