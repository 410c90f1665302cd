"""Audit reports on S3: <prefix>/reports/<UTC stamp>/report.{json,md,html} and <prefix>/latest/.

S3 has no rename, so atomicity comes from ordering: the run's three objects are uploaded first, then
copied to latest/, and latest/manifest.json is written last. A reader that follows the manifest never
sees a half-written run, and a failed upload leaves the manifest naming the previous complete run.
The trend reads the report.json of up to nine earlier complete runs (all three files present), so a
failed upload never shows as a run. Encryption is left to the bucket default (SSE-KMS where the
bucket says so).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from engine.audit_model import AuditResult
from engine.catalog.model import Catalog
from engine.errors import OrdinanceError
from engine.reports.audit.history import RUNS

CONTENT_TYPES = {"report.json": "application/json", "report.md": "text/markdown; charset=utf-8",
                 "report.html": "text/html; charset=utf-8"}
ORDER = ("report.json", "report.md", "report.html")
MANIFEST = "latest/manifest.json"


def parse_url(url: str) -> tuple[str, str]:
    """s3://bucket/some/prefix -> ("bucket", "some/prefix") (no trailing slash; may be empty)."""
    if not url.startswith("s3://"):
        raise OrdinanceError(f"not an s3:// URL: {url}")
    bucket, _, prefix = url[len("s3://"):].partition("/")
    if not bucket:
        raise OrdinanceError(f"no bucket in {url}")
    return bucket, prefix.strip("/")


def _key(prefix: str, rel: str) -> str:
    return f"{prefix}/{rel}" if prefix else rel


def _client(client: Any) -> Any:
    if client is not None:
        return client
    import boto3  # lazy: only S3 output needs it

    return boto3.client("s3")


def _get_json(s3: Any, bucket: str, key: str) -> Mapping[str, Any] | None:
    from botocore.exceptions import ClientError

    try:
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound"):
            return None
        raise
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise OrdinanceError(f"s3://{bucket}/{key} is not JSON: {exc}") from exc
    return data if isinstance(data, dict) else None


def load_previous(s3: Any, bucket: str, prefix: str) -> tuple[str, Mapping[str, Any]] | None:
    """The report the latest manifest names, as (its stamp, its report.json), or None on a first run."""
    manifest = _get_json(s3, bucket, _key(prefix, MANIFEST))
    if not manifest or not manifest.get("timestamp"):
        return None
    name = str(manifest["timestamp"])
    doc = _get_json(s3, bucket, _key(prefix, f"reports/{name}/report.json"))
    if doc is None:
        raise OrdinanceError(f"latest manifest names {name} but its report.json is missing")
    return name, doc


def _exists(s3: Any, bucket: str, key: str) -> bool:
    from botocore.exceptions import ClientError

    try:
        s3.head_object(Bucket=bucket, Key=key)
        return True
    except ClientError:
        return False


def _free_name(s3: Any, bucket: str, prefix: str, name: str) -> str:
    """name, name-2, ...: an earlier run's report is never overwritten."""
    n = 1
    while True:
        candidate = name if n == 1 else f"{name}-{n}"
        if not _exists(s3, bucket, _key(prefix, f"reports/{candidate}/report.json")):
            return candidate
        n += 1


def _complete_runs(s3: Any, bucket: str, prefix: str) -> list[str]:
    """Names of the run directories under reports/ holding all three files (a failed upload is skipped)."""
    from engine.reports.audit import _order

    base = _key(prefix, "reports/")
    files: dict[str, set[str]] = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=base):
        for obj in page.get("Contents", []):
            run, _, file = obj["Key"][len(base):].partition("/")
            files.setdefault(run, set()).add(file)
    done = [run for run, have in files.items() if _order(run) and set(ORDER) <= have]
    return sorted(done, key=lambda run: _order(run) or ("", 0))


def earlier_runs(s3: Any, bucket: str, prefix: str, before: str,
                 limit: int = RUNS - 1) -> list[tuple[str, Mapping[str, Any]]]:
    """Up to `limit` complete earlier runs' report.json, oldest first, for the trend; unreadable ones skipped."""
    from engine.reports.audit import _order

    cutoff = _order(before) or (before, 1)
    names = [n for n in _complete_runs(s3, bucket, prefix) if (_order(n) or ("", 0)) < cutoff]
    out: list[tuple[str, Mapping[str, Any]]] = []
    for name in names[-limit:]:
        try:
            doc = _get_json(s3, bucket, _key(prefix, f"reports/{name}/report.json"))
        except OrdinanceError:
            continue  # a damaged old report must not stop today's
        if doc is not None:
            out.append((name, doc))
    return out


def put_files(url: str, files: Mapping[str, bytes], content_type: str, *, client: Any = None) -> list[str]:
    """Upload name -> bytes under s3://bucket/prefix/; returns the s3:// URLs written, in name order."""
    s3 = _client(client)
    bucket, prefix = parse_url(url)
    written = []
    for name in sorted(files):
        key = _key(prefix, name)
        s3.put_object(Bucket=bucket, Key=key, Body=files[name], ContentType=content_type)
        written.append(f"s3://{bucket}/{key}")
    return written


def write_report_s3(result: AuditResult, url: str, *, catalog: Catalog | None = None,
                    client: Any = None) -> str:
    """Upload the run's report and then advance latest/; returns the s3:// URL of the run's directory."""
    from engine.reports.audit import _history, _render_all, stamp
    from engine.reports.audit.view import build_view

    s3 = _client(client)
    bucket, prefix = parse_url(url)
    previous = load_previous(s3, bucket, prefix)
    view = build_view(result, catalog, previous)
    name = _free_name(s3, bucket, prefix, stamp(result.started))
    view.history = _history(view, name, earlier_runs(s3, bucket, prefix, before=name))
    files = _render_all(view)
    run_dir = _key(prefix, f"reports/{name}")
    for file in ORDER:
        s3.put_object(Bucket=bucket, Key=f"{run_dir}/{file}", Body=files[file], ContentType=CONTENT_TYPES[file])
    # Only now is the run complete: copy it to latest/, then point the manifest at it.
    for file in ORDER:
        s3.copy_object(Bucket=bucket, Key=_key(prefix, f"latest/{file}"),
                       CopySource={"Bucket": bucket, "Key": f"{run_dir}/{file}"},
                       ContentType=CONTENT_TYPES[file], MetadataDirective="REPLACE")
    manifest = {"timestamp": name, "report": f"reports/{name}/report.json",
                "written": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "files": list(ORDER)}
    s3.put_object(Bucket=bucket, Key=_key(prefix, MANIFEST), Body=json.dumps(manifest, indent=2).encode(),
                  ContentType="application/json")
    return f"s3://{bucket}/{run_dir}/"
