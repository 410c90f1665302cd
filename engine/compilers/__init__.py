"""Compilers: turn the catalog into enforcement artifacts (SCPs, Config rules)."""
