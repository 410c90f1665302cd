"""report.html without a browser: self-contained, escaped, and the heatmap carries the right counts."""

from __future__ import annotations

import re

from audit_sample import DARK, HOSTILE, PROD_A, F, check_heatmap, finding, make_result, parse

from engine.audit_model import Account, AuditResult, NotAssessed
from engine.reports.audit import html, markdown, render_summary
from engine.reports.audit.view import build_view


def test_self_contained_no_scripts_no_urls(result: AuditResult) -> None:
    page = html.render(build_view(result))
    p = parse(page)
    assert p.scripts == 0
    assert p.external == []
    assert "http://" not in page and "https://" not in page and "@import" not in page and "url(" not in page
    assert "Content-Security-Policy" in page  # default-src 'none': even an escaping slip could not run


def test_heatmap_counts(result: AuditResult) -> None:
    view = build_view(result)
    cells = parse(html.render(view)).cells
    check_heatmap(cells, [r.id for r in view.rules], [a.account.id for a in view.accounts])


def test_not_assessed_is_prominent_and_never_compliant(result: AuditResult) -> None:
    page = html.render(build_view(result))
    assert page.index('id="not-assessed"') < page.index('id="heatmap"')  # above the fold, before the details
    assert "Incomplete audit: 1 of 6 accounts could not be assessed" in page
    assert "AssumeRole denied: OrdinanceAuditRole (AccessDenied)" in page
    assert re.search(r'data-account="250000000006" data-total-fail', page) is None  # no zero total for it


def test_hostile_names_are_escaped() -> None:
    r = make_result([finding("s3-bucket-versioning", PROD_A, "eu-west-1", HOSTILE, F)],
                    not_assessed=[NotAssessed(DARK, None, f"denied {HOSTILE}")])
    r.accounts = [Account(PROD_A, HOSTILE, f"Work<b>loads</b>/{HOSTILE}", "prod",
                          {"owner": HOSTILE, "domain": '"><img src=x onerror=alert(1)>'}),
                  Account(DARK, "dark", "Workloads", None, {})]
    view = build_view(r)
    page = html.render(view)
    assert "<script>" not in page.lower()
    assert "<img" not in page and "<b>loads" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert parse(page).scripts == 0
    md = markdown.render(view)
    assert "<script>" not in md
    summary = render_summary(r, width=300)
    assert HOSTILE in summary  # the terminal shows the literal name; rich markup is not interpreted


def test_findings_carry_remediation_from_the_catalog(result: AuditResult, catalog) -> None:  # type: ignore[no-untyped-def]
    page = html.render(build_view(result, catalog))
    assert catalog.rules["ebs-encryption"].title in page
    from html import escape

    assert escape(catalog.rules["ebs-encryption"].remediation) in page
    # Critical and high rules are listed before medium ones.
    assert page.index('id="rule-ebs-encryption"') < page.index('id="rule-no-burstable-instances"')


def test_exemptions_and_changes_sections(result: AuditResult) -> None:
    page = html.render(build_view(result))
    assert "In force (1)" in page and "Expired (1)" in page and "DX-88" in page
    assert "No previous report" in page


def test_markdown_and_summary(result: AuditResult) -> None:
    view = build_view(result)
    md = markdown.render(view)
    assert "## Not assessed (not counted as compliant)" in md
    assert "- **legacy-reporting** (250000000006, Workloads/Prod), whole account: AssumeRole denied" in md
    assert "| `no-burstable-instances` no-burstable-instances | medium | 3 | 0 | 0 | 0 | 0 |" in md
    text = render_summary(result, width=200)
    assert "NOT ASSESSED" in text and "INCOMPLETE: 1 account(s) not assessed" in text
    assert "8 fail, 1 error, 1 unknown, 1 waived, 5 pass" in text
