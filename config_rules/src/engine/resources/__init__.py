"""The canonical resource model every source normalizes into and every rule reads."""

from engine.resources.model import UNKNOWN, Finding, Location, Resource, Unknown, Verdict

__all__ = ["UNKNOWN", "Finding", "Location", "Resource", "Unknown", "Verdict"]
