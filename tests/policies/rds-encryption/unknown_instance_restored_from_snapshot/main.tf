resource "aws_db_instance" "payments" {
  identifier                = "ord-payments-pg"
  snapshot_identifier       = "arn:aws:rds:us-east-1:264683526309:snapshot:ord-payments-pg-2026-03-01"
  instance_class            = "db.m7g.large"
  storage_type              = "gp3"
  multi_az                  = true
  deletion_protection       = true
  copy_tags_to_snapshot     = true
  skip_final_snapshot       = false
  final_snapshot_identifier = "ord-payments-pg-final"
}
