"""The rule catalog: rule definitions (policies/*.yaml) and what is enforced where (policies.yaml)."""

from engine.catalog.model import ActiveRule, Catalog, Exemption, Rule, Setting, Target

__all__ = ["ActiveRule", "Catalog", "Exemption", "Rule", "Setting", "Target"]
