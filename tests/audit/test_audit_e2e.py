"""End to end: a 40-account x 2-region organization in a moto server, audited through STS.

Findings are checked two ways: every account against what the seed planted (narrowed to the rules
its target enables), and a few accounts against expectations written out by hand below, so the
test does not only compare the demo's bookkeeping with itself.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest

from engine.audit.cli import exit_code
from engine.audit.run import run_audit
from engine.demo_org import SeededOrg, expected_findings, seed
from engine.resources.model import Finding, Verdict

pytestmark = pytest.mark.slow

BEFORE_DEV_EXPIRY = dt.date(2026, 1, 15)  # the dev burstable exemption runs until 2026-03-31
EU_W, EU_C = "eu-west-1", "eu-central-1"
# Kinds whose ids moto makes up: hand-written expectations name the kind instead.
_RANDOM_IDS = {"ec2.volume", "ec2.instance", "ec2.security_group", "ec2.internet_gateway",
               "ec2.egress_only_internet_gateway", "ec2.launch_template", "iam.access_key"}


@pytest.fixture(scope="module")
def org(moto_endpoint: str) -> SeededOrg:
    return seed(moto_endpoint, accounts=40)


@pytest.fixture(scope="module")
def audit(org: SeededOrg, catalog: Any) -> Any:
    return run_audit(catalog, role_name="OrganizationAccountAccessRole", today=BEFORE_DEV_EXPIRY)


def _not_passing(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.status not in (Verdict.PASS, Verdict.NOT_APPLICABLE)]


def _by_account(findings: list[Finding]) -> dict[str, set[tuple[str, str, str]]]:
    out: dict[str, set[tuple[str, str, str]]] = {}
    for f in _not_passing(findings):
        loc = f.resource.location
        out.setdefault(loc.account or "", set()).add((loc.region or "", f.rule_id, f.resource.id))
    return out


def _hand_view(findings: list[Finding], account: str) -> Counter[tuple[str, str, str, str]]:
    return Counter(
        (f.resource.location.region or "", f.rule_id,
         f.resource.kind if f.resource.kind in _RANDOM_IDS else f.resource.id, f.status.value)
        for f in _not_passing(findings) if f.resource.location.account == account)


def test_complete_and_every_account_matches_what_was_planted(org: SeededOrg, audit: Any, catalog: Any) -> None:
    assert audit.complete and audit.not_assessed == []
    assert len(audit.accounts) == 41  # 40 members + the management account
    assert audit.regions == [EU_W, EU_C]
    got = _by_account(audit.findings)
    expected = expected_findings(org, catalog)
    for acct_id, want in expected.items():
        assert got.get(acct_id, set()) == want, org.accounts[acct_id].name
    assert set(got) <= set(expected)
    assert exit_code(audit) == 1


def test_accounts_carry_ou_path_tags_and_target(org: SeededOrg, audit: Any) -> None:
    by_id = {a.id: a for a in audit.accounts}
    for seeded in org.accounts.values():
        a = by_id[seeded.id]
        assert (a.ou_path, a.target) == (seeded.ou_path, seeded.target), seeded.name
        if seeded.name != "management":
            assert a.owner == seeded.tags["owner"] and a.domain == seeded.tags["domain"]


def test_prod_account_by_hand(org: SeededOrg, audit: Any) -> None:
    a = org.by_name("prod-payments-00")
    logs = f"ord-{a.id}-logs"  # never versioned, no encryption configuration: AWS default SSE-S3
    assert _hand_view(audit.findings, a.id) == Counter({
        (EU_W, "s3-bucket-versioning", logs, "fail"): 1,
        (EU_W, "s3-bucket-encryption-kms", logs, "fail"): 1,
        (EU_W, "ebs-encryption", "ec2.volume", "fail"): 1,
        (EU_W, "rds-encryption", "ledger-0", "fail"): 1,
        (EU_W, "rds-prefer-aurora", "ledger-0", "fail"): 1,
    })
    kms = next(f for f in audit.findings if f.resource.id == logs and f.rule_id == "s3-bucket-encryption-kms")
    assert kms.resource.attrs["encryption_algorithm"] == "AES256"


def test_isolated_account_by_hand(org: SeededOrg, audit: Any) -> None:
    a = org.by_name("isolated-settlement-04")
    assert _hand_view(audit.findings, a.id) == Counter({
        (EU_W, "ebs-encryption", "ec2.volume", "fail"): 1,
        (EU_W, "sg-no-open-egress", "ec2.security_group", "fail"): 2,  # default SG and ssh-open
        (EU_W, "sg-no-public-ssh", "ec2.security_group", "fail"): 1,
        (EU_W, "no-internet-egress-gateways", "ec2.internet_gateway", "fail"): 1,
        (EU_C, "ebs-encryption", "ec2.instance", "fail"): 1,  # no block device mappings: unencrypted root
        (EU_C, "ebs-encryption", "ec2.volume", "fail"): 1,  # ... and that root volume itself
        (EU_C, "sg-no-open-egress", "ec2.security_group", "fail"): 1,
    })
    # The private NAT gateway and the egress-restricted security group are judged and pass.
    passing = {(f.resource.kind, f.status) for f in audit.findings if f.resource.location.account == a.id}
    assert ("ec2.nat_gateway", Verdict.NOT_APPLICABLE) in passing


def test_dev_account_by_hand_with_exemption_in_force(org: SeededOrg, audit: Any) -> None:
    a = org.by_name("dev-trading-03")
    logs = f"ord-{a.id}-logs"
    assert _hand_view(audit.findings, a.id) == Counter({
        (EU_W, "s3-bucket-versioning", logs, "fail"): 1,
        (EU_W, "s3-bucket-encryption-kms", logs, "fail"): 1,
        (EU_W, "no-burstable-instances", "ec2.instance", "waived"): 1,  # target-scoped exemption
        (EU_C, "ebs-encryption", "ec2.volume", "fail"): 1,
    })
    assert sorted(e.rule for e in audit.exemptions_in_force) == ["no-burstable-instances", "s3-bucket-versioning"]
    assert audit.expired_exemptions == []


def test_unplaced_accounts_are_judged_by_the_strictest_view(org: SeededOrg, audit: Any) -> None:
    a = org.by_name("sandbox-platform-05")
    view = _hand_view(audit.findings, a.id)
    assert view == Counter({
        (EU_W, "ebs-encryption", "ec2.launch_template", "fail"): 1,  # mapping without Encrypted
        (EU_W, "sg-no-open-egress", "ec2.security_group", "fail"): 1,
        (EU_W, "rds-encryption", "ledger-5", "fail"): 1,
        (EU_W, "rds-prefer-aurora", "ledger-5", "fail"): 1,
        (EU_C, "ebs-encryption", "ec2.volume", "fail"): 1,
        (EU_C, "sg-no-open-egress", "ec2.security_group", "fail"): 1,
    })
    mgmt = _hand_view(audit.findings, org.management)
    assert mgmt == Counter({(EU_W, "sg-no-open-egress", "ec2.security_group", "fail"): 1,
                            (EU_C, "sg-no-open-egress", "ec2.security_group", "fail"): 1})


def test_iam_eks_and_ebs_default(org: SeededOrg, audit: Any) -> None:
    iam = org.by_name("staging-payments-02")  # i % 8 == 2: user, key and console password
    assert _hand_view(audit.findings, iam.id)[("global", "sso-only-access", "deploy-bot/login-profile", "fail")] == 1
    eks = org.by_name("prod-trading-07")
    assert (EU_C, "denied-services", "k8s-7") in _by_account(audit.findings)[eks.id]
    # Account 26 turned on EBS encryption by default in eu-central-1: its unencrypted volume passes there.
    ebs = org.by_name("staging-payments-26")
    assert not any(f.rule_id == "ebs-encryption" and f.resource.location.region == EU_C
                   for f in _not_passing(audit.findings) if f.resource.location.account == ebs.id)
    assert any(f.rule_id == "ebs-encryption" and f.resource.location.region == EU_W
               for f in _not_passing(audit.findings) if f.resource.location.account == ebs.id)


def test_every_finding_is_located_and_api_calls_are_counted(audit: Any) -> None:
    assert all(f.resource.location.account and f.resource.location.region for f in audit.findings)
    assert audit.api_calls > 41 * 10
    assert audit.collector == "crawl"


def test_cli_audit_with_the_usual_credential_chain(org: SeededOrg, capsys: pytest.CaptureFixture[str],
                                                   tmp_path: Any) -> None:
    from engine.cli import main

    code = main(["audit", "--ous", "Workloads/Isolated", "--regions", EU_W, "--output", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 1  # complete, with blocking findings
    assert "complete;" in out and "isolated-settlement-04" in out and "prod-payments-00" not in out
