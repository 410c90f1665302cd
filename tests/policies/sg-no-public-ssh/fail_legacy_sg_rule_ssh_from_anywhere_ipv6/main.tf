resource "aws_security_group_rule" "ssh_v6" {
  type              = "ingress"
  security_group_id = "sg-0b7d2e4f6a8c01234"
  description       = "SSH over IPv6"
  protocol          = "tcp"
  from_port         = 22
  to_port           = 22
  ipv6_cidr_blocks  = ["::/0"]
}
