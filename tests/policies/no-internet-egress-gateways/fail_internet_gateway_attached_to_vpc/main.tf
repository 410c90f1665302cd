resource "aws_internet_gateway" "main" {
  vpc_id = "vpc-0990dc6d"

  tags = {
    Name = "trading-igw"
  }
}
