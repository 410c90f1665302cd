"""Audit notifications to SNS or a webhook: summary counts and the report location, never resources.

Messages can land in chat channels and mailboxes wider than the report's audience, so the payload is
built from counts only; no resource id, account name or finding message is ever included.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Mapping
from typing import Any

from engine.errors import OrdinanceError

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}  # plain http is allowed for these only (tests, sidecars)


def message(doc: Mapping[str, Any], location: str) -> dict[str, Any]:
    summary = doc.get("summary", {})
    fails: Counter[str] = Counter(f["rule_id"] for f in doc.get("findings", []) if f["status"] == "fail")
    return {
        "tool": "ordinance", "organization": doc.get("organization"),
        "started": doc.get("run", {}).get("started"), "complete": doc.get("run", {}).get("complete"),
        "totals": dict(summary.get("by_status", {})),
        "accounts": summary.get("accounts"), "accounts_not_assessed": summary.get("accounts_not_assessed"),
        "not_assessed": len(doc.get("not_assessed", [])),
        "fail_by_rule": dict(sorted(fails.items())),
        "report": location,
        **({"console": console_url(location)} if location.startswith("s3://") else {}),
    }


def console_url(location: str) -> str:
    """s3://bucket/key -> the S3 console page of that object (an SNS e-mail cannot open an s3:// URL)."""
    bucket, _, key = location[len("s3://"):].partition("/")
    return ("https://console.aws.amazon.com/s3/object/" + urllib.parse.quote(bucket) + "?prefix="
            + urllib.parse.quote(key, safe=""))


def check_target(target: str) -> None:
    if target.startswith("sns:arn:"):
        return
    parsed = urllib.parse.urlparse(target)
    if parsed.scheme == "https" or (parsed.scheme == "http" and parsed.hostname in LOCAL_HOSTS):
        return
    raise OrdinanceError(f"--notify {target}: expected sns:<topic ARN> or an https:// webhook")


def notify(target: str, payload: Mapping[str, Any], *, timeout: float = 10.0, sns: Any = None) -> None:
    check_target(target)
    body = json.dumps(payload, sort_keys=True)
    if target.startswith("sns:"):
        arn = target[len("sns:"):]
        if sns is None:
            import boto3  # lazy: only the SNS path needs it

            sns = boto3.client("sns", region_name=arn.split(":")[3])
        verdict = "complete" if payload.get("complete") else "INCOMPLETE"
        sns.publish(TopicArn=arn, Subject=f"ordinance audit: {verdict}"[:100], Message=body)
        return
    req = urllib.request.Request(target, data=body.encode(), method="POST",
                                 headers={"Content-Type": "application/json", "User-Agent": "ordinance"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # scheme checked above
            if resp.status >= 300:
                raise OrdinanceError(f"webhook answered {resp.status}")
    except OSError as exc:
        raise OrdinanceError(f"webhook {urllib.parse.urlparse(target).hostname}: {exc}") from exc
