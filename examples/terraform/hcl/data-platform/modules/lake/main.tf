variable "region" {
  type        = string
  description = "Short region name, part of the bucket name."
}

resource "aws_kms_key" "lake" {
  deletion_window_in_days = 30
  enable_key_rotation     = true
}

resource "aws_s3_bucket" "raw" {
  bucket = "nw-lake-raw-${var.region}"
}

resource "aws_s3_bucket_versioning" "raw" {
  bucket = aws_s3_bucket.raw.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "raw" {
  bucket = aws_s3_bucket.raw.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.lake.arn
    }
    bucket_key_enabled = true
  }
}
