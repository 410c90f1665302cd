locals {
  prefix = "nw"
}

resource "aws_s3_bucket" "build_cache" {
  bucket = "${local.prefix}-build-cache"
}

resource "aws_s3_bucket" "analytics_exports" {
  bucket_prefix = "${local.prefix}-analytics-exports-"
}
