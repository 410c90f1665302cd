"""What an org-wide audit produces: the contract between the collector and the audit reports."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from engine.catalog.model import Exemption
from engine.resources.model import Finding

# Services read once per account, in the unit recorded as region "global" (a bucket's finding still
# carries the bucket's own region): which unit read a finding decides whether its absence is a fix.
GLOBAL_SERVICES = frozenset({"iam", "s3"})
GLOBAL_UNIT = "global"


def read_unit(kind: str, region: str | None) -> str:
    """The unit of work that reads a resource of this kind: "global", or its region."""
    return GLOBAL_UNIT if kind.split(".", 1)[0] in GLOBAL_SERVICES else (region or GLOBAL_UNIT)


@dataclass(frozen=True)
class Account:
    id: str
    name: str
    ou_path: str  # e.g. "Workloads/Prod" (from the root, root itself excluded)
    target: str | None  # the policies.yaml target the account maps to (by OU, or by explicit account list)
    tags: dict[str, str] = field(default_factory=dict)  # owner, domain, ...
    status: str = "ACTIVE"

    @property
    def owner(self) -> str | None:
        return self.tags.get("owner")

    @property
    def domain(self) -> str | None:
        return self.tags.get("domain")


@dataclass(frozen=True)
class NotAssessed:
    """An account or account/region the audit could not read: reported, never counted as compliant."""

    account: str
    region: str | None  # None: the whole account (e.g. AssumeRole denied)
    reason: str


@dataclass
class AuditResult:
    started: dt.datetime
    finished: dt.datetime
    accounts: list[Account]
    regions: list[str]
    findings: list[Finding]  # every finding carries location.account and location.region
    not_assessed: list[NotAssessed]
    exemptions_in_force: list[Exemption]
    expired_exemptions: list[Exemption]
    api_calls: int = 0
    collector: str = "crawl"  # crawl | aggregator

    @property
    def complete(self) -> bool:
        return not self.not_assessed
