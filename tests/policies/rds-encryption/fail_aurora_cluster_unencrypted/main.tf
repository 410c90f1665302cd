resource "aws_rds_cluster" "ledger" {
  cluster_identifier = "ord-ledger"
  engine             = "aurora-postgresql"
  engine_version     = "16.4"
  database_name      = "ledger"
  storage_encrypted  = false

  master_username                 = "ledger_admin"
  manage_master_user_password     = true
  enabled_cloudwatch_logs_exports = ["postgresql"]
  deletion_protection             = true
  copy_tags_to_snapshot           = true
  final_snapshot_identifier       = "ord-ledger-final"
}
