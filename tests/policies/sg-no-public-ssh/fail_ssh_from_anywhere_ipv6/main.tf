resource "aws_security_group" "admin" {
  name        = "admin-ssh-v6"
  description = "Administrative SSH access over IPv6"
  vpc_id      = "vpc-0990dc6d"

  ingress {
    description      = "SSH"
    from_port        = 22
    to_port          = 22
    protocol         = "tcp"
    ipv6_cidr_blocks = ["::/0"]
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
