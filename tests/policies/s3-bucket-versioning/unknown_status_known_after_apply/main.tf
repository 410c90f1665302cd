resource "aws_s3_bucket" "records" {
  bucket = "ord-records-vault"
}

resource "aws_s3_bucket_versioning" "records" {
  bucket = aws_s3_bucket.records.id

  versioning_configuration {
    # Object Lock needs versioning; follow whatever the bucket ends up with
    status = aws_s3_bucket.records.object_lock_enabled ? "Enabled" : "Suspended"
  }
}
