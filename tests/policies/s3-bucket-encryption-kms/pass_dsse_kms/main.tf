resource "aws_s3_bucket" "exports" {
  bucket = "ord-regulated-exports"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "exports" {
  bucket = aws_s3_bucket.exports.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms:dsse"
      kms_master_key_id = "arn:aws:kms:us-east-1:934654633380:key/5f3c1a9e-8d2b-4c7e-9a61-2b7d0e4f8c13"
    }
  }
}
