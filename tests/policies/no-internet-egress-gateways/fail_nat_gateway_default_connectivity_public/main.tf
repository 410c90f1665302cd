resource "aws_nat_gateway" "az_a" {
  allocation_id = "eipalloc-0e1f2a3b4c5d6e7f8"
  subnet_id     = "subnet-0c1d2e3f4a5b6c7d8"

  tags = {
    Name = "trading-nat-a"
  }
}
