"""Writing reports: atomic per run, never overwriting, and diffed against the previous run."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from audit_sample import DARK, DEV, PROD_A, PROD_B, F, P, finding, make_result

from engine.audit_model import NotAssessed
from engine.errors import OrdinanceError
from engine.reports.audit import find_previous, html, stamp, write_report

DAY1 = dt.datetime(2026, 11, 20, 6, 0, 0, tzinfo=dt.UTC)
DAY2 = dt.datetime(2026, 11, 21, 6, 0, 0, tzinfo=dt.UTC)


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_writes_three_files_in_a_utc_stamped_directory(tmp_path: Path) -> None:
    out = write_report(make_result(), tmp_path / "reports")
    assert out.name == "2026-11-22T04-49-01Z"
    assert sorted(p.name for p in out.iterdir()) == ["report.html", "report.json", "report.md"]
    assert [p.name for p in (tmp_path / "reports").iterdir()] == [out.name]  # no temporary left behind


def test_stamp_converts_to_utc() -> None:
    cet = dt.timezone(dt.timedelta(hours=1))
    assert stamp(dt.datetime(2026, 11, 22, 5, 49, 1, tzinfo=cet)) == "2026-11-22T04-49-01Z"


def test_same_stamp_never_overwrites(tmp_path: Path) -> None:
    first = write_report(make_result(), tmp_path)
    before = _tree(first)
    second = write_report(make_result([]), tmp_path)
    third = write_report(make_result([]), tmp_path)
    assert (second.name, third.name) == ("2026-11-22T04-49-01Z-2", "2026-11-22T04-49-01Z-3")
    assert _tree(first) == before


def test_a_crashing_renderer_leaves_nothing_and_keeps_earlier_reports(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    earlier = write_report(make_result(started=DAY1), tmp_path)
    snapshot = _tree(tmp_path)

    def boom(view: object) -> str:
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(html, "render", boom)
    with pytest.raises(RuntimeError, match="renderer crashed"):
        write_report(make_result(started=DAY2), tmp_path)
    assert _tree(tmp_path) == snapshot  # no half report, no temporary directory
    assert [p.name for p in tmp_path.iterdir()] == [earlier.name]


def test_a_crash_on_a_fresh_directory_leaves_no_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(html, "render", lambda view: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        write_report(make_result(), tmp_path / "reports")
    assert list((tmp_path / "reports").iterdir()) == []


def test_previous_defaults_to_the_newest_earlier_report(tmp_path: Path) -> None:
    write_report(make_result([finding("s3-bucket-versioning", PROD_A, "eu-west-1", "a", F)], started=DAY1), tmp_path)
    write_report(make_result([finding("s3-bucket-versioning", PROD_A, "eu-west-1", "b", F)], started=DAY2), tmp_path)
    (tmp_path / "2026-11-21T07-00-00Z").mkdir()  # no report.json: not a report
    (tmp_path / ".tmp-2026-11-21T08-00-00Z-dead").mkdir()  # a killed run's leftover: ignored
    assert find_previous(tmp_path).name == "2026-11-21T06-00-00Z"
    assert find_previous(tmp_path, before="2026-11-20T23-59-59Z").name == "2026-11-20T06-00-00Z"
    out = write_report(make_result([], started=DAY2 + dt.timedelta(days=1)), tmp_path)
    changes = json.loads((out / "report.json").read_text())["changes"]
    assert changes["previous"] == "2026-11-21T06-00-00Z"
    assert [i["resource"] for i in changes["fixed"]] == ["b"]


def test_suffix_order_is_numeric(tmp_path: Path) -> None:
    for n in ("", "-2", "-10"):
        d = tmp_path / f"2026-11-21T06-00-00Z{n}"
        d.mkdir()
        (d / "report.json").write_text("{}")
    assert find_previous(tmp_path).name == "2026-11-21T06-00-00Z-10"


def test_diff_new_fixed_still_open_exact(tmp_path: Path) -> None:
    day1 = [
        finding("s3-bucket-versioning", PROD_A, "eu-west-1", "stays-broken", F),
        finding("s3-bucket-versioning", PROD_A, "eu-west-1", "gets-fixed", F),
        finding("s3-bucket-versioning", PROD_A, "eu-west-1", "gets-deleted", F),
        finding("no-burstable-instances", DEV, "eu-west-1", "i-moved", F),
        finding("ebs-encryption", DARK, "eu-west-1", "vol-in-dark-account", F),
    ]
    day2 = [
        finding("s3-bucket-versioning", PROD_A, "eu-west-1", "stays-broken", F),
        finding("s3-bucket-versioning", PROD_A, "eu-west-1", "gets-fixed", P),
        finding("s3-bucket-versioning", PROD_A, "eu-west-1", "new-bucket", F),
        # Same resource id, other region: a different finding (fingerprint has the region).
        finding("no-burstable-instances", DEV, "eu-central-1", "i-moved", F),
    ]
    write_report(make_result(day1, started=DAY1, not_assessed=[]), tmp_path)
    out = write_report(make_result(day2, started=DAY2,
                                   not_assessed=[NotAssessed(DARK, None, "AccessDenied")]), tmp_path)
    ch = json.loads((out / "report.json").read_text())["changes"]
    got = {k: sorted((i["resource"], i["region"]) for i in ch[k]) for k in ("new", "fixed", "still_open", "unverified")}
    assert got == {
        "new": [("i-moved", "eu-central-1"), ("new-bucket", "eu-west-1")],
        "fixed": [("gets-deleted", "eu-west-1"), ("gets-fixed", "eu-west-1"), ("i-moved", "eu-west-1")],
        "still_open": [("stays-broken", "eu-west-1")],
        "unverified": [("vol-in-dark-account", "eu-west-1")],
    }
    md = (out / "report.md").read_text()
    assert "**New: 2**" in md and "**Fixed: 3**" in md and "**Still open: 1**" in md
    page = (out / "report.html").read_text()
    assert "Not re-checked" in page


def test_explicit_previous_and_unreadable_previous(tmp_path: Path) -> None:
    first = write_report(make_result(started=DAY1), tmp_path / "a")
    out = write_report(make_result(started=DAY2), tmp_path / "b", previous=first)
    assert json.loads((out / "report.json").read_text())["changes"]["previous"] == first.name
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(OrdinanceError, match="previous report"):
        write_report(make_result(started=DAY2), tmp_path / "c", previous=bad)
    assert not (tmp_path / "c").exists() or list((tmp_path / "c").iterdir()) == []


def test_out_of_scope_regions_and_accounts_are_unverified_not_fixed(tmp_path: Path) -> None:
    day1 = [finding("ebs-encryption", PROD_A, "us-east-1", "vol-old-region", F),
            finding("s3-bucket-versioning", "299999999999", "eu-west-1", "closed-account-bucket", F)]
    write_report(make_result(day1, started=DAY1, not_assessed=[]), tmp_path)
    out = write_report(make_result([], started=DAY2, not_assessed=[]), tmp_path)
    ch = json.loads((out / "report.json").read_text())["changes"]
    assert ch["fixed"] == []
    assert sorted(i["resource"] for i in ch["unverified"]) == ["closed-account-bucket", "vol-old-region"]


def test_global_reads_decide_for_iam_and_s3_whatever_the_bucket_region(tmp_path: Path) -> None:
    """IAM and S3 are read once per account (the "global" unit); a bucket in a region outside --regions
    is still read, and a failed global read leaves its findings unverified even though the bucket's
    own region was read."""
    day1 = [finding("s3-bucket-versioning", PROD_A, "us-east-1", "bucket-outside-regions", F),
            finding("sso-only-access", PROD_A, "global", "deploy-bot", F),
            finding("s3-bucket-versioning", PROD_B, "eu-west-1", "bucket-global-read-failed", F),
            finding("sso-only-access", PROD_B, "global", "user-global-read-failed", F)]
    write_report(make_result(day1, started=DAY1, not_assessed=[]), tmp_path)
    dark_global = [NotAssessed(PROD_B, "global", "AccessDenied: s3:ListAllMyBuckets")]
    out = write_report(make_result([], started=DAY2, not_assessed=dark_global), tmp_path)
    ch = json.loads((out / "report.json").read_text())["changes"]
    assert sorted(i["resource"] for i in ch["fixed"]) == ["bucket-outside-regions", "deploy-bot"]
    assert sorted(i["resource"] for i in ch["unverified"]) == ["bucket-global-read-failed",
                                                               "user-global-read-failed"]
