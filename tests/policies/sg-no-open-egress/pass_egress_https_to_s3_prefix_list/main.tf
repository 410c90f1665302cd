resource "aws_security_group" "workers" {
  name        = "batch-workers"
  description = "Batch workers reaching S3 through the gateway endpoint"
  vpc_id      = "vpc-0990dc6d"

  ingress {
    description = "HTTPS from the VPCs"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }

  egress {
    description     = "HTTPS to the S3 gateway endpoint"
    from_port       = 443
    to_port         = 443
    protocol        = "tcp"
    prefix_list_ids = ["pl-63a5400a"]
  }
}
