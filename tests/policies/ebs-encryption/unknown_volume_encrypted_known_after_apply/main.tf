resource "aws_kms_key" "ebs" {
  description         = "app data volumes"
  enable_key_rotation = true
}

locals {
  data_kms_key_arn = aws_kms_key.ebs.arn
}

resource "aws_ebs_volume" "data" {
  availability_zone = "eu-west-1a"
  size              = 100
  type              = "gp3"
  kms_key_id        = local.data_kms_key_arn
  # encrypt whenever a customer managed key is given: unknown until the key exists
  encrypted = local.data_kms_key_arn != null

  tags = {
    Name = "app-data"
  }
}
