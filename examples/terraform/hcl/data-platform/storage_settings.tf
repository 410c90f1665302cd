# Split S3 settings (AWS provider v4+), kept apart from the buckets they configure.

resource "aws_s3_bucket_server_side_encryption_configuration" "build_cache" {
  bucket = aws_s3_bucket.build_cache.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.platform.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_versioning" "analytics_exports" {
  bucket = aws_s3_bucket.analytics_exports.id

  versioning_configuration {
    status = "Suspended"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "analytics_exports" {
  bucket = aws_s3_bucket.analytics_exports.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
    bucket_key_enabled = true
  }
}
