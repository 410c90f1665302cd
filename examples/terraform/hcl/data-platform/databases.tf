resource "aws_db_instance" "reporting" {
  allocated_storage           = 100
  engine                      = "postgres"
  engine_version              = "16.4"
  instance_class              = "db.m6g.large"
  storage_encrypted           = false
  username                    = "reporting"
  manage_master_user_password = true
}

resource "aws_rds_cluster" "events" {
  cluster_identifier          = "events"
  engine                      = "aurora-postgresql"
  engine_version              = "16.4"
  storage_encrypted           = true
  kms_key_id                  = aws_kms_key.platform.arn
  master_username             = "events"
  manage_master_user_password = true
}

resource "aws_rds_cluster_instance" "events" {
  count              = 2
  cluster_identifier = aws_rds_cluster.events.id
  engine             = aws_rds_cluster.events.engine
  instance_class     = "db.r7g.large"
}
