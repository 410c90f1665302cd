resource "aws_rds_cluster_instance" "ledger_1" {
  identifier         = "ord-ledger-1"
  cluster_identifier = "ord-ledger"
  engine             = "aurora-postgresql"
  engine_version     = "16.4"
  instance_class     = "db.r7g.large"
}
