resource "aws_kms_key" "ledger" {
  description             = "ord-ledger storage"
  deletion_window_in_days = 30
  enable_key_rotation     = true
}

resource "aws_rds_cluster" "ledger" {
  cluster_identifier = "ord-ledger"
  engine             = "aurora-postgresql"
  engine_version     = "16.4"
  database_name      = "ledger"
  kms_key_id         = aws_kms_key.ledger.arn
  storage_encrypted  = aws_kms_key.ledger.arn != ""

  master_username                 = "ledger_admin"
  manage_master_user_password     = true
  enabled_cloudwatch_logs_exports = ["postgresql"]
  deletion_protection             = true
  copy_tags_to_snapshot           = true
  final_snapshot_identifier       = "ord-ledger-final"
}
