resource "aws_security_group" "admin" {
  name        = "admin-ssh-internal"
  description = "SSH from the corporate network"
  vpc_id      = "vpc-0990dc6d"

  ingress {
    description = "SSH from the corporate network"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
