"""The alternative collector: read an AWS Config organization aggregator instead of crawling.

One advanced query (select_aggregate_resource_config) per resource type covers the whole organization,
so the cost grows with resource types and result pages, not with accounts x regions x services. Items
go through the Config-item source (`engine.sources.config_item.load_item`), the same normalizer the
Config rule Lambda uses, then the same evaluator.

Fail closed on what the aggregator does not cover: before the queries, the aggregator's source status
is read, and every audited (account, region) without a SUCCEEDED source (the account's own, or the
organization's for that region) is NotAssessed with the reason (FAILED or OUTDATED and its error, or
"collects nothing from <region>"), and its items are not judged. A failed query makes every audited
account NotAssessed (region None): a resource type is missing.

What it cannot see, stated rather than guessed:
- facts Config does not record as items: IAM access keys and login profiles, EBS encryption by default;
- whether a member account runs a configuration recorder in a region the aggregator covers: such an
  account/region looks empty. Pair the aggregator with a crawl before calling an account clean.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from engine.audit.collect import Unit, describe_error
from engine.audit_model import Account, NotAssessed
from engine.resources.kinds import KINDS
from engine.resources.model import Resource
from engine.sources.live import GLOBAL_REGION

# Every Config type a kind maps to, plus services that only denied-services judges.
RESOURCE_TYPES: tuple[str, ...] = tuple(sorted({t for k in KINDS.values() for t in k.config} | {"AWS::EKS::Cluster"}))

FIELDS = ("accountId, awsRegion, resourceId, resourceName, resourceType, configuration, "
          "supplementaryConfiguration, tags, configurationItemStatus, configurationItemCaptureTime, arn")
PAGE_SIZE = 100  # the API's maximum

LoadItem = Callable[[Mapping[str, Any]], list[Resource]]


def query_for(resource_type: str) -> str:
    return f"SELECT {FIELDS} WHERE resourceType = '{resource_type}'"


def _default_loader() -> LoadItem:
    module = importlib.import_module("engine.sources.config_item")
    loader: LoadItem = module.load_item
    return loader


def select_items(config: Any, aggregator: str, resource_type: str) -> Iterator[dict[str, Any]]:
    """Every result of one query, across pages; results arrive as JSON strings."""
    kwargs: dict[str, Any] = {"Expression": query_for(resource_type), "ConfigurationAggregatorName": aggregator,
                              "MaxResults": PAGE_SIZE}
    while True:
        page = config.select_aggregate_resource_config(**kwargs)
        for raw in page.get("Results") or ():
            yield json.loads(raw)
        token = page.get("NextToken")
        if not token:
            return
        kwargs["NextToken"] = token


def source_status(config: Any, aggregator: str) -> list[dict[str, Any]]:
    kwargs: dict[str, Any] = {"ConfigurationAggregatorName": aggregator}
    out: list[dict[str, Any]] = []
    while True:
        page = config.describe_configuration_aggregator_sources_status(**kwargs)
        out.extend(page.get("AggregatedSourceStatusList") or ())
        token = page.get("NextToken")
        if not token:
            return out
        kwargs["NextToken"] = token


def coverage_gaps(statuses: Sequence[Mapping[str, Any]], accounts: Sequence[Account],
                  regions: Sequence[str]) -> list[NotAssessed]:
    """(account, region) pairs no SUCCEEDED source covers, each with the reason."""
    ok: set[tuple[str, str]] = set()
    bad: dict[tuple[str, str], str] = {}
    for st in statuses:
        scope = "ORGANIZATION" if st.get("SourceType") == "ORGANIZATION" else str(st.get("SourceId"))
        key = (scope, str(st.get("AwsRegion")))
        if st.get("LastUpdateStatus") == "SUCCEEDED":
            ok.add(key)
        else:
            error = ": ".join(str(x) for x in (st.get("LastErrorCode"), st.get("LastErrorMessage")) if x)
            bad[key] = f"aggregator source {st.get('LastUpdateStatus')}" + (f" ({error})" if error else "")
    gaps = []
    for a in accounts:
        for r in regions:
            if (a.id, r) in ok or ("ORGANIZATION", r) in ok:
                continue
            reason = bad.get((a.id, r)) or bad.get(("ORGANIZATION", r)) or f"the aggregator collects nothing from {r}"
            gaps.append(NotAssessed(a.id, r, reason))
    return gaps


def collect_aggregator(config: Any, aggregator: str, accounts: Sequence[Account], regions: Sequence[str], *,
                       load_item: LoadItem | None = None,
                       resource_types: Sequence[str] = RESOURCE_TYPES) -> Iterator[Unit | NotAssessed]:
    """Units per (account, region) from the aggregator, restricted to the audited accounts and regions.

    IAM items are recorded under the region "global" (as the crawl records them); deleted and
    not-recorded items are skipped, as AWS's own rule samples do.
    """
    load = load_item or _default_loader()
    try:
        gaps = coverage_gaps(source_status(config, aggregator), accounts, regions)
    except Exception as exc:  # fail closed: without the status nothing says what the aggregator covers
        reason = f"aggregator source status failed: {describe_error(exc)}"
        for a in accounts:
            yield NotAssessed(a.id, None, reason)
        return
    yield from gaps
    dark = {(g.account, g.region) for g in gaps}
    by_id = {a.id: a for a in accounts}
    wanted_regions = {*regions, GLOBAL_REGION}
    units: dict[tuple[str, str], Unit] = {
        (a.id, r): Unit(a, r) for a in accounts for r in (GLOBAL_REGION, *regions)}
    for resource_type in resource_types:
        try:
            items = list(select_items(config, aggregator, resource_type))
        except Exception as exc:  # fail closed: without this type every account is only partly known
            reason = f"aggregator query for {resource_type} failed: {describe_error(exc)}"
            for a in accounts:
                yield NotAssessed(a.id, None, reason)
            return
        for item in items:
            account = by_id.get(str(item.get("accountId")))
            region = str(item.get("awsRegion") or GLOBAL_REGION)
            if account is None or region not in wanted_regions:
                continue
            if item.get("configurationItemStatus") in ("ResourceDeleted", "ResourceDeletedNotRecorded",
                                                       "ResourceNotRecorded"):
                continue
            # S3 buckets are regional in Config; judge them in their region's unit.
            unit = units.setdefault((account.id, region), Unit(account, region))
            unit.resources.extend(load(item))
    yield from (u for key, u in units.items() if key not in dark)
