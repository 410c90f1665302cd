"""Import ASFF findings into Security Hub with BatchImportFindings.

Batches of 100 (the API limit). Throttling is retried with backoff, and so are the findings the API
reports in FailedFindings (only those are resent). Idempotent: the Id is the stable fingerprint, so a
rerun updates the existing findings and never duplicates them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from engine.errors import OrdinanceError

BATCH = 100
THROTTLED = {"ThrottlingException", "TooManyRequestsException", "LimitExceededException", "Throttling"}


@dataclass
class ImportResult:
    imported: int = 0
    failed: list[dict[str, Any]] = field(default_factory=list)  # FailedFindings left after the retries
    attempts: int = 0


def _call(client: Any, batch: list[dict[str, Any]], retries: int, sleep: Callable[[float], None]) -> Any:
    from botocore.exceptions import ClientError

    for attempt in range(retries + 1):
        try:
            return client.batch_import_findings(Findings=batch)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") not in THROTTLED or attempt == retries:
                raise
            sleep(min(2.0 ** attempt * 0.5, 20.0))
    raise AssertionError("unreachable")


def import_findings(findings: list[dict[str, Any]], client: Any = None, *, retries: int = 5,
                    sleep: Callable[[float], None] = time.sleep) -> ImportResult:
    if client is None:
        import boto3  # lazy: only the Security Hub export needs it

        client = boto3.client("securityhub")
    result = ImportResult()
    for start in range(0, len(findings), BATCH):
        pending = findings[start:start + BATCH]
        for attempt in range(retries + 1):
            result.attempts += 1
            resp = _call(client, pending, retries, sleep)
            failed_ids = {f.get("Id") for f in resp.get("FailedFindings", [])}
            result.imported += len(pending) - len(failed_ids)
            if not failed_ids:
                break
            if attempt == retries:
                result.failed.extend(resp["FailedFindings"])
                break
            # Resend only what failed: the rest is already in, and resending it would just update it.
            pending = [f for f in pending if f["Id"] in failed_ids]
            sleep(min(2.0 ** attempt * 0.5, 20.0))
    return result


def caller_product(session: Any = None) -> tuple[str, str]:
    """(account, region) of the credentials in use: Security Hub's product ARN names the importing account."""
    import boto3

    session = session or boto3.session.Session()
    region = session.region_name
    if not region:
        raise OrdinanceError("--export securityhub needs a region (AWS_REGION or the profile's region)")
    account = session.client("sts").get_caller_identity()["Account"]
    return str(account), str(region)
