resource "aws_s3_bucket" "exports" {
  bucket = "ord-legacy-exports"

  versioning {
    enabled = false
  }
}
