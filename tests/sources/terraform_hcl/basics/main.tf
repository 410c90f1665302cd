variable "env" {
  default = "prod"
}

variable "instance_type" {
  # no default: set at plan time
  type = string
}

variable "encrypt" {
  default = false
}

variable "zones" {
  default = {
    a = "eu-west-1a"
    b = "eu-west-1b"
  }
}

locals {
  prefix   = "nw-${var.env}"
  computed = aws_kms_key.k.arn
  size     = 2
}

resource "aws_kms_key" "k" {}

# A literal bucket name through a local and interpolation.
resource "aws_s3_bucket" "pass_named" {
  bucket = "${local.prefix}-logs"
}

resource "aws_s3_bucket" "legacy_inline" {
  bucket = local.computed
  versioning {
    enabled = true
  }
  server_side_encryption_configuration {
    rule {
      apply_server_side_encryption_by_default {
        sse_algorithm = "aws:kms"
      }
    }
  }
}

resource "aws_instance" "unknown_type" {
  ami           = "ami-1"
  instance_type = var.instance_type
}

resource "aws_instance" "fail_burstable" {
  # ordinance:skip=ebs-encryption scratch host, wiped nightly
  ami           = "ami-1"
  instance_type = "t3.micro"
  root_block_device {
    encrypted = var.encrypt
  }
}

# ordinance:skip=no-burstable-instances
resource "aws_ebs_volume" "by_zone" {
  for_each          = var.zones
  availability_zone = each.value
  encrypted         = each.key == "a"
  tags = {
    Zone = each.key
  }
}

resource "aws_ebs_volume" "counted" {
  count             = local.size
  availability_zone = "eu-west-1a"
  encrypted         = true
}

resource "aws_ebs_volume" "uncounted" {
  count             = length(data.aws_availability_zones.all.names)
  availability_zone = "eu-west-1a"
  encrypted         = true
}

resource "aws_security_group" "dynamic_rules" {
  name = "dyn"
  dynamic "ingress" {
    for_each = var.zones
    content {
      from_port   = 22
      to_port     = 22
      protocol    = "tcp"
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
}

resource "aws_security_group" "dynamic_rules_undecided" {
  name = "dyn-undecided"
  dynamic "ingress" {
    for_each = data.aws_availability_zones.all.names
    iterator = zone
    content {
      description = zone.value
      from_port   = 22
      to_port     = 22
      protocol    = "tcp"
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
}
