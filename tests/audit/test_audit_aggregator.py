"""The aggregator collector against botocore's Stubber (moto has no select_aggregate_resource_config),
with results shaped like real configuration items from the corpus.

`engine.sources.config_item` is written separately; a tiny stand-in `load_item`, local to this test,
handles the three types used here so the collector's own logic (queries, pages, filtering, fail
closed) is what is tested.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from engine.audit.aggregator import FIELDS, collect_aggregator, query_for
from engine.audit.collect import Unit
from engine.audit.run import evaluate_unit
from engine.audit_model import Account, NotAssessed
from engine.resources.model import Location, Resource, Verdict

CI_DIR = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "config-items" / "awslabs__aws-config-rdk" / \
    "rdk" / "template" / "example_ci"
ACCT = "264683526309"
TYPES = ("AWS::EC2::Volume", "AWS::S3::Bucket", "AWS::EC2::SecurityGroup")


def _item(name: str, **override: Any) -> str:
    """A configuration item reduced to the selected fields, as the API returns it: a JSON string."""
    ci = json.loads((CI_DIR / name).read_text())
    ci["accountId"] = ci.get("accountId") or ci.get("awsAccountId")
    ci.update(override)
    fields = [f.strip() for f in FIELDS.split(",")]
    return json.dumps({k: ci[k] for k in fields if k in ci})


def stand_in_load_item(item: Mapping[str, Any]) -> list[Resource]:
    loc = Location(account=item["accountId"], region=item["awsRegion"])
    conf, supp = item.get("configuration") or {}, item.get("supplementaryConfiguration") or {}
    if item["resourceType"] == "AWS::EC2::Volume":
        return [Resource("ec2.volume", item["resourceId"], "AWS::EC2::Volume",
                         {"encrypted": bool(conf.get("encrypted"))}, "ec2", loc)]
    if item["resourceType"] == "AWS::S3::Bucket":
        status = (supp.get("BucketVersioningConfiguration") or {}).get("status")
        return [Resource("s3.bucket", item["resourceId"], "AWS::S3::Bucket",
                         {"versioning": status if status in ("Enabled", "Suspended") else "Disabled",
                          "encryption_algorithm": "AES256"}, "s3", loc)]
    return []


@pytest.fixture
def account() -> Account:
    return Account(ACCT, "corpus", "Workloads/Prod", "prod")


def _stubbed() -> tuple[Any, Stubber]:
    client = boto3.client("config", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x",
                          endpoint_url="https://config.us-east-1.amazonaws.com")
    return client, Stubber(client)


def _status(stub: Stubber, *sources: dict[str, Any]) -> None:
    """The aggregator's source status; default: the organization, synced, in us-east-1."""
    listed = list(sources) or [{"SourceId": "o-abc123defg", "SourceType": "ORGANIZATION", "AwsRegion": "us-east-1",
                                "LastUpdateStatus": "SUCCEEDED"}]
    stub.add_response("describe_configuration_aggregator_sources_status", {"AggregatedSourceStatusList": listed},
                      {"ConfigurationAggregatorName": "org"})


def _expect(stub: Stubber, resource_type: str, results: list[str], token: str | None = None,
            next_token: str | None = None) -> None:
    params: dict[str, Any] = {"Expression": query_for(resource_type), "ConfigurationAggregatorName": "org",
                              "MaxResults": 100}
    if token:
        params["NextToken"] = token
    response: dict[str, Any] = {"Results": results, "QueryInfo": {"SelectFields": []}}
    if next_token:
        response["NextToken"] = next_token
    stub.add_response("select_aggregate_resource_config", response, params)


