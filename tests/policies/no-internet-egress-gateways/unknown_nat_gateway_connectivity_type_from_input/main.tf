variable "nat_connectivity_type" {
  description = "public or private"
  type        = string

  validation {
    condition     = contains(["public", "private"], var.nat_connectivity_type)
    error_message = "Must be public or private."
  }
}

resource "aws_nat_gateway" "az_a" {
  connectivity_type = var.nat_connectivity_type
  subnet_id         = "subnet-0c1d2e3f4a5b6c7d8"

  tags = {
    Name = "trading-nat-a"
  }
}
