"""A small hand-built organization audit (nested OUs, owner/domain tags, every verdict, one dark account),
and the heatmap check the HTML and Chromium tests share."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser

from engine.audit_model import Account, AuditResult, NotAssessed
from engine.catalog.model import Exemption
from engine.resources.model import Finding, Location, Resource, Verdict

STARTED = dt.datetime(2026, 11, 22, 4, 49, 1, tzinfo=dt.UTC)
FINISHED = dt.datetime(2026, 11, 22, 4, 53, 40, tzinfo=dt.UTC)

PROD_A, PROD_B, STAGING, DEV, ISOLATED, DARK = (
    "210000000001", "210000000002", "220000000003", "230000000004", "240000000005", "250000000006")

ACCOUNTS = [
    Account(PROD_A, "trading-prod", "Workloads/Prod", "prod", {"owner": "trading", "domain": "markets"}),
    Account(PROD_B, "clearing-prod", "Workloads/Prod", "prod", {"owner": "clearing", "domain": "post-trade"}),
    Account(STAGING, "trading-staging", "Workloads/Staging", "staging", {"owner": "trading", "domain": "markets"}),
    Account(DEV, "sandbox-dev", "Workloads/Dev", "dev", {"owner": "dev-experience"}),
    Account(ISOLATED, "matching-engine", "Isolated", "isolated", {"owner": "trading", "domain": "markets"}),
    Account(DARK, "legacy-reporting", "Workloads/Prod", "prod", {"owner": "clearing", "domain": "post-trade"}),
]

KIND = {"s3-bucket-versioning": ("s3.bucket", "AWS::S3::Bucket", "s3"),
        "s3-bucket-encryption-kms": ("s3.bucket", "AWS::S3::Bucket", "s3"),
        "ebs-encryption": ("ec2.volume", "AWS::EC2::Volume", "ec2"),
        "no-burstable-instances": ("ec2.instance", "AWS::EC2::Instance", "ec2"),
        "sso-only-access": ("iam.user", "AWS::IAM::User", "iam"),
        "no-internet-egress-gateways": ("ec2.internet_gateway", "AWS::EC2::InternetGateway", "ec2")}
SEVERITY = {"s3-bucket-versioning": "medium", "s3-bucket-encryption-kms": "high", "ebs-encryption": "high",
            "no-burstable-instances": "medium", "sso-only-access": "high", "no-internet-egress-gateways": "critical"}


def finding(rule: str, account: str, region: str, rid: str, status: Verdict, reason: str | None = None) -> Finding:
    kind, native, service = KIND[rule]
    res = Resource(kind=kind, id=rid, native_type=native, attrs={}, service=service,
                   location=Location(account=account, region=region))
    message = "ok" if status is Verdict.PASS else f"{rule} check: {status.value}"
    return Finding(rule, status, SEVERITY[rule], "error", res, message, path="encrypted", reason=reason)


F, P, W, U, E = Verdict.FAIL, Verdict.PASS, Verdict.WAIVED, Verdict.UNKNOWN, Verdict.ERROR


def base_findings() -> list[Finding]:
    return [
        finding("s3-bucket-versioning", PROD_A, "eu-west-1", "trades-archive", F),
        finding("s3-bucket-versioning", PROD_A, "eu-west-1", "trades-raw", F),
        finding("s3-bucket-versioning", PROD_A, "eu-west-1", "build-cache-1", W, "exemption PLAT-412"),
        finding("s3-bucket-encryption-kms", PROD_A, "eu-west-1", "trades-archive", F),
        finding("s3-bucket-encryption-kms", PROD_A, "eu-west-1", "trades-raw", P),
        finding("ebs-encryption", PROD_A, "eu-central-1", "vol-0a1", P),
        finding("ebs-encryption", PROD_B, "eu-west-1", "vol-0b1", F),
        finding("ebs-encryption", PROD_B, "eu-west-1", "vol-0b2", U, "kms key policy not readable"),
        finding("sso-only-access", PROD_B, "", "ci-deployer", F),
        finding("s3-bucket-versioning", PROD_B, "eu-west-1", "clearing-reports", P),
        finding("s3-bucket-versioning", STAGING, "eu-west-1", "staging-data", P),
        finding("ebs-encryption", STAGING, "eu-west-1", "vol-0c1", E, "rule raised KeyError: 'Encrypted'"),
        finding("no-burstable-instances", DEV, "eu-west-1", "i-0dev1", F),
        finding("no-burstable-instances", DEV, "eu-west-1", "i-0dev2", F),
        finding("no-burstable-instances", DEV, "eu-west-1", "i-0dev3", F),
        finding("no-internet-egress-gateways", ISOLATED, "eu-west-1", "igw-0e1", P),
        finding("no-internet-egress-gateways", ISOLATED, "eu-west-1", "igw-0e1-na", Verdict.NOT_APPLICABLE),
    ]


IN_FORCE = Exemption(rule="s3-bucket-versioning", reason="Build cache is rebuilt on every run.",
                     owner="platform-team@northwind.example", expires=dt.date(2027, 6, 30),
                     resource="build-cache*", ticket="PLAT-412")
EXPIRED = Exemption(rule="no-burstable-instances", reason="Sandboxes run t3 until the m7g reservation lands.",
                    owner="dev-experience@northwind.example", expires=dt.date(2026, 3, 31), target="dev",
                    ticket="DX-88")


def make_result(findings: list[Finding] | None = None, started: dt.datetime = STARTED,
                not_assessed: list[NotAssessed] | None = None) -> AuditResult:
    return AuditResult(
        started=started, finished=started + (FINISHED - STARTED), accounts=list(ACCOUNTS),
        regions=["eu-west-1", "eu-central-1"],
        findings=base_findings() if findings is None else findings,
        not_assessed=[NotAssessed(DARK, None, "AssumeRole denied: OrdinanceAuditRole (AccessDenied)"),
                      NotAssessed(STAGING, "eu-central-1", "ec2:DescribeVolumes throttled after 8 retries")]
        if not_assessed is None else not_assessed,
        exemptions_in_force=[IN_FORCE], expired_exemptions=[EXPIRED], api_calls=412,
    )


def mini_catalog():  # type: ignore[no-untyped-def]
    """A hand-built catalog (titles and remediation only): the golden must not move when policies/ changes."""
    from engine.catalog.model import Catalog, Rule

    def rule(rid: str, title: str, remediation: str) -> Rule:
        return Rule(id=rid, title=title, description="", severity=SEVERITY[rid], applies_to=(KIND[rid][0],),
                    expect={}, message="", remediation=remediation)

    rules = {r.id: r for r in (
        rule("s3-bucket-versioning", "S3 buckets have versioning enabled", "Enable bucket versioning."),
        rule("s3-bucket-encryption-kms", "S3 buckets encrypt with SSE-KMS", "Set SSE-KMS as the default."),
        rule("ebs-encryption", "EBS volumes are encrypted at rest", "Encrypt the volume."),
        rule("no-burstable-instances", "No burstable instance types", "Use m7g, c7g or r7g."),
        rule("sso-only-access", "Access is through IAM Identity Center only", "Delete the IAM user."),
        rule("no-internet-egress-gateways", "No internet, NAT or egress-only gateways", "Remove the gateway."),
    )}
    return Catalog(rules=rules, defaults={}, targets={}, organization={"name": "northwind-exchange"})


# (account, rule) -> (state, fail, waived) for the shared sample; every other cell of an assessed
# account is "empty", every cell of the dark account is "na".
EXPECTED_CELLS = {
    (PROD_A, "s3-bucket-versioning"): ("fail", 2, 1),
    (PROD_A, "s3-bucket-encryption-kms"): ("fail", 1, 0),
    (PROD_A, "ebs-encryption"): ("ok", 0, 0),
    (PROD_B, "ebs-encryption"): ("fail", 1, 0),
    (PROD_B, "sso-only-access"): ("fail", 1, 0),
    (PROD_B, "s3-bucket-versioning"): ("ok", 0, 0),
    (STAGING, "s3-bucket-versioning"): ("ok", 0, 0),
    (STAGING, "ebs-encryption"): ("undecided", 0, 0),
    (DEV, "no-burstable-instances"): ("fail", 3, 0),
    (ISOLATED, "no-internet-egress-gateways"): ("ok", 0, 0),
}
HOSTILE = '<script>alert("x")</script>'


class Cells(HTMLParser):
    """Collects the heatmap cells' data attributes and every script/link/src seen."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: dict[tuple[str, str], dict[str, str]] = {}
        self.scripts = 0
        self.external: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "script":
            self.scripts += 1
        for key in ("src", "href"):
            if key in a and not a[key].startswith("#"):
                self.external.append(a[key])
        if tag == "td" and "data-rule" in a:
            self.cells[(a["data-account"], a["data-rule"])] = a


def parse(page: str) -> Cells:
    p = Cells()
    p.feed(page)
    return p


def check_heatmap(cells: dict[tuple[str, str], dict[str, str]], rules: list[str], accounts: list[str]) -> None:
    """The assertion the Chromium test repeats on the browser's DOM."""
    assert set(cells) == {(a, r) for a in accounts for r in rules}
    for (acct, rule), cell in cells.items():
        if acct == DARK:
            assert cell["data-state"] == "na" and "data-fail" not in cell
            assert cell["title"].startswith("not assessed: AssumeRole denied")
            continue
        state, fail, waived = EXPECTED_CELLS.get((acct, rule), ("empty", 0, 0))
        assert (cell["data-state"], int(cell["data-fail"]), int(cell["data-waived"])) == (state, fail, waived), \
            (acct, rule)
