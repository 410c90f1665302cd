resource "aws_vpc_security_group_egress_rule" "all_out" {
  security_group_id = "sg-0b7d2e4f6a8c01234"
  description       = "All outbound traffic"
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}
