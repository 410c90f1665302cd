resource "aws_nat_gateway" "private" {
  connectivity_type = "private"
  subnet_id         = "subnet-0c1d2e3f4a5b6c7d8"

  tags = {
    Name = "trading-nat-private"
  }
}
