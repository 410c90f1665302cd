"""`ordinance audit`: the catalog against live accounts of an AWS Organization.

discovery (accounts, OU paths, targets) -> session (one shared session, cached clients, assumed roles)
-> collect (bounded concurrent crawl, fail closed per account/region) -> run (evaluate each unit with
the linter's evaluator) -> AuditResult (engine.audit_model). `aggregator` is the alternative collector
that reads an AWS Config aggregator instead of crawling. Nothing here imports boto3 at package import.
"""
