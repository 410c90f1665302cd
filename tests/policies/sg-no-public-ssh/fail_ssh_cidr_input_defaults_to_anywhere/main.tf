variable "ssh_location" {
  description = "The IP address range that can SSH to the instances"
  type        = string
  default     = "0.0.0.0/0"
}

resource "aws_security_group" "admin" {
  name        = "admin-ssh"
  description = "Administrative SSH access"
  vpc_id      = "vpc-0990dc6d"

  ingress {
    description = "SSH"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = [var.ssh_location]
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
