resource "aws_rds_cluster" "ledger" {
  cluster_identifier = "ord-ledger"
  engine             = "aurora-postgresql"
  engine_version     = "16.4"
  database_name      = "ledger"
  storage_encrypted  = true
  kms_key_id         = "arn:aws:kms:us-east-1:264683526309:key/e20f3a10-781f-4582-93d7-6dfe67cac827"

  master_username                 = "ledger_admin"
  manage_master_user_password     = true
  enabled_cloudwatch_logs_exports = ["postgresql"]
  deletion_protection             = true
  copy_tags_to_snapshot           = true
  final_snapshot_identifier       = "ord-ledger-final"
}

resource "aws_rds_cluster_instance" "ledger_1" {
  identifier         = "ord-ledger-1"
  cluster_identifier = aws_rds_cluster.ledger.id
  engine             = aws_rds_cluster.ledger.engine
  engine_version     = aws_rds_cluster.ledger.engine_version
  instance_class     = "db.r7g.large"
}
