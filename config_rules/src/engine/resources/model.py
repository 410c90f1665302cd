"""Frozen value types shared by sources, the evaluator and the reports.

Kept free of third-party imports: the Config rule Lambda ships this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Unknown:
    """A value a source cannot know (a Terraform unknown, a CloudFormation `!GetAtt`).

    There is exactly one instance, `UNKNOWN`. It is never equal to a real value and never truthy,
    so a careless `if value:` cannot turn it into a pass.
    """

    _instance: Unknown | None = None

    def __new__(cls) -> Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:
        raise TypeError("UNKNOWN has no truth value; test `is UNKNOWN` explicitly")

    def __reduce__(self) -> str:
        return "UNKNOWN"


UNKNOWN = Unknown()


class Verdict(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "unknown"
    NOT_APPLICABLE = "not_applicable"
    WAIVED = "waived"
    ERROR = "error"


@dataclass(frozen=True)
class Location:
    """Where a resource came from: a file and line, a plan address, or an account and region."""

    file: str | None = None
    line: int | None = None
    account: str | None = None
    region: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"file": self.file, "line": self.line}
        if self.account is not None:
            out["account"] = self.account
        if self.region is not None:
            out["region"] = self.region
        return out


@dataclass(frozen=True)
class Resource:
    """One resource in canonical form.

    kind: canonical kind such as `s3.bucket`; `other` for types no rule models (still carries service).
    id: the plan address (`module.a.aws_s3_bucket.b["x"]`), CloudFormation logical id, or live id.
    native_type: `aws_s3_bucket`, `AWS::S3::Bucket`, ...
    attrs: canonical attributes; any value may be UNKNOWN.
    service: the AWS service namespace (`s3`, `eks`), for rules such as denied-services.
    meta: source facts that are not attributes (plan action, inline waivers, tags).
    """

    kind: str
    id: str
    native_type: str
    attrs: dict[str, Any]
    service: str
    location: Location = field(default_factory=Location)
    meta: dict[str, Any] = field(default_factory=dict)

    def __hash__(self) -> int:
        return hash((self.kind, self.id, self.native_type, self.location))


@dataclass(frozen=True)
class Finding:
    """The verdict of one rule on one resource, with the attribute path that decided it."""

    rule_id: str
    status: Verdict
    severity: str
    level: str  # "error" (prevent mode) or "warning" (detect mode)
    resource: Resource
    message: str
    path: str | None = None
    reason: str | None = None  # why it was waived / why it errored

    @property
    def fingerprint(self) -> str:
        """Stable identity for baselines: rule, resource id and file, never the line."""
        import hashlib

        raw = "\x1f".join((self.rule_id, self.resource.id, self.resource.location.file or ""))
        return hashlib.sha256(raw.encode()).hexdigest()[:16]
