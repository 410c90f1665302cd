resource "aws_s3_bucket" "reports" {
  bucket = "ord-legacy-reports"

  server_side_encryption_configuration {
    rule {
      apply_server_side_encryption_by_default {
        sse_algorithm = "AES256"
      }
    }
  }
}
