resource "aws_db_instance" "payments" {
  identifier     = "ord-payments-pg"
  engine         = "postgres"
  engine_version = "16.3"
  instance_class = "db.m7g.large"

  allocated_storage     = 100
  max_allocated_storage = 500
  storage_type          = "gp3"
  storage_encrypted     = true
  kms_key_id            = "arn:aws:kms:us-east-1:264683526309:key/e20f3a10-781f-4582-93d7-6dfe67cac827"

  multi_az                    = true
  db_name                     = "app"
  username                    = "app_admin"
  manage_master_user_password = true
  deletion_protection         = true
  copy_tags_to_snapshot       = true
  final_snapshot_identifier   = "ord-payments-pg-final"
}
