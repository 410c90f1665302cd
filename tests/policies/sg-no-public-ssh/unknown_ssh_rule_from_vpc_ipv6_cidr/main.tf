resource "aws_vpc" "main" {
  cidr_block                       = "10.20.0.0/16"
  assign_generated_ipv6_cidr_block = true
  enable_dns_hostnames             = true

  tags = {
    Name = "trading"
  }
}

resource "aws_vpc_security_group_ingress_rule" "ssh_from_vpc" {
  security_group_id = "sg-0b7d2e4f6a8c01234"
  description       = "SSH from inside the VPC"
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_ipv6         = aws_vpc.main.ipv6_cidr_block
}
