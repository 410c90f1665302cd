resource "aws_vpc_security_group_ingress_rule" "ssh" {
  security_group_id = "sg-0b7d2e4f6a8c01234"
  description       = "SSH"
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_ipv4         = "0.0.0.0/0"
}
