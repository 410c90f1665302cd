resource "aws_vpc_security_group_egress_rule" "postgres" {
  security_group_id = "sg-0b7d2e4f6a8c01234"
  description       = "PostgreSQL in the database subnets"
  ip_protocol       = "tcp"
  from_port         = 5432
  to_port           = 5432
  cidr_ipv4         = "10.30.0.0/16"
}
