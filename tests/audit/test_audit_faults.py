"""Fail closed: faults AWS would produce, injected through botocore's own event hooks on the session
the audit uses (moto lets every role be assumed and never throttles). Nothing of ordinance is mocked."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse

from engine.audit.cli import exit_code
from engine.audit.run import run_audit
from engine.demo_org import SeededOrg, expected_findings, seed
from engine.resources.model import Finding, Verdict

EU_W, EU_C = "eu-west-1", "eu-central-1"
ROLE = "OrganizationAccountAccessRole"


class _Raw:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_: Any) -> Any:
        yield self.body


def _response(status: int, body: str, headers: dict[str, str] | None = None) -> AWSResponse:
    return AWSResponse("http://fault.invalid/", status, headers or {}, _Raw(body.encode()))


class Faults:
    """A session whose clients see injected faults, per account (found from the signing key) and region."""

    def __init__(self) -> None:
        self.session = boto3.Session(region_name="us-east-1")
        self.key_account: dict[str, str] = {}
        self.creations = 0
        ev = self.session.events
        ev.register("before-parameter-build.sts.AssumeRole", self._remember_role)
        ev.register("after-call.sts.AssumeRole", self._remember_key)
        ev.register("creating-client-class", self._count_client)

    def _remember_role(self, params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        context["test_account"] = params["RoleArn"].split(":")[4]

    def _remember_key(self, parsed: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        if "Credentials" in parsed:
            self.key_account[parsed["Credentials"]["AccessKeyId"]] = context["test_account"]

    def _count_client(self, **_: Any) -> None:
        self.creations += 1

    def scope(self, request: Any) -> tuple[str | None, str]:
        """(account, region) of a signed request: from the SigV4 credential scope."""
        auth = request.headers.get("Authorization", b"")
        auth = auth.decode() if isinstance(auth, bytes) else auth
        m = re.search(r"Credential=([^/]+)/\d+/([^/]+)/", auth)
        return (self.key_account.get(m.group(1)), m.group(2)) if m else (None, "")

    def deny_assume(self, accounts: set[str]) -> None:
        def handler(context: dict[str, Any], **_: Any) -> Any:
            account = context["test_account"]
            if account in accounts:
                return (_response(403, ""), {"Error": {"Code": "AccessDenied", "Message":
                        f"not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::{account}:role/x"}})
            return None

        self.session.events.register("before-call.sts.AssumeRole", handler)

    def on_send(self, event: str, when: Callable[[str | None, str], bool], response: Callable[[], AWSResponse],
                times: int | None = None) -> list[int]:
        hits = [0]

        def handler(request: Any, **_: Any) -> AWSResponse | None:
            account, region = self.scope(request)
            if when(account, region) and (times is None or hits[0] < times):
                hits[0] += 1
                return response()
            return None

        self.session.events.register(event, handler)
        return hits


@pytest.fixture(scope="module")
def org(moto_endpoint: str) -> SeededOrg:
    return seed(moto_endpoint, accounts=5)


def _audit(faults: Faults, catalog: Any, **kw: Any) -> Any:
    return run_audit(catalog, role_name=ROLE, session=faults.session, max_workers=4, **kw)


def _violations(findings: list[Finding]) -> dict[str, set[tuple[str, str, str]]]:
    out: dict[str, set[tuple[str, str, str]]] = {}
    for f in findings:
        if f.status not in (Verdict.PASS, Verdict.NOT_APPLICABLE):
            loc = f.resource.location
            out.setdefault(loc.account or "", set()).add((loc.region or "", f.rule_id, f.resource.id))
    return out


def test_assume_role_denied_is_not_assessed_and_exit_3(org: SeededOrg, catalog: Any) -> None:
    denied = {org.by_name("prod-payments-00").id, org.by_name("isolated-settlement-04").id}
    faults = Faults()
    faults.deny_assume(denied)
    other = org.by_name("dev-trading-03").id
    result = _audit(faults, catalog, accounts=[*denied, other])
    assert not result.complete and exit_code(result) == 3
    assert {(n.account, n.region) for n in result.not_assessed} == {(a, None) for a in denied}
    for n in result.not_assessed:
        assert n.reason.startswith("AccessDenied on AssumeRole") and "\n" not in n.reason
    assert not any(f.resource.location.account in denied for f in result.findings)
    # Everyone else is judged in full.
    expected = expected_findings(org, catalog)
    got = _violations(result.findings)
    assert got[other] == expected[other]


def test_a_throttling_burst_is_retried_and_the_audit_is_complete(org: SeededOrg, catalog: Any) -> None:
    faults = Faults()
    target = org.by_name("dev-trading-03").id
    hits = faults.on_send(
        "before-send.eks.ListClusters", lambda a, r: a == target,
        lambda: _response(400, '{"message": "Rate exceeded"}', {"x-amzn-ErrorType": "ThrottlingException"}),
        times=3)
    result = _audit(faults, catalog, accounts=[target])
    assert hits[0] == 3
    assert result.complete and result.not_assessed == [] and exit_code(result) == 1
    assert _violations(result.findings) == {target: expected_findings(org, catalog)[target]}


def test_throttling_past_the_retry_budget_is_not_assessed(org: SeededOrg, catalog: Any) -> None:
    faults = Faults()
    target = org.by_name("dev-trading-03").id
    faults.on_send("before-send.eks.ListClusters", lambda a, r: a == target and r == EU_W,
                   lambda: _response(400, '{"message": "Rate exceeded"}', {"x-amzn-ErrorType": "ThrottlingException"}))
    result = run_audit(catalog, role_name=ROLE, session=faults.session, max_attempts=2, accounts=[target])
    assert [(n.account, n.region) for n in result.not_assessed] == [(target, EU_W)]
    assert result.not_assessed[0].reason.startswith("ThrottlingException on ListClusters")
    # The half-read region is discarded, not half-counted; the other region and S3 stand.
    regions = {f.resource.location.region for f in result.findings}
    assert EU_W not in {f.resource.location.region for f in result.findings if f.resource.kind != "s3.bucket"}
    assert EU_C in regions


def test_a_region_answering_auth_failure_is_not_assessed(org: SeededOrg, catalog: Any) -> None:
    faults = Faults()
    target = org.by_name("isolated-settlement-04").id
    body = ("<Response><Errors><Error><Code>AuthFailure</Code><Message>AWS was not able to validate the "
            "provided access credentials</Message></Error></Errors><RequestID>x</RequestID></Response>")
    faults.on_send("before-send.ec2", lambda a, r: a == target and r == EU_C, lambda: _response(401, body))
    result = _audit(faults, catalog, accounts=[target])
    assert [(n.account, n.region) for n in result.not_assessed] == [(target, EU_C)]
    assert result.not_assessed[0].reason.startswith("AuthFailure on GetEbsEncryptionByDefault")
    assert exit_code(result) == 3
    mine = [f for f in result.findings if f.resource.location.account == target]
    assert not any(f.resource.location.region == EU_C for f in mine)
    assert any(f.resource.location.region == EU_W for f in mine)


def test_a_denied_global_call_marks_the_global_unit(org: SeededOrg, catalog: Any) -> None:
    faults = Faults()
    target = org.by_name("prod-payments-00").id
    body = "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>"
    faults.on_send("before-send.s3.GetBucketEncryption", lambda a, r: a == target, lambda: _response(403, body))
    result = _audit(faults, catalog, accounts=[target, "no-such-account"])
    assert {(n.account, n.region) for n in result.not_assessed} == {
        (target, "global"), ("no-such-account", None)}
    assert not any(f.resource.location.region == "global" or f.resource.kind == "s3.bucket"
                   for f in result.findings)


def test_clients_are_created_once_per_account_region_service(org: SeededOrg, catalog: Any) -> None:
    faults = Faults()
    result = _audit(faults, catalog, ous=["Workloads"])
    accounts = len(result.accounts)
    assert accounts == 5
    # organizations + sts; per account iam and s3 (+ s3 in each bucket region); ec2, rds, eks per region.
    bound = 2 + accounts * (2 + 2) + accounts * 2 * 3
    assert 0 < faults.creations <= bound
    assert result.api_calls > 3 * faults.creations  # each client serves several calls
