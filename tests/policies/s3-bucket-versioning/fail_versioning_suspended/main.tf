resource "aws_s3_bucket" "build_cache" {
  bucket = "ord-build-cache"
}

resource "aws_s3_bucket_versioning" "build_cache" {
  bucket = aws_s3_bucket.build_cache.id

  versioning_configuration {
    status = "Suspended"
  }
}
