resource "aws_db_instance" "payments" {
  identifier     = "ord-payments-pg"
  engine         = "postgres"
  engine_version = "16.3"
  instance_class = "db.m7g.large"

  allocated_storage     = 100
  max_allocated_storage = 500
  storage_type          = "gp3"
  storage_encrypted     = false

  multi_az                    = true
  db_name                     = "app"
  username                    = "app_admin"
  manage_master_user_password = true
  deletion_protection         = true
  copy_tags_to_snapshot       = true
  final_snapshot_identifier   = "ord-payments-pg-final"
}
