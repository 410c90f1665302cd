"""Which findings block a run: the one place severity thresholds, unknown handling and modes meet."""

from __future__ import annotations

from dataclasses import dataclass

from engine.catalog.model import severity_rank
from engine.resources.model import Finding, Verdict


@dataclass(frozen=True)
class Gate:
    severity_threshold: str = "low"
    unknown: str = "warn"  # fail | warn | ignore
    soft_fail: bool = False
    # Fingerprints of a --baseline: findings already recorded there are reported but do not block.
    baseline: frozenset[str] = frozenset()

    def blocks(self, f: Finding) -> bool:
        """A failing (or, with unknown=fail, undecided) finding of a prevent-mode rule at or above the threshold.

        Detect-mode rules report warnings: shown, never blocking. `error` verdicts (a rule that crashed)
        always block: a crash must not pass as clean. A finding in the baseline does not block.
        """
        if f.status is Verdict.ERROR:
            return True
        if self.baseline and f.fingerprint in self.baseline:
            return False
        if f.level != "error" or severity_rank(f.severity) < severity_rank(self.severity_threshold):
            return False
        return f.status is Verdict.FAIL or (f.status is Verdict.UNKNOWN and self.unknown == "fail")

    def in_baseline(self, f: Finding) -> bool:
        return f.status is not Verdict.ERROR and f.fingerprint in self.baseline

    def shown(self, f: Finding, include_passing: bool = False) -> bool:
        if f.status is Verdict.UNKNOWN and self.unknown == "ignore":
            return False
        if f.status in (Verdict.PASS, Verdict.NOT_APPLICABLE):
            return include_passing
        return True
