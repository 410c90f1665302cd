resource "aws_s3_bucket" "contracts" {
  bucket = "ord-contracts"

  tags = {
    team = "legal"
  }
}

resource "aws_s3_bucket_versioning" "contracts" {
  bucket = aws_s3_bucket.contracts.id

  versioning_configuration {
    status = "Enabled"
  }
}
