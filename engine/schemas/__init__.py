"""JSON Schemas shipped with ordinance (catalog, conditions, reports)."""
