resource "aws_security_group" "app" {
  name        = "dual-stack-app"
  description = "Dual-stack application servers"
  vpc_id      = "vpc-0990dc6d"

  ingress {
    description = "HTTPS from the VPCs"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }

  egress {
    description      = "HTTPS out over IPv6"
    from_port        = 443
    to_port          = 443
    protocol         = "tcp"
    ipv6_cidr_blocks = ["::/0"]
  }
}
