resource "aws_security_group" "workers" {
  name        = "isolated-workers"
  description = "Workers with no outbound access"
  vpc_id      = "vpc-0990dc6d"

  ingress {
    description = "HTTPS from the VPCs"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }

  egress {
    description = "No outbound traffic"
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["127.0.0.1/32"]
  }
}
