resource "aws_security_group" "admin" {
  name        = "admin-ssh"
  description = "Administrative SSH access"
  vpc_id      = "vpc-0990dc6d"

  ingress {
    description = "SSH"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