@pytest.mark.skipif(not CI_DIR.is_dir(), reason="corpus of configuration items not present")
def test_one_query_per_type_across_pages_into_units(account: Account, catalog: Any) -> None:
    client, stub = _stubbed()
    _status(stub)
    unencrypted = _item("AWS_EC2_Volume.json", resourceId="vol-plain",
                        configuration={**json.loads(_item("AWS_EC2_Volume.json"))["configuration"],
                                       "encrypted": False})
    _expect(stub, TYPES[0], [_item("AWS_EC2_Volume.json")], next_token="p2")
    _expect(stub, TYPES[0], [unencrypted, _item("AWS_EC2_Volume.json", accountId="999999999999",
                                                resourceId="vol-other-account"),
                             _item("AWS_EC2_Volume.json", resourceId="vol-gone",
                                   configurationItemStatus="ResourceDeleted")], token="p2")
    _expect(stub, TYPES[1], [_item("AWS_S3_Bucket.json", accountId=ACCT)])  # this sample is another account
    _expect(stub, TYPES[2], [_item("AWS_EC2_SecurityGroup.json")])
    with stub:
        out = list(collect_aggregator(client, "org", [account], ["us-east-1"], load_item=stand_in_load_item,
                                      resource_types=TYPES))
    stub.assert_no_pending_responses()
    units = [u for u in out if isinstance(u, Unit)]
    assert not [n for n in out if isinstance(n, NotAssessed)]
    regional = next(u for u in units if u.region == "us-east-1")
    assert sorted(r.id for r in regional.resources) == ["mborch-test-bucket-config-item", "vol-a416b170",
                                                         "vol-plain"]
    findings = evaluate_unit(catalog, regional, dt.date(2026, 1, 15))
    failing = {(f.rule_id, f.resource.id) for f in findings if f.status is Verdict.FAIL}
    assert ("ebs-encryption", "vol-plain") in failing and ("ebs-encryption", "vol-a416b170") not in failing
    assert ("s3-bucket-encryption-kms", "mborch-test-bucket-config-item") in failing


def test_a_failed_query_leaves_every_account_not_assessed(account: Account) -> None:
    client, stub = _stubbed()
    _status(stub)
    _expect(stub, TYPES[0], [])
    stub.add_client_error("select_aggregate_resource_config", "NoSuchConfigurationAggregatorException",
                          "The configuration aggregator does not exist")
    with stub:
        out = list(collect_aggregator(client, "org", [account], ["us-east-1"], load_item=stand_in_load_item,
                                      resource_types=TYPES))
    assert out == [NotAssessed(ACCT, None, "aggregator query for AWS::S3::Bucket failed: "
                               "NoSuchConfigurationAggregatorException on SelectAggregateResourceConfig: "
                               "The configuration aggregator does not exist")]


OTHER = Account("111122223333", "payments-prod", "Workloads/Prod", "prod")


def test_regions_and_accounts_the_aggregator_does_not_cover_are_not_assessed(account: Account) -> None:
    """An uncovered region, a failed account source and an outdated one: never judged, never clean."""
    client, stub = _stubbed()
    _status(stub,
            {"SourceId": "o-abc123defg", "SourceType": "ORGANIZATION", "AwsRegion": "us-east-1",
             "LastUpdateStatus": "SUCCEEDED"},
            {"SourceId": OTHER.id, "SourceType": "ACCOUNT", "AwsRegion": "eu-west-1", "LastUpdateStatus": "FAILED",
             "LastErrorCode": "AccessDeniedException", "LastErrorMessage": "not authorized"},
            {"SourceId": ACCT, "SourceType": "ACCOUNT", "AwsRegion": "eu-central-1",
             "LastUpdateStatus": "OUTDATED"})
    for t in TYPES:
        _expect(stub, t, [])
    with stub:
        out = list(collect_aggregator(client, "org", [account, OTHER], ["us-east-1", "eu-west-1", "eu-central-1"],
                                      load_item=stand_in_load_item, resource_types=TYPES))
    gaps = sorted((n.account, n.region or "", n.reason) for n in out if isinstance(n, NotAssessed))
    assert gaps == [
        (OTHER.id, "eu-central-1", "the aggregator collects nothing from eu-central-1"),
        (OTHER.id, "eu-west-1", "aggregator source FAILED (AccessDeniedException: not authorized)"),
        (ACCT, "eu-central-1", "aggregator source OUTDATED"),
        (ACCT, "eu-west-1", "the aggregator collects nothing from eu-west-1"),
    ]
    units = sorted((u.account.id, u.region) for u in out if isinstance(u, Unit))
    assert units == sorted((a, r) for a in (ACCT, OTHER.id) for r in ("global", "us-east-1"))


def test_a_failed_source_status_leaves_every_account_not_assessed(account: Account) -> None:
    client, stub = _stubbed()
    stub.add_client_error("describe_configuration_aggregator_sources_status", "AccessDeniedException", "denied")
    with stub:
        out = list(collect_aggregator(client, "org", [account, OTHER], ["us-east-1"], load_item=stand_in_load_item,
                                      resource_types=TYPES))
    assert out == [NotAssessed(a, None, "aggregator source status failed: AccessDeniedException on "
                                        "DescribeConfigurationAggregatorSourcesStatus: denied")
                   for a in (ACCT, OTHER.id)]
