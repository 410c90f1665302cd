# Account-wide settings: every new EBS volume in this region is encrypted.

resource "aws_ebs_encryption_by_default" "this" {
  enabled = true
}
