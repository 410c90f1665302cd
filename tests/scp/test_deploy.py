"""`ordinance deploy scp` against moto: dry-run diff, idempotent apply, FullAWSAccess kept, no management account."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from engine.compilers import scp_deploy
from engine.compilers.scp_deploy import DeployError


@pytest.fixture
def org() -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("organizations", region_name="us-east-1")
        client.create_organization(FeatureSet="ALL")
        root = client.list_roots()["Roots"][0]["Id"]
        client.enable_policy_type(RootId=root, PolicyType="SERVICE_CONTROL_POLICY")
        workloads = client.create_organizational_unit(ParentId=root, Name="Workloads")["OrganizationalUnit"]["Id"]
        for name in ("Prod", "Staging", "Dev", "Isolated"):
            client.create_organizational_unit(ParentId=workloads, Name=name)
        yield client


def _ou(org: Any, path: str) -> str:
    parent = org.list_roots()["Roots"][0]["Id"]
    for part in path.split("/"):
        parent = next(o["Id"] for o in org.list_organizational_units_for_parent(ParentId=parent)
                      ["OrganizationalUnits"] if o["Name"] == part)
    return parent


def _attached(org: Any, target: str) -> set[str]:
    return {p["Name"] for p in org.list_policies_for_target(TargetId=target, Filter="SERVICE_CONTROL_POLICY")
            ["Policies"]}


def test_dry_run_then_apply_is_idempotent(org: Any, compiled: dict[str, bytes]) -> None:
    changes = scp_deploy.plan(org, compiled)
    actions = [(c.action, c.policy) for c in changes]
    assert ("create", "ordinance-root-1") in actions and ("attach", "ordinance-isolated-1") in actions
    text = scp_deploy.render(changes)
    assert "create ordinance-prod-1" in text and '+  "Statement": [' in text
    assert org.list_policies(Filter="SERVICE_CONTROL_POLICY")["Policies"][0]["Name"] == "FullAWSAccess"  # dry run
    scp_deploy.apply(org, compiled)
    assert scp_deploy.plan(org, compiled) == []
    assert scp_deploy.render([]).startswith("SCPs are up to date")
    root = org.list_roots()["Roots"][0]["Id"]
    assert _attached(org, root) == {"FullAWSAccess", "ordinance-root-1"}
    assert _attached(org, _ou(org, "Workloads/Isolated")) == {"FullAWSAccess", "ordinance-isolated-1"}
    assert _attached(org, _ou(org, "Workloads/Dev")) == {"FullAWSAccess"}
    summary = next(p for p in org.list_policies(Filter="SERVICE_CONTROL_POLICY")["Policies"]
                   if p["Name"] == "ordinance-prod-1")
    content = org.describe_policy(PolicyId=summary["Id"])["Policy"]["Content"]
    assert content.encode() == compiled["prod/ordinance-prod-1.json"]


def test_drift_is_updated_with_a_diff_and_stale_policies_removed(org: Any, compiled: dict[str, bytes]) -> None:
    scp_deploy.apply(org, compiled)
    ids = {p["Name"]: p["Id"] for p in org.list_policies(Filter="SERVICE_CONTROL_POLICY")["Policies"]}
    org.update_policy(PolicyId=ids["ordinance-prod-1"], Content='{"Version":"2012-10-17","Statement":[]}')
    stale = org.create_policy(Name="ordinance-old-1", Description="d", Type="SERVICE_CONTROL_POLICY",
                              Content="{}")["Policy"]["PolicySummary"]["Id"]
    staging = _ou(org, "Workloads/Staging")
    org.attach_policy(PolicyId=stale, TargetId=staging)
    changes = scp_deploy.plan(org, compiled)
    assert [(c.action, c.policy) for c in changes] == [
        ("update", "ordinance-prod-1"), ("detach", "ordinance-old-1"), ("delete", "ordinance-old-1")]
    assert "DenyBurstableInstances" in changes[0].diff
    scp_deploy.apply(org, compiled)
    assert scp_deploy.plan(org, compiled) == []
    assert _attached(org, staging) == {"FullAWSAccess", "ordinance-staging-1"}


def test_full_aws_access_is_never_touched(org: Any, compiled: dict[str, bytes]) -> None:
    scp_deploy.apply(org, compiled)
    for target in [org.list_roots()["Roots"][0]["Id"], _ou(org, "Workloads/Prod")]:
        assert "FullAWSAccess" in _attached(org, target)
    with pytest.raises(DeployError, match="not an ordinance policy"):
        scp_deploy.apply(org, {**compiled, "manifest.json": _manifest_with(compiled, "FullAWSAccess")})


def _manifest_with(compiled: dict[str, bytes], policy: str) -> bytes:
    manifest = json.loads(compiled["manifest.json"])
    manifest["policies"][policy] = {**manifest["policies"]["ordinance-prod-1"]}
    return json.dumps(manifest).encode()


def test_refuses_the_management_account(org: Any, compiled: dict[str, bytes]) -> None:
    mgmt = org.describe_organization()["Organization"]["MasterAccountId"]
    manifest = json.loads(compiled["manifest.json"])
    manifest["targets"]["prod"]["attach_to"]["accounts"] = [mgmt]
    with pytest.raises(DeployError, match="management account"):
        scp_deploy.plan(org, {**compiled, "manifest.json": json.dumps(manifest).encode()})
    assert [p["Name"] for p in org.list_policies(Filter="SERVICE_CONTROL_POLICY")["Policies"]] == ["FullAWSAccess"]


def test_unknown_ou_is_an_error(org: Any, compiled: dict[str, bytes]) -> None:
    manifest = json.loads(compiled["manifest.json"])
    manifest["targets"]["prod"]["attach_to"]["ou"] = "Workloads/Nope"
    with pytest.raises(DeployError, match="Workloads/Nope"):
        scp_deploy.plan(org, {**compiled, "manifest.json": json.dumps(manifest).encode()})


def test_attachment_cap_is_checked_live(org: Any, compiled: dict[str, bytes]) -> None:
    prod = _ou(org, "Workloads/Prod")
    for i in range(9):
        pid = org.create_policy(Name=f"other-{i}", Description="d", Type="SERVICE_CONTROL_POLICY",
                                Content="{}")["Policy"]["PolicySummary"]["Id"]
        org.attach_policy(PolicyId=pid, TargetId=prod)
    with pytest.raises(DeployError, match=f"target {prod}: would have 11 SCPs attached, over the cap of 10 by 1"):
        scp_deploy.plan(org, compiled)
