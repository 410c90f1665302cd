resource "aws_rds_cluster" "ledger" {
  cluster_identifier = "ord-ledger"
  engine             = "aurora-postgresql"
  engine_version     = "16.4"
  database_name      = "ledger"
  storage_encrypted  = true
  kms_key_id         = "arn:aws:kms:us-east-2:123456789012:key/3b9d2c71-5e0f-4a86-b1c4-7d2e9f6a0c58"

  master_username                 = "ledger_admin"
  manage_master_user_password     = true
  enabled_cloudwatch_logs_exports = ["postgresql"]
  deletion_protection             = true
  copy_tags_to_snapshot           = true
  final_snapshot_identifier       = "ord-ledger-final"
}
