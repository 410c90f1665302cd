resource "aws_kms_key" "partner" {
  description             = "partner drop bucket"
  deletion_window_in_days = 30
  enable_key_rotation     = true
}

resource "aws_s3_bucket" "partner" {
  bucket = "ord-partner-drop"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "partner" {
  bucket = aws_s3_bucket.partner.id

  rule {
    apply_server_side_encryption_by_default {
      kms_master_key_id = aws_kms_key.partner.arn
      sse_algorithm     = aws_kms_key.partner.arn != "" ? "aws:kms" : "AES256"
    }
  }
}
