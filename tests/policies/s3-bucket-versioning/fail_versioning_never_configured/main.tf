resource "aws_s3_bucket" "scratch" {
  bucket = "ord-scratch-space"
}
