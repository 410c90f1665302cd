resource "aws_s3_bucket" "renders" {
  bucket = "ord-tmp-renders"
}

resource "aws_s3_bucket_versioning" "renders" {
  bucket = aws_s3_bucket.renders.id

  versioning_configuration {
    status = "Disabled"
  }
}
