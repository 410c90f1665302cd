# A satellite in another file of the same directory.
resource "aws_s3_bucket_versioning" "pass_named" {
  bucket = aws_s3_bucket.pass_named.id
  versioning_configuration {
    status = "Enabled"
  }
}
