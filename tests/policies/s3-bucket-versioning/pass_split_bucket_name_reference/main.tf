resource "aws_s3_bucket" "audit" {
  bucket = "ord-audit-trail"
}

resource "aws_s3_bucket_versioning" "audit" {
  bucket = aws_s3_bucket.audit.bucket

  versioning_configuration {
    status = "Enabled"
  }
}
