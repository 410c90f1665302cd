# The data platform: a lake per region, shared buckets, databases and batch compute.

module "lake" {
  source   = "./modules/lake"
  for_each = toset(var.regions)

  region = each.key
}

resource "aws_kms_key" "platform" {
  deletion_window_in_days = 30
  enable_key_rotation     = true
}

resource "aws_eks_cluster" "analytics" {
  name     = "analytics"
  version  = "1.31"
  role_arn = aws_iam_role.eks.arn
}
