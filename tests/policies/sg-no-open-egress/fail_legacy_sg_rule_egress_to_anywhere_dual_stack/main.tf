resource "aws_security_group_rule" "all_out" {
  type              = "egress"
  security_group_id = "sg-0b7d2e4f6a8c01234"
  description       = "All outbound traffic"
  protocol          = "-1"
  from_port         = 0
  to_port           = 0
  cidr_blocks       = ["0.0.0.0/0"]
  ipv6_cidr_blocks  = ["::/0"]
}
