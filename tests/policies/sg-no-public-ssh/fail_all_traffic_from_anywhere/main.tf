resource "aws_security_group" "debug" {
  name        = "debug-open"
  description = "Temporary debugging access"
  vpc_id      = "vpc-0990dc6d"

  ingress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
