resource "aws_s3_bucket" "backups" {
  bucket = "ord-legacy-backups"

  # Deprecated since AWS provider v4, still accepted
  versioning {
    enabled = true
  }
}
