locals {
  bastion_ingress = [
    { description = "SSH", port = 22, cidr = "0.0.0.0/0" },
    { description = "HTTPS", port = 443, cidr = "0.0.0.0/0" },
  ]
}

resource "aws_security_group" "bastion" {
  name        = "bastion"
  description = "Bastion host"
  vpc_id      = "vpc-0990dc6d"

  dynamic "ingress" {
    for_each = local.bastion_ingress
    content {
      description = ingress.value.description
      from_port   = ingress.value.port
      to_port     = ingress.value.port
      protocol    = "tcp"
      cidr_blocks = [ingress.value.cidr]
    }
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
