"""The exemption expiry calendar: exemptions in force that lapse soon after the run.

Counted from the run's start date (not the clock) so a report stays deterministic. When an exemption
lapses its findings come back as failures; two weeks' notice gives the owner time to fix or renew.
"""

from __future__ import annotations

from typing import Any

from engine.reports.audit.view import AuditView, ExemptionView

HORIZON_DAYS = 14


def expiring(view: AuditView, days: int = HORIZON_DAYS) -> list[tuple[ExemptionView, int]]:
    """(exemption, days left) for in-force exemptions expiring within `days` of the run, soonest first."""
    today = view.result.started.date()
    out = [(e, (e.exemption.expires - today).days) for e in view.in_force]
    return sorted((x for x in out if 0 <= x[1] <= days),
                  key=lambda x: (x[1], x[0].exemption.rule, x[0].exemption.scope_text()))


def to_json(view: AuditView) -> list[dict[str, Any]]:
    return [{**e.exemption.to_json(), "findings": e.findings, "days_left": left} for e, left in expiring(view)]
