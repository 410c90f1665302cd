module "buckets" {
  source = "./child"
  count  = 2
  name   = "data-${count.index}"
}

module "remote" {
  source = "terraform-aws-modules/s3-bucket/aws"
}

module "unknown_name" {
  source = "./child"
  name   = aws_kms_key.k.id
}
