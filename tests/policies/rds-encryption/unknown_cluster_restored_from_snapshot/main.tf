resource "aws_rds_cluster" "ledger" {
  cluster_identifier  = "ord-ledger"
  snapshot_identifier = "arn:aws:rds:us-east-2:123456789012:cluster-snapshot:ord-ledger-2026-03-01"
  engine              = "aurora-postgresql"
  engine_version      = "16.4"

  enabled_cloudwatch_logs_exports = ["postgresql"]
  deletion_protection             = true
  copy_tags_to_snapshot           = true
  final_snapshot_identifier       = "ord-ledger-final"
}
