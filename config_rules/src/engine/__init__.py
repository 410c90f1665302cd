"""ordinance: one rule catalog, every enforcement point (SCP, Config, lint, audit)."""

__version__ = "0.1.0"
