resource "aws_security_group" "app" {
  name        = "app-ssh-from-bastion"
  description = "SSH from the bastion hosts only"
  vpc_id      = "vpc-0990dc6d"

  ingress {
    description     = "SSH from bastion"
    from_port       = 22
    to_port         = 22
    protocol        = "tcp"
    security_groups = ["sg-05e1c3a7b9d2f4608"]
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
