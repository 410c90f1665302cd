resource "aws_s3_bucket" "app_logs" {
  bucket = "ord-app-logs"

  tags = {
    team = "platform"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "app_logs" {
  bucket = aws_s3_bucket.app_logs.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}
