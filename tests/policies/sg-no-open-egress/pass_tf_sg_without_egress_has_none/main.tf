resource "aws_security_group" "api" {
  name        = "internal-api"
  description = "Internal API servers"
  vpc_id      = "vpc-0990dc6d"

  ingress {
    description = "HTTPS from the VPCs"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}
