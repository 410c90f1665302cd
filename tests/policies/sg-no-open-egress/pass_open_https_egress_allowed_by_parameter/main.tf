resource "aws_security_group" "proxy" {
  name        = "egress-proxy"
  description = "Forward proxy for outbound HTTPS"
  vpc_id      = "vpc-0990dc6d"

  ingress {
    description = "Proxy clients"
    from_port   = 3128
    to_port     = 3128
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }

  egress {
    description = "HTTPS to the internet"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
